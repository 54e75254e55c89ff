"""Footprint geometry for a resolved place: a point, a geodesic circle, a polygon, or a route line.

Also where the representative point and the uncertainty radius (km) of a footprint come from, and
how a place read as "near X", "X district", "X steppe" or "30 km north of X" becomes its shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from geo.geocoding.phrases import Kind
from geo.io.precision import DISTRICT_RADIUS_KM, NEAR_RADIUS_KM, WherePrec
from geo.spatial.geodesy import M_PER_KM, geodesic_distance_km, wgs84

#: Vertices of a geodesic circle polygon.
CIRCLE_VERTICES = 48
#: Spacing (km) of vertices when densifying a great-circle route line.
ROUTE_STEP_KM = 10.0
#: Radius (km) assumed for a natural area named after a place ("X steppe").
AREA_RADIUS_KM = 50.0


#: The circle's vertex azimuths (degrees), made once.
_AZIMUTHS = np.linspace(0.0, 360.0, CIRCLE_VERTICES, endpoint=False)
_AZIMUTHS.setflags(write=False)


def geodesic_circle(lon: float, lat: float, radius_km: float) -> Polygon:
    """Polygon of points ``radius_km`` from (lon, lat) on the WGS84 ellipsoid."""
    return geodesic_circles([lon], [lat], [radius_km])[0]


def geodesic_circles(lons: Sequence[float], lats: Sequence[float], radii_km: Sequence[float]) -> np.ndarray:
    """:func:`geodesic_circle` of many centres in one pyproj call and one shapely call (one circle at a time cost
    ~50 us, most of it each call's overhead); each is the same polygon, vertex for vertex."""
    n, k = CIRCLE_VERTICES, len(lons)
    centre_lon, centre_lat = np.repeat(np.asarray(lons, dtype=float), n), np.repeat(np.asarray(lats, dtype=float), n)
    distance = np.repeat(np.asarray(radii_km, dtype=float) * M_PER_KM, n)
    out_lon, out_lat, _ = wgs84().fwd(centre_lon, centre_lat, np.tile(_AZIMUTHS, k), distance)
    return shapely.polygons(np.stack((out_lon, out_lat), axis=-1).reshape(k, n, 2))


@dataclass(frozen=True)
class PendingCircle:
    """A geodesic circle to be made later with others (:func:`geodesic_circles`): the footprint a resolution holds
    while names are resolved in bulk. Not a geometry: anything reading it before it is made fails loudly."""

    lon: float
    lat: float
    radius_km: float

    def make(self) -> Polygon:
        """The circle itself, alone."""
        return geodesic_circle(self.lon, self.lat, self.radius_km)


def great_circle_line(points: list[tuple[float, float]]) -> LineString:
    """A line through (lon, lat) points following the geodesics between them, densified."""
    coords: list[tuple[float, float]] = []
    for (lon1, lat1), (lon2, lat2) in zip(points, points[1:]):
        dist = float(geodesic_distance_km(lon1, lat1, lon2, lat2))
        n = max(0, int(dist // ROUTE_STEP_KM))
        inner = wgs84().npts(lon1, lat1, lon2, lat2, n) if n else []
        coords += [(lon1, lat1), *inner]
    coords.append(points[-1])
    return LineString(coords)


def line_midpoint(line: LineString) -> Point:
    """The point halfway along a densified geodesic line (inside the footprint)."""
    return line.interpolate(0.5, normalized=True)


def representative_point(geom: BaseGeometry, preferred: Point | None = None) -> Point:
    """A point inside ``geom``: ``preferred`` (e.g. Natural Earth's label point) when it is inside."""
    if preferred is not None and geom.covers(preferred):
        return preferred
    if geom.geom_type in ("LineString", "MultiLineString"):
        return line_midpoint(shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom)
    return geom.representative_point()


def uncertainty_km(geom: BaseGeometry, point: Point) -> float:
    """Radius (km) around ``point`` that covers the footprint: max geodesic distance to its hull."""
    coords = _hull_coordinates(geom)
    if len(coords) == 0:
        return 0.0
    return float(np.max(geodesic_distance_km(point.x, point.y, coords[:, 0], coords[:, 1])))


def _hull_coordinates(geom: BaseGeometry) -> np.ndarray:
    """The (lon, lat) vertices of a footprint's convex hull that its radius is measured to (none for a point)."""
    return np.empty((0, 2)) if geom.geom_type == "Point" else shapely.get_coordinates(shapely.convex_hull(geom))


def uncertainties_km(geoms: Sequence[BaseGeometry], points: Sequence[Point]) -> list[float]:
    """:func:`uncertainty_km` of many (footprint, point) pairs: each distinct footprint's hull found once and every
    distance measured in one call (a dataset's region-level rows share a few regions; one at a time took ~150 us)."""
    hulls: dict[int, np.ndarray] = {}
    for geom in geoms:
        if id(geom) not in hulls:
            hulls[id(geom)] = _hull_coordinates(geom)
    coords = [hulls[id(geom)] for geom in geoms]
    sizes = np.array([len(c) for c in coords], dtype=np.int64)
    if not sizes.sum():
        return [0.0] * len(coords)
    every = np.concatenate(coords)
    lon = np.repeat([p.x for p in points], sizes)
    lat = np.repeat([p.y for p in points], sizes)
    dist = geodesic_distance_km(lon, lat, every[:, 0], every[:, 1])
    measured = np.flatnonzero(sizes)  # footprints with a hull (a point's radius is 0)
    out = np.zeros(len(sizes))
    out[measured] = np.maximum.reduceat(dist, (np.cumsum(sizes) - sizes)[measured])
    return out.tolist()


def place_footprint(lon: float, lat: float, kind: Kind, offset_km: float | None = None, bearing: float | None = None,
                    point: Point | None = None, later: bool = False) -> tuple[BaseGeometry | PendingCircle, Point, WherePrec, float]:  # fmt: skip
    """Footprint, representative point, precision and uncertainty radius (km) of a gazetteer place read as ``kind``
    ("30 km north of X" moves the centre ``offset_km`` along ``bearing``). ``point``: the place's Point, when made
    already (in bulk); ``later``: a circle comes as a :class:`PendingCircle`, to be made with others. A circle's
    radius is its uncertainty: every vertex lies that far from its centre, so measuring its hull again (a third of
    the output fields' cost) gives the same figure."""
    pt = Point(lon, lat) if point is None else point
    radius, prec = _CIRCLES.get(kind, (0.0, WherePrec.WATER if kind == Kind.WATER else WherePrec.EXACT))
    if not radius:
        return pt, pt, prec, 0.0
    if kind == Kind.NEAR and offset_km:
        lon, lat, _ = wgs84().fwd(lon, lat, bearing or 0.0, offset_km * M_PER_KM)
        pt = Point(lon, lat)
    circle = PendingCircle(lon, lat, radius)
    return (circle if later else circle.make()), pt, prec, radius


#: Readings drawn as a geodesic circle around the place: (radius km, precision).
_CIRCLES = {Kind.NEAR: (NEAR_RADIUS_KM, WherePrec.NEAR), Kind.DISTRICT: (DISTRICT_RADIUS_KM, WherePrec.ADMIN2),
            Kind.AREA: (AREA_RADIUS_KM, WherePrec.AREA)}  # fmt: skip
