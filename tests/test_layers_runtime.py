"""The layers' runtime copy in the user cache gives the frames the GeoParquet files give, and mends itself."""

from __future__ import annotations

import os
import shutil

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo import settings
from geo.layers.runtime import cached_layer, copy_path


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "cache")
    return tmp_path / "cache"


def _same(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> None:
    assert list(a.columns) == list(b.columns) and a.geometry.name == b.geometry.name and a.crs == b.crs
    pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns=a.geometry.name)), pd.DataFrame(b.drop(columns=b.geometry.name)))
    assert bool(shapely.equals_exact(a.geometry.values, b.geometry.values, 0).all())  # every coordinate bit for bit


@pytest.mark.parametrize("name", ["admin1", "countries", "borders"])
def test_copy_equals_the_layer(layers, cache, name):
    layer = layers.directory / f"{name}.parquet"
    first = cached_layer(layer, gpd.read_parquet)  # read and copied
    assert copy_path(layer).is_file()
    second = cached_layer(layer, lambda _: pytest.fail("the copy was not used"))
    source = gpd.read_parquet(layer)
    _same(second.frame(), source)
    _same(first.frame(), second.frame())
    for name in source.columns.drop(source.geometry.name):  # the plain columns lookups read: the frame's values
        expected = source[name].to_numpy()
        assert expected.dtype == second[name].dtype and pd.Series(second[name]).equals(pd.Series(expected))


def test_torn_copy_is_rebuilt_and_a_changed_layer_gets_a_new_copy(layers, cache, tmp_path):
    layer = tmp_path / "borders.parquet"
    shutil.copy(layers.directory / "borders.parquet", layer)
    cached_layer(layer, gpd.read_parquet)
    path = copy_path(layer)
    path.write_bytes(path.read_bytes()[:1000])  # torn
    reads = []
    frame = cached_layer(layer, lambda p: reads.append(p) or gpd.read_parquet(p))
    assert reads == [layer] and len(frame) == len(gpd.read_parquet(layer))
    os.utime(layer, ns=(1, 1))  # the layer changed: its old copy is not used, and is removed
    assert copy_path(layer) != path
    cached_layer(layer, lambda p: reads.append(p) or gpd.read_parquet(p))
    assert len(reads) == 2 and not path.exists() and copy_path(layer).is_file()


def test_copies_of_two_installs_sharing_a_cache_are_both_kept(layers, cache, tmp_path):
    """Two checkouts (or venvs) read their own layer files: neither removes the other's copy as stale."""
    paths = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        layer = tmp_path / name / "borders.parquet"
        shutil.copy(layers.directory / "borders.parquet", layer)
        cached_layer(layer, gpd.read_parquet)
        paths.append(copy_path(layer))
    assert paths[0] != paths[1] and all(p.is_file() for p in paths)


def test_copy_carries_display_outlines_simplified_once(layers, cache):
    """Maps clip the copy's outlines, simplified to DISPLAY_DEG when it was made: those of the layer, not others, with
    their bounding boxes."""
    import numpy as np

    from geo.layers.table import DISPLAY_DEG

    layer = layers.directory / "countries.parquet"
    cached_layer(layer, gpd.read_parquet)
    table = cached_layer(layer, lambda _: pytest.fail("the copy was not used"))
    expected = shapely.simplify(gpd.read_parquet(layer).geometry.values, DISPLAY_DEG, preserve_topology=True)
    display = table.display_geometries(np.arange(len(table)))
    assert bool(shapely.equals_exact(display, expected, 0).all())
    assert shapely.get_num_coordinates(display).sum() < shapely.get_num_coordinates(table.geometry).sum() / 2
    assert np.array_equal(table.display_boxes, shapely.bounds(expected), equal_nan=True)
    assert bool(shapely.equals_exact(table.display_geometries(np.array([5, 2])), expected[[5, 2]], 0).all())
