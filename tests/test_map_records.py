"""Incident records packed for the page: integer packing, dictionary encoding, dates and border distances."""

from __future__ import annotations

import base64

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.maps.records import KM_SCALE, _border_columns, _date_codes, encoded, packed


def unpacked(column: dict) -> np.ndarray:
    kind = {"Int8": "i1", "Int16": "i2", "Int32": "i4"}[column["dtype"]]
    return np.frombuffer(base64.b64decode(column["b64"]), dtype=np.dtype(kind).newbyteorder("<"))


@pytest.mark.parametrize("values, dtype", [([0, 5, -1, 127], "Int8"), ([-1, 300], "Int16"), ([-1, 40_000], "Int32"),
                                           ([-18_000_000, 18_000_000], "Int32"), ([], "Int8")])  # fmt: skip
def test_packed_round_trips_in_the_smallest_type(values, dtype):
    column = packed(values)
    assert column["dtype"] == dtype
    assert unpacked(column).tolist() == values


def test_packed_refuses_values_beyond_32_bits():
    with pytest.raises(ValueError):
        packed([2**31])


def test_encoded_picks_constant_dictionary_or_values():
    assert encoded(["a", "a", "a"]) == {"constant": "a"}
    col = encoded(["x", None, "x", "y", "x", "y"])
    assert col["dict"] == ["x", "y"] and unpacked(col["codes"]).tolist() == [0, -1, 0, 1, 0, 1]
    assert encoded(["p", "q", "r"]) == {"values": ["p", "q", "r"]}


def _points(**columns) -> gpd.GeoDataFrame:
    n = len(next(iter(columns.values())))
    return gpd.GeoDataFrame(columns, geometry=[shapely.Point(50 + i, 50) for i in range(n)], crs="EPSG:4326")


def test_date_codes_give_each_point_its_span():
    dates = _date_codes(_points(date=["2024-03", None, "2024-03-05", "2024-03", "not a date"]))
    spans = dates["spans"]
    codes = unpacked(dates["codes"]).tolist()
    assert [spans[c] if c >= 0 else None for c in codes] == [["2024-03-01", "2024-03-31"], None, ["2024-03-05", "2024-03-05"],
                                                            ["2024-03-01", "2024-03-31"], None]  # fmt: skip


def test_border_columns_in_tenths_of_a_km_with_missing_as_minus_one():
    cols = _border_columns(_points(border=["KAZ-RUS", None, "KAZ-RUS"], border_km=[12.34, np.nan, 0.0], border_km_max=[12.34, np.nan, 3.0]))
    assert unpacked(cols["km"]).tolist() == [round(12.34 * KM_SCALE), -1, 0]
    assert unpacked(cols["km_max"]).tolist() == [-1, -1, 3 * KM_SCALE]  # a point's far distance equals its near one: not sent
    assert cols["pair"] == {"dict": ["KAZ-RUS"], "codes": cols["pair"]["codes"]} and unpacked(cols["pair"]["codes"]).tolist() == [0, -1, 0]
    assert _border_columns(_points(border=[None, None], border_km=[np.nan, np.nan])) is None
