"""Make a rendered folium page self-contained: CDN scripts and stylesheets become inline copies.

``inline_assets(html)`` swaps every ``<script src="https://...">`` and ``<link rel="stylesheet"
href="https://...">`` that :mod:`geo.maps.assets` knows for the cached file's content (fonts and
images in the CSS become ``data:`` URIs) and tells Leaflet where its default marker icons now are.
The cache is filled by ``python scripts/fetch_assets.py``. Map tiles are not assets: build offline
maps with ``tiles=None`` (or :func:`blank_tile_layer`); :func:`assert_offline` lists whatever the
page would still fetch, tiles included.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html as html_lib
import json
import posixpath
import re
import struct
import zlib
from pathlib import Path

from geo._errors import IncmapError
from geo.maps import assets as oa

__all__ = ["OfflineAssetError", "inline_assets", "assert_offline", "blank_tile_layer", "blank_tile_url"]


class OfflineAssetError(IncmapError):
    """An asset cannot be inlined: not in the cache, or not known to the manifest."""


_SCRIPT_SRC_RE = re.compile(r"<script\b([^>]*)>\s*</script\s*>", re.IGNORECASE)
_LINK_RE = re.compile(r"<link\b([^>]*?)/?>", re.IGNORECASE)
_ATTR_RE = re.compile(r"""([\w:-]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_EXTERNAL_RE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
#: Marks inlined blocks, so assert_offline can tell library code from the page's own.
ASSET_ATTR = "data-incmap-asset"


def _attrs(text: str) -> dict[str, str]:
    out = {}
    for m in _ATTR_RE.finditer(text):
        value = next((g for g in m.groups()[1:] if g is not None), "")
        out.setdefault(m.group(1).lower(), html_lib.unescape(value))
    return out


def _is_external(url: str | None) -> bool:
    return bool(url) and bool(_EXTERNAL_RE.match(url))


def _hint() -> str:
    return f"run `{oa.FETCH_COMMAND}`"


# --- the cache -------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4)
def _manifest(directory: str, mtime_ns: int) -> dict:
    try:
        return json.loads((Path(directory) / oa.MANIFEST_NAME).read_text(encoding="utf-8"))
    except ValueError as exc:
        raise OfflineAssetError(f"offline asset cache {directory} has an unreadable {oa.MANIFEST_NAME}; {_hint()}") from exc


def _load_manifest(root: Path) -> dict:
    path = root / oa.MANIFEST_NAME
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise OfflineAssetError(f"offline asset cache not found at {root} (no {oa.MANIFEST_NAME}); {_hint()}") from None
    return _manifest(str(root), mtime)


@functools.lru_cache(maxsize=256)
def _read_checked(root: str, key: str, sha256: str | None, mtime_ns: int) -> bytes:
    data = (Path(root) / key).read_bytes()
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise OfflineAssetError(f"offline asset {key} in {root} does not match its recorded sha256; {_hint()}")
    return data


def _read(root: Path, key: str, wanted_by: str) -> bytes:
    """A cached file's bytes, checked against manifest.json; a one-line error naming it if absent."""
    entry = _load_manifest(root).get("files", {}).get(key)
    path = root / key
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = None
    if entry is None or mtime is None:
        raise OfflineAssetError(f"offline asset {key} (for {wanted_by}) is missing from {root}; {_hint()}")
    return _read_checked(str(root), key, entry.get("sha256"), mtime)


def _data_uri(root: Path, key: str, wanted_by: str) -> str:
    ext = posixpath.splitext(key)[1].lower()
    mime = oa.MIME_TYPES.get(ext, "application/octet-stream")
    return f"data:{mime};base64," + base64.b64encode(_read(root, key, wanted_by)).decode("ascii")


# --- inlining ----------------------------------------------------------------------------------------------
def _escape_js(text: str) -> str:
    """Content safe inside <script>...</script>: ``</script`` cannot close the element early."""
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)


def _escape_css(text: str) -> str:
    return re.sub(r"</(style)", r"<\\/\1", text, flags=re.IGNORECASE)


@functools.lru_cache(maxsize=128)
def _inline_css(root: str, url: str, manifest_mtime: int) -> str:
    asset = oa.lookup(url)
    assert asset is not None
    base = Path(root)
    text = _read(base, asset.key, url).decode("utf-8")

    def to_data(match: re.Match) -> str:
        ref = oa.css_url_value(match)
        try:
            target = oa.resolve_css_ref(asset.path, asset.source, ref)
        except (KeyError, ValueError):
            raise OfflineAssetError(f"stylesheet {asset.key} references {ref!r}, which has no offline copy in geo/maps/assets.py") from None
        if target is None:
            return match.group(0)
        source, path = target
        return f'url("{_data_uri(base, f"{source.key}/{path}", asset.key)}")'

    return _escape_css(oa.CSS_URL_RE.sub(to_data, oa.prepared_css(asset, text)))


@functools.lru_cache(maxsize=128)
def _inline_js(root: str, url: str, manifest_mtime: int) -> str:
    asset = oa.lookup(url)
    assert asset is not None
    return _escape_js(_read(Path(root), asset.key, url).decode("utf-8"))


def _icon_fix(root: Path, asset: oa.Asset) -> str:
    """Script run right after leaflet.js: L.Icon.Default would derive its image path from the CSS
    ``.leaflet-default-icon-path`` background URL, which is now a data URI; give it the icons directly."""
    urls = {}
    for option, name in (("iconUrl", "marker-icon.png"), ("iconRetinaUrl", "marker-icon-2x.png"), ("shadowUrl", "marker-shadow.png")):
        urls[option] = _data_uri(root, f"{asset.source.key}/dist/images/{name}", "L.Icon.Default")
    return (
        f'<script {ASSET_ATTR}="incmap-leaflet-icon-fix">'
        "(function(){var D=L.Icon.Default;D.imagePath='';D.mergeOptions(" + json.dumps(urls) + ");})();"
        "</script>"
    )


def _stylesheet_href(attrs: dict[str, str]) -> str | None:
    rels = attrs.get("rel", "").lower().split()
    return attrs.get("href") if "stylesheet" in rels else None


def inline_assets(html: str, assets_dir: str | Path | None = None) -> str:
    """``html`` with every CDN script and stylesheet the manifest knows replaced by its inline copy.

    Raises :class:`OfflineAssetError` (an :class:`IncmapError`, one line) naming the URL when the page
    links an external script or stylesheet the manifest does not know, or naming the file when the
    cache (``assets_dir``, default :func:`geo.maps.assets.assets_dir`) lacks it.
    """
    root = Path(assets_dir) if assets_dir is not None else oa.assets_dir()
    external = [_attrs(m.group(1)).get("src") for m in _SCRIPT_SRC_RE.finditer(html)]
    external += [_stylesheet_href(_attrs(m.group(1))) for m in _LINK_RE.finditer(html)]
    external = [url.strip() for url in external if _is_external(url)]
    if not external:
        return html
    unknown = [url for url in external if oa.lookup(url) is None]
    if unknown:
        more = f" (and {len(unknown) - 1} more: {', '.join(unknown[1:])})" if len(unknown) > 1 else ""
        raise OfflineAssetError(f"no offline copy of {unknown[0]}{more}: add it to geo/maps/assets.py and {_hint()}")

    _load_manifest(root)  # a missing cache is reported before any file is looked at
    manifest_mtime = (root / oa.MANIFEST_NAME).stat().st_mtime_ns

    def script(m: re.Match) -> str:
        src = _attrs(m.group(1)).get("src")
        asset = oa.lookup(src.strip()) if _is_external(src) else None
        if asset is None:
            return m.group(0)
        out = f'<script {ASSET_ATTR}="{html_lib.escape(asset.key)}">\n{_inline_js(str(root), src.strip(), manifest_mtime)}\n</script>'
        if asset.source == oa.LEAFLET and asset.path == "dist/leaflet.js":
            out += _icon_fix(root, asset)
        return out

    def link(m: re.Match) -> str:
        href = _stylesheet_href(_attrs(m.group(1)))
        asset = oa.lookup(href.strip()) if _is_external(href) else None
        if asset is None:
            return m.group(0)
        return f'<style {ASSET_ATTR}="{html_lib.escape(asset.key)}">\n{_inline_css(str(root), href.strip(), manifest_mtime)}\n</style>'

    return _LINK_RE.sub(link, _SCRIPT_SRC_RE.sub(script, html))


# --- checking ------------------------------------------------------------------------------------------------
_ASSET_BLOCK_RE = re.compile(rf"<(script|style)\b[^>]*\b{ASSET_ATTR}=[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_URL = r"""(?:https?:)?//[^\s"'`<>)\\]+"""
_LOADING_ATTR_RE = re.compile(rf"""\b(?:src|srcset|poster|data|background)\s*=\s*\\?["']?\s*({_URL})""", re.IGNORECASE)
_CSS_EXTERNAL_RE = re.compile(rf"""(?:url\(\s*\\?["']?|@import\s+\\?["'])\s*({_URL})""", re.IGNORECASE)
_TILE_RE = re.compile(r"""["'`]((?:https?:)?//[^"'`\s]*\{[zxys]\}[^"'`\s]*)["'`]""")
_LOADER_CALL_RE = re.compile(
    rf"""\b(?:tileLayer(?:\.wms)?|imageOverlay|videoOverlay|fetch|getJSON|ajax|json|csv|xml|text|importScripts)\(\s*(?:\{{[^}}]*?\burl\s*:\s*)?["'`]({_URL})""",
    re.IGNORECASE,
)


def assert_offline(html: str) -> list[str]:
    """What the page would still fetch from the network, sorted: external ``<script src>``, ``<link
    href>``, ``src``/``srcset`` attributes (also inside popup HTML), CSS ``url()``/``@import``, tile
    URL templates and URLs passed to loaders (``L.tileLayer``, ``fetch``, ``$.ajax``...). Inlined
    library code is not scanned; hyperlinks (``<a href>``) are not loads and are not listed."""
    page = _ASSET_BLOCK_RE.sub("", html)
    found: set[str] = set()
    for m in _SCRIPT_SRC_RE.finditer(page):
        src = _attrs(m.group(1)).get("src")
        if _is_external(src):
            found.add(src.strip())
    for m in _LINK_RE.finditer(page):
        href = _attrs(m.group(1)).get("href")
        if _is_external(href):
            found.add(href.strip())
    for regex in (_LOADING_ATTR_RE, _CSS_EXTERNAL_RE, _TILE_RE, _LOADER_CALL_RE):
        found.update(m.group(1) for m in regex.finditer(page))
    return sorted(found)


# --- tiles ---------------------------------------------------------------------------------------------------
def _png_1x1(rgb: tuple[int, int, int]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00" + bytes(rgb)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def blank_tile_url(colour: str = "#e5e3df") -> str:
    """A ``data:`` PNG of one plain colour, usable as a tile URL template (it fetches nothing)."""
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    rgb = (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
    return "data:image/png;base64," + base64.b64encode(_png_1x1(rgb)).decode("ascii")


def blank_tile_layer(colour: str = "#e5e3df", name: str = "blank", **kwargs):
    """A folium ``TileLayer`` of plain tiles for plugins that insist on one (``plugins.MiniMap``)."""
    import folium

    kwargs.setdefault("overlay", False)
    kwargs.setdefault("control", False)
    return folium.TileLayer(tiles=blank_tile_url(colour), attr="&nbsp;", name=name, **kwargs)
