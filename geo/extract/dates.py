"""Dates in news text: the article's own date (its dateline) and the dates of the events it reports, with a precision.

Month and weekday names come from dateparser's language data (English, German, Russian and the rest it
knows), never from tables typed here. Found: "22 June 2025", "June 22, 2025", "29. Juli", "21 ноября",
ranges ("On June 19 and 20", "19-20 June"), "December 2024", ISO and D.M.Y dates, "in 2023", weekdays
("am Samstag": the last such day up to the dateline) and "yesterday"/"gestern"/"вчера". A date without
a year takes the dateline's year, or the year before when that would put it after the dateline.

Precision follows UCDP's ``date_prec``: 1 the day, 2 a span of two to six days, 3 the week, 4 the month,
5 the year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

#: UCDP date_prec codes and their labels.
DAY, SPAN, WEEK, MONTH, YEAR = 1, 2, 3, 4, 5
PRECISION_LABELS = {DAY: "day", SPAN: "days", WEEK: "week", MONTH: "month", YEAR: "year"}
_MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")
_WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Patterns made of digits only (tried over the whole text); the others are tried around a month or weekday word.
NUMERIC_KINDS = frozenset({"iso", "dmy", "in y"})
#: Characters around a month or weekday word that a date written with it can span.
WINDOW = 40
_WORD_RE = re.compile(r"[^\W\d_]+")
#: How many leading content lines are searched for the dateline, and how far into a line it may start.
DATELINE_LINES, DATELINE_COLUMN = 4, 60
#: A wire dateline's place before its date: "Oral, 22 June 2025 - ...", "KYIV, March 3 (Reuters) -".
WIRE_PLACE = re.compile(r"[A-ZÄÖÜА-ЯЁ][^\n,.]{0,40},\s*")
#: A dateline line is this short (words); in a longer line the date must open it.
DATELINE_WORDS = 12


@dataclass(frozen=True)
class FoundDate:
    """A date found in text: its first day, last day, precision and where it was written."""

    start: dt.date
    end: dt.date
    precision: int
    text: str
    offset: int  # character offset of ``text`` in the string searched

    @property
    def label(self) -> str:
        return PRECISION_LABELS[self.precision]


@dataclass(frozen=True)
class _Names:
    """Month and weekday words of one language, and the regexes built from them."""

    months: dict[str, int]
    weekdays: dict[str, int]
    yesterday: tuple[str, ...]
    patterns: tuple[tuple[str, re.Pattern], ...]


@lru_cache(maxsize=16)
def _names(lang: str) -> _Names:
    """Month, weekday and "yesterday" words from dateparser's locale data, with English always included."""
    from dateparser.languages.loader import default_loader

    months: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    yesterday: list[str] = []
    for code in dict.fromkeys((lang, "en")):
        try:
            info = default_loader.get_locale(code).info
        except (KeyError, ValueError):
            continue
        for number, key in enumerate(_MONTH_KEYS, 1):
            for word in info.get(key, []):
                if len(word) >= 3:
                    months.setdefault(word.lower().rstrip("."), number)
        for number, key in enumerate(_WEEKDAY_KEYS):
            for word in info.get(key, []):
                if len(word) >= 4:
                    weekdays.setdefault(word.lower(), number)
        yesterday += [w.lower() for w in info.get("relative-type", {}).get("1 day ago", [])]
    month = "|".join(sorted(map(re.escape, months), key=len, reverse=True))
    weekday = "|".join(sorted(map(re.escape, weekdays), key=len, reverse=True))
    day, year = r"(?P<d1>[0-3]?\d)", r"(?P<y>(?:19|20)\d\d)"
    day2 = r"(?P<d2>[0-3]?\d)"
    joiner = r"\s*(?:-|–|—|and|und|и|bis|to|till|until|по)\s*"
    m = rf"(?P<m>{month})\b\.?"
    patterns = (
        ("weekday d m", re.compile(rf"\b(?P<w>{weekday}),?\s+(?:the\s+|den\s+)?{day}\.?\s+(?:of\s+)?{m}(?!\.?,?\s+(?:19|20)\d\d)", re.IGNORECASE) if weekday else None),
        ("weekday m d", re.compile(rf"\b(?P<w>{weekday}),?\s+{m}\s+{day}(?:st|nd|rd|th)?\b(?!,?\s+(?:19|20)\d\d)", re.IGNORECASE) if weekday else None),
        ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<mn>[01]\d)-(?P<d1>[0-3]\d)\b")),
        ("dmy", re.compile(r"\b(?P<d1>[0-3]?\d)\.(?P<mn>[01]?\d)\.(?P<y>(?:19|20)\d\d)\b")),
        ("d-d m y", re.compile(rf"\b{day}\.?{joiner}{day2}\.?\s+{m}(?:,?\s+{year})?\b", re.IGNORECASE)),
        ("m d-d y", re.compile(rf"\b{m}\s+{day}(?:st|nd|rd|th)?{joiner}{day2}(?:st|nd|rd|th)?(?:,?\s+{year})?\b", re.IGNORECASE)),
        ("d m y", re.compile(rf"\b{day}\.?\s+(?:of\s+)?{m}(?:,?\s+{year})?\b", re.IGNORECASE)),
        ("m d y", re.compile(rf"\b{m}\s+{day}(?:st|nd|rd|th)?\b(?:,?\s+{year})?", re.IGNORECASE)),
        ("m y", re.compile(rf"\b{m}\s+(?:of\s+)?{year}\b", re.IGNORECASE)),
        ("in y", re.compile(r"\b(?:in|im jahr|im jahre|in the year|в|во)\s+(?P<y>(?:19|20)\d\d)\b(?!\s*[-–]\w)", re.IGNORECASE)),
        ("weekday", re.compile(rf"\b(?:on|last|am|vergangenen|letzten|в|во)\s+(?P<w>{weekday})\b", re.IGNORECASE) if weekday else None),
        ("yesterday", re.compile(r"\b(?P<yd>" + "|".join(map(re.escape, yesterday)) + r")\b", re.IGNORECASE) if yesterday else None),
    )
    return _Names(months, weekdays, tuple(yesterday), tuple((k, p) for k, p in patterns if p is not None))


def find_dates(text: str, lang: str, reference: dt.date | None = None) -> list[FoundDate]:
    """Every date written in ``text``, in text order; dates without a year need ``reference`` (the dateline).

    The patterns with names in them are only tried around the month, weekday and "yesterday" words the text
    has (most sentences have none): one dictionary pass over the words instead of a dozen regex scans."""
    names = _names(lang)
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    windows = [(max(0, m.start() - WINDOW), m.end() + WINDOW) for m in _WORD_RE.finditer(text) if _is_date_word(m.group(), names)]
    windows = _merged(windows)
    has_digit = any(ch.isdigit() for ch in text)
    for kind, pattern in names.patterns:
        if kind in NUMERIC_KINDS:
            spans = [(0, len(text))] if has_digit else []
        else:
            spans = windows if (has_digit or kind in ("weekday", "yesterday")) else []
        for lo, hi in spans:
            for m in pattern.finditer(text, lo, min(hi, len(text))):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                date = _build(kind, m, names, reference)
                if date is not None:
                    found.append(date)
                    taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.offset)


def _is_date_word(word: str, names: _Names) -> bool:
    lower = word.lower()
    return lower in names.months or lower in names.weekdays or lower in names.yesterday


def _merged(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(windows):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def dateline(text: str, lines: list[tuple[int, int]], lang: str) -> FoundDate | None:
    """The article's own date: a date of one day, written with its year, opening one of its first lines, after a
    wire dateline's place, or in a short line of its own ("22 June 2025 09:38", "Oral, 22 June 2025 - ...",
    "STANISLAV POHORILOV Friday, 22 November 2024, 10:20")."""
    for start, end in lines[:DATELINE_LINES]:
        short = len(text[start:end].split()) <= DATELINE_WORDS
        for date in find_dates(text[start : min(end, start + DATELINE_COLUMN + WINDOW)], lang):
            before = text[start : start + date.offset]
            at_start = (date.offset <= DATELINE_COLUMN if short else not before.strip(" ,.-–—:|")) or bool(WIRE_PLACE.fullmatch(before))
            if date.precision == DAY and at_start and re.search(r"(?:19|20)\d\d", date.text):
                return FoundDate(date.start, date.end, date.precision, date.text, start + date.offset)
    return None


def _build(kind: str, m: re.Match, names: _Names, reference: dt.date | None) -> FoundDate | None:
    """The FoundDate a match stands for, or None when it is no valid date (31 February) or needs a missing reference."""
    groups = m.groupdict()
    text, offset = m.group(), m.start()
    try:
        if kind in ("weekday", "yesterday"):
            if reference is None:
                return None
            back = 1 if kind == "yesterday" else (reference.weekday() - names.weekdays[groups["w"].lower()]) % 7
            day = reference - dt.timedelta(days=back)
            return FoundDate(day, day, DAY, text, offset)
        year = int(groups["y"]) if groups.get("y") else None
        if kind.startswith("weekday ") and year is None:
            # "Samstag, 29. Juli" without a year: the last year, up to the dateline (or today), when that day was that weekday
            month, first = names.months[groups["m"].lower().rstrip(".")], int(groups["d1"])
            wanted, latest = names.weekdays[groups["w"].lower()], (reference or dt.date.today())
            for year in range(latest.year, latest.year - 12, -1):
                try:
                    day = dt.date(year, month, first)
                except ValueError:
                    continue
                if day <= latest + dt.timedelta(days=2) and day.weekday() == wanted:
                    return FoundDate(day, day, DAY, text, offset)
            return None
        if kind == "in y":
            return FoundDate(dt.date(year, 1, 1), dt.date(year, 12, 31), YEAR, text, offset)
        month = int(groups["mn"]) if groups.get("mn") else names.months[groups["m"].lower().rstrip(".")]
        if kind == "m y":
            last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
            return FoundDate(dt.date(year, month, 1), dt.date(year, month, last), MONTH, text, offset)
        first = int(groups["d1"])
        second = int(groups["d2"]) if groups.get("d2") else None
        if year is None:
            if reference is None:
                return None
            year = reference.year
            if dt.date(year, month, first) > reference + dt.timedelta(days=2):
                year -= 1  # "29 December" in an article of 3 January
        start = dt.date(year, month, first)
        if second is None:
            return FoundDate(start, start, DAY, text, offset)
        end = dt.date(year, month, second)
        if end < start or (end - start).days > 30:
            return None
        return FoundDate(start, end, DAY if end == start else SPAN if (end - start).days <= 6 else WEEK, text, offset)
    except (ValueError, KeyError):
        return None
