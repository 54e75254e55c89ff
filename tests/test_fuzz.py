"""Fuzz targets (hypothesis): every record reader, the date parsers and the place-phrase parser take any input and
either answer or raise incmap's own one-line errors; never another exception. Bounded: about a minute in all.
Crashes found here are kept as explicit ``@example`` cases (regression tests)."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geo._errors import IncmapError
from geo.extract.dates import find_dates
from geo.geocoding.phrases import Interpretation, parse
from geo.io.dates import SlashOrder, date_range, normalise_date
from geo.io.records import read_records

#: Examples per target: about a minute for the whole file here. CI explores the same fixed sequence every run
#: (reproducible); set INCMAP_FUZZ_EXAMPLES (more) and INCMAP_FUZZ_RANDOM=1 (fresh inputs) to fuzz for longer.
FUZZ = settings(max_examples=int(os.environ.get("INCMAP_FUZZ_EXAMPLES", "3000")), deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
                derandomize=not os.environ.get("INCMAP_FUZZ_RANDOM"))  # fmt: skip
#: Characters hostile input is made of: controls, NUL, bidi overrides, quotes, separators, Cyrillic, CJK, astral.
HOSTILE = st.characters(codec="utf-8") | st.sampled_from(list('\x00\r\n\t"\',;{}[]:\u202e\u200f\ufeffЯ中😀'))
TEXTS = st.text(HOSTILE, max_size=200)


def _csv_like(draw_rows: list[list[str]], sep: str) -> bytes:
    return "\n".join(sep.join(row) for row in draw_rows).encode("utf-8", "surrogatepass")


CSV_BODIES = st.lists(st.lists(TEXTS, min_size=1, max_size=5), max_size=8).map(lambda rows: _csv_like([["place", "lat", "lon"], *rows], ","))
JSONL_BODIES = st.lists(st.dictionaries(st.sampled_from(["place", "lat", "lon", "date", "id", "title"]),
                                        st.none() | st.booleans() | st.integers() | st.floats() | TEXTS | st.lists(st.integers(), max_size=3)),
                        max_size=6).map(lambda rows: "\n".join(json.dumps(r) for r in rows).encode())  # fmt: skip
GEOMETRIES = st.none() | st.fixed_dictionaries({"type": st.sampled_from(["Point", "Polygon", "LineString", "Bogus"]),
                                               "coordinates": st.recursive(st.floats() | st.integers(), lambda c: st.lists(c, max_size=4), max_leaves=12)})  # fmt: skip
GEOJSON_BODIES = st.lists(st.fixed_dictionaries({"type": st.just("Feature"), "properties": st.dictionaries(st.sampled_from(["place", "date", "id"]), TEXTS),
                                                 "geometry": GEOMETRIES}), max_size=5).map(
    lambda fs: json.dumps({"type": "FeatureCollection", "features": fs}).encode())  # fmt: skip


def _read(name: str, data: bytes) -> None:
    try:
        result = read_records(name, data=data)
    except IncmapError as exc:
        assert str(exc).strip() and "\n" not in str(exc).strip()  # one line
        return
    for record in result.records:
        assert isinstance(record, dict)
    assert all(isinstance(p, IncmapError) for p in result.problems)


@FUZZ
@given(st.binary(max_size=2000))
@example(bytes(range(256)) * 4)
@example(b"place\n\x00\x00\x00")
@example(b"\xef\xbb\xbf")
@pytest.mark.parametrize("name", ["x.csv", "x.tsv", "x.jsonl", "x.geojson", "x.gpkg", "x.parquet"])
def test_any_bytes_under_any_reader(name, data):
    _read(name, data)


@FUZZ
@given(CSV_BODIES)
@example(b'place,lat,lon\n"unterminated,1,2\n')
@example(b"place,lat,lon\nAktau,1e999,-1e999\n")
def test_csv_shaped_text(data):
    _read("x.csv", data)


@FUZZ
@given(JSONL_BODIES)
@example(b'{"place": ["a"], "lat": true, "lon": null}')
def test_jsonl_shaped_text(data):
    _read("x.jsonl", data)


@FUZZ
@given(GEOJSON_BODIES)
@example(b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1e400, 1]]]}}]}')
@example(b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Bogus", "coordinates": 0.0}}]}')  # found: shapely's GeometryTypeError escaped
def test_geojson_shaped_text(data):
    _read("x.geojson", data)


@FUZZ
@given(TEXTS, st.sampled_from([None, *SlashOrder]))
@example("31/02/2024", None)
@example("0000-00-00", None)
@example("99999999", None)
def test_record_date_parser(value, order):
    iso, why = normalise_date(value, order)
    assert (iso is None) != (why is None)
    if iso is not None:
        assert date_range(iso) is not None  # what it writes, it can read back as a span


@FUZZ
@given(TEXTS, st.sampled_from(["en", "de", "ru", "fr", ""]))
@example("29. Juli 2023 und 31. Februar", "de")
@example("21 ноября", "ru")
def test_article_date_finder(text, lang):
    for found in find_dates(text, lang, dt.date(2025, 6, 22)):
        assert found.start <= found.end and 0 <= found.offset <= len(text) and text[found.offset : found.offset + len(found.text)] == found.text


@FUZZ
@given(st.one_of(TEXTS, st.text(max_size=2000), st.integers(), st.none()))
@example("near near near")
@example("between and")
@example(", , ,")
@example("Oral – – Aksay highway")
def test_place_phrase_parser(text):
    readings = parse(text)
    assert isinstance(readings, list) and all(isinstance(r, Interpretation) and r.names for r in readings)
