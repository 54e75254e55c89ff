"""Where each column of a geocoded row comes from: an input column kept in place, an input column moved under
``src_<name>`` because incmap writes that name, or one of incmap's output fields.

One plan serves every record with the same columns, so a record geocoded alone and a block of records geocoded as
whole columns (:mod:`geo.geocoding.given_points`) come out alike; :func:`typed_columns` hands pandas the arrays it
would infer from the columns' lists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from shapely.geometry.base import BaseGeometry

from geo.io.records import ALIASED_KEY, LINE_KEY, PROBLEM_KEY
from geo.io.schemas import source_column
from geo.spatial import BORDER_COLUMNS

#: Fields every geocoded record carries (the output contract), in order.
OUTPUT_FIELDS = ("id", "place", "lat", "lon", "status", "reason", "where_prec", "precision", "uncertainty_km", "country", "admin1",
                 "admin1_code", "matched_name", "gazetteer_id", "confidence", "candidates", "acled_geo_precision", "approximate",
                 "input_line", "problems")  # fmt: skip
#: The fields geocoding writes into a row, in the order they are added (``id`` and ``place`` stay as the input has them).
WRITTEN_FIELDS = tuple(f for f in OUTPUT_FIELDS if f not in ("id", "place"))
#: The written fields a place's answer holds, in the order of its values (the input line and problems are the record's).
ANSWER_FIELDS = tuple(f for f in WRITTEN_FIELDS if f not in ("input_line", "problems"))
#: Columns incmap adds after geocoding (border distances; the footprint): an input column of that name moves to src_<name>.
LATER_FIELDS = (*BORDER_COLUMNS, "geometry")

#: The kinds of value lists that become arrays directly: text (and None), floats (and None).
_TEXT_KINDS, _FLOAT_KINDS = frozenset({str, type(None)}), frozenset({float, type(None)})

#: One output column: (name, "in" or "out", the input column or output field its values come from).
Column = tuple[str, str, str]
#: The coordinates a record with no number in lat or lon has moved: none (no column moves to src_).
_UNMOVED: frozenset[str] = frozenset()


@dataclass
class Block:
    """Rows sharing one column plan: their input positions (ascending), output columns in order, footprints."""

    rows: list[int] = field(default_factory=list)
    columns: dict[str, list] = field(default_factory=dict)
    geometry: list = field(default_factory=list)


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


def plan_groups(records: Sequence[dict], rows: Sequence[int],
                moved: Callable[[int, dict], frozenset[str]]) -> dict[tuple, tuple[Block, list[int]]]:  # fmt: skip
    """``records[rows]`` grouped by column plan: (input columns, aliased columns, ``moved(k, record)``) -> (a Block
    holding their positions, their indexes k in ``rows``)."""
    columns_of: dict[tuple, tuple[str, ...]] = {}  # the record's keys -> its input columns (one shape per file, mostly)
    aliased_of: dict[int, frozenset] = {}  # a file's records share one aliases dict: its keys, by the dict's id
    groups: dict[tuple, tuple[Block, list[int]]] = {}
    for k, i in enumerate(rows):
        record = records[i]
        keys = tuple(record)
        columns = columns_of.get(keys)
        if columns is None:
            columns = columns_of[keys] = input_columns(record)
        aliases = record.get(ALIASED_KEY) or ()
        aliased = aliased_of.get(id(aliases))
        if aliased is None:
            aliased = aliased_of[id(aliases)] = frozenset(aliases)
        key = (columns, aliased, moved(k, record))
        entry = groups.get(key)
        if entry is None:
            entry = groups[key] = (Block(), [])
        entry[0].rows.append(i)
        entry[1].append(k)
    return groups


def answered_blocks(records: Sequence[dict], rows: list[int], answers: list[tuple[tuple, BaseGeometry | None]],
                    moved: Callable[[int, dict], frozenset[str]] | None = None) -> list[Block]:  # fmt: skip
    """Output blocks for ``records[rows]`` (ascending) with no footprint, whose (ANSWER_FIELDS values, footprint)
    ``answers`` were found in bulk: names resolved in bulk (no number in lat or lon, so no coordinates move), or given
    coordinates drawn together (``moved(k, record)``: which of them the output's rounding changes). Their rows as
    :meth:`Geocoder.geocode_record` makes them, as columns (a dict per record and their transposition took a second
    per 10^5 records)."""
    out = []
    for (columns, aliased, moved_here), (block, positions) in plan_groups(records, rows, moved or (lambda k, record: _UNMOVED)).items():
        mine = [records[i] for i in block.rows]
        answered, block.geometry = (list(part) for part in zip(*(answers[k] for k in positions)))
        plan = column_plan(columns, aliased, moved_here)
        values = dict(zip(ANSWER_FIELDS, map(list, zip(*answered))))  # one transposition
        for column, kind, origin in plan:
            if kind == "in":
                block.columns[column] = [r[origin] for r in mine]
            elif origin == "input_line":
                block.columns[column] = [r.get(LINE_KEY) for r in mine]
            elif origin == "problems":
                block.columns[column] = ["; ".join(r.get(PROBLEM_KEY) or ()) or None for r in mine]
            else:
                block.columns[column] = values[origin]
        out.append(block)
    return out


def typed_columns(data: dict[str, list]) -> None:
    """Columns (in ``data``, replaced there) holding only text or only floats, with or without None, made as the arrays
    pandas would infer for their lists: Arrow strings of pandas' ``str`` dtype, float64 with NaN for None. Pandas
    looks through each list first (10-20 ms a column of 10^5; the types of its values are read in about 2 ms here).
    Lists of other values, of mixed kinds, or of None alone (objects, for pandas) are left to pandas."""
    import pandas as pd
    import pyarrow as pa

    text = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' own for a list of str and None ("str")
    for name, values in data.items():
        if not isinstance(values, list):
            continue
        kinds = set(map(type, values))
        try:
            if kinds <= _TEXT_KINDS and str in kinds:
                data[name] = pd.array(pa.array(values, type=pa.large_string()), dtype=text)
            elif kinds <= _FLOAT_KINDS and float in kinds:
                data[name] = np.array(values, dtype=float)
        except (ValueError, pa.ArrowException):  # text that is not Unicode (lone surrogates): as pandas reports it
            pass
