"""Incident dates: as written in datasets and news tables, normalised to ISO (YYYY, YYYY-MM or YYYY-MM-DD),
and the span of days an ISO date covers (for date filters in queries and maps).

Accepted: ISO dates and datetimes, YYYYMMDD (GDELT), "2 January 2024" / "January 2, 2024" / "2 Jan 2024"
(ACLED's older exports), "January 2024", and D/M/Y or M/D/Y only when the day is over 12 (otherwise the
order is ambiguous and the date is reported, not guessed).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_DAY_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%d-%b-%Y", "%d.%m.%Y")
_MONTH_FORMATS = ("%Y-%m", "%B %Y", "%b %Y")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def normalise_date(value: str) -> tuple[str | None, str | None]:
    """(ISO date, None), or (None, why it was not understood)."""
    text = " ".join(value.strip().split())
    if re.fullmatch(r"\d{4}", text):
        return text, None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].*", text):  # a datetime: its day
        text = text[:10]
    for fmt in _DAY_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat(), None
        except ValueError:
            pass
    for fmt in _MONTH_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).strftime("%Y-%m"), None
        except ValueError:
            pass
    numeric = _NUMERIC.match(text)
    if numeric:
        a, b, year = (int(g) for g in numeric.groups())
        if a > 12 or b > 12:
            day, month = (a, b) if a > 12 else (b, a)
            try:
                return dt.date(year, month, day).isoformat(), None
            except ValueError:
                pass
        else:
            return None, f"{value!r} is ambiguous (day/month order); write YYYY-MM-DD"
    return None, f"{value!r} is not a date incmap understands; use YYYY-MM-DD, YYYY-MM or YYYY"


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
