"""Dataset exports and GIS files end to end: ACLED and UCDP GED exports load as they are with every input value kept,
GeoPackage and (Geo)Parquet inputs, and footprints given as geometries (kept, measured, reported when invalid).

Every input file is built here, in ``tmp_path``; coordinates come from the committed layers, never typed in.
"""

from __future__ import annotations

import csv
import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from shapely.geometry import LineString, Point, box

from geo.cli.main import cli
from geo.io import read_records
from geo.pipeline import load_incidents

#: ACLED's export columns (https://acleddata.com), in its order.
ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type", "actor1", "country",
                 "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities", "iso"]  # fmt: skip
#: ACLED columns that incmap's output also writes: kept whole under src_<name>.
WRITTEN_BY_INCMAP = {"country", "admin1"}


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def west_kazakhstan(layers) -> Point:
    """A point inside the West Kazakhstan region (admin-1 layer)."""
    return layers.admin1[layers.admin1["iso_3166_2"] == "KZ-ZAP"].geometry.iloc[0].representative_point()


@pytest.fixture(scope="module")
def border_vertex(layers) -> Point:
    """A vertex of the Kazakhstan-Russia land border."""
    line = layers.borders[layers.borders["pair"] == "KAZ-RUS"].geometry.iloc[0]
    coords = shapely.get_coordinates(line)
    return Point(coords[len(coords) // 2])


@pytest.fixture
def acled_csv(tmp_path, west_kazakhstan):
    """An ACLED-style export: three events with ACLED's own country, admin1, coordinates and precision."""
    pt = west_kazakhstan
    rows = [
        ["KAZ101", "22 June 2025", "2025", "1", "Demonstrations", "Protests", "Peaceful protest", "Protesters (Kazakhstan)", "Kazakhstan",
         "West Kazakhstan", "Uralsk", "", "Oral", f"{pt.y:.4f}", f"{pt.x:.4f}", "1", "Vlast", 'rally, "peaceful"', "0", "398"],
        ["KAZ102", "23 June 2025", "2025", "2", "Political violence", "Riots", "Mob violence", "Rioters (Kazakhstan)", "Kazakhstan",
         "West Kazakhstan", "", "", "West Kazakhstan", f"{pt.y:.4f}", f"{pt.x:.4f}", "3", "Tengri", "", "2", "398"],
        ["KAZ103", "2025-06-24", "2025", "1", "Strategic developments", "Strategic developments", "Other", "Military Forces", "Kazakhstan",
         "West Kazakhstan", "", "", "Oral", f"{pt.y:.4f}", f"{pt.x:.4f}", "2", "Kazinform", "drones seen", "0", "398"],
    ]  # fmt: skip
    path = tmp_path / "acled.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([ACLED_COLUMNS, *rows])
    return path, rows


def assert_every_input_value_kept(input_rows: list[list[str]], output_rows: list[dict]) -> None:
    """Each ACLED value is in the output as written: under its own name, or under src_<name> where incmap writes the name."""
    assert len(output_rows) == len(input_rows)
    for row, out in zip(input_rows, output_rows):
        for column, value in zip(ACLED_COLUMNS, row):
            kept = out["src_" + column] if column in WRITTEN_BY_INCMAP else out[column]
            assert ("" if kept is None else str(kept)) == value, (column, value, kept)


def test_acled_csv_keeps_every_value_in_csv_geojson_and_query_outputs(tmp_path, acled_csv):
    path, rows = acled_csv
    run("geocode", str(path), "-o", str(tmp_path / "out.csv"))
    run("geocode", str(path), "-o", str(tmp_path / "out.geojson"))
    run("query", str(path), "--within-km", "20000", "--format", "csv", "-o", str(tmp_path / "query.csv"))
    run("query", str(tmp_path / "out.geojson"), "--format", "geojson", "-o", str(tmp_path / "again.geojson"))
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as fh:
        out_csv = list(csv.DictReader(fh))
    with (tmp_path / "query.csv").open(encoding="utf-8", newline="") as fh:
        query_csv = list(csv.DictReader(fh))
    geojson = [f["properties"] for f in json.loads((tmp_path / "out.geojson").read_text(encoding="utf-8"))["features"]]
    again = [f["properties"] for f in json.loads((tmp_path / "again.geojson").read_text(encoding="utf-8"))["features"]]
    for output in (out_csv, query_csv, geojson, again):
        assert_every_input_value_kept(rows, output)
    assert [r["country"] for r in out_csv] == ["KAZ"] * 3 and [r["admin1_code"] for r in geojson] == ["KZ-ZAP"] * 3  # incmap's own fields
    assert [r["date"] for r in geojson] == ["2025-06-22", "2025-06-23", "2025-06-24"] and "src_date" not in geojson[0]
    assert [r["where_prec"] for r in geojson] == [1, 4, 2]  # ACLED's geo_precision 1, 3, 2 as UCDP codes


def test_ucdp_csv_export_is_dated_without_warnings(tmp_path, west_kazakhstan):
    pt = west_kazakhstan
    path = tmp_path / "ged.csv"
    dates = ["1/2/2014 12:00:00 AM", "1/22/2014 12:00:00 AM", "3/4/2014 12:00:00 AM", "10/11/2014 12:00:00 AM", "12/12/2014 12:00:00 AM"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "year", "where_prec", "where_coordinates", "adm_1", "latitude", "longitude", "country", "date_start", "date_end", "best"])
        out.writerows([[i, 2014, 1, "Oral town", "West Kazakhstan province", pt.y, pt.x, "Kazakhstan", d, d, 3] for i, d in enumerate(dates)])
    result = run("geocode", str(path), "-o", str(tmp_path / "out.geojson"))
    assert "0 bad rows reported" in result.output and "warning" not in result.output.lower()
    props = [f["properties"] for f in json.loads((tmp_path / "out.geojson").read_text(encoding="utf-8"))["features"]]
    assert [p["date"] for p in props] == ["2014-01-02", "2014-01-22", "2014-03-04", "2014-10-11", "2014-12-12"]
    assert [p["date_start"] for p in props] == dates and [p["src_where_prec"] for p in props] == ["1"] * 5


# ------------------------------------------------------------------ GeoPackage and Parquet


@pytest.fixture
def gis_frame(west_kazakhstan) -> gpd.GeoDataFrame:
    """Three incidents as a GIS layer: a point, a small polygon (with an ACLED date) and a route."""
    pt = west_kazakhstan
    geoms = [pt, box(pt.x - 0.05, pt.y - 0.05, pt.x + 0.05, pt.y + 0.05), LineString([(pt.x - 0.5, pt.y), (pt.x + 0.5, pt.y)])]
    return gpd.GeoDataFrame({"id": ["p", "a", "r"], "place": ["Oral", "a field", "road"], "event_date": ["22 June 2025", "03.05.2024", None],
                             "fatalities": [1, 2, 3]}, geometry=geoms, crs="EPSG:4326")  # fmt: skip


@pytest.mark.parametrize("name", ["in.gpkg", "in.parquet", "in.geoparquet"])
def test_gpkg_and_geoparquet_points_and_footprints(tmp_path, gis_frame, name):
    path = tmp_path / name
    gis_frame.to_file(path, driver="GPKG", engine="pyogrio") if name.endswith(".gpkg") else gis_frame.to_crs(3857).to_parquet(path)
    incidents = load_incidents(path, progress=False)
    frame = incidents.frame
    assert incidents.problems == [] and list(frame["id"]) == ["p", "a", "r"] and list(frame["status"]) == ["given"] * 3
    assert list(frame.geometry.geom_type) == ["Point", "Polygon", "LineString"]
    assert frame.geometry[0].distance(gis_frame.geometry[0]) < 1e-6 and frame.geometry[1].equals_exact(gis_frame.geometry[1], 1e-6)
    assert list(frame["where_prec"]) == [1, 2, 5] and list(frame["date"][:2]) == ["2025-06-22", "2024-05-03"] and pd.isna(frame["date"][2])
    assert list(frame["fatalities"]) == [1, 2, 3] and list(frame["event_date"][:2]) == ["22 June 2025", "03.05.2024"]


def test_plain_parquet_with_dataset_columns_is_records(tmp_path, west_kazakhstan):
    pt = west_kazakhstan
    path = tmp_path / "acled.parquet"
    pd.DataFrame({"event_id_cnty": ["KAZ1", "KAZ2"], "location": ["Oral", "Oral"], "latitude": [pt.y, None], "longitude": [pt.x, None],
                  "event_date": pd.to_datetime(["2025-06-22", "2025-06-23"]), "country": ["Kazakhstan", "Kazakhstan"]}).to_parquet(path)  # fmt: skip
    result = read_records(path)
    assert result.problems == [] and [r["id"] for r in result.records] == ["KAZ1", "KAZ2"]
    assert [r["date"] for r in result.records] == ["2025-06-22", "2025-06-23"] and result.records[1]["lat"] is None
    assert (result.records[0]["lat"], result.records[0]["lon"]) == (pytest.approx(pt.y), pytest.approx(pt.x))


def test_parquet_with_coordinates_only_needs_no_place(tmp_path, west_kazakhstan):
    path = tmp_path / "points.parquet"
    pd.DataFrame({"lat": [west_kazakhstan.y], "lon": [west_kazakhstan.x], "what": ["x"]}).to_parquet(path)
    frame = load_incidents(path, progress=False).frame
    assert list(frame["status"]) == ["given"] and frame["country"][0] == "KAZ"


def test_a_gpkg_with_several_layers_is_read_from_its_first(tmp_path, gis_frame, recwarn):
    path = tmp_path / "layers.gpkg"
    gis_frame.iloc[:1].to_file(path, layer="incidents", driver="GPKG", engine="pyogrio")
    gis_frame.iloc[1:].to_file(path, layer="other", driver="GPKG", engine="pyogrio")
    result = read_records(path)
    assert [r["id"] for r in result.records] == ["p"] and not [w for w in recwarn if "layer" in str(w.message)]


def test_unreadable_gpkg_is_a_one_line_error(tmp_path):
    path = tmp_path / "broken.gpkg"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 64)
    result = CliRunner().invoke(cli, ["geocode", str(path)])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1 and str(path) in result.output


# ------------------------------------------------------------------ footprints given as geometries


def feature(geometry, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def test_geojson_polygon_and_line_are_kept_as_footprints_and_measured(tmp_path, border_vertex, west_kazakhstan):
    v, pt = border_vertex, west_kazakhstan
    on_border = box(v.x - 0.05, v.y - 0.05, v.x + 0.05, v.y + 0.05)
    route = LineString([(pt.x - 0.5, pt.y), (pt.x + 0.5, pt.y + 0.2)])
    district, region, area = (box(pt.x - d, pt.y - d, pt.x + d, pt.y + d) for d in (0.5, 3, 6))
    doc = {"type": "FeatureCollection", "features": [
        feature(shapely.geometry.mapping(on_border), id="poly", place="border field"),
        feature(shapely.geometry.mapping(route), id="line", place="road"),
        feature(shapely.geometry.mapping(district), id="stated", place="somewhere", where_prec=4),
        feature(shapely.geometry.mapping(district), id="district", place="a district"),
        feature(shapely.geometry.mapping(region), id="region", place="a region"),
        feature(shapely.geometry.mapping(area), id="area", place="an area"),
    ]}  # fmt: skip
    path = tmp_path / "footprints.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    frame = load_incidents(path, progress=False).frame
    assert list(frame["status"]) == ["given"] * 6 and list(frame.geometry.geom_type) == ["Polygon", "LineString", *["Polygon"] * 4]
    assert frame.geometry[0].equals_exact(on_border, 1e-9) and frame.geometry[1].equals_exact(route, 1e-9)
    points = [Point(lon, lat) for lon, lat in zip(frame["lon"], frame["lat"])]
    assert on_border.covers(points[0]) and route.distance(points[1]) < 1e-6 and district.covers(points[2])
    # ~7 km around its point: near; a line: a route; the input's own code; ~66 km: a district; ~400 km: a region; ~800 km: an area
    assert list(frame["where_prec"]) == [2, 5, 4, 3, 4, 5]
    assert 5 < frame["uncertainty_km"][0] < 8 and 35 < frame["uncertainty_km"][1] < 45
    assert frame["border_km"][0] == pytest.approx(0.0, abs=1e-6) and frame["border"][0] == "KAZ-RUS"
    assert frame["border_km_max"][0] > 1 and frame["border_km"][2] < frame["border_km_max"][2]  # the footprint is measured, not a point


def test_invalid_geometries_are_reported_and_the_record_kept(tmp_path):
    bowtie = {"type": "Polygon", "coordinates": [[[50, 50], [51, 51], [51, 50], [50, 51], [50, 50]]]}
    broken = {"type": "Polygon", "coordinates": [[[50, 50], [51, 51]]]}
    outside = {"type": "LineString", "coordinates": [[50, 50], [200, 50]]}
    doc = {"type": "FeatureCollection", "features": [feature(bowtie, place="Aktau"), feature(broken, place="Aktau"), feature(outside, place="")]}
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = read_records(path)
    assert [(p.path, p.line, p.field) for p in result.problems] == [(str(path), 1, "geometry"), (str(path), 2, "geometry"), (str(path), 3, "geometry")]
    assert "Self-intersection" in str(result.problems[0]) and "outside" in str(result.problems[2])
    assert len(result.records) == 3 and all("_footprint" not in r for r in result.records)
    frame = load_incidents(path, progress=False).frame
    assert list(frame["status"][:2]) == ["resolved", "resolved"] and list(frame["country"][:2]) == ["KAZ", "KAZ"]  # geocoded by its place
    assert frame["status"][2] == "unresolved" and "geometry" in frame["reason"][2]
