"""incmap's own map elements (branca templates): canvas incident layer, date filter, summary box.

Record text reaches these templates only through ``tojson`` (which escapes ``<``, ``>`` and ``&``)
and is put on the page with ``textContent`` or ``html.escape``: never as markup.
"""

from __future__ import annotations

import html
from collections import Counter

import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.map import Layer
from jinja2 import Template

from geo.map_style import legend_html
from geo.query import date_range

#: Canvas point coordinates are written with this many decimals (about 11 m: display only).
COORD_DECIMALS = 4


class CanvasIncidents(Layer):
    """Many point incidents as circle markers on one canvas; popups are built on click from compact columns.

    Columns are dictionary-encoded where values repeat (types, precisions, sources), empty columns are
    dropped, and the border line is formatted in the browser from numbers: 10^5 incidents stay a few MB.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup();
        (function () {
            var d = {{ this.data|tojson }}, group = {{ this.get_name() }};
            var renderer = L.canvas({padding: 0.5});
            function value(col, i) {
                if (col.constant !== undefined) { return col.constant; }
                var v = col.codes ? (col.codes[i] < 0 ? null : col.dict[col.codes[i]]) : col.values[i];
                return v === undefined ? null : v;
            }
            function dateSpan(v) {  // "2024", "2024-03" or "2024-03-05" -> [first day, last day]
                if (!v) { return null; }
                if (v.length === 4) { return [v + '-01-01', v + '-12-31']; }
                if (v.length === 7) { return [v + '-01', v + '-31']; }
                return [v.slice(0, 10), v.slice(0, 10)];
            }
            function borderText(i) {
                if (!d.border || d.border.km[i] === null) { return null; }
                var near = d.border.km[i], far = d.border.km_max[i] === null ? near : d.border.km_max[i];
                var pair = value(d.border.pair, i);
                var span = (far - near < 0.05) ? near.toFixed(1) + ' km' : near.toFixed(1) + '–' + far.toFixed(1) + ' km';
                return span + ' to ' + pair;
            }
            function popup(e) {
                var i = e.target.incmapIndex, table = document.createElement('table');
                table.className = 'incmap-popup';
                var rows = d.columns.map(function (c) { return [c.label, c.key === 'type' ? d.types[d.type[i]].name : value(c, i)]; });
                rows.push(['Border', borderText(i)]);
                rows.forEach(function (r) {
                    if (r[1] === null || r[1] === '') { return; }
                    var row = table.insertRow(), th = document.createElement('th');
                    th.textContent = r[0]; row.appendChild(th); row.insertCell().textContent = r[1];
                });
                L.popup({maxWidth: 380}).setLatLng(e.target.getLatLng()).setContent(table).openOn({{ this._parent.get_name() }});
            }
            group.incmapMarkers = [];
            for (var i = 0; i < d.lon.length; i++) {
                var t = d.types[d.type[i]];
                var m = L.circleMarker([d.lat[i], d.lon[i]], {renderer: renderer, radius: 5, color: '#333', weight: 1,
                                                              fillColor: t.hex, fillOpacity: 0.9});
                m.incmapIndex = i;
                m.on('click', popup);
                group.addLayer(m);
                group.incmapMarkers.push(m);
            }
            var dates = d.columns.filter(function (c) { return c.key === 'date'; })[0];
            group.incmapSpans = d.lon.map(function (_, i) { return dates ? dateSpan(value(dates, i)) : null; });
            window.incmapCanvasCount = (window.incmapCanvasCount || 0) + d.lon.length;
        })();
        {% endmacro %}
    """)

    def __init__(self, points, styles, type_of, popup_fields, name: str = "Incidents: places") -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "CanvasIncidents"
        records = [r for r, _ in points]
        names = list(styles)
        columns = []
        for key, label in popup_fields:
            if key == "border_text":
                continue
            if key == "type":
                columns.append({"key": key, "label": label})
                continue
            values = [_text(r.get(key)) for r in records]
            if any(v is not None for v in values):
                columns.append({"key": key, "label": label, **_encode(values)})
        self.data = {
            "lon": [round(g.x, COORD_DECIMALS) for _, g in points],
            "lat": [round(g.y, COORD_DECIMALS) for _, g in points],
            "type": [names.index(type_of(r)) for r in records],
            "types": [{"name": n, "hex": styles[n].hex} for n in names],
            "columns": columns,
            "border": _border_columns(records),
        }


def _text(value) -> str | None:
    """A value as text, or None when missing."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return None
    return str(value)


def _encode(values: list[str | None]) -> dict:
    """A column as plain values, or dictionary-encoded (``dict`` + ``codes``, -1 for missing) when values repeat."""
    distinct = list(dict.fromkeys(v for v in values if v is not None))
    if len(distinct) == 1 and None not in values:
        return {"constant": distinct[0]}
    if len(distinct) <= len(values) // 2:
        index = {v: i for i, v in enumerate(distinct)}
        return {"dict": distinct, "codes": [index[v] if v is not None else -1 for v in values]}
    return {"values": values}


def _border_columns(records: list[dict]) -> dict | None:
    """Border distances as numbers (formatted in the browser) and the pair dictionary-encoded."""
    if not any(isinstance(r.get("border"), str) for r in records):
        return None

    def km(v):
        return round(float(v), 1) if isinstance(v, (int, float)) and v == v else None

    near = [km(r.get("border_km")) for r in records]
    far = [km(r.get("border_km_max")) for r in records]
    far = [None if f is None or n is None or f - n < 0.05 else f for n, f in zip(near, far)]  # points: same as near
    return {"km": near, "km_max": far, "pair": _encode([_text(r.get("border")) for r in records])}


class DateFilter(MacroElement):
    """A from/to date control that hides incidents whose date span falls outside it (undated ones stay)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var entries = [{% for layer, group, start, end in this.entries %}
                [{{ layer }}, {{ group }}, {{ start|tojson }}, {{ end|tojson }}],{% endfor %}
            ];
            var control = L.control({position: 'bottomleft'});
            control.onAdd = function () {
                var div = L.DomUtil.create('div', 'incmap-date-filter leaflet-bar');
                div.style.background = 'white'; div.style.padding = '4px 6px'; div.style.font = '12px sans-serif';
                div.innerHTML = '<label>From <input type="date" class="incmap-from" value="{{ this.lo }}"></label> ' +
                                '<label>to <input type="date" class="incmap-to" value="{{ this.hi }}"></label>';
                L.DomEvent.disableClickPropagation(div);
                var apply = function () {
                    var lo = div.querySelector('.incmap-from').value || '0000-01-01';
                    var hi = div.querySelector('.incmap-to').value || '9999-12-31';
                    entries.forEach(function (e) {
                        var show = e[2] === null || (e[3] >= lo && e[2] <= hi);
                        if (show && !e[1].hasLayer(e[0])) { e[1].addLayer(e[0]); }
                        if (!show && e[1].hasLayer(e[0])) { e[1].removeLayer(e[0]); }
                    });
                    [{% for c in this.canvases %}{{ c }},{% endfor %}].forEach(function (g) {
                        g.incmapMarkers.forEach(function (m, i) {
                            var s = g.incmapSpans[i], show = s === null || (s[1] >= lo && s[0] <= hi);
                            if (show !== g.hasLayer(m)) { if (show) { g.addLayer(m); } else { g.removeLayer(m); } }
                        });
                    });
                };
                div.querySelectorAll('input').forEach(function (input) { input.addEventListener('change', apply); });
                return div;
            };
            control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, entries: list[tuple[str, str, object]], canvases: list[str] = (), canvas_dates: list = ()) -> None:
        super().__init__()
        self._name = "DateFilter"
        self.canvases = list(canvases)
        spans = [(layer, group, date_range(date)) for layer, group, date in entries]
        self.entries = [(layer, group, s[0].isoformat() if s else None, s[1].isoformat() if s else None) for layer, group, s in spans]
        dated = [s for _, _, s in spans if s] + [s for s in (date_range(d) for d in canvas_dates) if s]
        self.lo = min(s[0] for s in dated).isoformat() if dated else ""
        self.hi = max(s[1] for s in dated).isoformat() if dated else ""


class FitView(MacroElement):
    """Open the map on the given bounds at once (no animated zoom from the world view)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }}, {animate: false});
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "FitView"
        self.bounds = [[float(v) for v in corner] for corner in bounds]


class IncidentCounter(MacroElement):
    """Publishes ``window.incmapIncidentCount``: incident features on the map (for tests and embedding pages)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.incmapIncidentCount = [{% for g in this.groups %}{{ g }},{% endfor %}].reduce(function (n, g) {
            return n + g.getLayers().length; }, 0);
        {% endmacro %}
    """)

    def __init__(self, groups: list[str]) -> None:
        super().__init__()
        self._name = "IncidentCounter"
        self.groups = groups


class SummaryBox(MacroElement):
    """Title, counts, date range, how many incidents lie within the queried bands, and the type legend."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <div id="incmap-summary" style="position:fixed;top:10px;left:60px;z-index:1000;background:white;padding:8px 10px;
             border:1px solid #999;border-radius:4px;font:12px sans-serif;max-width:340px;max-height:45vh;overflow:auto">
        {{ this.body }}
        </div>
        {% endmacro %}
    """)

    def __init__(self, frame, title: str, styles, border: str | None, bands, mode: str) -> None:
        super().__init__()
        self._name = "SummaryBox"
        self.body = summary_html(frame, title, styles, border, bands, mode)


def summary_html(frame, title: str, styles, border: str | None, bands, mode: str) -> str:
    """The summary box's inner HTML (all text escaped)."""
    n = len(frame)
    status = Counter(frame["status"]) if "status" in frame else Counter()
    located = int(frame.geometry.notna().sum()) if n else 0
    spans = [s for s in (date_range(d) for d in frame.get("date", pd.Series(dtype=object))) if s]
    dates = f"{min(s[0] for s in spans)} – {max(s[1] for s in spans)}" if spans else "no dates"
    lines = [f"<b>{html.escape(title)}</b>",
             f"<div>{n} incidents, {located} located ({status.get('resolved', 0)} resolved, {status.get('ambiguous', 0)} ambiguous, "
             f"{status.get('given', 0)} given, {status.get('unresolved', 0)} unresolved); {html.escape(dates)}</div>"]  # fmt: skip
    if not n:
        lines.append("<div class='incmap-empty'><b>No incidents</b> in this record set.</div>")
    if border and n and "border_km" in frame:
        prec = pd.to_numeric(frame.get("where_prec"), errors="coerce").fillna(99).to_numpy()
        usable = prec < 6
        near = pd.to_numeric(frame["border_km"], errors="coerce").to_numpy()
        far = pd.to_numeric(frame.get("border_km_max", frame["border_km"]), errors="coerce").to_numpy()
        for km in sorted(bands):
            certain = int(np.sum(usable & (far <= km)))
            possible = int(np.sum(usable & (near <= km))) - certain
            lines.append(f"<div>Within {km:g} km of {html.escape(border)}: {certain} certain, {possible} possible</div>")
        lines.append(f"<div style='color:#666'>{int(np.sum(~usable))} country-level or unresolved not counted</div>")
    if mode == "canvas":
        lines.append("<div style='color:#666'>many points: drawn on a canvas, click one for details</div>")
    lines.append(legend_html(styles))
    return "".join(lines)

