"""Incidents on the map, drawn by footprint: areas and routes as outlined paths, places as markers.

Region- and country-level incidents are outlined polygons (never a pin that looks exact), routes dashed
lines, "near X" its circle. Point incidents are individual icon markers up to ``MARKERS_MAX``, a marker
cluster up to ``CLUSTER_MAX``, and one canvas layer beyond (:mod:`geo.map_canvas`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import folium
import folium.plugins as plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.footprint import geodesic_circle
from geo.map_canvas import CanvasIncidents
from geo.map_geometry import for_display
from geo.map_popup import escape_text, labels, links, popup_columns, popup_html, texts
from geo.map_style import UNKNOWN_TYPE, TypeStyle

#: Up to this many point incidents get individual icon markers; up to CLUSTER_MAX a marker cluster; beyond, a canvas layer.
MARKERS_MAX, CLUSTER_MAX = 300, 3000
#: At most this many uncertainty circles are drawn (beyond that the popup's Uncertainty row says it).
UNCERTAINTY_MAX = CLUSTER_MAX
POPUP_WIDTH = 380
#: A shape drawn for several incidents lists at most this many in its popup.
GROUP_POPUP_MAX = 20


@dataclass
class IncidentLayers:
    """What was drawn: the point mode, the incident layers' JS names, and what the date filter needs."""

    mode: str
    groups: list[str] = field(default_factory=list)  # every incident layer (counted by IncidentCounter)
    entries: list[tuple[str, str, list[str | None]]] = field(default_factory=list)  # (layer, its group, its incidents' dates)
    canvases: list[str] = field(default_factory=list)  # canvas layers (filtered in the page by their own date codes)


def type_names(frame: gpd.GeoDataFrame) -> list[str]:
    """Each incident's event type, or a placeholder when it has none."""
    return [t or UNKNOWN_TYPE for t in texts(frame, "type")]


def point_mode(n_points: int) -> str:
    """How ``n_points`` point incidents are drawn: 'markers', 'cluster' or 'canvas'."""
    return "markers" if n_points <= MARKERS_MAX else "cluster" if n_points <= CLUSTER_MAX else "canvas"


def add_incidents(fmap: folium.Map, frame: gpd.GeoDataFrame, styles: dict[str, TypeStyle], tolerance: float = 0.0) -> IncidentLayers:
    """Every incident with a footprint, styled by event type, with popups and hover labels; areas and routes are
    simplified to ``tolerance`` degrees for display (the footprints themselves are untouched)."""
    geoms = frame.geometry
    located = (geoms.notna() & ~geoms.is_empty).to_numpy()
    is_point = located & (geoms.geom_type == "Point").to_numpy()
    names = np.array(type_names(frame), dtype=object)
    points, shapes = frame[is_point], frame[located & ~is_point]
    drawn = IncidentLayers(point_mode(len(points)))
    areas = folium.FeatureGroup(name="Incidents: regions, areas, routes").add_to(fmap)
    drawn.groups.append(areas.get_name())
    _add_shapes(areas, shapes, list(names[located & ~is_point]), styles, drawn, tolerance)
    _add_uncertainty(fmap, points, list(names[is_point]), styles)
    point_types = list(names[is_point])
    if drawn.mode == "canvas":
        canvas = CanvasIncidents(points, popup_columns(points, point_types, border=False), links(points), point_types, styles,
                                 popup_width=POPUP_WIDTH)
        canvas.add_to(fmap)
        drawn.groups.append(canvas.get_name())
        drawn.canvases.append(canvas.get_name())
    else:
        group = plugins.MarkerCluster(name="Incidents: places") if drawn.mode == "cluster" else folium.FeatureGroup(name="Incidents: places")
        group.add_to(fmap)
        drawn.groups.append(group.get_name())
        _add_markers(group, points, point_types, styles, drawn)
    return drawn


def _add_shapes(group: folium.FeatureGroup, shapes: gpd.GeoDataFrame, names: list[str], styles, drawn: IncidentLayers,
                tolerance: float) -> None:  # fmt: skip
    """Areas as outlined polygons, routes as dashed lines; incidents sharing a footprint and a type share one drawing.

    A region named by a thousand records is drawn once (simplified for display), its popup listing them."""
    columns, urls, hover, dates = popup_columns(shapes, names), links(shapes), labels(shapes), texts(shapes, "date")
    members: dict[tuple[bytes, str], list[int]] = {}
    for i, wkb in enumerate(shapely.to_wkb(np.asarray(shapes.geometry.values))):
        members.setdefault((wkb, names[i]), []).append(i)
    for (_, name), rows in members.items():
        geom, style = shapes.geometry.iloc[rows[0]], styles[name]
        dashed = geom.geom_type in ("LineString", "MultiLineString")
        path_style = {"color": style.hex, "weight": 4 if dashed else 2, "dashArray": "10 8" if dashed else "4 4",
                      "fillColor": style.hex, "fillOpacity": 0.12, "className": "incmap-incident"}  # fmt: skip
        shown = rows[:GROUP_POPUP_MAX]
        body = "".join(popup_html(columns, urls[i], i) for i in shown)
        if len(rows) > 1:
            more = f"<div>… and {len(rows) - len(shown)} more</div>" if len(rows) > len(shown) else ""
            body = f"<div class='incmap-group'><b>{len(rows)} incidents here ({escape_text(name)})</b>{body}{more}</div>"
        label = hover[rows[0]] if len(rows) == 1 else f"{len(rows)} incidents: {hover[rows[0]]}, …"
        layer = folium.GeoJson(shapely.geometry.mapping(for_display(geom, tolerance)),
                               style_function=lambda _, s=path_style: s, incmap_count=len(rows),
                               popup=folium.Popup(body, max_width=POPUP_WIDTH, max_height=400 if len(rows) > 1 else None),
                               tooltip=escape_text(label))  # fmt: skip
        layer.add_to(group)
        drawn.entries.append((layer.get_name(), group.get_name(), [dates[i] for i in rows]))


def _add_uncertainty(fmap: folium.Map, points: gpd.GeoDataFrame, names: list[str], styles) -> None:
    """A geodesic circle of ``uncertainty_km`` around each point that has one (a point alone would look exact)."""
    if "uncertainty_km" not in points or not len(points):
        return
    km = pd.to_numeric(points["uncertainty_km"], errors="coerce").to_numpy(dtype=float)
    rows = np.flatnonzero(np.isfinite(km) & (km > 0))[:UNCERTAINTY_MAX]
    if not len(rows):
        return
    group = folium.FeatureGroup(name="Uncertainty circles").add_to(fmap)
    for i in rows:
        geom, style = points.geometry.iloc[i], styles[names[i]]
        circle = for_display(geodesic_circle(geom.x, geom.y, float(km[i])), 0.0)
        folium.GeoJson(shapely.geometry.mapping(circle), style_function=lambda _, c=style.hex: {
            "color": c, "weight": 1, "dashArray": "2 4", "fillColor": c, "fillOpacity": 0.06,
            "className": "incmap-uncertainty"}, interactive=False).add_to(group)  # fmt: skip


def _add_markers(group, points: gpd.GeoDataFrame, names: list[str], styles, drawn: IncidentLayers) -> None:
    """Places as icon markers (colour and icon by event type)."""
    columns, urls, hover, dates = popup_columns(points, names), links(points), labels(points), texts(points, "date")
    for i, (x, y) in enumerate(zip(points.geometry.x, points.geometry.y)):
        style = styles[names[i]]
        icon = folium.Icon(color=style.colour, icon=style.icon, prefix="fa", extraClasses="incmap-incident")
        marker = folium.Marker([y, x], icon=icon, popup=folium.Popup(popup_html(columns, urls[i], i), max_width=POPUP_WIDTH),
                               tooltip=escape_text(hover[i]))  # fmt: skip
        marker.add_to(group)
        drawn.entries.append((marker.get_name(), group.get_name(), [dates[i]]))
