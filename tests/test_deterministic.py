"""deterministic_ids: the same map renders to the same bytes in separate processes, and only inside the block."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import branca.element
import folium
import folium.utilities
import pytest

from geo.maps.deterministic import data_fingerprint, deterministic_ids, id_sequence

ROOT = Path(__file__).resolve().parent.parent

#: Builds and renders a map in a fresh interpreter; argv: mode ("seeded" or "plain"), seed, kind ("map" or "dual").
BUILD = textwrap.dedent(
    """
    import contextlib, sys
    import branca.colormap, folium
    from folium import plugins
    from geo.maps.deterministic import deterministic_ids
    from geo.maps.offline import blank_tile_layer

    mode, seed, kind = sys.argv[1:4]

    def build():
        if kind == "dual":
            fmap = plugins.DualMap(location=[48, 67], zoom_start=5, tiles=None)
        else:
            fmap = folium.Map(location=[48, 67], zoom_start=5, tiles=None, maxZoom=18)
        region = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Box"},
                  "geometry": {"type": "Polygon", "coordinates": [[[60, 45], [75, 45], [75, 52], [60, 52], [60, 45]]]}}]}
        folium.GeoJson(region, name="Region", tooltip=folium.GeoJsonTooltip(["name"])).add_to(fmap)
        group = folium.FeatureGroup(name="Incidents").add_to(fmap)
        folium.CircleMarker([48, 67], radius=8, popup=folium.Popup("<b>Alpha</b>"), tooltip="a").add_to(group)
        folium.Marker([50, 70], icon=folium.Icon(color="green", icon="info-sign"), popup="b").add_to(group)
        if kind == "map":
            cluster = plugins.MarkerCluster().add_to(fmap)
            for i in range(5):
                folium.Marker([47 + i / 10, 64 + i / 10], popup=f"c{i}").add_to(cluster)
            plugins.Fullscreen().add_to(fmap)
            plugins.MiniMap(tile_layer=blank_tile_layer()).add_to(fmap)
            branca.colormap.LinearColormap(["#ffffcc", "#800026"], vmin=0, vmax=1, caption="Severity").add_to(fmap)
        folium.LayerControl().add_to(fmap)
        return fmap

    block = deterministic_ids(seed) if mode == "seeded" else contextlib.nullcontext()
    with block:
        html = build().get_root().render()
    sys.stdout.buffer.write(html.encode("utf-8"))
    """
)


def render_in_subprocess(mode: str, seed: str = "incidents-v1", kind: str = "map", hash_seed: str = "0") -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    proc = subprocess.run([sys.executable, "-c", BUILD, mode, seed, kind], cwd=ROOT, env=env, capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("kind", ["map", "dual"])
def test_seeded_renders_are_byte_identical_across_processes(kind):
    first = render_in_subprocess("seeded", kind=kind, hash_seed="1")
    second = render_in_subprocess("seeded", kind=kind, hash_seed="2")
    assert len(first) > 5000
    assert digest(first) == digest(second)


def test_unseeded_renders_differ():
    assert render_in_subprocess("plain") != render_in_subprocess("plain")


def test_seed_changes_ids():
    assert render_in_subprocess("seeded", seed="a") != render_in_subprocess("seeded", seed="b")


def test_ids_look_like_brancas():
    ids = id_sequence("s")
    first = [next(ids) for _ in range(3)]
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in first)
    assert len(set(first)) == 3
    with deterministic_ids("s"):
        assert [branca.element.Element()._id for _ in range(3)] == first


def test_patch_is_undone_even_after_an_error():
    original_generate = branca.element.Element.__dict__["_generate_id"]
    original_uuid = folium.utilities.uuid
    with pytest.raises(RuntimeError), deterministic_ids("x"):
        folium.Map(tiles=None)
        raise RuntimeError("boom")
    assert branca.element.Element.__dict__["_generate_id"] is original_generate
    assert folium.utilities.uuid is original_uuid
    assert branca.element.Element()._id != branca.element.Element()._id


def test_in_process_repeat_matches():
    def render() -> str:
        with deterministic_ids("same"):
            fmap = folium.Map(tiles=None)
            folium.CircleMarker([1, 2], popup="p").add_to(fmap)
            return fmap.get_root().render()

    assert render() == render()


def test_nested_block_restores_outer_sequence():
    with deterministic_ids("outer"):
        a = branca.element.Element()._id
        with deterministic_ids("inner"):
            inner = branca.element.Element()._id
        b = branca.element.Element()._id
    ids = id_sequence("outer")
    assert [a, b] == [next(ids), next(ids)]
    assert inner == next(id_sequence("inner"))


def test_data_fingerprint_follows_values_not_objects():
    import geopandas as gpd
    import numpy as np
    from shapely.geometry import Point

    def frame(title: str, cands: list) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame({"id": ["a", "b"], "title": ["".join(["x", title]), None], "n": [1.5, np.nan],
                                 "where_prec": [1, None], "candidates": [cands, []]},  # fmt: skip
                                geometry=[Point(1, 2), None], crs="EPSG:4326")

    base = data_fingerprint(frame("y", [{"id": "g:1"}]))
    assert base == data_fingerprint(frame("y", [{"id": "g:1"}]))  # equal values, other objects
    assert base != data_fingerprint(frame("z", [{"id": "g:1"}]))  # one string
    assert base != data_fingerprint(frame("y", [{"id": "g:2"}]))  # inside a list
    moved = frame("y", [{"id": "g:1"}])
    moved.loc[0, "geometry"] = Point(1, 2.000001)
    assert base != data_fingerprint(moved)  # a footprint
