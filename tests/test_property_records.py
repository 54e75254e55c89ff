"""Nothing lost (hypothesis): record files with unicode, bidi controls, NUL bytes, quotes and line breaks inside fields,
huge and empty values and duplicate ids keep every record and every id through read -> geocode -> query -> map ->
export in every format -> read back, and the counts every step reports add up."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.io.export import NUL_REPLACEMENT, write_records
from geo.io.geocoded import read_geocoded
from geo.io.records import read_records
from geo.maps import MapOptions, map_html
from geo.pipeline import Incidents, QuerySpec, query_incidents
from geo.spatial.proximity import border_distance

PROPERTY = settings(max_examples=12, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])  # fmt: skip
#: Field text: anything, with the characters that break naive readers and writers made likely.
NASTY = st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from(list('\x00\r\n\t",;\u202e\u202d\u200f\ufeff\\`<>&\'Я😀'))
TEXT = st.text(NASTY, max_size=40) | st.just("") | st.text(NASTY, min_size=1, max_size=3).map(lambda t: t * 4000)
#: Places: real ones (resolved), nonsense (unresolved), hostile text (unresolved or worse).
PLACES = st.sampled_from(["Aktau", "West Kazakhstan region", "near Uralsk", "Oral–Aksay highway", "Kaluga", "Qxzvbl Wrrpt", ""]) | TEXT
#: Ids: few distinct values, so duplicates are common; never blank (blank ids are assigned, tested elsewhere).
IDS = st.sampled_from(["a", "b", "ид-1", "id,with,commas", 'q"uote', "x\u202ey"])
RECORDS = st.lists(st.fixed_dictionaries({"id": IDS, "place": PLACES, "title": TEXT, "description": TEXT}), min_size=1, max_size=8)
FORMATS = ("csv", "tsv", "jsonl", "geojson")
OUTPUTS = ("geojson", "jsonl", "csv", "gpkg", "parquet")


def write_input(records: list[dict], fmt: str, folder: Path) -> Path:
    """``records`` as a file a careful tool writes: quoted CSV/TSV (RFC 4180), JSON Lines, a GeoJSON FeatureCollection."""
    path = folder / f"in.{fmt}"
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, list(records[0]), delimiter="," if fmt == "csv" else "\t", lineterminator="\r\n", quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(records)
        path.write_bytes(buffer.getvalue().encode("utf-8"))
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    else:
        features = [{"type": "Feature", "properties": r, "geometry": None} for r in records]
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", FORMATS)
@PROPERTY
@given(records=RECORDS)
def test_every_record_and_id_survives_every_step(geocoder, layers, tmp_path_factory, fmt, records):
    folder = tmp_path_factory.mktemp(fmt)
    ids = [r["id"] for r in records]
    read = read_records(write_input(records, fmt, folder))
    assert [r["id"] for r in read.records] == ids  # nothing lost, nothing split, nothing merged
    assert [r["title"] or None for r in read.records] == [r["title"] or None for r in records]  # every character kept

    frame = border_distance(geocoder.geocode(read.records, progress=False))
    assert list(frame["id"]) == ids
    statuses = frame["status"].value_counts().to_dict()
    assert sum(statuses.values()) == len(records) and set(statuses) <= {"resolved", "ambiguous", "given", "unresolved"}

    result = query_incidents(Incidents(frame, layers), QuerySpec(within_km=50.0))
    rest = int(re.search(r", (\d+) do not", result.footer(len(records))).group(1))
    assert len(result.frame) + rest + sum(result.excluded.values()) == len(records) and rest >= 0  # they add up
    assert set(result.frame["id"]) <= set(ids)

    page = map_html(frame, layers, MapOptions(offline=True, border="none"))
    located = int((frame["status"] != "unresolved").sum())
    assert re.search(rf"\b{len(records)} incidents?, {located} located\b", page)
    assert "<script>window" not in page

    for kind in OUTPUTS:
        out = write_records(frame, folder / f"out.{kind}", kind)
        back = read_geocoded(out)
        assert back is not None, kind
        assert list(back["id"]) == ids, kind
        assert list(back["status"]) == list(frame["status"]), kind
        titles = [t or "" for t in frame["title"].fillna("")]
        if kind == "gpkg":  # GDAL strings end at NUL: incmap writes it as U+FFFD there (README)
            titles = [t.replace("\x00", NUL_REPLACEMENT) for t in titles]
        assert list(back["title"].fillna("")) == titles, kind
