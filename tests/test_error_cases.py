"""The README's table of error cases: each is one or two lines naming the thing and the fix, the right exit code,
and no traceback; bad rows are reported by file and line while the other rows go on (``--strict`` makes them fatal)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo import settings
from geo.cli.main import cli


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, [*args, "-q"], input=stdin)


def one_or_two_lines(output: str) -> list[str]:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    assert 1 <= len(lines) <= 2 and "Traceback" not in output, output
    return lines


def write(path: Path, data: bytes | str) -> str:
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(path)


# (case, file content, file name, words the message must contain)
FILE_ERRORS = [
    ("missing file", None, "nope.csv", ["nope.csv", "no such file"]),
    ("unsupported format", b"whatever", "data.xlsx", ["data.xlsx", "unknown format", ".csv"]),
    ("binary file", bytes(range(256)) * 20, "blob.csv", ["blob.csv", "a binary file"]),
    ("undecodable text", "caf\xe9\n".encode("latin-1") * 50, "cafe.csv", ["cafe.csv", "--encoding"]),
    ("truncated GeoJSON", b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"place":"Aktau"},', "cut.geojson",
     ["cut.geojson", "not valid JSON"]),
    ("empty file", b"", "empty.csv", ["empty.csv", "empty"]),
    ("no place column", b"title,date\nx,2024-01-01\n", "noplace.csv", ["noplace.csv", "'place'"]),
]  # fmt: skip


@pytest.mark.parametrize(("case", "data", "name", "words"), FILE_ERRORS, ids=[c[0] for c in FILE_ERRORS])
def test_unusable_input_is_one_line_and_exit_1(tmp_path, case, data, name, words):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    result = run("geocode", str(path))
    assert result.exit_code == 1
    (line,) = one_or_two_lines(result.output)
    assert line.startswith("incmap: error:") and all(w in line for w in words), line


# (case, CSV body after the header "id,place,lat,lon", the field named, words of the message)
ROW_ERRORS = [
    ("latitude out of range", "a,Aktau,95,10", "lat", "outside -90..90 (are lat and lon swapped?)"),
    ("swapped coordinates", "a,Aktau,120.5,45.1", "lat", "are lat and lon swapped?"),
    ("NaN coordinate", "a,Aktau,nan,10", "lat", "not a finite number"),
    ("text for a number", "a,Aktau,north,10", "lat", "not a number"),
    ("longitude out of range", "a,Aktau,45,200", "lon", "outside -180..180"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "body", "field", "words"), ROW_ERRORS, ids=[c[0] for c in ROW_ERRORS])
def test_a_bad_row_is_reported_by_file_line_and_field_and_the_others_go_on(tmp_path, case, body, field, words):
    path = write(tmp_path / "rows.csv", f"id,place,lat,lon\nok,Uralsk,,\n{body}\n")
    result = CliRunner().invoke(cli, ["geocode", path, "-o", str(tmp_path / "out.geojson")])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert warnings == [f"warning: {path}:3: field '{field}': " + warnings[0].split(f"field '{field}': ", 1)[1]]
    assert words in warnings[0]
    features = json.loads((tmp_path / "out.geojson").read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["id"] for f in features] == ["ok", "a"]  # kept, geocoded by its place instead
    assert features[1]["properties"]["status"] == "resolved" and features[1]["properties"]["src_lat"] is not None
    strict = run("geocode", path, "--strict")
    assert strict.exit_code == 1 and f"{path}:3: field '{field}'" in one_or_two_lines(strict.output)[0]


def test_wrong_encoding_is_a_bad_field_not_a_crash(tmp_path):
    path = write(tmp_path / "latin.csv", "place,title\nAktau,Stra\xdfe\n".encode("latin-1"))
    result = CliRunner().invoke(cli, ["geocode", path, "-o", str(tmp_path / "o.csv")])
    assert result.exit_code == 0 and f"{path}:2: field 'title': not valid text in the file's encoding" in result.output
    assert run("geocode", path, "--encoding", "latin-1", "-o", str(tmp_path / "o.csv")).exit_code == 0


def test_invalid_geometry_is_reported_and_the_record_geocoded_by_its_place(tmp_path):
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    path = write(tmp_path / "bowtie.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"place": "Aktau"}, "geometry": bowtie}]}))  # fmt: skip
    result = CliRunner().invoke(cli, ["geocode", path, "-o", str(tmp_path / "o.geojson")])
    assert result.exit_code == 0 and f"{path}:1: field 'geometry': invalid Polygon: Self-intersection" in result.output
    assert json.loads((tmp_path / "o.geojson").read_text(encoding="utf-8"))["features"][0]["properties"]["matched_name"] == "Aktau"


def test_an_unknown_place_is_kept_unresolved_with_a_reason(tmp_path):
    path = write(tmp_path / "u.csv", "id,place\nx,Qxzvbl Wrrpt\n")
    result = run("geocode", path, "-o", str(tmp_path / "o.geojson"))
    assert result.exit_code == 0 and "1 unresolved" in result.output
    props = json.loads((tmp_path / "o.geojson").read_text(encoding="utf-8"))["features"][0]["properties"]
    assert props["status"] == "unresolved" and "qxzvbl" in props["reason"].lower()


@pytest.mark.parametrize(("args", "words"), [(("query", "--within-km", "50", "--border", "KAZ-XXX"), ["KAZ-XXX", "close matches", "KAZ-RUS"]),
                                             (("map", "-o", "m.html", "--border", "ZZZ"), ["ZZZ", "close matches"])])
def test_an_unknown_border_code_names_close_matches(tmp_path, args, words):
    path = write(tmp_path / "a.csv", "place\nAktau\n")
    result = run(args[0], path, *args[1:])
    assert result.exit_code == 1
    (line,) = one_or_two_lines(result.output)
    assert all(w in line for w in words)


def test_output_format_and_extension_must_agree(tmp_path):
    path = write(tmp_path / "a.csv", "place\nAktau\n")
    result = run("geocode", path, "-o", str(tmp_path / "o.csv"), "--format", "geojson")
    assert result.exit_code == 2 and "disagrees" in result.output and not (tmp_path / "o.csv").exists()
    unknown = run("geocode", path, "-o", str(tmp_path / "o.xyz"))
    assert unknown.exit_code == 1 and "unknown output format '.xyz'" in one_or_two_lines(unknown.output)[0]


def test_bad_rows_of_an_extra_gazetteer_are_reported_by_file_and_line(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "cache")  # never the user's cache
    gaz = write(tmp_path / "places.csv", "name,lat,lon,country\nTaipak,49.05,51.87,KZ\nBroken,abc,51.0,KZ\nFar,95,10,KZ\n")
    records = write(tmp_path / "r.csv", "place,region\nTaipak,West Kazakhstan\n")
    result = CliRunner().invoke(cli, ["geocode", records, "--gazetteer", gaz, "-o", str(tmp_path / "o.geojson")])
    assert result.exit_code == 0, result.output
    assert f"warning: {gaz}:3: field 'lat'" in result.output and f"warning: {gaz}:4: field 'lat'" in result.output
    assert "2 bad gazetteer rows" in result.output.strip().splitlines()[-1]
    props = json.loads((tmp_path / "o.geojson").read_text(encoding="utf-8"))["features"][0]["properties"]
    assert props["matched_name"] == "Taipak" and props["where_prec"] == 1  # the good row is used
    strict = run("geocode", records, "--gazetteer", gaz, "--strict")
    assert strict.exit_code == 1 and f"{gaz}:3: field 'lat'" in one_or_two_lines(strict.output)[0]
