"""Records that come with exact coordinates (a dataset export's usual row), geocoded as whole columns.

Such a row's output depends only on its point and the admin-1 unit around it, so a block of them is filled column by
column from one containment query instead of a dict per record (10^5 rows: about 2.5 s one by one). The columns follow
the same :func:`~geo.geocoding.columns.column_plan` as :meth:`Geocoder.geocode_record`; a test compares the two.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np
import shapely

from geo.geocoding.columns import Block, column_plan, plan_groups
from geo.geocoding.lookup import PlaceLookup
from geo.io.precision import WherePrec
from geo.io.records import FOOTPRINT_KEY, LINE_KEY, PROBLEM_KEY
from geo.io.schemas import PRECISION_COLUMNS, given_precision

#: Reason written for coordinates given in the input (followed by the input's own precision code, when it states one).
REASON = "coordinates given in the input"


#: Which given coordinates the output's rounding changes (kept under src_): by (lat changed, lon changed).
MOVED = {(a, b): frozenset(n for n, moved in (("lat", a), ("lon", b)) if moved) for a in (False, True) for b in (False, True)}


#: Value types :func:`as_numbers` reads as one array.
_FLOATS = frozenset({float, type(None)})


def is_number(value: object) -> bool:
    """A finite real number (not a bool, not NaN). Plain floats and ints first: this runs several times per record."""
    kind = type(value)
    if kind is float:
        return math.isfinite(value)
    if kind is int:
        return True
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def as_numbers(values: list) -> tuple[np.ndarray, np.ndarray]:
    """Each value as a float (NaN where it is not a number) and whether it is one (:func:`is_number`). A list of
    floats and None, as the readers make coordinates, is read as one array; any other is looked at value by value."""
    if set(map(type, values)) <= _FLOATS:
        out = np.array(values, dtype=float)  # None is NaN
        usable = np.isfinite(out)
        out[~usable] = np.nan  # infinities too
        return out, usable
    usable = np.fromiter(map(is_number, values), dtype=bool, count=len(values))
    return np.array([float(v) if ok else np.nan for v, ok in zip(values, usable.tolist())], dtype=float), usable



def given_reason(prec: int | None) -> str:
    """The reason written for coordinates given in the input, with the precision code the input states (if any)."""
    return REASON + (f" (location precision {int(prec)}: {WherePrec(prec).label})" if prec else "")


def exact_point(record: dict) -> bool:
    """Whether a record with usable lat/lon is drawn as that exact point: no footprint, no coarser precision code."""
    return record.get(FOOTPRINT_KEY) is None and given_precision(record) in (None, int(WherePrec.EXACT))


def point_blocks(lookup: PlaceLookup, records: Sequence[dict], rows: Sequence[int], points: np.ndarray,
                 admin_rows: np.ndarray) -> list[Block]:  # fmt: skip
    """Output blocks for ``records[rows]`` (exact points ``points`` in admin-1 units ``admin_rows``), one per plan."""
    lat, lat_moved = rounded(shapely.get_y(points))  # the output's coordinates, as one record's are rounded
    lon, lon_moved = rounded(shapely.get_x(points))
    blocks = plan_groups(records, rows, lambda k, record: MOVED[lat_moved[k], lon_moved[k]])
    out = []
    for (columns, aliased, moved), (block, positions) in blocks.items():
        mine = [records[i] for i in block.rows]
        written = _written(lookup, mine, [lat[k] for k in positions], [lon[k] for k in positions], admin_rows[positions],
                           stated=any(c in PRECISION_COLUMNS for c in columns))  # fmt: skip
        for column, kind, origin in column_plan(columns, aliased, moved):
            block.columns[column] = [r[origin] for r in mine] if kind == "in" else written[origin]
        block.geometry = list(points[positions])
        out.append(block)
    return out


def rounded(values: np.ndarray) -> tuple[list[float], list[bool]]:
    """``round(v, 6)`` of each value, as the output rounds one record's coordinates, and whether that changed it.
    Values with at most six decimals stay as they are, which numpy finds for all at once (a value is the double
    nearest some k/10^6 exactly when numpy's rounding returns it unchanged); only the others are rounded one by one
    (10^5 coordinates: 0.04 s instead of 0.1)."""
    out = values.tolist()
    moved = np.round(values, 6) != values
    for k in np.flatnonzero(moved).tolist():
        out[k] = round(out[k], 6)
    return out, moved.tolist()


def _written(lookup: PlaceLookup, records: list[dict], lat: list[float], lon: list[float], admin_rows: np.ndarray,
             stated: bool = True) -> dict[str, list]:  # fmt: skip
    """The fields geocoding writes, as columns, for records drawn at their given exact points (``lat``/``lon``: those
    points as the output rounds them; ``stated``: whether their columns include a precision code)."""
    n = len(records)
    country, admin1, admin1_code = lookup.unit_fields(admin_rows)
    places = [r.get("place") for r in records]
    return {
        "lat": lat,
        "lon": lon,
        "status": ["given"] * n,
        "reason": [given_reason(given_precision(r)) for r in records] if stated else [REASON] * n,
        "where_prec": [int(WherePrec.EXACT)] * n,
        "precision": [WherePrec.EXACT.label] * n,
        "uncertainty_km": [0.0] * n,
        "country": country,
        "admin1": admin1,
        "admin1_code": admin1_code,
        "matched_name": [p if isinstance(p, str) else None for p in places],
        "gazetteer_id": [None] * n,
        "confidence": [1.0] * n,
        "candidates": [[]] * n,  # one empty list for the block, as records naming one place share their candidates
        "acled_geo_precision": [WherePrec.EXACT.acled] * n,
        "approximate": [False] * n,
        "input_line": [r.get(LINE_KEY) for r in records],
        "problems": ["; ".join(r.get(PROBLEM_KEY) or ()) or None for r in records],
    }
