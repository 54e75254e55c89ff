"""Geocoding: place names as the news writes them -> footprints with precision, uncertainty and confidence.

The stages, one module each: ``phrases`` (read "near X", "X region", "X–Y highway") -> ``lookup``
(candidates in the gazetteer and admin layers) -> ``context`` and ``ranking`` (what the record says,
explainable scores) -> ``resolver`` (choose, **where a place name becomes a footprint**, with
``footprint``) -> ``geocoder`` (records in, GeoDataFrame out; ``columns`` and ``given_points`` make its rows as
column blocks). For large inputs ``parallel`` shares the names among forked processes and ``unit_facts`` reads each
place's region and each unit's radius from the user cache.
"""

from geo.geocoding.geocoder import OUTPUT_FIELDS, Geocoder
from geo.geocoding.resolver import PlaceResolver, Resolution

__all__ = ["OUTPUT_FIELDS", "Geocoder", "PlaceResolver", "Resolution"]
