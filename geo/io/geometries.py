"""Geometries given with input records (GeoJSON, GeoPackage, GeoParquet features): read and checked.

A Point gives the record's lat/lon; any other geometry (Polygon, LineString, Multi*) is the record's footprint,
kept as it is. A geometry that is not valid (unreadable, self-intersecting, outside lon/lat) is reported and dropped.
"""

from __future__ import annotations

import math

import shapely
from shapely.geometry.base import BaseGeometry

#: Geometry types that give lat/lon rather than a footprint.
POINT_TYPES = frozenset({"Point"})


def from_geojson(obj: object) -> tuple[BaseGeometry | None, str | None]:
    """(geometry, None) for a GeoJSON geometry object, (None, None) for none, or (None, why it is unusable)."""
    if obj is None:
        return None, None
    try:
        geom = shapely.geometry.shape(obj)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, shapely.errors.ShapelyError) as exc:
        kind = obj.get("type") if isinstance(obj, dict) else type(obj).__name__
        return None, f"not a valid GeoJSON {kind or 'geometry'} ({exc or type(exc).__name__}); geometry ignored"
    return checked(geom)


def checked(geom: BaseGeometry | None) -> tuple[BaseGeometry | None, str | None]:
    """(geometry, None) when ``geom`` is usable in lon/lat (WGS84); (None, None) when missing or empty; else (None, why)."""
    if geom is None or geom.is_empty:
        return None, None
    xmin, ymin, xmax, ymax = geom.bounds
    if not all(map(math.isfinite, (xmin, ymin, xmax, ymax))) or xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
        return None, f"{geom.geom_type} outside lon -180..180, lat -90..90 (bounds {xmin:g}, {ymin:g}, {xmax:g}, {ymax:g}); geometry ignored"
    if not geom.is_valid:
        return None, f"invalid {geom.geom_type}: {shapely.is_valid_reason(geom)}; geometry ignored"
    return geom, None


def is_point(geom: BaseGeometry) -> bool:
    """True for a geometry that gives a record's lat/lon (a Point), False for a footprint."""
    return geom.geom_type in POINT_TYPES
