"""Many point incidents drawn on one canvas: compact columns in Python, one Leaflet canvas renderer in the page.

Ten thousand or a hundred thousand ``L.circleMarker`` objects cost seconds to create, so the points are
not Leaflet layers at all: a subclass of Leaflet's own canvas renderer (``L.Canvas``, which already places,
sizes, pans and zoom-animates its canvas) draws every point in one path per event type, and finds the
point under a click or the mouse by scanning projected coordinates (about a millisecond for 10^5).
Coordinates and records travel packed (:mod:`geo.maps.records`): 10^5 incidents stay a few MB.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from folium.map import Layer

from geo.maps.inert import template
from geo.maps.popup import PopupColumn
from geo.maps.records import PackedRecordsLayer, packed, record_table

#: Coordinates are sent as integers of 1e-5 degree (about a metre): display only.
COORD_SCALE = 100_000
#: Point radius and click/hover tolerance, in screen pixels.
RADIUS_PX, HIT_PX = 5, 8


class CanvasIncidents(PackedRecordsLayer, Layer):
    """Point incidents as one canvas layer (toggleable, date-filterable, popups and hover labels on demand).

    In the page the layer exposes ``incmapCount()`` (points shown), ``incmapFilter(lo, hi)`` (ISO dates; undated
    points stay), ``incmapOpen(i)`` (open incident i's popup) and ``incmapTargets(limit)`` ([x, y, i] container
    pixels of the shown points nearest the view's centre).
    """

    _template = template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var d = {{ this.data|inert_json }}, map = {{ this._parent.get_name() }}, R = {{ this.radius }}, HIT = {{ this.hit }};
            var rec = incmapRecords(d.records), n = rec.n, lat = rec.ints(d.lat), lon = rec.ints(d.lon), type = rec.type;
            var x0 = new Float64Array(n), y0 = new Float64Array(n), shown = new Uint8Array(n).fill(1);
            var byType = rec.types.map(function () { return []; });
            for (var i = 0; i < n; i++) {  // pixel coordinates at zoom 0; at zoom z they are these times 2^z
                var p = map.options.crs.latLngToPoint(L.latLng(lat[i] / d.scale, lon[i] / d.scale), 0);
                x0[i] = p.x; y0[i] = p.y; byType[type[i]].push(i);
            }
            function latLng(i) { return L.latLng(lat[i] / d.scale, lon[i] / d.scale); }
            var tip = L.tooltip({direction: 'top', offset: [0, -R], className: 'incmap-point-tip'}), tipIndex = -1;
            if (!document.getElementById('incmap-point-tip-style')) {  // over a point, only the point's label shows (not the region's)
                var style = document.createElement('style');
                style.id = 'incmap-point-tip-style';
                style.textContent = '.incmap-over-point .leaflet-tooltip:not(.incmap-point-tip) { display: none; }';
                document.head.appendChild(style);
            }
            var Points = L.Canvas.extend({
                getEvents: function () {
                    var events = L.Canvas.prototype.getEvents.call(this);
                    events.click = this._incmapClick;
                    events.mousemove = this._incmapHover;
                    return events;
                },
                _draw: function () {  // the renderer calls this after sizing, placing and clearing its canvas
                    var m = this._map, ctx = this._ctx, b = this._bounds, s = m.getZoomScale(m.getZoom(), 0), o = m.getPixelOrigin();
                    var x1 = b.min.x - R, x2 = b.max.x + R, y1 = b.min.y - R, y2 = b.max.y + R;
                    ctx.save();
                    ctx.lineWidth = 1; ctx.strokeStyle = '#333';
                    rec.types.forEach(function (t, k) {
                        var idx = byType[k];
                        ctx.beginPath();
                        for (var j = 0; j < idx.length; j++) {
                            var i = idx[j], x = x0[i] * s - o.x, y = y0[i] * s - o.y;
                            if (!shown[i] || x < x1 || x > x2 || y < y1 || y > y2) { continue; }
                            ctx.moveTo(x + R, y); ctx.arc(x, y, R, 0, 2 * Math.PI);
                        }
                        ctx.globalAlpha = 0.9; ctx.fillStyle = t.hex; ctx.fill();
                        ctx.globalAlpha = 1; ctx.stroke();
                    });
                    ctx.restore();
                },
                _incmapNearest: function (layerPoint) {  // index of the shown point nearest a layer point, within HIT px; -1 if none
                    var m = this._map, s = m.getZoomScale(m.getZoom(), 0), o = m.getPixelOrigin();
                    var cx = (layerPoint.x + o.x) / s, cy = (layerPoint.y + o.y) / s, tol = HIT / s, best = -1, bestD = tol * tol;
                    for (var i = 0; i < n; i++) {
                        var dx = x0[i] - cx, dy = y0[i] - cy;
                        if (!shown[i] || dx > tol || dx < -tol || dy > tol || dy < -tol) { continue; }
                        if (dx * dx + dy * dy <= bestD) { bestD = dx * dx + dy * dy; best = i; }
                    }
                    return best;
                },
                _incmapClick: function (e) {
                    var i = this._incmapNearest(e.layerPoint);
                    if (i >= 0) { this.incmapOpen(i); }
                },
                incmapOpen: function (i) { L.popup({maxWidth: {{ this.popup_width }}}).setLatLng(latLng(i)).setContent(rec.popup(i)).openOn(this._map); },
                _incmapHover: function (e) {
                    var m = this._map;
                    if (this._incmapBusy || m.dragging.moving() || m._animatingZoom) { return; }
                    this._incmapBusy = true;
                    setTimeout(function () { this._incmapBusy = false; }.bind(this), 32);
                    var i = this._incmapNearest(e.layerPoint);
                    m.getContainer().style.cursor = i >= 0 ? 'pointer' : '';
                    L.DomUtil[i >= 0 ? 'addClass' : 'removeClass'](m.getContainer(), 'incmap-over-point');
                    if (i === tipIndex && (i < 0 || m.hasLayer(tip))) { return; }  // (a popup may have closed the label)
                    tipIndex = i;
                    if (i < 0 || rec.label(i) === null) { m.closeTooltip(tip); return; }
                    var text = document.createElement('span');
                    text.textContent = rec.label(i);
                    tip.setLatLng(latLng(i)).setContent(text);
                    m.openTooltip(tip);
                },
                onRemove: function () {
                    this._map.closeTooltip(tip); tipIndex = -1; this._map.getContainer().style.cursor = '';
                    L.DomUtil.removeClass(this._map.getContainer(), 'incmap-over-point');
                    L.Canvas.prototype.onRemove.call(this);
                },
                incmapCount: function () { var c = 0; for (var i = 0; i < n; i++) { c += shown[i]; } return c; },
                incmapFilter: function (lo, hi) {
                    for (var i = 0; i < n; i++) {
                        var span = rec.span(i);
                        shown[i] = span === null || (span[1] >= lo && span[0] <= hi) ? 1 : 0;
                    }
                    if (this._map) { this._redraw(); }
                },
                incmapTargets: function (limit) {
                    var m = this._map, size = m.getSize(), out = [];
                    for (var i = 0; i < n; i++) {
                        var p = m.latLngToContainerPoint(latLng(i));
                        if (shown[i] && p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y) {
                            out.push([Math.hypot(p.x - size.x / 2, p.y - size.y / 2), p.x, p.y, i]);
                        }
                    }
                    out.sort(function (a, b) { return a[0] - b[0]; });
                    return out.slice(0, limit || 200).map(function (t) { return t.slice(1); });
                }
            });
            if (!map.getPane('incmapPoints')) {  // above paths, below markers and popups; clicks pass through to the map
                var pane = map.createPane('incmapPoints');
                pane.style.zIndex = 450; pane.style.pointerEvents = 'none';
            }
            window.incmapCanvasCount = (window.incmapCanvasCount || 0) + n;
            return new Points({pane: 'incmapPoints', padding: 0.5});
        })();
        {% endmacro %}
    """)

    def __init__(self, points: gpd.GeoDataFrame, columns: list[PopupColumn], links: list[str | None],
                 type_names: list[str], styles, name: str = "Incidents: places", popup_width: int = 380) -> None:  # fmt: skip
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "CanvasIncidents"
        self.radius, self.hit, self.popup_width = RADIUS_PX, HIT_PX, popup_width
        self.data = {
            "scale": COORD_SCALE,
            "lon": packed(np.round(points.geometry.x.to_numpy() * COORD_SCALE)),
            "lat": packed(np.round(points.geometry.y.to_numpy() * COORD_SCALE)),
            "records": record_table(points, columns, links, type_names, styles),
        }
