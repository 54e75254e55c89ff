"""The map builder: one Folium map of geocoded incidents over borders, distance bands and admin-1 regions.

The borders highlighted and banded are those asked for, or by default those the incidents are near
(:mod:`geo.maps.borders`).

Footprints are drawn honestly: points as markers, region- and country-level incidents as
outlined polygons (never a pin that looks exact), routes as dashed lines, "near X" as its
circle. All record text is escaped before it reaches HTML: it is data, never markup. The
features are composed here; each lives in its own module. :mod:`geo.maps.page` writes the HTML.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import Future
from dataclasses import dataclass

import folium
import folium.plugins as plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.colormap import LinearColormap

from geo.layers.load import Layers
from geo.layers.table import LayerTable
from geo.maps.bands import DEFAULT_BANDS
from geo.maps.borders import Highlight, add_highlight, choose_borders, start_bands
from geo.maps.deterministic import data_fingerprint
from geo.maps.elements import DateFilter, FitView, IncidentCounter, SummaryBox
from geo.maps.geometry import clipped_for_display, display_tolerance, geojson
from geo.maps.incidents import CLUSTER_MAX, MARKERS_MAX, add_incidents, located_mask, type_names
from geo.maps.popup import texts
from geo.maps.search import PlaceSearch, search_entries
from geo.maps.style import type_styles
from geo.spatial.query import band_counts

__all__ = ["CLUSTER_MAX", "MARKERS_MAX", "MapOptions", "build_map"]

#: Margin (degrees) around the incidents' extent within which boundaries are drawn.
EXTENT_MARGIN_DEG = 4.0
#: Largest margin (degrees) added around the incidents' extent.
MAX_MARGIN_DEG = 20.0
#: Map zoom limit (also what MarkerCluster needs when there are no tiles).
MAX_ZOOM = 18
SEA_COLOUR, LAND_COLOUR = "#dbe9f4", "#f7f5f0"


@dataclass
class MapOptions:
    """What the map shows and how it is written."""

    title: str = "incmap"
    border: str | None = None  # borders to highlight and band: "KAZ-RUS", "KAZ", "none"; None: those near incidents
    bands: tuple[float, ...] = DEFAULT_BANDS
    offline: bool = False

    def seed(self, frame: gpd.GeoDataFrame) -> str:
        """Seed for deterministic element ids: a hash of the data (values and footprints) and the options."""
        digest = hashlib.sha256()
        digest.update(json.dumps([list(map(str, frame.columns)), self.title, self.border, list(self.bands), self.offline]).encode())
        if len(frame):
            digest.update(data_fingerprint(frame))
        return digest.hexdigest()


# --------------------------------------------------------------------------- layers


def _extent(frame: gpd.GeoDataFrame, layers: Layers) -> shapely.Polygon:
    """The area to draw: the located footprints' bounds plus a margin (the whole layer extent if none)."""
    prec = pd.to_numeric(frame["where_prec"], errors="coerce") if "where_prec" in frame else pd.Series(np.nan, index=frame.index)
    located = frame[frame.geometry.notna() & (prec.fillna(9) < 6).to_numpy()] if len(frame) else frame
    if len(located):
        minx, miny, maxx, maxy = located.total_bounds
    else:
        minx, miny, maxx, maxy = frame.total_bounds if frame.geometry.notna().any() else (20.0, 35.0, 90.0, 60.0)
    # Wide enough to fill a landscape window around the fitted view, but never a hemisphere of boundaries.
    mx = min(MAX_MARGIN_DEG, max(EXTENT_MARGIN_DEG, 1.0 * (maxx - minx)))
    my = min(MAX_MARGIN_DEG / 2, max(EXTENT_MARGIN_DEG, 0.6 * (maxy - miny)))
    return shapely.box(max(minx - mx, -180), max(miny - my, -85), min(maxx + mx, 180), min(maxy + my, 85))


def _view(frame: gpd.GeoDataFrame, extent) -> list[list[float]]:
    """Bounds the map opens on: the located incidents (or the extent when there are none)."""
    prec = pd.to_numeric(frame["where_prec"], errors="coerce").fillna(9).to_numpy() if "where_prec" in frame else np.full(len(frame), 9)
    located = frame[frame.geometry.notna().to_numpy() & (prec < 6)]
    minx, miny, maxx, maxy = located.total_bounds if len(located) else extent.bounds
    return [[miny - 0.5, minx - 0.5], [maxy + 0.5, maxx + 0.5]]


def _clip(layer: LayerTable, columns: list[str], extent: shapely.Polygon) -> gpd.GeoDataFrame:
    """The layer's ``columns`` for rows whose outlines reach into the extent, those outlines clipped and simplified
    for display (coarser for wider views) from the layer's display geometries. Only the rows whose boxes meet the
    extent's are decoded (making the whole layer's frame and testing its full outlines took 0.2 s a map)."""
    rows = layer.display_rows(extent.bounds)
    shown = clipped_for_display(layer.display_geometries(rows), extent, display_tolerance(extent))
    drawn = ~shapely.is_empty(shown)  # not so where a box meets the extent's and the outline stays outside
    kept = rows[drawn]  # rows of the layer: their features' ids
    return gpd.GeoDataFrame({name: layer.columns[name][kept] for name in columns}, geometry=shown[drawn], index=kept, crs=layer.crs)


def _add_basemap(fmap: folium.Map, layers: Layers, extent, offline: bool) -> None:
    """Offline, the countries are the basemap (land on a sea-coloured background)."""
    if not offline:
        return
    land = _clip(layers.countries_table, ["iso3", "name"], extent)
    folium.GeoJson(geojson(land), name="Land", control=False, style_function=lambda _: {"color": "#999", "weight": 0.6, "fillColor": LAND_COLOUR,
                   "fillOpacity": 1.0}, tooltip=folium.GeoJsonTooltip(["name"], aliases=["Country"])).add_to(fmap)  # fmt: skip


def _add_regions(fmap: folium.Map, frame: gpd.GeoDataFrame, layers: Layers, extent) -> gpd.GeoDataFrame:
    """Admin-1 outlines with names on hover; regions holding incidents shaded by count, with a legend."""
    admin = _clip(layers.admin1_table, ["name_en", "iso_3166_2", "iso3"], extent)
    counts = frame["admin1_code"].value_counts() if "admin1_code" in frame else pd.Series(dtype=int)
    admin["incidents"] = admin["iso_3166_2"].map(counts).fillna(0).astype(int)
    top = int(admin["incidents"].max()) if len(admin) else 0
    colormap = LinearColormap(["#fff5eb", "#fd8d3c", "#7f2704"], vmin=0, vmax=max(top, 1), caption="Incidents per region (admin-1)")

    def style(feature):
        n = feature["properties"]["incidents"]
        if not n:
            return {"color": "#8a8a8a", "weight": 0.7, "fill": False}
        return {"color": "#8a8a8a", "weight": 0.7, "fillColor": colormap(n), "fillOpacity": 0.55}

    folium.GeoJson(geojson(admin), name="Regions (admin-1), shaded by incidents", style_function=style,
                   tooltip=folium.GeoJsonTooltip(["name_en", "iso_3166_2", "incidents"], aliases=["Region", "Code", "Incidents"])).add_to(fmap)  # fmt: skip
    if top:
        colormap.add_to(fmap)
    return admin


def _add_borders(fmap: folium.Map, layers: Layers, extent, highlight: Highlight, options: MapOptions, bands: list[Future]) -> None:
    """International borders drawn prominently; the highlighted ones (asked for, or near incidents) over them, with
    the ``bands`` :func:`start_bands` began."""
    borders = _clip(layers.borders_table, ["pair", "length_km"], extent)
    if len(borders):  # none within a small view far from every border (a tooltip needs features)
        folium.GeoJson(geojson(borders), name="International borders", style_function=lambda _: {"color": "#222", "weight": 2.5},
                       tooltip=folium.GeoJsonTooltip(["pair", "length_km"], aliases=["Border", "Length (km)"], localize=True)).add_to(fmap)  # fmt: skip
    add_highlight(fmap, layers.borders, extent, highlight, options.bands, bands)


def _add_controls(fmap: folium.Map, search: list[list], offline: bool) -> None:
    """Fullscreen, measure tool, minimap, place and region search, and the layer control."""
    from geo.maps.offline import blank_tile_layer

    plugins.Fullscreen(position="topleft").add_to(fmap)
    plugins.MeasureControl(position="topleft", primary_length_unit="kilometers", secondary_length_unit="miles").add_to(fmap)
    plugins.MiniMap(tile_layer=blank_tile_layer(SEA_COLOUR) if offline else None, position="bottomright", toggle_display=True).add_to(fmap)
    PlaceSearch(search).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)


def build_map(frame: gpd.GeoDataFrame, layers: Layers, options: MapOptions | None = None) -> folium.Map:
    """A Folium map of geocoded incidents (with border distances) over borders, bands and admin-1 regions; unless
    ``options.border`` says otherwise, the borders the incidents are near are highlighted and banded."""
    options = options or MapOptions()
    extent = _extent(frame, layers)
    highlight = choose_borders(frame, layers.borders, options.border, options.bands)
    bands = start_bands(layers.borders, extent, highlight, options.bands)  # buffered while the page is built
    fmap = folium.Map(tiles=None if options.offline else "OpenStreetMap", control_scale=True, maxZoom=MAX_ZOOM, prefer_canvas=True)
    FitView(_view(frame, extent)).add_to(fmap)
    if options.offline:
        fmap.get_root().header.add_child(folium.Element(f"<style>.leaflet-container{{background:{SEA_COLOUR} !important}}</style>"))
    _add_basemap(fmap, layers, extent, options.offline)
    regions = _add_regions(fmap, frame, layers, extent)
    _add_borders(fmap, layers, extent, highlight, options, bands)
    styles = type_styles(type_names(frame))
    drawn = add_incidents(fmap, frame, styles, display_tolerance(extent))
    IncidentCounter(drawn.groups).add_to(fmap)
    dates = texts(frame[located_mask(frame)], "date")
    if any(dates):
        DateFilter(drawn.entries, drawn.filtered, dates).add_to(fmap)
    _add_controls(fmap, search_entries(frame, regions), options.offline)
    counts = band_counts(frame, options.bands, ",".join(highlight.pairs), layers.borders) if highlight.pairs and len(frame) else None
    SummaryBox(frame, options.title, styles, highlight, counts, drawn.mode).add_to(fmap)
    return fmap
