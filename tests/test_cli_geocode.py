"""``incmap geocode`` / ``incmap locate`` end to end, and extra gazetteers (an analyst's CSV and a GeoNames dump).

Input files are written into temporary directories; extra gazetteers are built into a temporary cache so
that the user's own gazetteer cache is neither written nor pruned.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner
from pyproj import Geod
from shapely.geometry import Point

import geo.gazetteer.cache as gazetteer_mod
from geo.cli.main import cli
from geo.gazetteer import load_gazetteer
from geo.gazetteer.sources import GEONAMES_COLUMNS
from geo.geocoding import Geocoder

GEOD = Geod(ellps="WGS84")
CONTRACT = ("lat", "lon", "status", "where_prec", "precision", "uncertainty_km", "country", "admin1", "admin1_code",
            "matched_name", "gazetteer_id", "confidence", "candidates", "acled_geo_precision")  # fmt: skip
ORIGINAL_LOAD_GAZETTEER = load_gazetteer


def km(a: Point, b: Point) -> float:
    return GEOD.inv(a.x, a.y, b.x, b.y)[2] / 1000.0


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_line_error(result, *fragments: str) -> str:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    assert lines[0].startswith("incmap: error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


# ------------------------------------------------------------------ incidents file

INCIDENT_ROWS = [
    # id, place, description, lat, lon, casualties
    ("e1", "near Aktau", "", "", "", "2"),
    ("e2", "xqzzyv blorf", "", "", "", "0"),
    ("e3", "West Kazakhstan region", "", "", "", ""),
    ("e4", "Aksay", "convoy near Oral, West Kazakhstan", "", "", "1"),
    ("", "Kharkiv", "", "", "", "5"),
    ("e6", "Oral–Aksay highway", "", "", "", ""),
    ("e7", "Kapustin Yar", "", "abc", "45.7", ""),
    ("e8", "", "", "", "", ""),
]
EXPECTED_STATUS = {"e1": "resolved", "e2": "unresolved", "e3": "resolved", "e4": "resolved", "e6": "resolved", "e7": "resolved", "e8": "unresolved"}


@pytest.fixture
def incidents(tmp_path: Path, place) -> Path:
    """A small incidents CSV: resolvable, unresolvable, given-coordinates, bad-coordinate and id-less rows."""
    semey = place("Semey", "KZ")
    rows = [*INCIDENT_ROWS, ("e9", "somewhere", "", f"{semey.y}", f"{semey.x}", "")]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "place", "description", "lat", "lon", "casualties"])
    writer.writerows(rows)
    path = tmp_path / "incidents.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def check_rows(ids: list[str], statuses: list[str]) -> None:
    assert len(ids) == 9
    assert ids[:4] == ["e1", "e2", "e3", "e4"] and ids[5:] == ["e6", "e7", "e8", "e9"]
    assert ids[4].startswith("rec-")
    by_id = dict(zip(ids, statuses))
    for key, status in EXPECTED_STATUS.items():
        assert by_id[key] == status, key
    assert by_id["e9"] == "given"
    assert by_id[ids[4]] == "resolved"


def test_geocode_to_geojson(tmp_path, incidents, place):
    out = tmp_path / "out" / "incidents.geojson"
    result = run("geocode", str(incidents), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    features = doc["features"]
    props = [f["properties"] for f in features]
    check_rows([p["id"] for p in props], [p["status"] for p in props])
    for p in props:
        assert set(CONTRACT) <= p.keys()
        assert isinstance(p["candidates"], list)
    e1, e2, e4, e6, e7, e9 = (props[i] for i in (0, 1, 3, 5, 6, 8))
    assert km(Point(e1["lon"], e1["lat"]), place("Aktau", "KZ")) < 2.0
    assert e1["where_prec"] == 2 and e1["uncertainty_km"] == pytest.approx(25.0, abs=0.5) and e1["country"] == "KAZ"
    assert features[0]["geometry"]["type"] == "Polygon"
    assert e2["lat"] is None and e2["where_prec"] is None and features[1]["geometry"] is None and e2["reason"]
    assert e4["country"] == "KAZ" and e4["admin1_code"] == "KZ-ZAP"
    assert features[5]["geometry"]["type"] == "LineString" and e6["where_prec"] == 5
    assert e7["country"] == "RUS" and e7["status"] == "resolved"  # bad coordinates dropped, the place still geocoded
    assert "field 'lat'" in e7["problems"] and e7["input_line"] == 8
    assert e9["where_prec"] == 1 and e9["country"] == "KAZ"
    assert props[0]["casualties"] == "2"  # input columns pass through
    assert all(not k.startswith("_") for p in props for k in p)
    # stderr: the bad row as a warning, then the summary line
    assert f"warning: {incidents}:8: field 'lat'" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "summary: 9 records: 6 resolved, 0 ambiguous, 1 given, 2 unresolved; 1 bad rows reported"


def test_geocode_to_csv(tmp_path, incidents):
    out = tmp_path / "incidents.csv.out.csv"
    result = run("geocode", str(incidents), "-o", str(out))
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype={"id": str})
    check_rows(list(frame["id"]), list(frame["status"]))
    assert set(CONTRACT) <= set(frame.columns)
    assert "geometry_wkt" in frame.columns and "geometry" not in frame.columns
    candidates = [json.loads(c) for c in frame["candidates"]]
    assert all(isinstance(c, list) for c in candidates)
    assert candidates[0][0]["id"] == frame.loc[0, "gazetteer_id"]
    assert frame.loc[5, "geometry_wkt"].startswith("LINESTRING")
    assert pd.isna(frame.loc[1, "geometry_wkt"]) or frame.loc[1, "geometry_wkt"] == ""


def test_geocode_to_gpkg(tmp_path, incidents):
    out = tmp_path / "incidents.gpkg"
    result = run("geocode", str(incidents), "-o", str(out))
    assert result.exit_code == 0, result.output
    frame = gpd.read_file(out)
    check_rows(list(frame["id"]), list(frame["status"]))
    assert set(CONTRACT) <= set(frame.columns)
    types = list(frame.geometry.geom_type)
    assert types[0] == "Polygon" and types[5] == "LineString" and types[8] == "Point"
    assert frame.geometry.iloc[1] is None
    assert json.loads(frame.loc[3, "candidates"])[0]["country"] == "KAZ"


def test_geocode_to_stdout_is_geojson(incidents):
    result = run("geocode", str(incidents))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [f["properties"]["id"] for f in doc["features"]][:4] == ["e1", "e2", "e3", "e4"]
    assert result.stderr.strip().splitlines()[-1].startswith("summary: 9 records")


def test_where_prec_stays_integer_in_geojson(tmp_path, incidents):
    out = tmp_path / "o.geojson"
    assert run("geocode", str(incidents), "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    props = [f["properties"] for f in json.loads(text)["features"]]
    assert all(isinstance(p["where_prec"], int) for p in props if p["where_prec"] is not None)
    assert '"where_prec": 2.0' not in text


def test_geocode_jsonl_input(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [{"id": "j1", "place": "Atyrau"}, {"id": "j2", "place": "Kazakhstan"}]) + "\n", encoding="utf-8")
    out = tmp_path / "out.geojson"
    result = run("geocode", str(path), "-o", str(out))
    assert result.exit_code == 0, result.output
    props = [f["properties"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]]
    assert [(p["id"], p["where_prec"], p["country"]) for p in props] == [("j1", 1, "KAZ"), ("j2", 6, "KAZ")]


def test_geocode_cp1251_input_needs_encoding_option(tmp_path):
    path = tmp_path / "cyr.csv"
    path.write_bytes(("place,id\n" + "".join(f"{p},c{i}\n" for i, p in enumerate(["Уральск", "Актау", "Атырау", "Актобе", "Харьков"]))).encode("cp1251"))
    one_line_error(run("geocode", str(path)), str(path), "--encoding")
    out = tmp_path / "out.geojson"
    result = run("geocode", str(path), "--encoding", "cp1251", "-o", str(out))
    assert result.exit_code == 0, result.output
    props = [f["properties"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]]
    assert [p["place"] for p in props] == ["Уральск", "Актау", "Атырау", "Актобе", "Харьков"]
    assert [p["country"] for p in props] == ["KAZ", "KAZ", "KAZ", "KAZ", "UKR"]


# ------------------------------------------------------------------ one-line errors


def test_missing_input_is_one_line_error(tmp_path):
    missing = tmp_path / "nothere.csv"
    one_line_error(run("geocode", str(missing), "-o", str(tmp_path / "o.geojson")), str(missing), "no such file")
    assert not (tmp_path / "o.geojson").exists()


def test_file_without_place_column_is_one_line_error(tmp_path):
    path = tmp_path / "noplace.csv"
    path.write_text("id,spot\n1,Aktau\n", encoding="utf-8")
    one_line_error(run("geocode", str(path)), str(path), "'place'")


def test_unknown_input_format_is_one_line_error(tmp_path):
    path = tmp_path / "events.xlsx"
    path.write_bytes(b"PK\x03\x04")
    one_line_error(run("geocode", str(path)), str(path), "unknown format")


@pytest.fixture
def clean_input(tmp_path: Path) -> Path:
    path = tmp_path / "clean.csv"
    path.write_text("id,place\nc1,Aktau\n", encoding="utf-8")
    return path


def test_unknown_output_format_is_one_line_error(tmp_path, clean_input):
    out = tmp_path / "out.shp"
    one_line_error(run("geocode", str(clean_input), "-o", str(out)), str(out), "unknown output format")
    assert not out.exists()


def test_strict_stops_at_the_bad_row(incidents):
    one_line_error(run("geocode", str(incidents), "--strict"), f"{incidents}:8: field 'lat'")


def test_header_only_input_gives_zero_records(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("id,place\n", encoding="utf-8")
    result = run("geocode", str(path), "-o", str(tmp_path / "o.geojson"))
    assert result.exit_code == 0, result.output
    assert "summary: 0 records" in result.output


# ------------------------------------------------------------------ locate


def table_rows(output: str) -> list[list[str]]:
    lines = output.strip().splitlines()
    assert lines[0].split()[:2] == ["score", "name"]
    return [line.split() for line in lines[1:-1]]


def test_locate_aksay_with_kazakh_context(place):
    result = run("locate", "Aksay", "--context", "Oral, West Kazakhstan")
    assert result.exit_code == 0, result.output
    rows = table_rows(result.stdout)
    assert rows[0][1] == "Aqsay" and rows[0][2] == "KAZ"
    assert {"RUS", "KAZ"} <= {r[2] for r in rows}
    scores = [float(r[0]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("summary: resolved: Aqsay [geonames:")
    lat, lon = (float(v) for v in last.split(" at ")[1].split(",")[:2])
    assert km(Point(lon, lat), place("Aqsay", "KZ")) < 2.0
    assert "where_prec 1 (exact place)" in last


def test_locate_aksay_alone_is_ambiguous():
    result = run("locate", "Aksay", "-n", "3")
    assert result.exit_code == 0
    assert len(table_rows(result.stdout)) == 3
    assert result.stdout.strip().splitlines()[-1].startswith("summary: ambiguous: ")


def test_locate_country_hint(place):
    result = run("locate", "Odessa", "--country", "US")
    last = result.stdout.strip().splitlines()[-1]
    assert result.exit_code == 0 and last.startswith("summary: resolved: Odessa [geonames:")
    lat, lon = (float(v) for v in last.split(" at ")[1].split(",")[:2])
    assert km(Point(lon, lat), place("Odessa", "US")) < 5.0


LOCATE_IN_A_FRESH_PROCESS = """
import sys
from geo.cli.main import cli
try:
    cli(["locate", "Uralsk", "--context", "Kaluga region"])
except SystemExit as exc:
    assert not exc.code, exc.code
print("imported:", sorted({"pandas", "geopandas", "pyarrow"} & set(sys.modules)))
"""


def test_locate_never_imports_pandas():
    """`incmap locate` answers from the layers' numpy columns: importing pandas and geopandas was 0.3 s of its start."""
    out = subprocess.run([sys.executable, "-c", LOCATE_IN_A_FRESH_PROCESS], capture_output=True, text=True, check=True)
    lines = out.stdout.strip().splitlines()
    assert lines[-2].startswith("summary: resolved: Oral [geonames:") and lines[-1] == "imported: []"


def test_locate_unresolved_gives_reason():
    result = run("locate", "xqzzyv blorf")
    assert result.exit_code == 0
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("summary: unresolved: - [-] at -, no precision") and "xqzzyv blorf" in last


def test_locate_empty_place():
    result = run("locate", "")
    assert result.exit_code == 0
    assert result.stdout.strip().splitlines() == ["summary: unresolved: - [-] at -, no precision, confidence 0.00; empty place"]


# ------------------------------------------------------------------ extra gazetteers

DUMP_ID_VILLAGE, DUMP_ID_SEA = "990000101", "990000102"


def dump_line(**fields: str) -> str:
    cells = dict.fromkeys(GEONAMES_COLUMNS, "")
    cells.update({k.replace("_", " "): v for k, v in fields.items()})
    assert len(cells) == len(GEONAMES_COLUMNS) == 19
    return "\t".join(cells[c] for c in GEONAMES_COLUMNS) + "\n"


@pytest.fixture(scope="module")
def extra(tmp_path_factory, cities15000):
    """An analyst's CSV and a GeoNames dump with invented places offset 0.1° from real GeoNames towns, built once."""

    def town(name: str, cc: str) -> Point:
        best = max((c for c in cities15000.values() if c["countrycode"] == cc and c["name"] == name), key=lambda c: c["population"])
        return Point(best["longitude"], best["latitude"])

    oral, aktobe, aktau, baku = town("Oral", "KZ"), town("Aktobe", "KZ"), town("Aktau", "KZ"), town("Baku", "AZ")
    d = tmp_path_factory.mktemp("extra_gazetteers")
    village = Point(oral.x + 0.1, oral.y + 0.1)
    user_csv = d / "analyst_places.csv"
    user_csv.write_text(f"name,lat,lon,country,alt_names\nZzyzxovka,{village.y},{village.x},KZ,Zzyzxowka|Ззызховка\n", encoding="utf-8")
    dump_place = Point(aktobe.x + 0.1, aktobe.y - 0.1)
    sea_lon, sea_lat = GEOD.npts(aktau.x, aktau.y, baku.x, baku.y, 1)[0]  # mid-Caspian
    dump = d / "KZextra.txt"
    dump.write_text(
        dump_line(geonameid=DUMP_ID_VILLAGE, name="Qwertyabad", asciiname="Qwertyabad", alternatenames="Квертиабад,Qwertyabat",
                  latitude=f"{dump_place.y}", longitude=f"{dump_place.x}", feature_class="P", feature_code="PPL",
                  country_code="KZ", admin1_code="04", population="800")
        + dump_line(geonameid=DUMP_ID_SEA, name="Caspian Sea", asciiname="Caspian Sea", alternatenames="Каспийское море,Kaspisches Meer",
                    latitude=f"{sea_lat}", longitude=f"{sea_lon}", feature_class="H", feature_code="SEA", population="0"),
        encoding="utf-8",
    )  # fmt: skip
    cache = d / "cache"
    gaz = load_gazetteer([user_csv, dump], cache_dir=cache, progress=False)
    return {"csv": user_csv, "dump": dump, "cache": cache, "gaz": gaz, "village": village, "dump_place": dump_place,
            "sea": Point(sea_lon, sea_lat)}  # fmt: skip


@pytest.fixture(scope="module")
def extra_geocoder(extra, layers) -> Geocoder:
    return Geocoder(layers=layers, gazetteer=extra["gaz"])


def test_extra_gazetteer_is_cached_in_the_given_directory(extra):
    assert extra["gaz"].problems == []
    assert len(list(extra["cache"].glob("gazetteer-*"))) == 1
    again = load_gazetteer([extra["csv"], extra["dump"]], cache_dir=extra["cache"], progress=False)
    assert again.from_cache and len(again) == len(extra["gaz"])


@pytest.mark.parametrize("text", ["Zzyzxovka", "Zzyzxowka", "Ззызховка", "ZZYZXOVKA"])
def test_user_csv_place_resolves(extra_geocoder, extra, layers, text):
    props, geom = extra_geocoder.geocode_record({"place": text})
    assert props["status"] == "resolved"
    assert props["matched_name"] == "Zzyzxovka"
    assert props["gazetteer_id"] == f"user:{extra['csv'].stem}:2"
    assert km(Point(props["lon"], props["lat"]), extra["village"]) < 0.1
    assert props["country"] == "KAZ"
    containing = layers.admin1[layers.admin1.covers(extra["village"])]
    assert props["admin1_code"] == containing["iso_3166_2"].iloc[0] == "KZ-ZAP"
    assert props["where_prec"] == 1 and geom.geom_type == "Point"


def test_user_csv_place_near_and_with_hint(extra_geocoder, extra):
    props, geom = extra_geocoder.geocode_record({"place": "near Zzyzxovka, West Kazakhstan region"})
    assert props["where_prec"] == 2 and props["status"] == "resolved"
    assert geom.covers(extra["village"]) and props["uncertainty_km"] == pytest.approx(25.0, abs=0.5)


def test_geonames_dump_place_resolves(extra_geocoder, extra):
    for text in ("Qwertyabad", "Квертиабад", "Qwertyabat"):
        props, _ = extra_geocoder.geocode_record({"place": text})
        assert props["status"] == "resolved", text
        assert props["gazetteer_id"] == f"geonames:{DUMP_ID_VILLAGE}"
        assert km(Point(props["lon"], props["lat"]), extra["dump_place"]) < 0.1
        assert props["country"] == "KAZ" and props["admin1_code"] == "KZ-AKT"


@pytest.mark.parametrize("text", ["Caspian Sea", "the Caspian Sea", "Kaspisches Meer"])
def test_water_from_a_dump_is_where_prec_7(extra_geocoder, extra, text):
    props, geom = extra_geocoder.geocode_record({"place": text})
    assert props["status"] == "resolved"
    assert props["where_prec"] == 7 and props["precision"] == "water or airspace" and props["acled_geo_precision"] == 3
    assert props["gazetteer_id"] == f"geonames:{DUMP_ID_SEA}"
    assert km(Point(props["lon"], props["lat"]), extra["sea"]) < 0.1
    assert props["country"] is None and props["admin1_code"] is None  # open water


def test_invented_places_are_unknown_without_the_extra_files(layers):
    plain = Geocoder(layers=layers)
    for text in ("Zzyzxovka", "Qwertyabad"):
        assert plain.resolve(text).status == "unresolved"


@pytest.fixture
def cli_gazetteer_in_tmp_cache(monkeypatch, extra):
    """Make the CLI build/load extra gazetteers in the test's cache directory (never the user's cache)."""
    calls = []

    def load(extra_paths=(), cache_dir=None, **kwargs):
        calls.append([Path(p) for p in extra_paths])
        if extra_paths:
            return ORIGINAL_LOAD_GAZETTEER(extra_paths, cache_dir=extra["cache"], **kwargs)
        return ORIGINAL_LOAD_GAZETTEER(extra_paths, **({"cache_dir": cache_dir} if cache_dir else {}), **kwargs)

    monkeypatch.setattr(gazetteer_mod, "load_gazetteer", load)
    return calls


def test_cli_geocode_with_extra_gazetteers(tmp_path, extra, cli_gazetteer_in_tmp_cache):
    path = tmp_path / "in.csv"
    path.write_text("id,place\nz1,Zzyzxovka\nz2,Qwertyabad\nz3,Caspian Sea\n", encoding="utf-8")
    out = tmp_path / "out.geojson"
    result = run("geocode", str(path), "--gazetteer", str(extra["csv"]), "--gazetteer", str(extra["dump"]), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert cli_gazetteer_in_tmp_cache == [[extra["csv"], extra["dump"]]]
    assert len(list(extra["cache"].glob("gazetteer-*"))) == 1  # the same files hit the same cache entry
    props = [f["properties"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]]
    assert [(p["id"], p["status"], p["where_prec"]) for p in props] == [("z1", "resolved", 1), ("z2", "resolved", 1), ("z3", "resolved", 7)]
    assert km(Point(props[0]["lon"], props[0]["lat"]), extra["village"]) < 0.1


def test_cli_locate_with_extra_gazetteer(extra, cli_gazetteer_in_tmp_cache):
    result = run("locate", "Zzyzxowka", "--gazetteer", str(extra["csv"]), "--gazetteer", str(extra["dump"]))
    assert result.exit_code == 0, result.output
    rows = table_rows(result.stdout)
    assert rows[0][1] == "Zzyzxovka" and rows[0][2] == "KAZ"
    assert result.stdout.strip().splitlines()[-1].startswith(f"summary: resolved: Zzyzxovka [user:{extra['csv'].stem}:2]")


def test_cli_missing_gazetteer_file_is_one_line_error(tmp_path, clean_input, cli_gazetteer_in_tmp_cache):
    missing = tmp_path / "nope.txt"
    one_line_error(run("geocode", str(clean_input), "--gazetteer", str(missing)), str(missing), "no such gazetteer file")


def test_locate_shows_the_ranking_the_route_was_resolved_from():
    """A route's endpoints are ranked with each other as context: the table shows those rankings, so it agrees with the answer."""
    result = run("locate", "Oral–Aksay highway")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    groups = [i for i, line in enumerate(lines) if line.startswith("-- route")]
    assert len(groups) == 2 and "'oral'" in lines[groups[0]] and "'aksay'" in lines[groups[1]]
    first_a, first_b = lines[groups[0] + 1].split(), lines[groups[1] + 1].split()
    assert first_a[1:3] == ["Oral", "KAZ"] and first_b[1:3] == ["Aqsay", "KAZ"]
    assert "near other places named" in lines[groups[1] + 1]  # Oral's point is the context Aqsay won by
    assert lines[-1].startswith("summary: resolved: Oral – Aqsay [") and "where_prec 5" in lines[-1]


def test_locate_marks_candidates_the_hints_rule_out():
    result = run("locate", "Odessa", "--country", "US", "-n", "20")
    lines = result.stdout.strip().splitlines()
    ukraine = [line for line in lines[1:-1] if " UKR " in line]
    assert ukraine and all(line.endswith("ruled out by the record's hints") for line in ukraine)
    assert not lines[1].endswith("ruled out by the record's hints")
