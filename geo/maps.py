"""Where HTML is written: interactive Folium maps of geocoded incidents, borders, bands and regions.

Footprints are drawn honestly: points as markers, region- and country-level incidents as
outlined polygons (never a pin that looks exact), routes as dashed lines, "near X" as its
circle. All record text is escaped before it reaches HTML: it is data, never markup.
``map_html`` builds and renders inside :func:`geo.deterministic.deterministic_ids`, so the same
input and options give byte-identical HTML; ``offline=True`` inlines every asset.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass
from pathlib import Path

import folium
import folium.plugins as plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.colormap import LinearColormap

from geo._errors import IncmapError
from geo.deterministic import deterministic_ids
from geo.layers import Layers
from geo.map_bands import geodesic_buffer
from geo.map_elements import CanvasIncidents, DateFilter, FitView, IncidentCounter, SummaryBox
from geo.map_style import UNKNOWN_TYPE, type_styles
from geo.proximity import select_borders

#: Display simplification tolerance (degrees) for boundary outlines; geometry for display only.
DISPLAY_TOLERANCE_DEG = 0.01
#: Boundary detail: the simplification tolerance is at least the view's width divided by this (about a pixel).
DISPLAY_DETAIL = 4000
#: Margin (degrees) around the incidents' extent within which boundaries are drawn.
EXTENT_MARGIN_DEG = 4.0
#: Largest margin (degrees) added around the incidents' extent.
MAX_MARGIN_DEG = 20.0
#: Up to this many point incidents get individual icon markers; up to CLUSTER_MAX a marker cluster; beyond, a canvas layer.
MARKERS_MAX, CLUSTER_MAX = 300, 3000
#: Map zoom limit (also what MarkerCluster needs when there are no tiles).
MAX_ZOOM = 18
#: Default distance bands (km) drawn along the queried border.
DEFAULT_BANDS = (25.0, 50.0, 100.0)
BAND_COLOURS = ("#b10026", "#fd8d3c", "#fed976", "#ffffb2")
SEA_COLOUR, LAND_COLOUR = "#dbe9f4", "#f7f5f0"

POPUP_FIELDS = (("title", "Title"), ("date", "Date"), ("type", "Type"), ("place", "Place as written"), ("matched_name", "Matched as"),
                ("precision", "Precision"), ("border_text", "Border"), ("source", "Source"), ("quote", "Quote"),
                ("summary", "Summary"), ("description", "Description"))  # fmt: skip


@dataclass
class MapOptions:
    """What the map shows and how it is written."""

    title: str = "incmap"
    border: str | None = None  # border selection to highlight and band ("KAZ-RUS", "KAZ")
    bands: tuple[float, ...] = DEFAULT_BANDS
    offline: bool = False

    def seed(self, frame: gpd.GeoDataFrame) -> str:
        """Seed for deterministic element ids: a hash of the data and the options."""
        digest = hashlib.sha256()
        digest.update(frame.to_json(default=str).encode())
        digest.update(json.dumps([self.title, self.border, list(self.bands), self.offline], default=str).encode())
        return digest.hexdigest()


# --------------------------------------------------------------------------- text


#: Characters that are safe in HTML but not inside the JavaScript template literals folium wraps popups and
#: tooltips in (a backtick ends the literal, ``${`` interpolates, a backslash escapes): written as entities.
_JS_TEMPLATE_ENTITIES = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def escape_text(value: str) -> str:
    """Record text made inert for HTML and for folium's JavaScript template literals."""
    return html.escape(value, quote=True).translate(_JS_TEMPLATE_ENTITIES)


def _value(record: dict, key: str) -> str | None:
    """A record value as display text, or None when missing."""
    value = record.get(key)
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return None
    return str(value)


def border_text(record: dict) -> str | None:
    """'12.3 km to KAZ-RUS' (a range for footprints that are not points)."""
    near, far, pair = record.get("border_km"), record.get("border_km_max"), record.get("border")
    if not isinstance(near, (float, int)) or near != near or not isinstance(pair, str):
        return None
    span = f"{near:,.1f} km" if not isinstance(far, (float, int)) or far - near < 0.05 else f"{near:,.1f}–{far:,.1f} km"
    return f"{span} to {pair}"


def popup_html(record: dict) -> str:
    """Popup body for one incident; every value escaped."""
    record = {**record, "border_text": border_text(record)}
    rows = []
    for key, label in POPUP_FIELDS:
        value = _value(record, key)
        if value is None:
            continue
        if key == "date" and _value(record, "date_precision"):
            value = f"{value} ({record['date_precision']})"
        if key == "matched_name" and _value(record, "gazetteer_id"):
            value = f"{value} [{record['gazetteer_id']}]"
        rows.append(f"<tr><th>{escape_text(label)}</th><td>{escape_text(value)}</td></tr>")
    url = _value(record, "url")
    if url and url.startswith(("http://", "https://")):
        rows.append(f'<tr><th>Link</th><td><a href="{escape_text(url)}" target="_blank" rel="noopener noreferrer">'
                    f"{escape_text(url)}</a></td></tr>")  # fmt: skip
    return "<table class='incmap-popup'>" + "".join(rows) + "</table>"


def _label(record: dict) -> str:
    """Tooltip text (escaped)."""
    return escape_text(_value(record, "title") or _value(record, "place") or _value(record, "id") or "incident")


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


def _clip(frame: gpd.GeoDataFrame, extent: shapely.Polygon) -> gpd.GeoDataFrame:
    """Rows intersecting the extent, clipped and simplified for display (coarser for wider views)."""
    minx, _, maxx, _ = extent.bounds
    tolerance = max(DISPLAY_TOLERANCE_DEG, (maxx - minx) / DISPLAY_DETAIL)
    part = frame[frame.intersects(extent)].copy()
    part["geometry"] = part.geometry.intersection(extent).simplify(tolerance, preserve_topology=True)
    return part[~part.geometry.is_empty]


def _add_basemap(fmap: folium.Map, layers: Layers, extent, offline: bool) -> None:
    """Offline, the countries are the basemap (land on a sea-coloured background)."""
    if not offline:
        return
    land = _clip(layers.countries[["iso3", "name", "geometry"]], extent)
    folium.GeoJson(land, name="Land", control=False, style_function=lambda _: {"color": "#999", "weight": 0.6, "fillColor": LAND_COLOUR,
                   "fillOpacity": 1.0}, tooltip=folium.GeoJsonTooltip(["name"], aliases=["Country"])).add_to(fmap)  # fmt: skip


def _add_regions(fmap: folium.Map, frame: gpd.GeoDataFrame, layers: Layers, extent) -> folium.GeoJson:
    """Admin-1 outlines with names on hover; regions holding incidents shaded by count, with a legend."""
    admin = _clip(layers.admin1[["name_en", "iso_3166_2", "iso3", "geometry"]], extent)
    counts = frame["admin1_code"].value_counts() if "admin1_code" in frame else pd.Series(dtype=int)
    admin["incidents"] = admin["iso_3166_2"].map(counts).fillna(0).astype(int)
    top = int(admin["incidents"].max()) if len(admin) else 0
    colormap = LinearColormap(["#fff5eb", "#fd8d3c", "#7f2704"], vmin=0, vmax=max(top, 1), caption="Incidents per region (admin-1)")

    def style(feature):
        n = feature["properties"]["incidents"]
        if not n:
            return {"color": "#8a8a8a", "weight": 0.7, "fill": False}
        return {"color": "#8a8a8a", "weight": 0.7, "fillColor": colormap(n), "fillOpacity": 0.55}

    layer = folium.GeoJson(admin, name="Regions (admin-1), shaded by incidents", style_function=style,
                           tooltip=folium.GeoJsonTooltip(["name_en", "iso_3166_2", "incidents"], aliases=["Region", "Code", "Incidents"]))  # fmt: skip
    layer.add_to(fmap)
    if top:
        colormap.add_to(fmap)
    return layer


def _add_borders(fmap: folium.Map, layers: Layers, extent, options: MapOptions) -> None:
    """International borders drawn prominently; the queried border highlighted, with distance bands."""
    borders = _clip(layers.borders[["pair", "length_km", "geometry"]], extent)
    folium.GeoJson(borders, name="International borders", style_function=lambda _: {"color": "#222", "weight": 2.5},
                   tooltip=folium.GeoJsonTooltip(["pair", "length_km"], aliases=["Border", "Length (km)"], localize=True)).add_to(fmap)  # fmt: skip
    if not options.border:
        return
    chosen = select_borders(layers.borders, options.border)
    line = shapely.union_all(chosen.geometry.values)
    label = ", ".join(chosen["pair"])
    for i, km in enumerate(sorted(options.bands, reverse=True)):
        band = shapely.intersection(geodesic_buffer(line, km), extent)
        colour = BAND_COLOURS[min(len(BAND_COLOURS) - 1, len(options.bands) - 1 - i)]
        folium.GeoJson(shapely.geometry.mapping(band), name=f"Within {km:g} km of {label}",
                       style_function=lambda _, c=colour: {"color": c, "weight": 0.5, "fillColor": c, "fillOpacity": 0.25}).add_to(fmap)  # fmt: skip
    clipped = shapely.intersection(line, extent)
    folium.GeoJson(shapely.geometry.mapping(clipped), name=f"Queried border {label}",
                   style_function=lambda _: {"color": "#d7191c", "weight": 5}).add_to(fmap)  # fmt: skip


def _incident_records(frame: gpd.GeoDataFrame) -> list[tuple[dict, object]]:
    """(record, footprint) for every incident with a footprint."""
    records = frame.drop(columns="geometry").to_dict("records")
    return [(r, g) for r, g in zip(records, frame.geometry) if g is not None and not g.is_empty]


def _add_incidents(fmap: folium.Map, frame: gpd.GeoDataFrame, styles) -> tuple[list, str, list[str]]:
    """Incidents by footprint and event type; returns date-filter registrations, the point mode used and the layer groups."""
    items = _incident_records(frame)
    points = [(r, g) for r, g in items if g.geom_type == "Point"]
    shapes = [(r, g) for r, g in items if g.geom_type != "Point"]
    entries = []
    areas = folium.FeatureGroup(name="Incidents: regions, areas, routes").add_to(fmap)
    groups = [areas.get_name()]
    for record, geom in shapes:
        style = styles[_type(record)]
        dashed = geom.geom_type in ("LineString", "MultiLineString")
        path_style = {"color": style.hex, "weight": 4 if dashed else 2, "dashArray": "10 8" if dashed else "4 4",
                      "fillColor": style.hex, "fillOpacity": 0.12, "className": "incmap-incident"}  # fmt: skip
        layer = folium.GeoJson(shapely.geometry.mapping(geom), style_function=lambda _, s=path_style: s,
                               popup=folium.Popup(popup_html(record), max_width=380), tooltip=_label(record))  # fmt: skip
        layer.add_to(areas)
        entries.append((layer.get_name(), areas.get_name(), record.get("date")))
    mode = "markers" if len(points) <= MARKERS_MAX else "cluster" if len(points) <= CLUSTER_MAX else "canvas"
    if mode == "canvas":
        canvas = CanvasIncidents(points, styles, _type, popup_fields=POPUP_FIELDS).add_to(fmap)
        return entries, mode, [*groups, canvas.get_name()]
    group = (plugins.MarkerCluster(name="Incidents: places") if mode == "cluster" else folium.FeatureGroup(name="Incidents: places")).add_to(fmap)
    groups.append(group.get_name())
    for record, geom in points:
        style = styles[_type(record)]
        icon = folium.Icon(color=style.colour, icon=style.icon, prefix="fa", extraClasses="incmap-incident")
        marker = folium.Marker([geom.y, geom.x], icon=icon, popup=folium.Popup(popup_html(record), max_width=380), tooltip=_label(record))
        marker.add_to(group)
        entries.append((marker.get_name(), group.get_name(), record.get("date")))
    return entries, mode, groups


def _type(record: dict) -> str:
    """The record's event type, or a placeholder."""
    return _value(record, "type") or UNKNOWN_TYPE


def _add_controls(fmap: folium.Map, regions: folium.GeoJson, offline: bool) -> None:
    """Fullscreen, measure tool, minimap, region search and the layer control."""
    from geo.offline import blank_tile_layer

    plugins.Fullscreen(position="topleft").add_to(fmap)
    plugins.MeasureControl(position="topleft", primary_length_unit="kilometers", secondary_length_unit="miles").add_to(fmap)
    plugins.MiniMap(tile_layer=blank_tile_layer(SEA_COLOUR) if offline else None, position="bottomright", toggle_display=True).add_to(fmap)
    plugins.Search(layer=regions, search_label="name_en", geom_type="Polygon", placeholder="Search regions", collapsed=True,
                   position="topright").add_to(fmap)  # fmt: skip
    folium.LayerControl(collapsed=True).add_to(fmap)


def build_map(frame: gpd.GeoDataFrame, layers: Layers, options: MapOptions | None = None) -> folium.Map:
    """A Folium map of geocoded incidents (with border distances) over borders, bands and admin-1 regions."""
    options = options or MapOptions()
    extent = _extent(frame, layers)
    fmap = folium.Map(tiles=None if options.offline else "OpenStreetMap", control_scale=True, maxZoom=MAX_ZOOM, prefer_canvas=True)
    FitView(_view(frame, extent)).add_to(fmap)
    if options.offline:
        fmap.get_root().header.add_child(folium.Element(f"<style>.leaflet-container{{background:{SEA_COLOUR} !important}}</style>"))
    _add_basemap(fmap, layers, extent, options.offline)
    regions = _add_regions(fmap, frame, layers, extent)
    _add_borders(fmap, layers, extent, options)
    types = [_type(r) for r in frame.drop(columns="geometry").to_dict("records")] if len(frame) else []
    styles = type_styles(types)
    entries, mode, groups = _add_incidents(fmap, frame, styles)
    IncidentCounter(groups).add_to(fmap)
    canvases = groups[-1:] if mode == "canvas" else []
    canvas_dates = [r.get("date") for r, g in _incident_records(frame) if g.geom_type == "Point"] if canvases else []
    if any(e[2] for e in entries) or any(canvas_dates):
        DateFilter(entries, canvases, canvas_dates).add_to(fmap)
    _add_controls(fmap, regions, options.offline)
    SummaryBox(frame, options.title, styles, options.border, options.bands, mode).add_to(fmap)
    return fmap


# --------------------------------------------------------------------------- output


def map_html(frame: gpd.GeoDataFrame, layers: Layers, options: MapOptions | None = None) -> str:
    """The whole HTML page, deterministic for the same input and options; inlined when offline."""
    options = options or MapOptions()
    with deterministic_ids(options.seed(frame)):
        page = build_map(frame, layers, options).get_root().render()
    if options.offline:
        from geo.offline import inline_assets

        page = inline_assets(page)
    return page


def fragment_html(page: str, height_px: int = 600) -> str:
    """An embeddable snippet: the page in a sandboxed iframe's ``srcdoc`` (paste it into any HTML report)."""
    return (f'<iframe class="incmap-map" title="incmap map" style="width:100%;height:{height_px}px;border:0" '
            f'sandbox="allow-scripts allow-popups" srcdoc="{html.escape(page, quote=True)}"></iframe>\n')  # fmt: skip


def save_html(text: str, path: str | Path) -> Path:
    """Write HTML text; an unwritable path is a one-line error."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise IncmapError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return path
