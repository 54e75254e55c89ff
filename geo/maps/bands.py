"""Distance bands along borders ("within 25/50/100 km"), buffered geodesically for display.

A long border is cut into pieces of at most ``PIECE_KM``; each piece is buffered in an
azimuthal-equidistant projection centred on it (distances from the centre are exact, and within
a few hundred km the buffer's error stays far below the width of a drawn line), then the pieces
are unioned back in lon/lat.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.spatial.geodesy import M_PER_KM, aeqd, geodesic_distance_km

#: Longest border piece (km) buffered in one local projection.
PIECE_KM = 300.0
#: Display simplification of band outlines (degrees).
BAND_TOLERANCE_DEG = 0.005
#: Default distance bands (km) drawn along a map's highlighted borders (the layers carry every border's, made ahead).
DEFAULT_BANDS = (25.0, 50.0, 100.0)


def _pieces(line: BaseGeometry) -> list[np.ndarray]:
    """Coordinate runs of a (multi)line, each at most about PIECE_KM long."""
    out = []
    for part in shapely.get_parts(shapely.segmentize(line, 0.05)):
        xy = shapely.get_coordinates(part)
        if len(xy) < 2:
            continue
        step = geodesic_distance_km(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
        along = np.concatenate([[0.0], np.cumsum(step)])
        cut = np.floor(along / PIECE_KM).astype(int)
        for k in np.unique(cut):
            idx = np.flatnonzero(cut == k)
            lo, hi = idx[0], min(idx[-1] + 1, len(xy) - 1)  # overlap one vertex so pieces join
            out.append(xy[lo : hi + 1])
    return out


def geodesic_buffer(line: BaseGeometry, km: float) -> BaseGeometry:
    """The area within ``km`` of ``line`` (lon/lat), built piecewise in local equidistant projections."""
    polys = []
    for xy in _pieces(line):
        mid = xy[len(xy) // 2]
        fwd = aeqd(float(mid[0]), float(mid[1]))
        x, y = fwd.transform(xy[:, 0], xy[:, 1])
        local = shapely.LineString(np.column_stack([x, y])) if len(xy) > 1 else shapely.Point(x[0], y[0])
        buffered = shapely.buffer(local, km * M_PER_KM, quad_segs=8)
        ring = shapely.get_coordinates(buffered)
        lon, lat = fwd.transform(ring[:, 0], ring[:, 1], direction="INVERSE")
        polys.append(shapely.transform(buffered, lambda _xy, lon=lon, lat=lat: np.column_stack([lon, lat])))
    if not polys:
        return shapely.Polygon()
    return shapely.union_all(polys).simplify(BAND_TOLERANCE_DEG, preserve_topology=True)
