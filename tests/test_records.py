"""Reading incident records (CSV, TSV, JSON Lines, GeoJSON): every row and value kept, bad rows reported, bad files refused.

All input files are written into ``tmp_path`` here; nothing is read from the repository's data.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from geo._errors import InputError, RecordError
from geo.io.records import FOOTPRINT_KEY, LINE_KEY, PROBLEM_KEY, read_records, sniff_format

CYRILLIC_PLACES = ["Уральск", "Актау", "Атырау", "Актобе", "Костанай", "Павлодар", "Семей", "Харьков"]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def problems_for(result, line: int) -> list[RecordError]:
    return [p for p in result.problems if p.line == line]


# ------------------------------------------------------------------ formats


def test_csv_rows_in_order_with_line_numbers_and_passthrough(tmp_path):
    path = write(tmp_path / "in.csv", "id,place,date,casualties\nx1,Aktau,2024-01-02,3\nx2,Oral,2024-01-03,\n")
    result = read_records(path)
    assert result.problems == []
    assert [r["id"] for r in result.records] == ["x1", "x2"]
    assert [r["place"] for r in result.records] == ["Aktau", "Oral"]
    assert [r[LINE_KEY] for r in result.records] == [2, 3]
    assert result.records[0]["casualties"] == "3"  # an unknown column passes through untouched
    assert result.records[1]["casualties"] == ""
    assert result.records[0]["lat"] is None and result.records[0]["lon"] is None
    assert result.path == str(path)


def test_csv_coordinates_become_floats(tmp_path):
    path = write(tmp_path / "in.csv", "place,lat,lon\nsomewhere,51.25, 51.43\n")
    rec = read_records(path).records[0]
    assert rec["lat"] == pytest.approx(51.25) and isinstance(rec["lat"], float)
    assert rec["lon"] == pytest.approx(51.43) and isinstance(rec["lon"], float)


def test_csv_with_utf8_bom_and_cyrillic(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffplace,description\nУральск,колонна\n".encode())
    result = read_records(path)
    assert result.problems == []
    assert result.records[0]["place"] == "Уральск"
    assert result.records[0]["description"] == "колонна"


def test_quoted_multiline_field_keeps_line_numbers_of_row_starts(tmp_path):
    path = write(tmp_path / "in.csv", 'place,description\nAktau,"line one\nline two\nline three"\nOral,plain\nAtyrau,x\n')
    result = read_records(path)
    assert result.problems == []
    assert [r["place"] for r in result.records] == ["Aktau", "Oral", "Atyrau"]
    assert result.records[0]["description"] == "line one\nline two\nline three"
    assert [r[LINE_KEY] for r in result.records] == [2, 5, 6]


def test_blank_csv_lines_are_skipped(tmp_path):
    path = write(tmp_path / "in.csv", "place,id\nAktau,a\n\n,\nOral,b\n")
    result = read_records(path)
    assert [r["id"] for r in result.records] == ["a", "b"]
    assert [r[LINE_KEY] for r in result.records] == [2, 5]


def test_tsv_is_read_with_tabs(tmp_path):
    path = write(tmp_path / "in.tsv", "place\tid\tnote\nAktau, Mangystau region\tt1\ta, b\n")
    rec = read_records(path).records[0]
    assert rec["place"] == "Aktau, Mangystau region"
    assert rec["note"] == "a, b"
    assert rec["id"] == "t1"


def test_jsonl_objects_blank_lines_and_numbers(tmp_path):
    lines = [
        json.dumps({"id": 7, "place": "Aktau", "lat": 43.6, "lon": 51.2, "tags": ["a", "b"]}),
        "",
        json.dumps({"place": "Харьков", "casualties": 2}, ensure_ascii=False),
    ]
    path = write(tmp_path / "in.jsonl", "\n".join(lines) + "\n")
    result = read_records(path)
    assert result.problems == []
    first, second = result.records
    assert first["id"] == "7"  # ids are text
    assert (first["lat"], first["lon"]) == (pytest.approx(43.6), pytest.approx(51.2))
    assert first["tags"] == ["a", "b"]  # nested values pass through
    assert first[LINE_KEY] == 1 and second[LINE_KEY] == 3
    assert second["place"] == "Харьков" and second["casualties"] == 2


def test_ndjson_extension_is_jsonl(tmp_path):
    path = write(tmp_path / "in.ndjson", json.dumps({"place": "Oral"}) + "\n")
    assert [r["place"] for r in read_records(path).records] == ["Oral"]


def test_geojson_point_geometry_gives_coordinates(tmp_path):
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"id": "g1", "place": "Oral"}, "geometry": {"type": "Point", "coordinates": [51.4, 51.2]}},
            {"type": "Feature", "properties": {"id": "g2", "place": "Aktau", "source": "x"}, "geometry": None},
            {"type": "Feature", "properties": {"id": "g3", "place": "Atyrau"},
             "geometry": {"type": "LineString", "coordinates": [[50, 47], [51, 47]]}},
        ],
    }  # fmt: skip
    result = read_records(write(tmp_path / "in.geojson", json.dumps(doc)))
    assert result.problems == []
    g1, g2, g3 = result.records
    assert (g1["lon"], g1["lat"]) == (pytest.approx(51.4), pytest.approx(51.2))
    assert g2["lat"] is None and g2["lon"] is None and g2["source"] == "x"
    assert g3["lat"] is None  # only a Point gives coordinates
    assert [r[LINE_KEY] for r in result.records] == [1, 2, 3]


def test_geojson_properties_coordinates_win_over_geometry(tmp_path):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"place": "Oral", "lat": 10.5, "lon": 20.5}, "geometry": {"type": "Point", "coordinates": [51.4, 51.2]}},
    ]}  # fmt: skip
    rec = read_records(write(tmp_path / "in.json", json.dumps(doc))).records[0]
    assert (rec["lat"], rec["lon"]) == (10.5, 20.5)


# ------------------------------------------------------------------ unusable files


def _one_line(exc: InputError) -> str:
    message = str(exc)
    assert "\n" not in message
    return message


def test_missing_file_is_input_error_naming_it(tmp_path):
    path = tmp_path / "nope.csv"
    with pytest.raises(InputError) as info:
        read_records(path)
    message = _one_line(info.value)
    assert str(path) in message and "no such file" in message


@pytest.mark.parametrize("name", ["events.xlsx", "events"])
def test_unknown_extension_is_input_error_naming_file(tmp_path, name):
    path = write(tmp_path / name, "place\nAktau\n")
    with pytest.raises(InputError) as info:
        read_records(path)
    message = _one_line(info.value)
    assert str(path) in message and "unknown format" in message
    assert all(ext in message for ext in (".csv", ".tsv", ".jsonl", ".geojson", ".gpkg", ".parquet", ".geoparquet"))


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("noplace.csv", "id,spot,date\n1,Aktau,2024-01-01\n"),
        ("noplace.tsv", "id\tspot\n1\tAktau\n"),
        ("noplace.jsonl", '{"id": 1, "spot": "Aktau"}\n{"id": 2}\n'),
        ("noplace.geojson", json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Aktau"}, "geometry": None}]})),
    ],
)
def test_no_place_column_is_input_error_naming_file(tmp_path, name, text):
    path = write(tmp_path / name, text)
    with pytest.raises(InputError) as info:
        read_records(path)
    message = _one_line(info.value)
    assert str(path) in message and "place" in message


def test_empty_csv_is_input_error(tmp_path):
    path = write(tmp_path / "empty.csv", "")
    with pytest.raises(InputError, match=re.escape(str(path))):
        read_records(path)


@pytest.mark.parametrize(("name", "text"), [("bad.geojson", "{not json"), ("list.geojson", "[1, 2]")])
def test_broken_geojson_is_input_error(tmp_path, name, text):
    path = write(tmp_path / name, text)
    with pytest.raises(InputError) as info:
        read_records(path)
    assert str(path) in _one_line(info.value)


def test_cp1251_file_read_as_utf8_is_input_error_mentioning_encoding(tmp_path):
    text = "place,description\n" + "".join(f"{p},обстрел\n" for p in CYRILLIC_PLACES)
    path = write(tmp_path / "cyr.csv", text, encoding="cp1251")
    with pytest.raises(InputError) as info:
        read_records(path)
    message = _one_line(info.value)
    assert str(path) in message
    assert "utf-8" in message and "--encoding" in message
    assert "line 2" in message  # the first bad byte is on the first data row


def test_cp1251_file_with_encoding_option(tmp_path):
    text = "place,description\n" + "".join(f"{p},обстрел\n" for p in CYRILLIC_PLACES)
    path = write(tmp_path / "cyr.csv", text, encoding="cp1251")
    result = read_records(path, encoding="cp1251")
    assert result.problems == []
    assert [r["place"] for r in result.records] == CYRILLIC_PLACES
    assert {r["description"] for r in result.records} == {"обстрел"}


def test_unknown_encoding_is_input_error(tmp_path):
    path = write(tmp_path / "in.csv", "place\nAktau\n")
    with pytest.raises(InputError, match="unknown encoding"):
        read_records(path, encoding="no-such-codec")


# ------------------------------------------------------------------ bad rows


def test_single_bad_byte_reports_that_row_only(tmp_path):
    good = b"place,id\nAktau,r1\nOral,r2\n"
    bad_row = b"Atyr\xffau,r3\n"
    path = tmp_path / "onebad.csv"
    path.write_bytes(good + bad_row + b"Aktobe,r4\n")
    result = read_records(path)
    assert [r["id"] for r in result.records] == ["r1", "r2", "r3", "r4"]
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert (problem.line, problem.field) == (4, "place")
    assert str(path) in str(problem) and "encoding" in problem.problem
    bad = result.records[2]
    assert bad[PROBLEM_KEY] == [str(problem)]
    assert "\ufffd" in bad["place"] and "\udcff" not in bad["place"]  # no lone surrogate survives
    assert all(PROBLEM_KEY not in r for i, r in enumerate(result.records) if i != 2)
    assert result.records[3]["place"] == "Aktobe"


def test_bad_byte_in_coordinate_drops_it(tmp_path):
    path = tmp_path / "coord.csv"
    path.write_bytes(b"place,lat,lon\nAktau,43.6\xff,51.2\n")
    result = read_records(path)
    fields = {p.field for p in result.problems}
    assert "lat" in fields
    assert result.records[0]["lat"] is None and result.records[0]["lon"] is None


def test_malformed_json_line_is_reported_and_other_rows_kept(tmp_path):
    lines = [json.dumps({"id": "j1", "place": "Aktau"}), '{"id": "j2", "place": "Oral"', json.dumps({"id": "j3", "place": "Atyrau"}), "[1, 2]"]
    path = write(tmp_path / "in.jsonl", "\n".join(lines) + "\n")
    result = read_records(path)
    assert len(result.records) == 4
    assert [r.get("place") for r in result.records] == ["Aktau", None, "Atyrau", None]
    assert [(p.line, p.field) for p in result.problems] == [(2, "(json)"), (4, "(json)")]
    assert str(result.problems[0]).startswith(f"{path}:2: field '(json)': invalid JSON")
    assert result.records[1][PROBLEM_KEY] == [str(result.problems[0])]
    assert result.records[1][LINE_KEY] == 2
    # the unreadable rows still get (distinct) ids so that they appear in the output
    ids = [r["id"] for r in result.records]
    assert ids[0] == "j1" and ids[2] == "j3"
    assert ids[1].startswith("rec-") and ids[3].startswith("rec-") and ids[1] != ids[3]


def test_csv_row_with_extra_fields_is_reported(tmp_path):
    path = write(tmp_path / "in.csv", "place,id,date\nAktau,r1,2024-01-01\nOral,r2,2024-01-02,surplus\nAtyrau,r3\n")
    result = read_records(path)
    assert [r["id"] for r in result.records] == ["r1", "r2", "r3"]
    assert [(p.line, p.field) for p in result.problems] == [(3, "(row)"), (4, "(row)")]
    assert "4 fields where the header has 3" in result.problems[0].problem
    assert "2 fields where the header has 3" in result.problems[1].problem
    assert result.records[2]["date"] is None
    assert result.records[1]["place"] == "Oral"


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [("abc", "51.2", "lat"), ("43.6", "east", "lon"), ("95", "51.2", "lat"), ("43.6", "-181", "lon"), ("nan", "51.2", "lat"), ("43.6", "", "lon")],
)
def test_bad_coordinates_are_reported_and_dropped(tmp_path, lat, lon, field):
    path = write(tmp_path / "in.csv", f"place,lat,lon\nAktau,{lat},{lon}\nOral,51.2,51.4\n")
    result = read_records(path)
    assert [(p.line, p.field) for p in result.problems] == [(2, field)]
    assert "coordinates ignored" in result.problems[0].problem
    assert result.records[0]["lat"] is None and result.records[0]["lon"] is None
    assert result.records[0]["place"] == "Aktau"
    assert (result.records[1]["lat"], result.records[1]["lon"]) == (51.2, 51.4)


@pytest.mark.parametrize(("lat", "lon"), [("abc", "51.2"), ("95", "51.2"), ("43.6", "")])
def test_dropped_coordinates_are_kept_as_written_under_src(tmp_path, lat, lon):
    rec = read_records(write(tmp_path / "in.csv", f"place,lat,lon,src_lat\nAktau,{lat},{lon},mine\n")).records[0]
    assert rec["lat"] is None and rec["src_lat"] == "mine" and rec["src_src_lat"] == lat  # an input src_lat is never overwritten
    assert rec.get("src_lon") == (lon or None)


def test_dataset_coordinates_pass_through_and_need_no_src_copy(tmp_path):
    rec = read_records(write(tmp_path / "in.csv", "location,latitude,longitude\nAktau,95,51.2\n")).records[0]
    assert rec["lat"] is None and rec["latitude"] == "95" and "src_lat" not in rec


def test_a_normalised_date_keeps_its_input_under_src(tmp_path):
    result = read_records(write(tmp_path / "in.csv", "place,date\nAktau,03.05.2024\nAktau,2024-05-03\nAktau,yesterday\n"))
    assert [r["date"] for r in result.records] == ["2024-05-03", "2024-05-03", None]
    assert [r.get("src_date") for r in result.records] == ["03.05.2024", None, "yesterday"]


def test_coordinates_without_a_place_are_records(tmp_path):
    result = read_records(write(tmp_path / "in.csv", "lat,lon,what\n51.2,51.4,x\n"))
    assert result.problems == [] and (result.records[0]["lat"], result.records[0]["lon"]) == (51.2, 51.4)


def test_geojson_line_and_polygon_are_footprints(tmp_path):
    line = {"type": "LineString", "coordinates": [[50, 47], [51, 47]]}
    square = {"type": "MultiPolygon", "coordinates": [[[[50, 47], [51, 47], [51, 48], [50, 48], [50, 47]]]]}
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": g} for g in (line, square)]}
    result = read_records(write(tmp_path / "in.geojson", json.dumps(doc)))
    assert result.problems == [] and [r[FOOTPRINT_KEY].geom_type for r in result.records] == ["LineString", "MultiPolygon"]
    assert result.records[1][FOOTPRINT_KEY].bounds == (50, 47, 51, 48) and result.records[0]["lat"] is None


@pytest.mark.parametrize(("data", "fmt"), [(b"SQLite format 3\x00rest", "gpkg"), (b"PAR1\x15\x04", "parquet"), (b"place,id\nAktau,1\n", "csv")])
def test_binary_formats_are_sniffed_on_standard_input(data, fmt):
    assert sniff_format(data) == fmt


def test_jsonl_bad_coordinates_reported(tmp_path):
    path = write(tmp_path / "in.jsonl", json.dumps({"place": "Aktau", "lat": "abc", "lon": 51.0}) + "\n")
    result = read_records(path)
    assert [(p.line, p.field) for p in result.problems] == [(1, "lat")]
    assert result.records[0]["lat"] is None and result.records[0]["lon"] is None


def test_strict_raises_first_record_error(tmp_path):
    path = write(tmp_path / "in.csv", "place,lat,lon\nAktau,1,2\nOral,abc,51\nAtyrau,xyz,1\n")
    with pytest.raises(RecordError) as info:
        read_records(path, strict=True)
    assert (info.value.path, info.value.line, info.value.field) == (str(path), 3, "lat")
    assert str(info.value).startswith(f"{path}:3: field 'lat':")


def test_strict_on_clean_file_reads_normally(tmp_path):
    path = write(tmp_path / "in.csv", "place\nAktau\nOral\n")
    assert len(read_records(path, strict=True).records) == 2


# ------------------------------------------------------------------ ids


def test_generated_ids_are_stable_and_duplicates_distinct(tmp_path):
    path = write(tmp_path / "in.csv", "place,date\nAktau,2024-01-01\nOral,2024-01-01\nAktau,2024-01-01\nAktau,2024-01-01\n")
    first = [r["id"] for r in read_records(path).records]
    second = [r["id"] for r in read_records(path).records]
    assert first == second
    assert all(re.fullmatch(r"rec-[0-9a-f]{12}(-\d+)?", i) for i in first)
    assert len(set(first)) == 4
    assert first[2] == f"{first[0]}-2" and first[3] == f"{first[0]}-3"
    assert first[0] != first[1]


def test_generated_id_depends_on_content_not_line(tmp_path):
    a = write(tmp_path / "a.csv", "place,date\nAktau,2024-01-01\n")
    b = write(tmp_path / "b.csv", "place,date\nOral,2024-02-02\n\nAktau,2024-01-01\n")
    id_a = read_records(a).records[0]["id"]
    assert read_records(b).records[1]["id"] == id_a


def test_given_ids_kept_and_blank_ids_generated(tmp_path):
    path = write(tmp_path / "in.csv", "id,place\n  e-1 ,Aktau\n,Oral\n   ,Atyrau\n")
    ids = [r["id"] for r in read_records(path).records]
    assert ids[0] == "e-1"
    assert ids[1].startswith("rec-") and ids[2].startswith("rec-") and ids[1] != ids[2]
