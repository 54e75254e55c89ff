"""Geocoding: place names as the news writes them -> footprints with precision, uncertainty and confidence.

The stages, one module each: ``phrases`` (read "near X", "X region", "X–Y highway") -> ``lookup``
(candidates in the gazetteer and admin layers) -> ``context`` and ``ranking`` (what the record says,
explainable scores) -> ``resolver`` (choose, **where a place name becomes a footprint**, with
``footprint``) -> ``geocoder`` (records in, GeoDataFrame out).
"""

from geo.geocoding.geocoder import OUTPUT_FIELDS, Geocoder
from geo.geocoding.resolver import PlaceResolver, Resolution

__all__ = ["OUTPUT_FIELDS", "Geocoder", "PlaceResolver", "Resolution"]
