"""Geodesy on WGS84 and the questions asked of footprints: distance to land borders, and query filters.

``border_distance(frame)`` adds each footprint's geodesic distance to the nearest land border
(:mod:`geo.spatial.proximity`); :mod:`geo.spatial.query` filters by distance, place, area, date and type.
"""

from geo._lazy import lazy_exports

#: The columns :func:`~geo.spatial.proximity.border_distance` adds (here, so naming them imports no geometry stack).
BORDER_COLUMNS = ("border_km", "border_km_max", "border", "border_lat", "border_lon")

_EXPORTS = {"border_distance": "proximity", "select_borders": "proximity", **dict.fromkeys(
    ("QueryResult", "between_dates", "in_area", "max_precision", "near_point", "of_type", "within_border_km"), "query")}  # fmt: skip
__all__ = ["BORDER_COLUMNS", *sorted(_EXPORTS)]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
