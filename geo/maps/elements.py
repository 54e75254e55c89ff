"""incmap's own map controls (branca templates): date filter, opening view, incident counter, summary box.

Record text reaches these templates only through ``inert_json`` and is put on the page with ``textContent`` or
``inert_html``: never as markup, never as a Jinja template (:mod:`geo.maps.inert`).
"""

from __future__ import annotations

from collections import Counter

from branca.element import MacroElement

from geo.maps.borders import Highlight
from geo.maps.inert import inert_html, template
from geo.maps.style import legend_html
from geo.spatial.query import BandCounts, date_range


class DateFilter(MacroElement):
    """A from/to date control that hides incidents whose date span falls outside it (undated ones stay)."""

    _template = template("""
        {% macro script(this, kwargs) %}
        (function () {
            var entries = [{% for layer, group, spans in this.entries %}
                [{{ layer }}, {{ group }}, {{ spans|inert_json }}],{% endfor %}
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
                        var show = e[2].some(function (s) { return s === null || (s[1] >= lo && s[0] <= hi); });
                        if (show && !e[1].hasLayer(e[0])) { e[1].addLayer(e[0]); }
                        if (!show && e[1].hasLayer(e[0])) { e[1].removeLayer(e[0]); }
                    });
                    [{% for c in this.filtered %}{{ c }},{% endfor %}].forEach(function (g) { g.incmapFilter(lo, hi); });
                };
                div.querySelectorAll('input').forEach(function (input) { input.addEventListener('change', apply); });
                return div;
            };
            control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, entries: list[tuple[str, str, list]], filtered: list[str], dates: list) -> None:
        """``entries``: (layer, group, dates of the incidents it draws) for markers; a layer shows while any of its
        incidents is undated or in range. ``filtered``: layers that filter themselves (``incmapFilter(lo, hi)``);
        ``dates``: all incidents' dates (the control's initial range)."""
        super().__init__()
        self._name = "DateFilter"
        self.filtered = list(filtered)
        # each distinct date read once (10^5 incidents name about 1,500 days)
        self.entries = [(layer, group, sorted({_span(d) for d in dict.fromkeys(members)}, key=str)) for layer, group, members in entries]
        dated = [s for s in (date_range(d) for d in dict.fromkeys(dates)) if s]
        self.lo = min(s[0] for s in dated).isoformat() if dated else ""
        self.hi = max(s[1] for s in dated).isoformat() if dated else ""


def _span(date) -> tuple[str, str] | None:
    """[first day, last day] of a date as ISO strings, or None when undated."""
    span = date_range(date)
    return (span[0].isoformat(), span[1].isoformat()) if span else None


class FitView(MacroElement):
    """Open the map on the given bounds at once (no animated zoom from the world view)."""

    _template = template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.fitBounds({{ this.bounds|inert_json }}, {animate: false});
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "FitView"
        self.bounds = [[float(v) for v in corner] for corner in bounds]


class IncidentCounter(MacroElement):
    """Publishes ``window.incmapIncidentCount``: incidents drawn on the map (a shape drawn once for several incidents
    counts them all; for tests and embedding pages)."""

    _template = template("""
        {% macro script(this, kwargs) %}
        window.incmapIncidentCount = [{% for g in this.groups %}{{ g }},{% endfor %}].reduce(function (n, g) {
            return n + (g.incmapCount ? g.incmapCount() : g.getLayers().reduce(function (k, l) {
                return k + ((l.options && l.options.incmapCount) || 1); }, 0)); }, 0);
        {% endmacro %}
    """)

    def __init__(self, groups: list[str]) -> None:
        super().__init__()
        self._name = "IncidentCounter"
        self.groups = groups


class SummaryBox(MacroElement):
    """Title, counts, date range, the highlighted borders and how many incidents lie within their bands, and the type legend."""

    _template = template("""
        {% macro html(this, kwargs) %}
        <div id="incmap-summary" style="position:fixed;top:10px;left:60px;z-index:1000;background:white;padding:8px 10px;
             border:1px solid #999;border-radius:4px;font:12px sans-serif;max-width:340px;max-height:45vh;overflow:auto">
        {{ this.body }}
        </div>
        {% endmacro %}
    """)

    def __init__(self, frame, title: str, styles, highlight: Highlight, counts: BandCounts | None, mode: str) -> None:
        super().__init__()
        self._name = "SummaryBox"
        self.body = summary_html(frame, title, styles, highlight, counts, mode)


def summary_html(frame, title: str, styles, highlight: Highlight, counts: BandCounts | None, mode: str) -> str:
    """The summary box's inner HTML (all text escaped)."""
    n = len(frame)
    status = Counter(frame["status"].value_counts().to_dict()) if "status" in frame else Counter()  # iterating: 0.08 s / 10^5
    located = int(frame.geometry.notna().sum()) if n else 0
    written = frame["date"].to_numpy(dtype=object, na_value=None).tolist() if "date" in frame else []  # not the Arrow iterator: 0.15 s
    spans = [s for s in map(date_range, dict.fromkeys(written)) if s]  # each distinct date once
    dates = f"{min(s[0] for s in spans)} – {max(s[1] for s in spans)}" if spans else "no dates"
    lines = [f"<b>{inert_html(title)}</b>",
             f"<div>{n} incidents, {located} located ({status.get('resolved', 0)} resolved, {status.get('ambiguous', 0)} ambiguous, "
             f"{status.get('given', 0)} given, {status.get('unresolved', 0)} unresolved); {inert_html(dates)}</div>"]  # fmt: skip
    if not n:
        lines.append("<div class='incmap-empty'><b>No incidents</b> in this record set.</div>")
    elif not (highlight.off or highlight.selection):
        lines.append(f"<div class='incmap-borders'>{_near_html(highlight)}</div>")
    if counts is not None:
        for km, certain, possible in counts.rows:
            lines.append(f"<div>Within {km:g} km of {inert_html(highlight.label)}: {certain} certain, {possible} possible</div>")
        lines.append(f"<div style='color:#666'>{counts.not_counted} country-level or unresolved not counted</div>")
    if mode == "canvas":
        lines.append("<div style='color:#666'>many points: drawn on a canvas, click one for details</div>")
    lines.append(legend_html(styles))
    return "".join(lines)


def _near_html(highlight: Highlight) -> str:
    """The borders chosen by default, with how many incidents each is the nearest border of; or that none is near."""
    if not highlight.near:
        return f"No incident within {highlight.within_km:g} km of a land border: no border highlighted"
    pairs = ", ".join(f"{inert_html(pair)} ({n})" for pair, n in highlight.near)
    return f"<b>Borders near incidents</b> (nearest land border within {highlight.within_km:g} km; incidents): {pairs}"
