"""Where HTML is written: a map rendered to one deterministic page, an embeddable fragment, the file on disk.

``map_html`` builds and renders inside :func:`geo.maps.deterministic.deterministic_ids`, so the same
input and options give byte-identical HTML; ``offline=True`` inlines every asset (:mod:`geo.maps.offline`).
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

import geopandas as gpd

from geo.io.atomic import write_text
from geo.layers.load import Layers
from geo.maps.builder import MapOptions, build_map
from geo.maps.deterministic import deterministic_ids
from geo.maps.inert import outputs_as_text


def map_html(frame: gpd.GeoDataFrame, layers: Layers, options: MapOptions | None = None) -> str:
    """The whole HTML page, deterministic for the same input and options; inlined when offline."""
    options = options or MapOptions()
    with deterministic_ids(options.seed(frame)), outputs_as_text():
        page = build_map(frame, layers, options).get_root().render()
    if options.offline:
        from geo.maps.offline import inline_assets

        page = inline_assets(page)
    return page


def fragment_html(page: str, height_px: int = 600) -> str:
    """An embeddable snippet: the page in a sandboxed iframe's ``srcdoc`` (paste it into any HTML report)."""
    return (f'<iframe class="incmap-map" title="incmap map" style="width:100%;height:{height_px}px;border:0" '
            f'sandbox="allow-scripts allow-popups" srcdoc="{html.escape(page, quote=True)}"></iframe>\n')  # fmt: skip


def save_html(text: str, path: str | Path) -> Path | None:
    """Write HTML text to ``path`` atomically (``-``: standard output, returning None); an unwritable path is a one-line error."""
    if str(path) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return None
    return write_text(path, text)
