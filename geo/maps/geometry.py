"""Geometry prepared for display only: simplified to about a pixel of the view, coordinates rounded to about a metre.

Footprints and layers themselves are never changed; this is what the HTML carries (full-precision floats and
every vertex of a 1:10m boundary would make pages several times larger and no sharper).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely

from geo._cores import on_cores
from geo.layers.table import DISPLAY_DEG

if TYPE_CHECKING:
    import geopandas as gpd

#: Smallest simplification tolerance (degrees) for outlines: the layers' display geometries are simplified to it.
DISPLAY_TOLERANCE_DEG = DISPLAY_DEG
#: The tolerance is at least the view's width divided by this (about a pixel).
DISPLAY_DETAIL = 4000
#: Decimals kept in displayed coordinates (1e-5 degree is about a metre).
DISPLAY_DECIMALS = 5


def display_tolerance(extent: shapely.Polygon) -> float:
    """Simplification tolerance (degrees) for outlines drawn over ``extent``: about a pixel, coarser for wider views."""
    minx, _, maxx, _ = extent.bounds
    return max(DISPLAY_TOLERANCE_DEG, (maxx - minx) / DISPLAY_DETAIL)


def for_display(geoms, tolerance: float):
    """Geometries (one or an array) simplified to ``tolerance`` and rounded to ``DISPLAY_DECIMALS``."""
    simplified = shapely.simplify(geoms, tolerance, preserve_topology=True)
    return shapely.transform(simplified, lambda xy: np.round(xy, DISPLAY_DECIMALS))


def clipped_for_display(geoms: np.ndarray, extent: shapely.Polygon, tolerance: float) -> np.ndarray:
    """Geometries cut to the rectangle ``extent`` (``clip_by_rect``: no overlay needed for a box) and made
    :func:`for_display`; spread over the cores for many shapes (GEOS releases the GIL)."""
    bounds = extent.bounds
    return on_cores(lambda part: for_display(shapely.clip_by_rect(part, *bounds), tolerance), np.asarray(geoms, dtype=object))


def geojson(frame: gpd.GeoDataFrame) -> dict:
    """The frame as a GeoJSON FeatureCollection dict for folium, without bounding boxes (Leaflet reads none). Folium
    keeps a dict as it is; a frame it copies through a JSON dump and load (0.3 s for the layers of a wide view)."""
    return frame.to_geo_dict(na="null", show_bbox=False, drop_id=False)
