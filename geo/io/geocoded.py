"""incmap's own output read back as it was written (GeoJSON, GeoPackage), so nothing is geocoded twice.

A file is incmap output when its records carry the geocoding contract's ``status`` and ``where_prec``;
its footprints (polygons, routes, circles) are kept exactly, not rebuilt from a point.
"""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd

#: Fields that mark a file as geocoded by incmap.
GEOCODED_FIELDS = frozenset({"status", "where_prec"})
#: Extensions of the formats incmap writes that keep footprints.
GEOCODED_SUFFIXES = (".geojson", ".json", ".gpkg")


def read_geocoded(path: str | Path, data: bytes | None = None) -> gpd.GeoDataFrame | None:
    """The geocoded records in ``path`` (or in ``data``, its bytes), or None when it is not incmap output."""
    if data is None and (Path(path).suffix.lower() not in GEOCODED_SUFFIXES or not Path(path).is_file()):
        return None
    try:
        frame = gpd.read_file(io.BytesIO(data) if data is not None else path, engine="pyogrio")
    except Exception:  # not readable as geodata: raw records, read by geo.io.records  # noqa: BLE001
        return None
    if not GEOCODED_FIELDS <= set(frame.columns):
        return None
    return frame.set_crs("EPSG:4326", allow_override=True)
