"""Records with exact given coordinates are geocoded as whole columns: the frame must equal one built record by record."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.geocoding.columns import column_plan
from geo.io.records import read_records


def _one_by_one(geocoder, records: list[dict]) -> gpd.GeoDataFrame:
    """The frame as incmap built it before column blocks: each record's dict, columns in order of first appearance."""
    rows, geoms = zip(*(geocoder.geocode_record(r) for r in records))
    columns = list(dict.fromkeys(k for row in rows for k in row))
    frame = gpd.GeoDataFrame(list(rows), columns=columns, geometry=list(geoms), crs="EPSG:4326")
    for col in ("where_prec", "acled_geo_precision"):
        frame[col] = frame[col].astype("Int64")
    return frame


def _assert_same(geocoder, records: list[dict]) -> gpd.GeoDataFrame:
    fast, slow = geocoder.geocode(records, progress=False), _one_by_one(geocoder, records)
    assert list(fast.columns) == list(slow.columns)
    pd.testing.assert_frame_equal(fast.drop(columns="geometry"), slow.drop(columns="geometry"))
    assert bool(np.all(shapely.equals_exact(fast.geometry.values, slow.geometry.values, 0) | (fast.geometry.isna() & slow.geometry.isna())))
    return fast


def _file_same(geocoder, path, text: str) -> gpd.GeoDataFrame:
    """The records of a file holding ``text``, geocoded as whole columns: checked against one record at a time."""
    path.write_text(text, encoding="utf-8")
    return _assert_same(geocoder, read_records(path).records)


def test_csv_mix_equals_record_by_record(geocoder, tmp_path):
    frame = _file_same(
        geocoder,
        tmp_path / "mix.csv",
        "id,place,lat,lon,where_prec,country,status,border_km,src_lat,note\n"
        "a,,51.2333,51.3667,,x,s,1,q,plain exact point\n"
        "b,Oral,51.2333,51.3667,1,x,s,1,q,stated exact\n"
        "c,,51.23331234567,51.3667,,x,s,1,q,more than six decimals\n"
        "d,Aksay,51.17,53.0,2,x,s,1,q,near: a circle\n"
        "e,Uralsk,,,,,,,,resolved by name\n"
        "f,,45.0,30.0,,,,,,at sea\n"
        "g,,95.0,30.0,,,,,,latitude out of range\n"
        "h,,,,,,,,,nothing to go on\n"
        "i,Kaluga,54.5,36.27,4,,,,,a region\n",
    )
    assert frame["src_lat"].tolist()[:3] == ["q", "q", "q"]  # the input's own src_lat stays
    assert frame.loc[2, "src_src_lat"] == pytest.approx(51.23331234567) and frame.loc[2, "lat"] == 51.233312
    assert frame.loc[0, "src_country"] == "x" and frame.loc[0, "country"] == "KAZ" and frame.loc[0, "status"] == "given"
    assert pd.isna(frame.loc[5, "country"]) and pd.isna(frame.loc[5, "admin1"]) and frame.loc[5, "status"] == "given"  # Black Sea
    assert (frame.loc[:1, "where_prec"] == 1).all() and frame.loc[3, "where_prec"] == 2


def test_jsonl_records_of_different_shapes(geocoder, tmp_path):
    frame = _file_same(
        geocoder,
        tmp_path / "mix.jsonl",
        '{"id": 1, "lat": 43.25, "lon": 76.95, "title": "<b>x</b>"}\n'
        '{"id": 2, "lat": 43.25, "lon": 76.95, "geo_precision": 1, "extra": [1, 2]}\n'
        '{"id": 3, "place": "Almaty", "confidence": 7}\n'
        '{"id": 4, "lat": 43, "lon": 77, "title": "integer coordinates"}\n'
        '{"id": 5, "lat": 43.25, "lon": 76.95, "geometry": "kept under src_geometry"}\n',
    )
    assert frame.loc[4, "src_geometry"] == "kept under src_geometry" and frame.loc[2, "src_confidence"] == 7


def test_many_rows_one_block(geocoder):
    rng = np.random.default_rng(3)
    records = [{"id": f"r{i}", "lat": round(float(y), 5), "lon": round(float(x), 5), "_line": i + 2}
               for i, (x, y) in enumerate(zip(rng.uniform(45, 90, 3000), rng.uniform(39, 56, 3000)))]  # fmt: skip
    frame = _assert_same(geocoder, records)
    assert frame["country"].notna().mean() > 0.9 and set(frame["status"]) == {"given"}


def test_plan_moves_input_columns_incmap_writes():
    plan = column_plan(("id", "lat", "lon", "country", "border_km"), frozenset(), frozenset({"lat"}))
    names = [c for c, _, _ in plan]
    assert names[:5] == ["id", "lat", "lon", "country", "src_lat"]  # later fields move out of the way
    assert ("src_border_km", "in", "border_km") in plan and ("country", "out", "country") in plan
    assert ("src_country", "in", "country") in plan and ("lat", "out", "lat") in plan


def test_coarse_given_points_made_together_equal_one_by_one(geocoder):
    """Given points stating a coarse precision (near, district, region, area, country; one at sea) are drawn in one
    pass: the same footprints, and radii equal to measuring each footprint's hull from its point alone."""
    from shapely.geometry import Point

    from geo.geocoding.footprint import uncertainties_km, uncertainty_km
    from geo.io.precision import DISTRICT_RADIUS_KM, NEAR_RADIUS_KM

    rng = np.random.default_rng(8)
    points = [Point(x, y) for x, y in zip(rng.uniform(45, 85, 60), rng.uniform(40, 55, 60))] + [Point(-30.0, 0.0)]  # the last at sea
    precs = [[2, 3, 4, 5, 6][k % 5] for k in range(len(points) - 1)] + [4]
    together = geocoder.givens(points, precs, ["x"] * len(points))
    alone = [geocoder.givens([p], [c], ["x"])[0] for p, c in zip(points, precs)]
    assert [r.geometry.wkb for r in together] == [r.geometry.wkb for r in alone]
    measured = [uncertainty_km(r.geometry, r.point) for r in together]  # at sea a point stays a point, measured later: 0
    assert [0.0 if r.uncertainty_km is None and r.geometry.geom_type == "Point" else r.uncertainty_km for r in together] == pytest.approx(measured, abs=1e-6)
    assert {r.geometry.geom_type for r in together} >= {"Polygon", "Point"} and together[-1].geometry.geom_type == "Point"
    for prec, radius in ((2, NEAR_RADIUS_KM), (3, DISTRICT_RADIUS_KM)):  # "near" and district circles, at their radius
        assert {round(m, 6) for r, m, c in zip(together, measured, precs) if c == prec} == {radius}
    units = [r for r in together if r.where_prec >= 4 and r.geometry.geom_type != "Point"]
    assert len(units) > 20 and [r.uncertainty_km for r in units] == [uncertainty_km(r.geometry, r.point) for r in units]
    mixed = [points[0], shapely.box(50, 45, 52, 47), Point(1, 1), shapely.box(50, 45, 52, 47).boundary]
    assert uncertainties_km(mixed, [points[1]] * 4) == [uncertainty_km(g, points[1]) for g in mixed]


def test_coordinates_rounded_all_at_once_equal_pythons_round():
    """The output's coordinates, rounded for a whole block, equal ``round(v, 6)`` of each, bit for bit, and say which
    it changed: values with six decimals or fewer, more, signed zeros and halves at the seventh decimal."""
    from geo.geocoding.given_points import rounded

    rng = np.random.default_rng(11)
    values = np.concatenate([rng.uniform(-180, 180, 20_000), [round(v, d) for v, d in zip(rng.uniform(-90, 90, 20_000).tolist(), rng.integers(0, 9, 20_000).tolist())],
                             [0.0, -0.0, 1e-7, 5e-7, 1.5e-6, 2.5e-6, 179.9999995, -89.9999995, 51.2333125, 51.23331234567]])  # fmt: skip
    out, moved = rounded(values)
    expected = [round(v, 6) for v in values.tolist()]
    assert [v.hex() for v in out] == [v.hex() for v in expected]
    assert moved == [e != v for e, v in zip(expected, values.tolist())] and 1000 < sum(moved) < 35_000


def test_coarse_rows_as_columns_equal_record_by_record(geocoder, tmp_path):
    """Rows stating a coarse precision (ACLED's geo_precision here) are written as columns: the same frame as one
    record at a time, with a bad date reported on its row, coordinates past six decimals rounded, a unit at
    sea staying a point, and an input column incmap writes moved aside."""
    frame = _file_same(
        geocoder,
        tmp_path / "acled.csv",
        "event_id_cnty,event_date,latitude,longitude,geo_precision,location,country,notes\n"
        "KAZ1,2024-03-05,51.2333,51.3667,2,Oral,Kazakhstan,near a town\n"
        "KAZ2,not a date,51.23331234567,51.3667123,3,Oral,Kazakhstan,a region; bad date\n"
        "KAZ3,2024-03-07,43.0,51.0,3,,Kazakhstan,region at sea\n"
        "KAZ4,2024-03-08,49.5,60.25,1,Aral,Kazakhstan,exact\n"
        "KAZ5,2024-03-09,52.1,77.0,2,,Kazakhstan,\n",
    )
    assert frame.loc[0, "src_country"] == "Kazakhstan" and frame.loc[0, "country"] == "KAZ"
    assert frame["where_prec"].tolist() == [2, 4, 4, 1, 2] and frame["status"].tolist() == ["given"] * 5
    assert frame.loc[1, "problems"] and "date" in frame.loc[1, "problems"] and frame["problems"].isna().sum() == 4
    assert frame.loc[1, "lat"] == 51.233312 and frame.loc[1, "latitude"] == "51.23331234567"  # the dataset's own column stays
    assert frame.loc[2, "geometry"].geom_type == "Point" and frame.loc[0, "geometry"].geom_type == "Polygon"


@pytest.mark.parametrize("values", [["given", None, "resolved"], [None, None], [1.5, None, 2.0], [None], ["a", 1], [float("nan"), "x"]])
def test_output_columns_made_directly_are_what_pandas_infers(values):
    """The frame's float and text fields, made as arrays directly, have the dtype and values pandas infers from their
    lists; a list they cannot be (all None, mixed kinds) stays a list."""
    from geo.geocoding.columns import typed_columns

    for name in ("confidence", "reason"):
        data = {name: list(values)}
        typed_columns(data)
        made, inferred = pd.Series(data[name]), pd.Series(list(values))
        if made.dtype == inferred.dtype:
            pd.testing.assert_series_equal(made, inferred)
        else:  # a float field given text, or a text field given floats: the array is not made
            assert isinstance(data[name], list) and data[name] == values


@pytest.mark.parametrize("values", [[51.5, None, -0.0, float("nan"), float("inf"), 180.0],
                                    [1, True, "51.5", None, np.float32(2.5), float("-inf"), 3.25, np.nan]])  # fmt: skip
def test_coordinates_read_all_at_once_are_what_is_number_says(values):
    """The usable coordinates of many records at once: exactly :func:`is_number`'s (finite reals, not bools or text)
    with their float values, whether the list is plain floats (one array) or mixed (value by value)."""
    from geo.geocoding.given_points import as_numbers, is_number

    got, usable = as_numbers(values)
    assert usable.tolist() == [is_number(v) for v in values]
    assert [g.hex() for g, ok in zip(got.tolist(), usable) if ok] == [float(v).hex() for v in values if is_number(v)]
    assert np.isnan(got[~usable]).all()


def test_given_points_never_read_the_unit_name_indexes(layers, monkeypatch):
    """Records with coordinates need no admin-1 or country names: the indexes are read when a name is first looked up."""
    import geo.geocoding.lookup as lookup
    from geo.geocoding import Geocoder

    reads = []
    real = lookup.name_indexes
    monkeypatch.setattr(lookup, "name_indexes", lambda *args: (reads.append(1), real(*args))[1])
    geocoder = Geocoder(layers=layers)
    frame = geocoder.geocode([{"id": "a", "lat": 51.2333, "lon": 51.3667}, {"id": "b", "lat": 51.2, "lon": 51.4, "where_prec": 4}])
    assert not reads and frame["admin1_code"].tolist() == ["KZ-ZAP", "KZ-ZAP"]
    assert geocoder.geocode([{"id": "c", "place": "West Kazakhstan region"}]).loc[0, "admin1_code"] == "KZ-ZAP"
    assert len(reads) == 1
