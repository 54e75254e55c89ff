"""Interactive Folium maps of geocoded incidents: borders, distance bands, regions and footprints.

``build_map`` composes a ``folium.Map`` (:mod:`geo.maps.builder`; one module per feature: incidents,
areas, canvas, popups, search, borders, bands...); ``map_html`` renders it to one deterministic page and
``save_html`` writes it (:mod:`geo.maps.page`: where HTML is written); :mod:`geo.maps.offline`
inlines every asset for a self-contained file; :mod:`geo.maps.snapshot` renders a PNG.
"""

from geo.maps.builder import CLUSTER_MAX, MARKERS_MAX, MapOptions, build_map
from geo.maps.page import fragment_html, map_html, save_html

__all__ = ["CLUSTER_MAX", "MARKERS_MAX", "MapOptions", "build_map", "fragment_html", "map_html", "save_html"]
