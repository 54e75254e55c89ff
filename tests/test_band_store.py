"""Each border's distance bands, stored (geo.maps.band_store): the union of stored bands is the band of the whole
selection, a stored band is used instead of buffering again, a moved line gets its own, and a torn or unwritable store
only means the bands are made again. Pages are the same whether the bands were stored or not. The layers carry every
border's bands at the default widths (bands.parquet), the bands buffering would make, used only for the same line
and parameters."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import shapely
from pyproj import Geod
from test_maps import bundled_frame

from geo import settings
from geo.layers.files import BANDS_FILE
from geo.maps import MapOptions, band_store, map_html
from geo.maps.bands import DEFAULT_BANDS, geodesic_buffer
from geo.spatial.proximity import select_borders

GEOD = Geod(ellps="WGS84")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "cache")
    return tmp_path / "cache"


@pytest.fixture
def made(monkeypatch):
    """The lines buffered (their WKB), as the store asks for them; the layers' bands are not read."""
    monkeypatch.setattr(band_store, "shipped_bands", lambda km, keys: {})
    lines: list[bytes] = []

    def counting(line, km):
        lines.append(shapely.to_wkb(line))
        return geodesic_buffer(line, km)

    monkeypatch.setattr(band_store, "geodesic_buffer", counting)
    return lines


def lines_of(layers, selection: str) -> np.ndarray:
    return np.asarray(select_borders(layers.borders, selection).geometry.values)


def test_union_of_each_borders_band_is_the_band_of_them_all(layers, cache, made):
    """Four borders of Kazakhstan's neighbours at 50 km: the union of their bands covers what one buffer of all their
    lines covers (to a few hundredths of a percent of the area, and within a kilometre of its edge); each border is
    buffered once."""
    lines = lines_of(layers, "KAZ-RUS,KAZ-UZB,KAZ-KGZ,KAZ-CHN")
    band = band_store.banded(lines, 50.0)
    whole = geodesic_buffer(shapely.union_all(lines), 50.0)
    assert len(made) == 4
    assert shapely.symmetric_difference(band, whole).area / whole.area < 5e-4
    assert shapely.hausdorff_distance(band.boundary, whole.boundary) < 0.015  # degrees: about a kilometre
    # a point stepped 45 km and one 55 km from a vertex of KAZ-RUS, away from Kazakhstan's other borders
    xy = shapely.get_coordinates(lines[0])
    lon, lat = xy[len(xy) // 3]
    assert band.contains(shapely.Point(*GEOD.fwd(lon, lat, 0, 45_000)[:2])) or band.contains(shapely.Point(*GEOD.fwd(lon, lat, 180, 45_000)[:2]))


def test_stored_bands_are_used_and_a_moved_line_gets_its_own(layers, cache, made):
    lines = lines_of(layers, "KAZ-RUS,KAZ-UZB")
    first = band_store.banded(lines, 25.0)
    assert len(made) == 2 and band_store.store_path(25.0).is_file()
    again = band_store.banded(lines, 25.0)
    assert len(made) == 2 and shapely.to_wkb(again) == shapely.to_wkb(first)  # nothing buffered: the same band, bit for bit
    band_store.banded(lines[:1], 50.0)
    assert len(made) == 3  # another width is another band
    moved = shapely.transform(lines[1], lambda xy: xy + [0.2, 0.0])
    band_store.banded(np.array([lines[0], moved], dtype=object), 25.0)
    assert made[-1] == shapely.to_wkb(moved) and len(made) == 4  # only the moved line is buffered


def test_a_torn_store_is_made_again(layers, cache, made):
    lines = lines_of(layers, "KAZ-UZB")
    first = band_store.banded(lines, 25.0)
    path = band_store.store_path(25.0)
    path.write_bytes(path.read_bytes()[:100])
    assert shapely.to_wkb(band_store.banded(lines, 25.0)) == shapely.to_wkb(first) and len(made) == 2
    band_store.banded(lines, 25.0)
    assert len(made) == 2  # rewritten whole


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_cache_still_gives_bands(layers, cache, made):
    cache.mkdir()
    cache.chmod(0o500)
    try:
        band = band_store.banded(lines_of(layers, "KAZ-UZB"), 25.0)
    finally:
        cache.chmod(0o700)
    assert not band.is_empty and not list(cache.iterdir())


def test_an_unwritable_cache_path_still_gives_bands(layers, tmp_path, monkeypatch, made):
    """A cache 'folder' that is a file (what root meets in place of a read-only folder): bands, nothing stored."""
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "file" / "cache")
    band = band_store.banded(lines_of(layers, "KAZ-UZB"), 25.0)
    assert not band.is_empty and len(made) == 1


def test_page_is_the_same_with_bands_stored_or_not(layers, cache, made):
    frame = bundled_frame()
    options = MapOptions(title="bands", border="KAZ-RUS")
    cold = map_html(frame, layers, options)
    assert list(cache.glob(f"{band_store.PREFIX}*"))  # three widths stored
    assert map_html(frame, layers, options) == cold


def test_the_layers_carry_every_borders_band_at_the_default_widths(layers):
    """One band per border and default width, for the line as the borders layer has it and bands made as this code
    makes them: it fails when the borders are rebuilt without their bands or how a band is made changes."""
    keys = [band_store.line_key(line) for line in layers.borders.geometry.values]
    for km in DEFAULT_BANDS:
        shipped = band_store.shipped_bands(km, keys)
        assert set(shipped) == set(keys), km
        assert all(shapely.from_wkb(band).geom_type in ("Polygon", "MultiPolygon") for band in shipped.values())


@pytest.mark.parametrize("pair", ["KAZ-RUS", "ARM-AZE", "CHN-IND"])
def test_a_shipped_band_is_the_band_buffering_makes(layers, pair):
    """Three borders (the longest land border, one with exclaves, a Himalayan one): each default width's band in the
    layers equals a fresh buffer to a millionth of its area and a metre of its edge."""
    line = lines_of(layers, pair)[0]
    shipped = {km: shapely.from_wkb(band_store.shipped_bands(km, [band_store.line_key(line)])[band_store.line_key(line)]) for km in DEFAULT_BANDS}
    for km, band in shipped.items():
        fresh = geodesic_buffer(line, km)
        assert shapely.symmetric_difference(band, fresh).area <= 1e-6 * fresh.area, (pair, km)
        assert shapely.hausdorff_distance(band.boundary, fresh.boundary) < 1e-5, (pair, km)  # degrees: about a metre
    assert shipped[25.0].area < shipped[50.0].area < shipped[100.0].area


def test_a_first_map_reads_the_layers_bands_and_buffers_only_other_widths(layers, cache, monkeypatch):
    """With nothing in the user cache, the default widths' bands come from the layers (nothing buffered, and they are
    stored for the next map); a width the layers do not carry is buffered."""
    buffered: list[float] = []
    monkeypatch.setattr(band_store, "geodesic_buffer", lambda line, km: buffered.append(km) or geodesic_buffer(line, km))
    lines = lines_of(layers, "KAZ-RUS,KAZ-UZB")
    band = band_store.banded(lines, 50.0)
    assert buffered == [] and band_store.store_path(50.0).is_file()
    shipped = band_store.shipped_bands(50.0, [band_store.line_key(line) for line in lines])
    assert shapely.to_wkb(band) == shapely.to_wkb(shapely.union_all(shapely.from_wkb(list(shipped.values()))))
    band_store.banded(lines, 30.0)
    assert buffered == [30.0, 30.0]


def test_layers_bands_of_another_identity_or_a_torn_file_are_not_used(layers, tmp_path, monkeypatch):
    line = lines_of(layers, "KAZ-UZB")[0]
    key = band_store.line_key(line)
    assert key in band_store.shipped_bands(25.0, [key])
    monkeypatch.setattr(band_store, "FORMAT", band_store.FORMAT + 1)  # bands made another way
    assert band_store.shipped_bands(25.0, [key]) == {}
    monkeypatch.undo()
    (tmp_path / BANDS_FILE).write_bytes((layers.directory / BANDS_FILE).read_bytes()[:5000])
    assert band_store.shipped_bands(25.0, [key], directory=tmp_path) == {}
    assert band_store.shipped_bands(25.0, [key], directory=tmp_path / "none") == {}


def test_the_layers_band_file_is_read_once_for_a_maps_widths(layers):
    """A map's three widths ask for their bands at once, each on its thread: the file is read once (a read holds
    about 26 MB while it lasts)."""
    band_store._layer_bands.cache_clear()
    keys = [band_store.line_key(line) for line in lines_of(layers, "KAZ-RUS,KAZ-UZB")]
    with ThreadPoolExecutor(3) as pool:
        found = list(pool.map(lambda km: band_store.shipped_bands(km, keys), DEFAULT_BANDS))
    assert [len(bands) for bands in found] == [2, 2, 2] and found[0] != found[1]
    assert band_store._layer_bands.cache_info().misses == 1
