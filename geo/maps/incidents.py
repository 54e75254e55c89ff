"""Incidents on the map, drawn by footprint: areas and routes as outlined paths, places as markers.

Region- and country-level incidents, routes and "near X" circles are one layer (:mod:`geo.maps.areas`).
Point incidents are individual icon markers up to ``MARKERS_MAX``, a marker cluster up to ``CLUSTER_MAX``,
and one canvas layer beyond (:mod:`geo.maps.canvas`); points with an uncertainty get its circle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import folium
import folium.plugins as plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.geocoding.footprint import geodesic_circle
from geo.maps.areas import AreaIncidents
from geo.maps.canvas import CanvasIncidents
from geo.maps.geometry import for_display
from geo.maps.inert import inert_html
from geo.maps.popup import labels, links, popup_columns, popup_html, texts
from geo.maps.style import UNKNOWN_TYPE, TypeStyle

#: Up to this many point incidents get individual icon markers; up to CLUSTER_MAX a marker cluster; beyond, a canvas layer.
MARKERS_MAX, CLUSTER_MAX = 300, 3000
#: At most this many uncertainty circles are drawn (beyond that the popup's Uncertainty row says it).
UNCERTAINTY_MAX = CLUSTER_MAX
POPUP_WIDTH = 380


@dataclass
class IncidentLayers:
    """What was drawn: the point mode, the incident layers' JS names, and what the date filter needs."""

    mode: str
    groups: list[str] = field(default_factory=list)  # every incident layer (counted by IncidentCounter)
    entries: list[tuple[str, str, list[str | None]]] = field(default_factory=list)  # (marker, its group, [its date])
    filtered: list[str] = field(default_factory=list)  # compact layers that filter themselves (incmapFilter)


def type_names(frame: gpd.GeoDataFrame) -> list[str]:
    """Each incident's event type, or a placeholder when it has none."""
    return [t or UNKNOWN_TYPE for t in texts(frame, "type")]


def point_mode(n_points: int) -> str:
    """How ``n_points`` point incidents are drawn: 'markers', 'cluster' or 'canvas'."""
    return "markers" if n_points <= MARKERS_MAX else "cluster" if n_points <= CLUSTER_MAX else "canvas"


def located_mask(frame: gpd.GeoDataFrame) -> np.ndarray:
    """True for incidents that have a footprint to draw."""
    geoms = frame.geometry
    return (geoms.notna() & ~geoms.is_empty).to_numpy() if len(frame) else np.zeros(0, dtype=bool)


def add_incidents(fmap: folium.Map, frame: gpd.GeoDataFrame, styles: dict[str, TypeStyle], tolerance: float = 0.0) -> IncidentLayers:
    """Every incident with a footprint, styled by event type, with popups and hover labels; areas and routes are
    simplified to ``tolerance`` degrees for display (the footprints themselves are untouched)."""
    located = located_mask(frame)
    is_point = located & (frame.geometry.geom_type == "Point").to_numpy()
    names = np.array(type_names(frame), dtype=object)
    points, shapes = frame[is_point], frame[located & ~is_point]
    drawn = IncidentLayers(point_mode(len(points)))
    shape_types = list(names[located & ~is_point])
    areas = AreaIncidents(shapes, popup_columns(shapes, shape_types, border=False), links(shapes), shape_types, styles, tolerance,
                          popup_width=POPUP_WIDTH)
    areas.add_to(fmap)
    drawn.groups.append(areas.get_name())
    drawn.filtered.append(areas.get_name())
    _add_uncertainty(fmap, points, list(names[is_point]), styles)
    point_types = list(names[is_point])
    if drawn.mode == "canvas":
        canvas = CanvasIncidents(points, popup_columns(points, point_types, border=False), links(points), point_types, styles,
                                 popup_width=POPUP_WIDTH)
        canvas.add_to(fmap)
        drawn.groups.append(canvas.get_name())
        drawn.filtered.append(canvas.get_name())
    else:
        group = plugins.MarkerCluster(name="Incidents: places") if drawn.mode == "cluster" else folium.FeatureGroup(name="Incidents: places")
        group.add_to(fmap)
        drawn.groups.append(group.get_name())
        _add_markers(group, points, point_types, styles, drawn)
    return drawn


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
                               tooltip=inert_html(hover[i]))  # fmt: skip
        marker.add_to(group)
        drawn.entries.append((marker.get_name(), group.get_name(), [dates[i]]))
