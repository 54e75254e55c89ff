"""Exports of common incident datasets load as they are: ACLED and UCDP GED column names become incmap's
fields, and coordinates they give are drawn at the precision they state (a province-level event is the
province's polygon, not an exact pin). Coordinates here come from the layers, not typed in."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import shapely
from pyproj import Geod

from geo.geocoding import Geocoder
from geo.io import read_records
from geo.io.dates import SlashOrder
from geo.io.schemas import alias_columns, date_order, given_precision, source_column

GEOD = Geod(ellps="WGS84")
ACLED_COLUMNS = ["event_id_cnty", "event_date", "event_type", "country", "admin1", "location", "latitude", "longitude", "geo_precision", "notes"]


@pytest.fixture(scope="module")
def geocoder(layers) -> Geocoder:
    return Geocoder(layers=layers)


@pytest.fixture(scope="module")
def region(layers):
    """(code, polygon, an inside point) of the West Kazakhstan region, from the admin-1 layer."""
    row = layers.admin1[layers.admin1["iso_3166_2"] == "KZ-ZAP"].iloc[0]
    return row["iso_3166_2"], row.geometry, row.geometry.representative_point()


def test_alias_columns_fill_only_missing_fields():
    assert alias_columns(ACLED_COLUMNS) == {"place": "location", "lat": "latitude", "lon": "longitude", "date": "event_date",
                                           "type": "event_type", "description": "notes", "region": "admin1", "id": "event_id_cnty"}  # fmt: skip
    assert "place" not in alias_columns(["place", "location"])  # the file's own field wins


@pytest.mark.parametrize("record, prec", [({"geo_precision": "3"}, 4), ({"geo_precision": 2}, 2), ({"where_prec": "6"}, 6),
                                          ({"where_prec": 1.0}, 1), ({"geo_precision": "9"}, None), ({}, None)])  # fmt: skip
def test_given_precision(record, prec):
    assert given_precision(record) == prec


def test_acled_export_loads_and_is_drawn_at_its_stated_precision(tmp_path, geocoder, region):
    code, polygon, inside = region
    path = tmp_path / "acled.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(ACLED_COLUMNS)
        out.writerow(["KAZ1", "02 January 2024", "Protests", "Kazakhstan", "West Kazakhstan", "Oral", inside.y, inside.x, 1, "a protest"])
        out.writerow(["KAZ2", "2024-01-03", "Protests", "Kazakhstan", "West Kazakhstan", "Oral", inside.y, inside.x, 2, "near the town"])
        out.writerow(["KAZ3", "2024-01-04", "Riots", "Kazakhstan", "West Kazakhstan", "West Kazakhstan", inside.y, inside.x, 3, "somewhere in the province"])
        out.writerow(["KAZ4", "2024-01-05", "Protests", "Kazakhstan", "West Kazakhstan", "Aktau", "", "", "", "no coordinates"])
    result = read_records(path)
    assert result.problems == []
    records = result.records
    assert [r["id"] for r in records] == ["KAZ1", "KAZ2", "KAZ3", "KAZ4"] and records[0]["date"] == "2024-01-02"
    assert records[0]["place"] == "Oral" and records[0]["location"] == "Oral" and records[0]["description"] == "a protest"
    frame = geocoder.geocode(records)
    assert list(frame["status"][:3]) == ["given"] * 3 and list(frame["where_prec"][:3]) == [1, 2, 4]
    exact, near, province = frame.geometry[:3]
    assert exact.equals(shapely.Point(inside.x, inside.y))
    ring = np.asarray(near.exterior.coords)
    km = GEOD.inv(np.full(len(ring), inside.x), np.full(len(ring), inside.y), ring[:, 0], ring[:, 1])[2] / 1000
    assert np.allclose(km, 25.0, atol=0.05)
    assert province.equals(polygon) and frame["admin1_code"][2] == code and frame["uncertainty_km"][2] > 100
    assert frame["status"][3] == "resolved" and frame["country"][3] == "KAZ"  # a place name alone is geocoded as usual


def test_ucdp_ged_country_level_event_is_the_country_polygon(tmp_path, geocoder, layers, region):
    _, _, inside = region
    path = tmp_path / "ged.jsonl"
    path.write_text(json.dumps({"id": 77, "date_start": "2024-01-02 00:00:00.000", "where_coordinates": "Kazakhstan", "where_prec": 6,
                                "latitude": inside.y, "longitude": inside.x, "adm_1": ""}) + "\n", encoding="utf-8")  # fmt: skip
    (record,) = read_records(path).records
    frame = geocoder.geocode([record])
    kaz = layers.countries[layers.countries["iso3"] == "KAZ"].geometry.iloc[0]
    assert frame["where_prec"][0] == 6 and frame.geometry[0].equals(kaz) and record["date"] == "2024-01-02"


@pytest.mark.parametrize("taken, column", [((), "src_country"), (("src_country",), "src_src_country"), (("src_country", "src_src_country"), "src_src_src_country")])  # fmt: skip
def test_source_column_never_takes_an_input_column(taken, column):
    assert source_column("country", set(taken)) == column


def test_dataset_date_orders():
    assert date_order("date_start") == date_order("DATE_END") == SlashOrder.MDY  # UCDP GED's CSV export
    assert date_order("event_date") is None and date_order("date") is None


def test_acled_values_incmap_writes_are_kept_under_src(tmp_path, geocoder, region):
    """ACLED's own country, admin1 (and a column named like an output field) survive geocoding under src_<name>,
    for every row, while the country and admin1 still serve as hints; aliased coordinates need no src_ copy."""
    _, _, inside = region
    path = tmp_path / "acled.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow([*ACLED_COLUMNS, "status", "src_status"])
        out.writerow(["KAZ1", "02 January 2024", "Protests", "Kazakhstan", "West Kazakhstan", "Oral", inside.y, inside.x, 1, "n", "open", "x"])
        out.writerow(["KAZ2", "2024-01-03", "Protests", "Kazakhstan", "West Kazakhstan", "Aktau", "", "", "", "n", "", ""])
    frame = geocoder.geocode(read_records(path).records)
    assert list(frame["country"]) == ["KAZ", "KAZ"] and list(frame["src_country"]) == ["Kazakhstan", "Kazakhstan"]
    assert list(frame["src_admin1"]) == ["West Kazakhstan", "West Kazakhstan"] and frame["admin1"][0] == "West Kazakhstan"
    assert list(frame["status"]) == ["given", "resolved"] and list(frame["src_src_status"]) == ["open", ""] and list(frame["src_status"]) == ["x", ""]
    assert list(frame["event_date"]) == ["02 January 2024", "2024-01-03"] and list(frame["date"]) == ["2024-01-02", "2024-01-03"]
    assert "src_date" not in frame and "src_lat" not in frame and frame["latitude"][0] == str(inside.y)


def test_given_coordinates_the_output_changes_are_kept_under_src(geocoder):
    props, _ = geocoder.geocode_record({"place": "x", "lat": 51.123456789, "lon": 51.1, "where_prec": 1, "border": "mine"})
    assert props["lat"] == 51.123457 and props["src_lat"] == 51.123456789 and "src_lon" not in props  # 51.1 is kept as it is
    assert props["src_where_prec"] == 1 and props["src_border"] == "mine" and "border" not in props  # measured later, never overwritten
