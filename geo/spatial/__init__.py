"""Geodesy on WGS84 and the questions asked of footprints: distance to land borders, and query filters.

``border_distance(frame)`` adds each footprint's geodesic distance to the nearest land border
(:mod:`geo.spatial.proximity`); :mod:`geo.spatial.query` filters by distance, place, area, date and type.
"""

from geo.spatial.proximity import border_distance, select_borders
from geo.spatial.query import QueryResult, between_dates, in_area, max_precision, near_point, of_type, within_border_km

__all__ = ["QueryResult", "between_dates", "border_distance", "in_area", "max_precision", "near_point", "of_type",
           "select_borders", "within_border_km"]  # fmt: skip
