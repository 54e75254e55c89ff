"""Which CDN assets folium/branca pages load, and where offline copies of them come from.

folium 0.20.0, its plugins and branca 0.8.2 emit ``<script src>``/``<link href>`` tags that point at
CDNs. This module maps each such URL to a file inside a pinned npm tarball (or the installed folium
wheel, or a tiny generated file), and says where the local cache of those files lives. It does no I/O
beyond reading an environment variable: ``scripts/fetch_assets.py`` fills the cache and
:mod:`geo.maps.offline` inlines from it. The CSS helpers here are shared by both, so the fetcher extracts
exactly the fonts and images the inliner will embed.
"""

from __future__ import annotations

import os
import posixpath
import re
import sys
from dataclasses import dataclass
from pathlib import Path

#: Environment variable that overrides where the asset cache lives.
ASSETS_DIR_ENV = "INCMAP_ASSETS_DIR"
#: Name of the cache's index (package, version, file, sha256, licence per file).
MANIFEST_NAME = "manifest.json"
#: The command that fills the cache (quoted in error messages).
FETCH_COMMAND = "python scripts/fetch_assets.py"


#: Where a wheel carries the assets (fetched into it when it is built: see setup.py).
PACKAGED_DIR = Path(__file__).resolve().parent / "static"


def assets_dir() -> Path:
    """The asset cache: ``$INCMAP_ASSETS_DIR``; else the copy a wheel carries (``geo/maps/static``); else
    ``<sys.prefix>/share/incmap/assets``, which ``python scripts/fetch_assets.py`` fills in a source checkout."""
    env = os.environ.get(ASSETS_DIR_ENV)
    if env:
        return Path(env).expanduser()
    if (PACKAGED_DIR / MANIFEST_NAME).is_file():
        return PACKAGED_DIR
    return Path(sys.prefix) / "share" / "incmap" / "assets"


@dataclass(frozen=True)
class Source:
    """Where files come from. ``kind``: ``npm`` (tarball via ``npm pack``), ``python`` (an installed
    distribution's files), ``generated`` (written by the fetcher) or ``derived`` (cut out of another
    file of the same package, which must be listed as ``derived_from``)."""

    package: str
    version: str
    licence: str
    kind: str = "npm"

    @property
    def key(self) -> str:
        """Directory of this source inside the cache, e.g. ``leaflet@1.9.3``."""
        return f"{self.package}@{self.version}"

    @property
    def spec(self) -> str:
        """``npm pack`` argument."""
        return f"{self.package}@{self.version}"


@dataclass(frozen=True)
class Asset:
    """One CDN file: the copy to inline instead (``path`` is relative to the package root)."""

    source: Source
    path: str
    kind: str  # "js" or "css"
    extras: tuple[str, ...] = ()  # further files of the same source the inliner needs (not referenced by CSS)
    derived_from: str | None = None  # for derived files: the packaged file they are cut from
    drop_font_families: tuple[str, ...] = ()  # @font-face rules to leave out (unused compatibility aliases)
    note: str = ""

    @property
    def key(self) -> str:
        """Cache-relative path, e.g. ``leaflet@1.9.3/dist/leaflet.js``."""
        return f"{self.source.key}/{self.path}"


# --- sources (versions pinned as in shared/OFFLINE_ASSETS.md) -----------------------------------------
LEAFLET = Source("leaflet", "1.9.3", "BSD-2-Clause")
JQUERY = Source("jquery", "3.7.1", "MIT")
BOOTSTRAP5 = Source("bootstrap", "5.2.2", "MIT")
FONTAWESOME = Source("@fortawesome/fontawesome-free", "6.2.0", "CC-BY-4.0 AND OFL-1.1 AND MIT")
AWESOME_MARKERS = Source("drmonty-leaflet-awesome-markers", "2.0.2", "MIT")
BOOTSTRAP3 = Source("bootstrap", "3.4.1", "MIT")
MARKERCLUSTER = Source("leaflet.markercluster", "1.1.0", "MIT")
JQUERY_UI = Source("jquery-ui-dist", "1.12.1", "MIT")
ISO8601 = Source("iso8601-js-period", "0.2.1", "Apache-2.0")
TIMEDIMENSION = Source("leaflet-timedimension", "1.1.1", "MIT")
MOMENT = Source("moment", "2.18.1", "MIT")
HIGHLIGHT = Source("highlight.js", "8.4.0", "BSD-3-Clause")
D3_V4 = Source("d3", "4.13.0", "BSD-3-Clause")
D3_V3 = Source("d3", "3.5.5", "BSD-3-Clause")
MINIMAP = Source("leaflet-minimap", "3.6.1", "BSD-2-Clause")
MEASURE = Source("leaflet-measure", "2.1.7", "MIT")
FULLSCREEN = Source("leaflet.fullscreen", "3.0.0", "MIT")
SEARCH = Source("leaflet-search", "2.9.7", "MIT")
#: Files shipped inside the installed folium wheel (copied from site-packages by the fetcher).
FOLIUM_WHEEL = Source("folium", "0.20.0", "MIT (folium); leaflet_heat: BSD-2-Clause; pa7 heatmap.js: MIT", kind="python")
#: Files the fetcher writes itself.
GENERATED = Source("incmap-generated", "1", "MIT", kind="generated")

_LEAFLET_ICONS = ("dist/images/marker-icon.png", "dist/images/marker-icon-2x.png", "dist/images/marker-shadow.png")
#: The rotation stylesheet folium links from its GitHub tree; in no package, so generated.
ROTATE_CSS = "leaflet.awesome.rotate.min.css"
#: Bootstrap 3.0.0's glyphicons stylesheet is on no registry; cut from bootstrap 3.4.1's bootstrap.css.
GLYPHICONS_CSS = "dist/css/bootstrap-glyphicons.css"

_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"
_JSD = "https://cdn.jsdelivr.net"

#: Every CDN URL (as folium/branca emit it) that has an offline copy.
ASSETS: dict[str, Asset] = {
    # folium.Map defaults (folium/folium.py)
    f"{_JSD}/npm/leaflet@1.9.3/dist/leaflet.js": Asset(LEAFLET, "dist/leaflet.js", "js", extras=_LEAFLET_ICONS),
    f"{_JSD}/npm/leaflet@1.9.3/dist/leaflet.css": Asset(LEAFLET, "dist/leaflet.css", "css"),
    "https://code.jquery.com/jquery-3.7.1.min.js": Asset(JQUERY, "dist/jquery.min.js", "js"),
    f"{_CDNJS}/jquery/3.7.1/jquery.min.js": Asset(JQUERY, "dist/jquery.min.js", "js"),
    f"{_JSD}/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": Asset(BOOTSTRAP5, "dist/js/bootstrap.bundle.min.js", "js"),
    f"{_JSD}/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": Asset(BOOTSTRAP5, "dist/css/bootstrap.min.css", "css"),
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": Asset(AWESOME_MARKERS, "js/leaflet.awesome-markers.js", "js"),
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": Asset(AWESOME_MARKERS, "css/leaflet.awesome-markers.css", "css"),
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": Asset(
        BOOTSTRAP3,
        GLYPHICONS_CSS,
        "css",
        derived_from="dist/css/bootstrap.css",
        note="bootstrap 3.0.0's glyphicons file is not on npm; its @font-face and .glyphicon rules are cut from bootstrap 3.4.1",
    ),
    f"{_JSD}/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": Asset(
        FONTAWESOME,
        "css/all.min.css",
        "css",
        drop_font_families=("Font Awesome 5 Brands", "Font Awesome 5 Free", "FontAwesome"),
        note="the v4/v5 compatibility @font-face aliases (unused by all.min.css itself) are left out: ~750 KB less per page",
    ),
    f"{_JSD}/gh/python-visualization/folium/folium/templates/{ROTATE_CSS}": Asset(GENERATED, ROTATE_CSS, "css"),
    # folium.plugins
    f"{_CDNJS}/leaflet.markercluster/1.1.0/leaflet.markercluster.js": Asset(MARKERCLUSTER, "dist/leaflet.markercluster.js", "js"),
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.css": Asset(MARKERCLUSTER, "dist/MarkerCluster.css", "css"),
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": Asset(MARKERCLUSTER, "dist/MarkerCluster.Default.css", "css"),
    f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.js": Asset(MINIMAP, "src/Control.MiniMap.js", "js"),
    f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.css": Asset(MINIMAP, "src/Control.MiniMap.css", "css"),
    f"{_JSD}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js": Asset(MEASURE, "dist/leaflet-measure.min.js", "js"),
    f"{_JSD}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css": Asset(MEASURE, "dist/leaflet-measure.css", "css", note="npm ships no .min.css"),
    f"{_JSD}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": Asset(FULLSCREEN, "Control.FullScreen.js", "js", note="npm ships no .min.js"),
    f"{_JSD}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": Asset(FULLSCREEN, "Control.FullScreen.css", "css"),
    f"{_JSD}/npm/leaflet-search@2.9.7/dist/leaflet-search.min.js": Asset(SEARCH, "dist/leaflet-search.min.js", "js"),
    f"{_JSD}/npm/leaflet-search@2.9.7/dist/leaflet-search.min.css": Asset(SEARCH, "dist/leaflet-search.min.css", "css"),
    f"{_JSD}/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js": Asset(FOLIUM_WHEEL, "folium/templates/leaflet_heat.min.js", "js"),
    f"{_JSD}/gh/python-visualization/folium/folium/templates/pa7_hm.min.js": Asset(FOLIUM_WHEEL, "folium/templates/pa7_hm.min.js", "js"),
    f"{_JSD}/gh/python-visualization/folium/folium/templates/pa7_leaflet_hm.min.js": Asset(FOLIUM_WHEEL, "folium/templates/pa7_leaflet_hm.min.js", "js"),
    f"{_CDNJS}/jqueryui/1.10.2/jquery-ui.min.js": Asset(JQUERY_UI, "jquery-ui.min.js", "js", note="1.10.2 is not on npm; 1.12.1 substitutes"),
    f"{_JSD}/npm/iso8601-js-period@0.2.1/iso8601.min.js": Asset(ISO8601, "iso8601.js", "js", note="npm ships no minified file"),
    f"{_JSD}/npm/leaflet-timedimension@1.1.1/dist/leaflet.timedimension.min.js": Asset(TIMEDIMENSION, "dist/leaflet.timedimension.min.js", "js"),
    f"{_JSD}/npm/leaflet-timedimension@1.1.1/dist/leaflet.timedimension.control.css": Asset(TIMEDIMENSION, "dist/leaflet.timedimension.control.css", "css"),
    f"{_CDNJS}/moment.js/2.18.1/moment.min.js": Asset(MOMENT, "min/moment.min.js", "js"),
    f"{_CDNJS}/highlight.js/8.4/styles/default.min.css": Asset(HIGHLIGHT, "styles/default.css", "css", note="npm ships no .min.css"),
    "https://d3js.org/d3.v4.min.js": Asset(D3_V4, "build/d3.min.js", "js"),
    # branca colormaps (legends): without d3 3.x the page throws "d3 is not defined"
    f"{_CDNJS}/d3/3.5.5/d3.min.js": Asset(D3_V3, "d3.min.js", "js"),
}

#: Absolute URLs found inside packaged CSS (``url(//netdna...)``) and the packaged file that replaces each.
CSS_URL_ASSETS: dict[str, tuple[Source, str]] = {
    f"//netdna.bootstrapcdn.com/bootstrap/3.0.0/fonts/glyphicons-halflings-regular.{ext}": (BOOTSTRAP3, f"dist/fonts/glyphicons-halflings-regular.{ext}")
    for ext in ("eot", "woff", "woff2", "ttf", "svg")
}


def sources() -> list[Source]:
    """Every source the manifest uses, in a stable order."""
    seen: dict[str, Source] = {}
    for asset in ASSETS.values():
        seen.setdefault(asset.source.key, asset.source)
    for source, _ in CSS_URL_ASSETS.values():
        seen.setdefault(source.key, source)
    return list(seen.values())


def lookup(url: str) -> Asset | None:
    """The asset for a CDN URL as it appears in a page (``//host/...`` accepted as https)."""
    if url.startswith("//"):
        url = "https:" + url
    return ASSETS.get(url)


def unique_assets() -> list[Asset]:
    """Each distinct cached file once (several URLs may share one copy)."""
    seen: dict[str, Asset] = {}
    for asset in ASSETS.values():
        seen.setdefault(asset.key, asset)
    return list(seen.values())


# --- CSS: shared by the fetcher (which files to extract) and the inliner (what to embed) --------------
MIME_TYPES = {
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".cur": "image/x-icon",
}

#: ``url(...)`` with a double-quoted, single-quoted or bare argument.
CSS_URL_RE = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)""", re.IGNORECASE)
_FONT_FACE_RE = re.compile(r"@font-face\s*\{[^{}]*\}", re.IGNORECASE)
_FAMILY_RE = re.compile(r"""font-family\s*:\s*(?:"([^"]*)"|'([^']*)'|([^;}]*))""", re.IGNORECASE)
_SRC_DECL_RE = re.compile(r"(?<![-\w])src\s*:\s*([^;}]*)", re.IGNORECASE)
_FORMAT_RE = re.compile(r"""format\(\s*["']?([\w-]+)["']?\s*\)""", re.IGNORECASE)
#: Font formats by preference: every supported browser reads woff2, so one format is embedded, not five.
_FONT_PREFERENCE = ("woff2", "woff", "truetype", "opentype")
_FONT_EXT_FORMAT = {".woff2": "woff2", ".woff": "woff", ".ttf": "truetype", ".otf": "opentype", ".eot": "embedded-opentype", ".svg": "svg"}


def css_url_value(match: re.Match) -> str:
    """The argument of a :data:`CSS_URL_RE` match, unquoted."""
    return next(g for g in match.groups() if g is not None)


def _split_src(value: str) -> list[str]:
    """Items of a ``src:`` list (commas inside quotes or parentheses do not split)."""
    items, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(value):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(value[start:i].strip())
            start = i + 1
    items.append(value[start:].strip())
    return [item for item in items if item]


def _item_format(item: str) -> str | None:
    """Font format of one ``src`` item: its ``format()`` hint, else its file extension."""
    hint = _FORMAT_RE.search(item)
    if hint:
        return hint.group(1).lower()
    url = CSS_URL_RE.search(item)
    if url:
        ext = posixpath.splitext(strip_query(css_url_value(url)))[1].lower()
        return _FONT_EXT_FORMAT.get(ext)
    return None


def _font_family(block: str) -> str:
    found = _FAMILY_RE.search(block)
    return next((g for g in found.groups() if g is not None), "").strip() if found else ""


def prune_font_faces(css: str, drop_families: tuple[str, ...] = ()) -> str:
    """Each ``@font-face`` keeps one ``src`` with only its best format (woff2 > woff > ttf > otf);
    rules for ``drop_families`` are removed. Blocks with no recognised format are left alone."""

    def fix(match: re.Match) -> str:
        block = match.group(0)
        if drop_families and _font_family(block) in drop_families:
            return ""
        decls = list(_SRC_DECL_RE.finditer(block))
        if not decls:
            return block
        items = [item for d in decls for item in _split_src(d.group(1))]
        formats = [_item_format(item) for item in items]
        best = next((f for f in _FONT_PREFERENCE if f in formats), None)
        if best is None:
            return block
        kept = [item for item, fmt in zip(items, formats) if fmt == best or item.lower().startswith("local(")]
        # One src declaration (at the first one's place, keeping its ';'); later ones go with their ';'.
        pieces, pos = [], 0
        for i, decl in enumerate(decls):
            pieces.append(block[pos : decl.start()])
            end = decl.end()
            if i == 0:
                pieces.append("src:" + ",".join(kept))
            elif block[end : end + 1] == ";":
                end += 1
            pos = end
        pieces.append(block[pos:])
        return "".join(pieces)

    return _FONT_FACE_RE.sub(fix, css)


def strip_query(ref: str) -> str:
    """``a/b.eot?#iefix`` -> ``a/b.eot``; ``x.svg#id`` -> ``x.svg``."""
    return re.split(r"[?#]", ref, maxsplit=1)[0]


def is_inline_ref(ref: str) -> bool:
    """References the inliner leaves as they are: data URIs, fragments (``#default#VML``), empty."""
    return not ref or ref.startswith(("data:", "#")) or ref.lower().startswith("about:")


def is_absolute_ref(ref: str) -> bool:
    return bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", ref, re.IGNORECASE))


def resolve_css_ref(asset_path: str, source: Source, ref: str) -> tuple[Source, str] | None:
    """The (source, path) a ``url(ref)`` in ``asset_path`` of ``source`` points to; ``None`` if it needs
    no file (data URI, fragment). Raises ``KeyError`` for an absolute URL the manifest does not know
    and ``ValueError`` for a relative path leaving its package."""
    if is_inline_ref(ref):
        return None
    if is_absolute_ref(ref):
        key = "//" + ref.split("//", 1)[1]
        bare = strip_query(key)
        if bare in CSS_URL_ASSETS:
            return CSS_URL_ASSETS[bare]
        raise KeyError(ref)
    path = posixpath.normpath(posixpath.join(posixpath.dirname(asset_path), strip_query(ref)))
    if path.startswith("../") or path == ".." or path.startswith("/"):
        raise ValueError(ref)
    return source, path


def prepared_css(asset: Asset, text: str) -> str:
    """The stylesheet as it will be inlined, before its url()s become data URIs."""
    return prune_font_faces(text, asset.drop_font_families)


def css_dependencies(asset: Asset, text: str) -> list[tuple[Source, str]]:
    """Files the prepared stylesheet references (fonts, images), in order, each once."""
    found: dict[str, tuple[Source, str]] = {}
    for match in CSS_URL_RE.finditer(prepared_css(asset, text)):
        target = resolve_css_ref(asset.path, asset.source, css_url_value(match))
        if target is not None:
            found.setdefault(f"{target[0].key}/{target[1]}", target)
    return list(found.values())


# --- generated and derived files -----------------------------------------------------------------------
def rotate_css() -> str:
    """folium's ``leaflet.awesome.rotate.min.css``: ``.fa-rotate-N{transform:rotate(Ndeg)}`` for N = 1..359."""
    rules = "".join(f".fa-rotate-{n}{{-webkit-transform:rotate({n}deg);transform:rotate({n}deg)}}" for n in range(1, 360))
    return "/* folium leaflet.awesome.rotate.min.css, regenerated by incmap (MIT) */\n" + rules + "\n"


def _top_level_rules(css: str) -> list[str]:
    """Top-level rules (``selector{...}`` or ``@media ...{...}``), comments dropped."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    rules, depth, start = [], 0, 0
    for i, ch in enumerate(css):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                rules.append(css[start : i + 1].strip())
                start = i + 1
        elif ch == ";" and depth == 0:  # @charset and the like
            start = i + 1
    return rules


def glyphicons_css(bootstrap3_css: str) -> str:
    """The Glyphicons Halflings ``@font-face`` and the rules whose every selector is a ``.glyphicon`` one."""
    kept = []
    for rule in _top_level_rules(bootstrap3_css):
        head = rule.split("{", 1)[0]
        if head.lower().startswith("@font-face"):
            if "glyphicons" in rule.lower():
                kept.append(rule)
        elif not head.startswith("@"):
            selectors = [s.strip() for s in head.split(",")]
            if selectors and all(s.startswith(".glyphicon") for s in selectors):
                kept.append(rule)
    header = "/* Glyphicons Halflings rules cut from bootstrap 3.4.1 dist/css/bootstrap.css (MIT) by incmap */\n"
    return header + "\n".join(kept) + "\n"
