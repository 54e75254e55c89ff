"""The borders a map highlights, with geodesic distance bands: those asked for, or by default those the incidents are near.

By default (no selection) the highlighted borders are the distinct nearest land borders of the incidents whose
footprint is possibly within the widest band (``border`` and ``border_km`` from :mod:`geo.spatial.proximity`);
``"none"`` turns highlighting off. Each highlighted border is the whole line between its two countries.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import shapely

from geo.maps.band_store import banded
from geo.maps.geometry import for_display, geojson
from geo.spatial.proximity import select_borders
from geo.spatial.query import nearest_borders

#: The border selection that turns highlighting off (plain border lines, no bands).
NO_BORDER = "none"
#: Borders named one by one in layer names and the summary box; beyond this many the rest are counted.
NAMED_MAX = 6
HIGHLIGHT_COLOUR = "#d7191c"
#: The highlighted borders' own pane: over the overlay pane (400: bands, regions), under the canvas points (450).
HIGHLIGHT_PANE, HIGHLIGHT_Z = "incmapHighlight", 420
BAND_COLOURS = ("#b10026", "#fd8d3c", "#fed976", "#ffffb2")


@dataclass(frozen=True)
class Highlight:
    """The borders a map highlights and bands, and why: asked for (``selection``) or near incidents (``near``)."""

    pairs: tuple[str, ...] = ()  # highlighted border pairs ("KAZ-RUS"), sorted
    selection: str | None = None  # the selection as asked; None when chosen by default or off
    near: tuple[tuple[str, int], ...] = ()  # by default: (pair, incidents whose nearest border it is), most first
    within_km: float = 0.0  # by default: the widest band, within which incidents count as near
    off: bool = False  # highlighting turned off

    @property
    def names(self) -> str:
        """The highlighted pairs as layer names show them ("A-B, C-D", or the first few and how many more)."""
        if len(self.pairs) <= NAMED_MAX:
            return ", ".join(self.pairs)
        return f"{', '.join(self.pairs[: NAMED_MAX - 1])} and {len(self.pairs) - NAMED_MAX + 1} more"

    @property
    def label(self) -> str:
        """How the band counts name the borders: the selection as asked, the one border near incidents, or "a
        highlighted border" (the summary box lists them just above)."""
        return self.selection or (self.names if len(self.pairs) == 1 else "a highlighted border")

    def describe(self) -> str:
        """One line for summaries: which borders are highlighted and why, or why none is (plain text)."""
        if self.off:
            return f"no border highlighted (border: {NO_BORDER})"
        if self.selection:
            pairs = ", ".join(self.pairs)
            return f"border{'s' if len(self.pairs) > 1 else ''} highlighted: {pairs}" + ("" if pairs == self.selection else f" ({self.selection})")
        if not self.near:
            return f"no border highlighted (no incident within {self.within_km:g} km of a land border)"
        counts = ", ".join(f"{pair} ({n} incident{'s' if n > 1 else ''})" for pair, n in self.near)
        return f"borders near incidents highlighted (nearest land border within {self.within_km:g} km): {counts}"


def choose_borders(frame: gpd.GeoDataFrame, borders: gpd.GeoDataFrame, selection: str | None, bands) -> Highlight:
    """The borders to highlight: ``selection`` as ``select_borders`` reads it, none for ``"none"``, and by default
    (None) the nearest borders of the incidents possibly within the widest of ``bands``."""
    if selection is not None and selection.strip().lower() == NO_BORDER:
        return Highlight(off=True)
    if selection:
        return Highlight(tuple(sorted(select_borders(borders, selection)["pair"])), selection=selection.strip().upper())
    widest = float(max(bands))
    counts = nearest_borders(frame, widest)
    near = tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    return Highlight(tuple(sorted(counts)), near=near, within_km=widest)


def start_bands(borders: gpd.GeoDataFrame, extent: shapely.Polygon, highlight: Highlight, bands) -> list[Future]:
    """Begin the highlighted borders' distance bands (widest first), each width on its own thread: the union of each
    border's stored band (:mod:`geo.maps.band_store`: the user cache, else the layers' bands at the default widths,
    else buffered; GEOS releases the GIL, so the page is built meanwhile: 21 borders near 10^5 incidents take about
    0.5 s to buffer, a few ms once stored)."""
    if not highlight.pairs:
        return []
    lines = np.asarray(select_borders(borders, ",".join(highlight.pairs)).geometry.values)
    widths = sorted(bands, reverse=True)
    pool = ThreadPoolExecutor(len(widths), thread_name_prefix="incmap-band")
    futures = [pool.submit(lambda km=km: shapely.intersection(banded(lines, km), extent)) for km in widths]
    pool.shutdown(wait=False)  # its threads end with their band
    return futures


def add_highlight(fmap: folium.Map, borders: gpd.GeoDataFrame, extent: shapely.Polygon, highlight: Highlight, bands,
                  started: list[Future] | None = None) -> None:  # fmt: skip
    """The highlighted borders over the plain ones (whose tooltips name them) and a toggleable layer per distance band
    (``started``: the bands :func:`start_bands` began, else they are made here)."""
    if not highlight.pairs:
        return
    chosen = select_borders(borders, ",".join(highlight.pairs))
    widths = sorted(bands, reverse=True)
    areas = [future.result() for future in (started or start_bands(borders, extent, highlight, bands))]
    for i, (km, band) in enumerate(zip(widths, areas)):
        colour = BAND_COLOURS[min(len(BAND_COLOURS) - 1, len(bands) - 1 - i)]
        folium.GeoJson(shapely.geometry.mapping(for_display(band, 0.0)), name=f"Within {km:g} km of {highlight.names}",
                       style_function=lambda _, c=colour: {"color": c, "weight": 0.5, "fillColor": c, "fillOpacity": 0.25}).add_to(fmap)  # fmt: skip
    shown = gpd.GeoDataFrame({"pair": list(chosen["pair"])}, geometry=for_display(np.asarray(chosen.geometry.intersection(extent).values), 0.0), crs=chosen.crs)
    shown = shown[~shown.geometry.is_empty]  # a border asked for may lie outside the view
    name = f"Queried border {highlight.names}" if highlight.selection else f"Borders near incidents: {highlight.names}"
    folium.map.CustomPane(HIGHLIGHT_PANE, z_index=HIGHLIGHT_Z).add_to(fmap)  # above bands toggled back on; hover reaches the borders below
    folium.GeoJson(geojson(shown), name=name, pane=HIGHLIGHT_PANE, style_function=lambda _: {"color": HIGHLIGHT_COLOUR, "weight": 5}).add_to(fmap)
