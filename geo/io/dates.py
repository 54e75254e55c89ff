"""Incident dates as datasets and analysts' sheets write them, normalised to ISO with their precision kept
(``YYYY-MM-DD`` a day, ``YYYY-MM`` a month, ``YYYY`` a year), and the span of days an ISO date covers.

The rules, cheapest first (a value is read once per process and cached: files of 10^6 rows repeat their dates):

- ISO dates, ``YYYYMMDD`` (GDELT), ``YYYY/MM/DD``, ``YYYY-MM``, ``MM/YYYY`` and ``YYYY`` as written. A datetime keeps
  its day as written: the time (``T00:00:00Z``, ``12:00:00 AM``) is dropped, never shifted across a time zone.
- ``D.M.Y`` with dots is day first, the German and Russian convention: ``03.05.2024`` is 3 May 2024.
- ``A/B/YYYY`` (or ``A-B-YYYY``): a number over 12 is the day. When both are 12 or less, the file's column decides
  (:func:`column_order`: day-first if any of its slash dates has a first number over 12, month-first if any has a
  second one over 12), else the dataset's schema (UCDP's CSV export writes M/D/Y), else the date is ambiguous and
  reported with both readings, never guessed. A column holding both kinds reports its undecided dates.
- Month names in any language dateparser knows ("22 June 2025", "5. März 2024", "5 марта 2024 г.", "Juni 2025"),
  from dateparser's own language data: the common layouts directly, the rest by dateparser in the languages whose
  month names the text has (absolute dates only, the year required: "yesterday" or "5 March" is no date in a dataset).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

#: A time of day after a date: dropped, the day kept as written.
_TIME = r"(?:[T ]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:Z|UTC|GMT|[+-][0-9]{2}:?[0-9]{2})?)?"
_YEAR = re.compile(r"[0-9]{4}")
_YEAR_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})|([0-9]{1,2})[/.]([0-9]{4})")
_YMD = re.compile(rf"([0-9]{{4}})([-/.])([0-9]{{1,2}})\2([0-9]{{1,2}}){_TIME}")
_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})(?:[0-9]{6})?")  # GDELT: YYYYMMDD, YYYYMMDDHHMMSS
_DOTTED = re.compile(rf"([0-9]{{1,2}})\.([0-9]{{1,2}})\.([0-9]{{4}}){_TIME}")
_SLASHED = re.compile(rf"([0-9]{{1,2}})([/-])([0-9]{{1,2}})\2([0-9]{{4}}){_TIME}")
#: Any numeric day-month-year: text holding one goes by the rules above, never to dateparser (which would guess the order).
_NUMERIC_DATE = re.compile(r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}")
_HAS_YEAR = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")
_WORD = re.compile(r"[^\W\d_]+")
_MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")
#: Dates written with a month name the common ways (day month year, month day year, month year): read with the
#: month names of dateparser's languages directly; anything else with a month name goes to dateparser itself.
_NAMED = (
    re.compile(r"(?P<d>[0-9]{1,2})(?:\.|st|nd|rd|th)?[\s-]+(?P<m>[^\W\d_]{3,})\.?,?[\s-]+(?P<y>[0-9]{4})"),
    re.compile(r"(?P<m>[^\W\d_]{3,})\.?\s+(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>[0-9]{4})"),
    re.compile(r"(?P<m>[^\W\d_]{3,})\.?,?\s+(?P<y>[0-9]{4})"),
)
#: dateparser: absolute dates only ("yesterday" is no date in a dataset), and a year must be written.
_DATEPARSER_SETTINGS = {"PARSERS": ["custom-formats", "absolute-time"], "REQUIRE_PARTS": ["year"]}
#: Distinct date texts remembered.
CACHE_SIZE = 1 << 16


class SlashOrder(StrEnum):
    """How a column writes ``A/B/YYYY`` dates whose numbers are both 12 or less."""

    DMY = "D/M/Y"
    MDY = "M/D/Y"
    MIXED = "mixed"  # the column has both kinds: its undecided dates stay ambiguous


def slash_numbers(text: str) -> tuple[int, int] | None:
    """The two leading numbers of a ``A/B/YYYY`` date (with or without a time), or None for any other text."""
    match = _SLASHED.fullmatch(text.strip())
    return (int(match.group(1)), int(match.group(3))) if match else None


@dataclass(frozen=True)
class SlashEvidence:
    """What a column's decided slash dates show: some are day-first (first number over 12), some month-first.
    Evidence from parts of a column (partitions of one file) merges with ``|``."""

    day_first: bool = False
    month_first: bool = False

    def __or__(self, other: SlashEvidence) -> SlashEvidence:
        return SlashEvidence(self.day_first or other.day_first, self.month_first or other.month_first)

    def order(self, default: SlashOrder | None = None) -> SlashOrder | None:
        """Both kinds: MIXED; one kind: that order; neither: ``default`` (the dataset's schema), else None."""
        if self.day_first and self.month_first:
            return SlashOrder.MIXED
        return SlashOrder.DMY if self.day_first else SlashOrder.MDY if self.month_first else default


def slash_evidence(values: Iterable[object]) -> SlashEvidence:
    """The day-first/month-first evidence in a column's values (each distinct date looked at once)."""
    day_first = month_first = False
    for numbers in map(slash_numbers, {v for v in values if isinstance(v, str)}):
        if numbers is not None:
            day_first |= numbers[0] > 12 >= numbers[1]
            month_first |= numbers[1] > 12 >= numbers[0]
    return SlashEvidence(day_first, month_first)


def column_order(values: Iterable[object], default: SlashOrder | None = None) -> SlashOrder | None:
    """The order a column's undecided slash dates are read in: what its decided ones show (a first number over 12
    is day-first, a second one month-first; both kinds: MIXED), else ``default`` (the dataset's schema), else None."""
    return slash_evidence(values).order(default)


@lru_cache(maxsize=CACHE_SIZE)
def normalise_date(value: str, order: SlashOrder | None = None) -> tuple[str | None, str | None]:
    """(ISO date, None), or (None, why it was not understood); ``order`` reads undecided slash dates (see module)."""
    text = " ".join(value.split())
    if _YEAR.fullmatch(text):
        return text, None
    if match := _YEAR_MONTH.fullmatch(text):
        year, month = (int(match.group(1)), int(match.group(2))) if match.group(1) else (int(match.group(4)), int(match.group(3)))
        return (f"{year:04d}-{month:02d}", None) if 1 <= month <= 12 else (None, _unknown(value))
    if match := _YMD.fullmatch(text):
        return _day(value, int(match.group(1)), int(match.group(3)), int(match.group(4)))
    if match := _COMPACT.fullmatch(text):
        return _day(value, int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _DOTTED.fullmatch(text):
        return _day(value, int(match.group(3)), int(match.group(2)), int(match.group(1)))
    if match := _SLASHED.fullmatch(text):
        return _slashed(value, int(match.group(1)), int(match.group(3)), int(match.group(4)), order)
    if _NUMERIC_DATE.search(text) or not _HAS_YEAR.search(text):
        return None, _unknown(value)
    return _named(value, text)


def _day(value: str, year: int, month: int, day: int) -> tuple[str | None, str | None]:
    """(``YYYY-MM-DD``, None), or (None, why) for a day that does not exist (31/02, month 13)."""
    try:
        return dt.date(year, month, day).isoformat(), None
    except ValueError:
        return None, _unknown(value)


def _slashed(value: str, a: int, b: int, year: int, order: SlashOrder | None) -> tuple[str | None, str | None]:
    """A ``A/B/YYYY`` date: a number over 12 is the day; else ``order`` decides, or the date is reported ambiguous."""
    if a > 12 or b > 12 or not (a and b):
        return _day(value, year, b, a) if a > 12 else _day(value, year, a, b)
    if order == SlashOrder.DMY:
        return _day(value, year, b, a)
    if order == SlashOrder.MDY:
        return _day(value, year, a, b)
    if a == b:
        return _day(value, year, a, b)  # 03/03: both readings are the same day
    why = "its column has both day-first and month-first dates" if order == SlashOrder.MIXED else "nothing in its column decides it"
    readings = f"{dt.date(year, b, a).isoformat()} (day first) or {dt.date(year, a, b).isoformat()} (month first)"
    return None, f"{value!r} is ambiguous (day/month order: {why}); write it as {readings}, or day first with dots ({a:02d}.{b:02d}.{year})"


def _named(value: str, text: str) -> tuple[str | None, str | None]:
    """A date written with a month name in any language dateparser knows: the common layouts directly (a name is read
    in English when English has it, else when every language that writes it means the same month), the rest by dateparser."""
    index = _month_index()
    for pattern in _NAMED:
        if match := pattern.fullmatch(text):
            months = index.get(match["m"].casefold(), {})
            month = months.get("en") or (next(iter(months.values())) if len(set(months.values())) == 1 else None)
            if month and match.groupdict().get("d"):
                return _day(value, int(match["y"]), month, int(match["d"]))
            if month:
                return f"{match['y']}-{month:02d}", None
            break
    languages = sorted({language for word in _WORD.findall(text.casefold()) for language in index.get(word, ())})
    data = _dateparser(tuple(languages)).get_date_data(text) if languages else None
    if data is None or data.date_obj is None or data.period not in ("day", "month", "year"):
        return None, _unknown(value)
    return data.date_obj.strftime({"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[data.period]), None


@lru_cache(maxsize=1)
def _month_index() -> dict[str, dict[str, int]]:
    """{word of a month name or abbreviation: {dateparser language: month number}}, over every language it knows."""
    from dateparser.languages.loader import default_loader

    index: dict[str, dict[str, int]] = {}
    for locale in default_loader.get_locales():
        for number, key in enumerate(_MONTH_KEYS, 1):
            for word in (word for name in locale.info.get(key, []) for word in _WORD.findall(name.casefold())):
                index.setdefault(word, {}).setdefault(locale.shortname, number)
    return index


@lru_cache(maxsize=64)
def _dateparser(languages: tuple[str, ...]):
    """A dateparser for the languages whose month names a text has (trying every language it knows takes seconds)."""
    from dateparser.date import DateDataParser

    return DateDataParser(languages=list(languages), settings=_DATEPARSER_SETTINGS, try_previous_locales=True)


def _unknown(value: str) -> str:
    """Why a value is not a date incmap reads."""
    return f"{value!r} is not a date incmap understands; use YYYY-MM-DD, YYYY-MM or YYYY"


def date_range(value: object) -> tuple[dt.date, dt.date] | None:
    """The span a record's date covers: a day, a month (YYYY-MM) or a year (YYYY); None if unusable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()[:10]
    try:
        if len(text) == 4:
            year = int(text)
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if len(text) == 7:
            year, month = int(text[:4]), int(text[5:7])
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        day = dt.date.fromisoformat(text)
        return day, day
    except ValueError:
        return None
