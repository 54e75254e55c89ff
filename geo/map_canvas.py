"""Many point incidents drawn on one canvas: compact columns in Python, one Leaflet canvas renderer in the page.

Ten thousand or a hundred thousand ``L.circleMarker`` objects cost seconds to create, so the points are
not Leaflet layers at all: a subclass of Leaflet's own canvas renderer (``L.Canvas``, which already places,
sizes, pans and zoom-animates its canvas) draws every point in one path per event type, and finds the
point under a click or the mouse by scanning projected coordinates (about a millisecond for 10^5).
Numbers travel as base64 little-endian integer arrays, repeated text as dictionary codes: 10^5 incidents
stay a few MB. Record text reaches the page only through ``tojson`` and leaves it only through
``textContent``: never as markup.
"""

from __future__ import annotations

import base64

import geopandas as gpd
import numpy as np
from folium.map import Layer
from jinja2 import Template

from geo.map_popup import LABEL_FIELDS, POPUP_FIELDS, PopupColumn
from geo.query import date_range

#: Coordinates are sent as integers of 1e-5 degree (about a metre): display only.
COORD_SCALE = 100_000
#: Border distances are sent as integers of 0.1 km (-1 for missing).
KM_SCALE = 10
#: Point radius and click/hover tolerance, in screen pixels.
RADIUS_PX, HIT_PX = 5, 8


class CanvasIncidents(Layer):
    """Point incidents as one canvas layer (toggleable, date-filterable, popups and hover labels on demand).

    In the page the layer exposes ``incmapCount()`` (points shown), ``incmapFilter(lo, hi)`` (ISO dates; undated
    points stay), ``incmapOpen(i)`` (open incident i's popup) and ``incmapTargets(limit)`` ([x, y, i] container
    pixels of the shown points nearest the view's centre).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var d = {{ this.data|tojson }}, map = {{ this._parent.get_name() }}, R = {{ this.radius }}, HIT = {{ this.hit }};
            function ints(c) {  // a base64 little-endian integer array
                if (!c) { return null; }
                var s = atob(c.b64), bytes = new Uint8Array(s.length);
                for (var k = 0; k < s.length; k++) { bytes[k] = s.charCodeAt(k); }
                return new window[c.dtype + 'Array'](bytes.buffer);
            }
            function decode(col) { if (col.codes) { col.codes = ints(col.codes); } return col; }
            function value(col, i) {
                if (col.constant !== undefined) { return col.constant; }
                if (col.codes) { return col.codes[i] < 0 ? null : col.dict[col.codes[i]]; }
                return col.values[i];
            }
            var n = d.n, lat = ints(d.lat), lon = ints(d.lon), type = ints(d.type);
            var columns = d.columns.map(decode), link = d.link ? decode(d.link) : null;
            var labels = d.label_keys.map(function (k) { return columns.filter(function (c) { return c.key === k; })[0]; })
                                     .filter(function (c) { return c; });
            function label(i) {  // hover text: the first of title, place... that the incident has
                for (var k = 0; k < labels.length; k++) { var v = value(labels[k], i); if (v !== null) { return v; } }
                return null;
            }
            var dates = d.dates ? ints(d.dates.codes) : null;
            var km = d.border ? ints(d.border.km) : null, kmMax = d.border ? ints(d.border.km_max) : null;
            var pair = d.border ? decode(d.border.pair) : null;
            var x0 = new Float64Array(n), y0 = new Float64Array(n), shown = new Uint8Array(n).fill(1);
            var byType = d.types.map(function () { return []; });
            for (var i = 0; i < n; i++) {  // pixel coordinates at zoom 0; at zoom z they are these times 2^z
                var p = map.options.crs.latLngToPoint(L.latLng(lat[i] / d.scale, lon[i] / d.scale), 0);
                x0[i] = p.x; y0[i] = p.y; byType[type[i]].push(i);
            }
            function latLng(i) { return L.latLng(lat[i] / d.scale, lon[i] / d.scale); }
            function borderText(i) {
                if (!km || km[i] < 0) { return null; }
                var near = km[i] / d.km_scale, far = kmMax && kmMax[i] >= 0 ? kmMax[i] / d.km_scale : near;
                var fmt = function (v) { return v.toLocaleString('en-US', {minimumFractionDigits: 1, maximumFractionDigits: 1}); };
                return (far - near < 0.05 ? fmt(near) : fmt(near) + '–' + fmt(far)) + ' km to ' + value(pair, i);
            }
            function popup(i) {
                var table = document.createElement('table');
                table.className = 'incmap-popup';
                function row(th, content) {
                    var r = table.insertRow(), h = document.createElement('th');
                    h.textContent = th; r.appendChild(h); r.insertCell().appendChild(content);
                }
                columns.forEach(function (c) {
                    var v = c.key === 'border_text' ? borderText(i) : c.key === 'type' ? d.types[type[i]].name : value(c, i);
                    if (v !== null) { row(c.label, document.createTextNode(v)); }
                });
                var url = link ? value(link, i) : null;
                if (url !== null) {
                    var a = document.createElement('a');
                    a.href = url; a.textContent = url; a.target = '_blank'; a.rel = 'noopener noreferrer';
                    row('Link', a);
                }
                return table;
            }
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
                    d.types.forEach(function (t, k) {
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
                incmapOpen: function (i) { L.popup({maxWidth: {{ this.popup_width }}}).setLatLng(latLng(i)).setContent(popup(i)).openOn(this._map); },
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
                    if (i < 0 || label(i) === null) { m.closeTooltip(tip); return; }
                    var text = document.createElement('span');
                    text.textContent = label(i);
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
                        var code = dates ? dates[i] : -1, span = code >= 0 ? d.dates.spans[code] : null;
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
        names = list(styles)
        border = _border_columns(points)
        codes = {name: i for i, name in enumerate(names)}
        self.data = {
            "n": len(points),
            "scale": COORD_SCALE,
            "lon": packed(np.round(points.geometry.x.to_numpy() * COORD_SCALE)),
            "lat": packed(np.round(points.geometry.y.to_numpy() * COORD_SCALE)),
            "type": packed(np.array([codes[t] for t in type_names])),
            "types": [{"name": n, "hex": styles[n].hex} for n in names],
            "columns": _columns(columns, border is not None),
            "link": encoded(links) if any(links) else None,
            "label_keys": list(LABEL_FIELDS),
            "dates": _date_codes(points),
            "border": border,
            "km_scale": KM_SCALE,
        }


def packed(values) -> dict:
    """Integers as base64 of the smallest little-endian typed array that holds them (Int8, Int16 or Int32)."""
    array = np.asarray(values, dtype=np.int64)
    lo, hi = (int(array.min()), int(array.max())) if array.size else (0, 0)
    for dtype, name in ((np.int8, "Int8"), (np.int16, "Int16"), (np.int32, "Int32")):
        info = np.iinfo(dtype)
        if info.min <= lo and hi <= info.max:
            return {"dtype": name, "b64": base64.b64encode(array.astype(np.dtype(dtype).newbyteorder("<")).tobytes()).decode()}
    raise ValueError(f"values {lo}..{hi} do not fit a 32-bit integer")


def encoded(values: list[str | None]) -> dict:
    """A text column as a constant, dictionary codes (``dict`` + packed ``codes``, -1 missing) or plain values."""
    distinct = list(dict.fromkeys(v for v in values if v is not None))
    if len(distinct) == 1 and None not in values:
        return {"constant": distinct[0]}
    if len(distinct) <= len(values) // 2:
        index = {v: i for i, v in enumerate(distinct)}
        return {"dict": distinct, "codes": packed([index[v] if v is not None else -1 for v in values])}
    return {"values": values}


def _columns(columns: list[PopupColumn], border: bool) -> list[dict]:
    """Popup rows in display order; the type and border rows are placeholders the page fills from the type codes and distances."""
    rows = [{"key": c.key, "label": c.label, **({} if c.key == "type" else encoded(c.values))} for c in columns if c.key != "border_text"]
    if border:
        rows.append({"key": "border_text", "label": dict(POPUP_FIELDS)["border_text"]})
    order = [key for key, _ in POPUP_FIELDS]
    return sorted(rows, key=lambda row: order.index(row["key"]))


def _date_codes(points: gpd.GeoDataFrame) -> dict | None:
    """Each point's date as a code into a table of [first day, last day] spans (-1 undated), for the date filter."""
    if "date" not in points:
        return None
    dates = points["date"].to_numpy(dtype=object, na_value=None)
    distinct = list(dict.fromkeys(d for d in dates if d is not None))
    spans = {d: date_range(d) for d in distinct}
    usable = [d for d in distinct if spans[d]]
    if not usable:
        return None
    index = {d: i for i, d in enumerate(usable)}
    return {"codes": packed([index.get(d, -1) if d is not None else -1 for d in dates]),
            "spans": [[spans[d][0].isoformat(), spans[d][1].isoformat()] for d in usable]}  # fmt: skip


def _border_columns(points: gpd.GeoDataFrame) -> dict | None:
    """Border distances as packed 0.1 km integers (formatted in the browser) and the border pair dictionary-encoded."""
    if "border" not in points or "border_km" not in points:
        return None
    pair = points["border"].to_numpy(dtype=object, na_value=None)
    if not any(isinstance(p, str) for p in pair):
        return None
    near = points["border_km"].to_numpy(dtype=float, na_value=np.nan)
    far = points["border_km_max"].to_numpy(dtype=float, na_value=np.nan) if "border_km_max" in points else near
    far = np.where(np.isfinite(far) & np.isfinite(near) & (far - near >= 0.05), far, np.nan)  # points: same as near

    def tenths(km: np.ndarray) -> dict:
        return packed(np.where(np.isfinite(km), np.round(km * KM_SCALE), -1))

    return {"km": tenths(near), "km_max": tenths(far) if np.isfinite(far).any() else None,
            "pair": encoded([p if isinstance(p, str) else None for p in pair])}  # fmt: skip
