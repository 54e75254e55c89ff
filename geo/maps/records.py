"""Incident records packed for the page, and the page-side reader that turns them back into popups and labels.

Used by the layers that draw many incidents at once (:mod:`geo.maps.canvas` for points, :mod:`geo.maps.areas`
for regions and routes): numbers travel as base64 little-endian integer arrays, repeated text as dictionary
codes, and popups are built on demand in the browser. ``RECORDS_JS`` (written once per page) defines
``incmapRecords(table)``; record text leaves it only through ``textContent``: never as markup.
"""

from __future__ import annotations

import base64

import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement

from geo.maps.popup import LABEL_FIELDS, POPUP_FIELDS, PopupColumn
from geo.spatial.query import date_range

#: Border distances are sent as integers of 0.1 km (-1 for missing).
KM_SCALE = 10

RECORDS_JS = """
window.incmapRecords = window.incmapRecords || function (d) {
    function ints(c) {  // a base64 little-endian integer array
        if (!c) { return null; }
        var s = atob(c.b64), bytes = new Uint8Array(s.length);
        for (var k = 0; k < s.length; k++) { bytes[k] = s.charCodeAt(k); }
        return new window[c.dtype + 'Array'](bytes.buffer);
    }
    var dates = d.dates ? ints(d.dates.codes) : null;
    function decode(col) { if (col.codes) { col.codes = col.codes === 'dates' ? dates : ints(col.codes); } return col; }
    function value(col, i) {
        if (col.constant !== undefined) { return col.constant; }
        if (col.codes) { return col.codes[i] < 0 ? null : col.dict[col.codes[i]]; }
        return col.values[i];
    }
    var type = ints(d.type), columns = d.columns.map(decode), link = d.link ? decode(d.link) : null;
    var labels = d.label_keys.map(function (k) { return columns.filter(function (c) { return c.key === k; })[0]; })
                             .filter(function (c) { return c; });
    var km = d.border ? ints(d.border.km) : null, kmMax = d.border ? ints(d.border.km_max) : null;
    var pair = d.border ? decode(d.border.pair) : null;
    function borderText(i) {
        if (!km || km[i] < 0) { return null; }
        var near = km[i] / d.km_scale, far = kmMax && kmMax[i] >= 0 ? kmMax[i] / d.km_scale : near;
        var fmt = function (v) { return v.toLocaleString('en-US', {minimumFractionDigits: 1, maximumFractionDigits: 1}); };
        return (far - near < 0.05 ? fmt(near) : fmt(near) + '–' + fmt(far)) + ' km to ' + value(pair, i);
    }
    return {
        n: d.n, type: type, types: d.types, ints: ints,
        label: function (i) {  // hover text: the first of title, place... that the incident has
            for (var k = 0; k < labels.length; k++) { var v = value(labels[k], i); if (v !== null) { return v; } }
            return null;
        },
        span: function (i) { var c = dates ? dates[i] : -1; return c >= 0 ? d.dates.spans[c] : null; },
        popup: function (i) {  // a table of the incident's present fields
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
    };
};
"""


class PackedRecordsLayer(MacroElement):
    """Mixin for layers whose template calls ``incmapRecords``: puts ``RECORDS_JS`` in the page's head, once."""

    def render(self, **kwargs) -> None:
        self.get_root().header.add_child(Element(f"<script>{RECORDS_JS}</script>"), name="incmap_records_js")
        super().render(**kwargs)


def record_table(frame: gpd.GeoDataFrame, columns: list[PopupColumn], links: list[str | None], type_names: list[str], styles) -> dict:
    """The page's table of ``frame``'s incidents: type codes, popup columns, link, dates, border distances."""
    names = list(styles)
    codes = {name: i for i, name in enumerate(names)}
    border, dates = _border_columns(frame), _date_codes(frame)
    rows = _columns(columns, border is not None)
    for row in rows:  # dates as written (no date_precision): their codes are the date filter's, sent once
        if dates and row["key"] == "date" and row.get("codes") == dates["codes"]:
            row["codes"] = "dates"
    return {
        "n": len(frame),
        "type": packed(np.array([codes[t] for t in type_names])),
        "types": [{"name": n, "hex": styles[n].hex} for n in names],
        "columns": rows,
        "link": encoded(links) if any(links) else None,
        "label_keys": list(LABEL_FIELDS),
        "dates": dates,
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
    codes, uniques = _factorized(values)
    if len(uniques) == 1 and codes.min() == 0:
        return {"constant": uniques[0]}
    if len(uniques) <= len(values) // 2:
        return {"dict": uniques, "codes": packed(codes)}
    return {"values": values}


def _factorized(values) -> tuple[np.ndarray, list]:
    """(code per value, -1 for None; the distinct values in order of first appearance), by pandas' hashing in C (a
    dict built in Python took 0.02 s per 10^5-row column)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    return codes, list(uniques)


def _columns(columns: list[PopupColumn], border: bool) -> list[dict]:
    """Popup rows in display order; the type and border rows are placeholders the page fills from the type codes and distances."""
    rows = [{"key": c.key, "label": c.label, **({} if c.key == "type" else encoded(c.values))} for c in columns if c.key != "border_text"]
    if border:
        rows.append({"key": "border_text", "label": dict(POPUP_FIELDS)["border_text"]})
    order = [key for key, _ in POPUP_FIELDS]
    return sorted(rows, key=lambda row: order.index(row["key"]))


def _date_codes(frame: gpd.GeoDataFrame) -> dict | None:
    """Each incident's date as a code into a table of [first day, last day] spans (-1 undated), for the date filter."""
    if "date" not in frame:
        return None
    codes, distinct = _factorized(frame["date"].to_numpy(dtype=object, na_value=None))
    spans = [date_range(d) for d in distinct]
    usable = [i for i, span in enumerate(spans) if span]
    if not usable:
        return None
    index = np.full(len(distinct) + 1, -1, dtype=np.int64)  # distinct date -> its span's code; the last slot: undated
    index[usable] = np.arange(len(usable))
    return {"codes": packed(index[codes]),
            "spans": [[spans[i][0].isoformat(), spans[i][1].isoformat()] for i in usable]}  # fmt: skip


def _border_columns(frame: gpd.GeoDataFrame) -> dict | None:
    """Border distances as packed 0.1 km integers (formatted in the browser) and the border pair dictionary-encoded."""
    if "border" not in frame or "border_km" not in frame:
        return None
    pair = frame["border"].to_numpy(dtype=object, na_value=None)
    if not any(isinstance(p, str) for p in pair):
        return None
    near = frame["border_km"].to_numpy(dtype=float, na_value=np.nan)
    far = frame["border_km_max"].to_numpy(dtype=float, na_value=np.nan) if "border_km_max" in frame else near
    far = np.where(np.isfinite(far) & np.isfinite(near) & (far - near >= 0.05), far, np.nan)  # points: same as near

    def tenths(km: np.ndarray) -> dict:
        return packed(np.where(np.isfinite(km), np.round(km * KM_SCALE), -1))

    return {"km": tenths(near), "km_max": tenths(far) if np.isfinite(far).any() else None,
            "pair": encoded([p if isinstance(p, str) else None for p in pair])}  # fmt: skip
