"""String and category columns: the flat-array stand-ins for the gazetteer's object arrays answer as those did."""

from __future__ import annotations

import numpy as np
import pytest

from geo.gazetteer.strings import CategoryColumn, StringColumn


def test_string_column_reads_like_an_object_array() -> None:
    values = ["Oral", "", "Уральск", "geonames:608668", "geonames:1608668", "Oral"]
    col = StringColumn.from_strings(values)
    assert len(col) == 6 and list(col) == values and col.tolist() == values and col.tolist(2, 4) == values[2:4]
    assert (col[0], col[2], col[-1], col[np.int32(3)]) == ("Oral", "Уральск", "Oral", "geonames:608668")
    assert col[[2, 0]].tolist() == ["Уральск", "Oral"] and col[1:3].tolist() == ["", "Уральск"]
    assert col[np.array([True, False, True, False, False, False])].tolist() == ["Oral", "Уральск"]
    assert (col == "Oral").tolist() == [True, False, False, False, False, True] and (col != "Oral").sum() == 4
    assert np.flatnonzero(col == "geonames:608668").tolist() == [3] and np.flatnonzero(col == "").tolist() == [1]
    assert not (col == "Ural").any() and np.flatnonzero("Уральск" == col).tolist() == [2]
    assert np.asarray(col).tolist() == values and col.take([5, -6]) == ["Oral", "Oral"]
    with pytest.raises(IndexError):
        col[6]
    with pytest.raises(ValueError):
        StringColumn(col.data[:-1], col.offsets)


def test_category_column_reads_like_an_object_array() -> None:
    values = ["KZ.07", "", "RU.12", "KZ.07"]
    col = CategoryColumn.from_strings(values)
    assert col.categories == ("", "KZ.07", "RU.12") and col.codes.dtype == np.int32
    assert list(col) == values and col.tolist() == values and (col[0], col[-1]) == ("KZ.07", "KZ.07")
    assert col[[2, 1]].tolist() == ["RU.12", ""] and col[col != ""].tolist() == ["KZ.07", "RU.12", "KZ.07"]
    assert np.flatnonzero(col == "KZ.07").tolist() == [0, 3] and not (col == "UA.01").any()
    assert np.unique(col).tolist() == ["", "KZ.07", "RU.12"] and col.code("RU.12") == 2 and col.code("XX") == -1
