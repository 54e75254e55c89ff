"""Region-, country- and route-level incidents as one GeoJSON layer: each distinct footprint drawn once.

Areas are outlined polygons (never a centroid pin that looks exact), routes dashed lines, "near X" its circle.
Incidents that share a footprint and an event type share one drawing, whose popup lists them (up to
``GROUP_POPUP_MAX``); popups and hover labels are built on demand from the packed records
(:mod:`geo.maps.records`), so thousands of areas cost their outlines and little else.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from folium.map import Layer

from geo.maps.geometry import for_display
from geo.maps.inert import template
from geo.maps.popup import PopupColumn
from geo.maps.records import PackedRecordsLayer, record_table

#: A drawing shared by several incidents lists at most this many in its popup.
GROUP_POPUP_MAX = 20


class AreaIncidents(PackedRecordsLayer, Layer):
    """Incidents whose footprint is an area or a line, drawn once per (footprint, event type).

    In the page the layer (an ``L.GeoJSON``) exposes ``incmapCount()`` (incidents shown), ``incmapFilter(lo, hi)``
    (a drawing stays while any of its incidents is undated or in range) and ``incmapOpen(k)`` (drawing k's popup).
    Each drawing's path has ``options.incmapCount``, the incidents it stands for.
    """

    _template = template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var d = {{ this.data|inert_json }}, map = {{ this._parent.get_name() }}, rec = incmapRecords(d.records);
            var members = d.members, byDrawing = [];
            function popup(k) {
                var rows = members[k], box = document.createElement('div');
                if (rows.length > 1) {
                    var head = document.createElement('b');
                    head.textContent = rows.length + ' incidents here (' + rec.types[rec.type[rows[0]]].name + ')';
                    box.className = 'incmap-group'; box.appendChild(head);
                }
                rows.slice(0, {{ this.group_max }}).forEach(function (i) { box.appendChild(rec.popup(i)); });
                if (rows.length > {{ this.group_max }}) {
                    var more = document.createElement('div');
                    more.textContent = '… and ' + (rows.length - {{ this.group_max }}) + ' more';
                    box.appendChild(more);
                }
                return box;
            }
            function label(k) {
                var rows = members[k], text = rec.label(rows[0]) || 'incident', span = document.createElement('span');
                span.textContent = rows.length > 1 ? rows.length + ' incidents: ' + text + ', …' : text;
                return span;
            }
            var layer = L.geoJSON(d.drawings, {
                style: function (f) {
                    var k = f.properties.k, hex = rec.types[rec.type[members[k][0]]].hex, line = /LineString/.test(f.geometry.type);
                    return {color: hex, weight: line ? 4 : 2, dashArray: line ? '10 8' : '4 4', fillColor: hex, fillOpacity: 0.12,
                            className: 'incmap-incident', incmapCount: members[k].length};
                },
                onEachFeature: function (f, path) {
                    var k = f.properties.k;
                    byDrawing[k] = path;
                    path.bindPopup(function () { return popup(k); }, {maxWidth: {{ this.popup_width }}, maxHeight: 400});
                    path.bindTooltip(function () { return label(k); }, {sticky: true});
                }
            });
            layer.incmapCount = function () {
                return layer.getLayers().reduce(function (n, p) { return n + p.options.incmapCount; }, 0);
            };
            layer.incmapFilter = function (lo, hi) {
                byDrawing.forEach(function (path, k) {
                    var show = members[k].some(function (i) { var s = rec.span(i); return s === null || (s[1] >= lo && s[0] <= hi); });
                    if (show !== layer.hasLayer(path)) { if (show) { layer.addLayer(path); } else { layer.removeLayer(path); } }
                });
            };
            layer.incmapOpen = function (k) { if (byDrawing[k]) { byDrawing[k].openPopup(); } };
            return layer;
        })();
        {% endmacro %}
    """)

    def __init__(self, shapes: gpd.GeoDataFrame, columns: list[PopupColumn], links: list[str | None], type_names: list[str],
                 styles, tolerance: float, name: str = "Incidents: regions, areas, routes", popup_width: int = 380) -> None:  # fmt: skip
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "AreaIncidents"
        self.popup_width, self.group_max = popup_width, GROUP_POPUP_MAX
        groups = drawings(shapes, type_names)
        firsts = [rows[0] for rows in groups]
        outlines = for_display(np.asarray(shapes.geometry.values)[firsts], tolerance) if firsts else []
        self.data = {
            "records": record_table(shapes, columns, links, type_names, styles),
            "members": groups,
            "drawings": {"type": "FeatureCollection",
                         "features": [{"type": "Feature", "properties": {"k": k}, "geometry": shapely.geometry.mapping(g)}
                                      for k, g in enumerate(outlines)]},
        }  # fmt: skip


def drawings(shapes: gpd.GeoDataFrame, type_names: list[str]) -> list[list[int]]:
    """Rows grouped by identical footprint and event type, in order of first appearance."""
    groups: dict[tuple[bytes, str], list[int]] = {}
    for i, wkb in enumerate(shapely.to_wkb(np.asarray(shapes.geometry.values))):
        groups.setdefault((wkb, type_names[i]), []).append(i)
    return list(groups.values())
