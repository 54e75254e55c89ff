"""Where each column of a geocoded row comes from: an input column kept in place, an input column moved under
``src_<name>`` because incmap writes that name, or one of incmap's output fields.

One plan serves every record with the same columns, so a record geocoded alone and a block of records geocoded as
whole columns (:mod:`geo.geocoding.given_points`) come out alike.
"""

from __future__ import annotations

from functools import lru_cache

from geo.io.schemas import source_column
from geo.spatial import BORDER_COLUMNS

#: Fields every geocoded record carries (the output contract), in order.
OUTPUT_FIELDS = ("id", "place", "lat", "lon", "status", "reason", "where_prec", "precision", "uncertainty_km", "country", "admin1",
                 "admin1_code", "matched_name", "gazetteer_id", "confidence", "candidates", "acled_geo_precision", "approximate",
                 "input_line", "problems")  # fmt: skip
#: The fields geocoding writes into a row, in the order they are added (``id`` and ``place`` stay as the input has them).
WRITTEN_FIELDS = tuple(f for f in OUTPUT_FIELDS if f not in ("id", "place"))
#: Columns incmap adds after geocoding (border distances; the footprint): an input column of that name moves to src_<name>.
LATER_FIELDS = (*BORDER_COLUMNS, "geometry")

#: One output column: (name, "in" or "out", the input column or output field its values come from).
Column = tuple[str, str, str]


@lru_cache(maxsize=256)
def column_plan(keys: tuple[str, ...], aliased: frozenset[str] = frozenset(), moved: frozenset[str] = frozenset()) -> tuple[Column, ...]:
    """Output columns of a record whose input columns are ``keys`` (in order). An input column named like a written
    field keeps its values under ``src_<name>`` (unless a dataset alias put it there, ``aliased``); ``lat``/``lon``
    only when the output changes them (``moved``); a later field's column moves to ``src_<name>`` entirely."""
    plan: dict[str, tuple[str, str]] = {key: ("in", key) for key in keys}
    for name in [n for n in (*WRITTEN_FIELDS, *LATER_FIELDS) if n in plan and n not in aliased]:
        if name in ("lat", "lon") and name not in moved:
            continue  # coordinates the output keeps as they are (unusable ones the reader kept under src_)
        source = plan[name] if name in WRITTEN_FIELDS else plan.pop(name)
        plan[source_column(name, plan)] = source
    for name in WRITTEN_FIELDS:
        plan[name] = ("out", name)
    return tuple((column, kind, origin) for column, (kind, origin) in plan.items())


def input_columns(record: dict) -> tuple[str, ...]:
    """The record's input columns, in order (keys starting with ``_`` are the reader's notes, not columns)."""
    return tuple(key for key in record if not key.startswith("_"))
