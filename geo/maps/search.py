"""Search by place name: incident places (as written and as matched) and admin-1 regions, in one control.

Uses Leaflet.Control.Search (leaflet-search, the plugin folium's ``Search`` loads), fed from a table of
names and bounds instead of map layers, so it works the same for markers, clusters and the canvas layer.
Matching ignores case and accents and finds the text anywhere in a name; choosing a name fits the map to
everything under it. Names are record text: the suggestion list is built with ``textContent``.
"""

from __future__ import annotations

from collections import defaultdict

import geopandas as gpd
import numpy as np
from folium.elements import JSCSSMixin
from folium.plugins import Search

from geo.maps.incidents import located_mask
from geo.maps.inert import template
from geo.maps.popup import texts

#: At most this many incident place names are searchable (the most frequent first); regions are always included.
MAX_PLACES = 5000
#: Suggestions shown while typing.
MAX_TIPS = 30
#: Choosing a name never zooms in further than this.
MAX_ZOOM = 10


class PlaceSearch(JSCSSMixin):
    """A search box over ``entries``: [name, south, west, north, east]."""

    default_js = Search.default_js
    default_css = Search.default_css

    _template = template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }}, entries = {{ this.entries|inert_json }};
            function fold(s) { return s.normalize('NFD').replace(/[\\u0300-\\u036f]/g, '').toLowerCase(); }
            var records = {}, folded = {};
            entries.forEach(function (e) {
                var loc = L.latLng((e[1] + e[3]) / 2, (e[2] + e[4]) / 2);
                loc.incmapBounds = L.latLngBounds([e[1], e[2]], [e[3], e[4]]);
                records[e[0]] = loc; folded[e[0]] = fold(e[0]);
            });
            var control = new L.Control.Search({
                sourceData: function (text, found) { found(records); return {abort: function () {}}; },  // a table, not a layer
                formatData: function (table) { return table; },
                position: 'topright', collapsed: true, textPlaceholder: {{ this.placeholder|inert_json }}, tooltipLimit: {{ this.max_tips }},
                initial: false, autoType: false, marker: {icon: false, animate: true, circle: {radius: 14, weight: 3, color: '#e03', fill: false}},
                filterData: function (text, all) {
                    var q = fold(text.trim()), out = {};
                    if (!q) { return out; }
                    Object.keys(all).forEach(function (k) { if (folded[k].indexOf(q) >= 0) { out[k] = all[k]; } });
                    return out;
                },
                buildTip: function (text) { var li = document.createElement('li'); li.textContent = text; return li; },
                moveToLocation: function (loc) { map.fitBounds(loc.incmapBounds.pad(0.1), {maxZoom: {{ this.max_zoom }}}); }
            });
            control.addTo(map);
            window.incmapSearch = control;
        })();
        {% endmacro %}
    """)

    def __init__(self, entries: list[list], placeholder: str = "Search places and regions") -> None:
        super().__init__()
        self._name = "PlaceSearch"
        self.entries, self.placeholder = entries, placeholder
        self.max_tips, self.max_zoom = MAX_TIPS, MAX_ZOOM


def search_entries(frame: gpd.GeoDataFrame, regions: gpd.GeoDataFrame) -> list[list]:
    """Names with the bounds to show: incident places (as written and as matched; with their count) and regions."""
    shown = frame[located_mask(frame)]
    bounds = shown.geometry.bounds.to_numpy() if len(shown) else np.zeros((0, 4))
    by_name: dict[str, set[int]] = defaultdict(set)
    for key in ("place", "matched_name"):
        for j, name in enumerate(texts(shown, key)):
            if name is not None:
                by_name[name].add(j)
    entries = []
    for name, found in sorted(by_name.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:MAX_PLACES]:
        members = sorted(found)
        minx, miny = bounds[members, 0].min(), bounds[members, 1].min()
        maxx, maxy = bounds[members, 2].max(), bounds[members, 3].max()
        count = f"{len(members)} incident" + ("s" if len(members) != 1 else "")
        entries.append([f"{name} · {count}", *_rounded(miny, minx, maxy, maxx)])
    for name, code, (minx, miny, maxx, maxy) in zip(texts(regions, "name_en"), texts(regions, "iso_3166_2"), regions.geometry.bounds.to_numpy()):
        if name is not None:
            entries.append([f"{name} · region {code or ''}".rstrip(), *_rounded(miny, minx, maxy, maxx)])
    return entries


def _rounded(*values: float) -> list[float]:
    """Bounds rounded for the page (about 10 m)."""
    return [round(float(v), 4) for v in values]
