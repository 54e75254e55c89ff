"""incmap's own output read back as it was written (GeoJSON, GeoPackage, GeoParquet, JSON Lines, CSV), so nothing is
geocoded twice.

A file is incmap output when its records carry the geocoding contract's ``status`` and ``where_prec``;
its footprints (polygons, routes, circles) are kept exactly, not rebuilt from a point. JSON Lines
records (``incmap extract``) carry their footprint as a GeoJSON ``geometry`` member, CSV rows as WKT in ``geometry_wkt``
(and the quote that made a formula-like cell safe is taken off again: :mod:`geo.io.csv_safety`).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo.io.csv_safety import restore

#: Fields that mark a file as geocoded by incmap.
GEOCODED_FIELDS = frozenset({"status", "where_prec"})
#: Extensions of the formats incmap writes that keep footprints.
GEOCODED_SUFFIXES = (".geojson", ".json", ".gpkg", ".jsonl", ".ndjson", ".parquet", ".geoparquet", ".csv")
#: Contract fields that are numbers (CSV holds text).
NUMERIC_FIELDS = frozenset({"lat", "lon", "where_prec", "acled_geo_precision", "uncertainty_km", "confidence", "input_line",
                            "border_km", "border_km_max", "border_lat", "border_lon"})  # fmt: skip
#: The CSV column holding the footprint.
WKT_COLUMN = "geometry_wkt"


def read_geocoded(path: str | Path, data: bytes | None = None) -> gpd.GeoDataFrame | None:
    """The geocoded records in ``path`` (or in ``data``, its bytes), or None when it is not incmap output."""
    suffix = Path(path).suffix.lower() if str(path) != "-" else ""
    if data is None and (suffix not in GEOCODED_SUFFIXES or not Path(path).is_file()):
        return None
    if suffix in (".jsonl", ".ndjson") or (data is not None and _looks_like_jsonl(data)):
        return _read_jsonl(data if data is not None else Path(path).read_bytes())
    if suffix == ".csv":
        return _read_csv(data if data is not None else Path(path).read_bytes())
    if suffix in (".geojson", ".json") or (data is not None and data.lstrip()[:1] == b"{"):
        return _read_feature_collection(data if data is not None else Path(path).read_bytes())
    try:
        if suffix in (".parquet", ".geoparquet"):
            frame = gpd.read_parquet(io.BytesIO(data) if data is not None else path)
        else:
            frame = gpd.read_file(io.BytesIO(data) if data is not None else path, engine="pyogrio")
    except Exception:  # not readable as geodata: raw records, read by geo.io.records  # noqa: BLE001
        return None
    if not GEOCODED_FIELDS <= set(frame.columns):
        return None
    return frame.set_crs("EPSG:4326", allow_override=True)


def _looks_like_jsonl(data: bytes) -> bool:
    first = data.lstrip()[:4096].split(b"\n", 1)[0].strip()
    return first.startswith(b"{") and first.endswith(b"}") and b"FeatureCollection" not in first


def _read_jsonl(data: bytes) -> gpd.GeoDataFrame | None:
    """JSON Lines with a ``geometry`` member per record, when every record is incmap output; else None."""
    try:
        lines = [line for line in data.decode("utf-8-sig").split("\n") if line.strip()]  # "\n" only: JSON strings may hold U+2028
        records = [json.loads(line) for line in lines]
    except (ValueError, UnicodeDecodeError):
        return None
    if not all(isinstance(r, dict) and "geometry" in r for r in records):
        return None
    return _frame([{k: v for k, v in r.items() if k != "geometry"} for r in records], [r["geometry"] for r in records])


def _read_feature_collection(data: bytes) -> gpd.GeoDataFrame | None:
    """incmap's GeoJSON read with the json module, not GDAL: every property exactly as written (GDAL's strings end
    at a NUL character); None when it is not a FeatureCollection of incmap output."""
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return None
    features = collection.get("features") if isinstance(collection, dict) and collection.get("type") == "FeatureCollection" else None
    if not isinstance(features, list) or not all(isinstance(f, dict) and isinstance(f.get("properties"), dict) for f in features):
        return None
    return _frame([f["properties"] for f in features], [f.get("geometry") for f in features])


def _frame(rows: list[dict], geometries: list[object]) -> gpd.GeoDataFrame | None:
    """A GeoDataFrame of incmap output rows and their GeoJSON footprints; None unless every row is incmap output."""
    if not rows or not all(GEOCODED_FIELDS <= row.keys() for row in rows):
        return None
    try:
        geoms = [shapely.geometry.shape(g) if g else None for g in geometries]
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, shapely.errors.ShapelyError):
        return None
    columns = list(dict.fromkeys(k for row in rows for k in row))
    frame = gpd.GeoDataFrame(rows, columns=columns, geometry=geoms, crs="EPSG:4326")
    for col in ("where_prec", "acled_geo_precision"):
        if col in frame:
            frame[col] = frame[col].astype("Int64")
    return frame


def _read_csv(data: bytes) -> gpd.GeoDataFrame | None:
    """incmap's CSV output (contract fields and ``geometry_wkt``), footprints from their WKT; else None."""
    head = data[:65536].split(b"\n", 1)[0]
    if WKT_COLUMN.encode() not in head or b"status" not in head or b"where_prec" not in head:
        return None
    try:
        table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=object, keep_default_na=False)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
        return None
    if not GEOCODED_FIELDS <= set(table.columns) or WKT_COLUMN not in table:
        return None
    try:
        geoms = [shapely.from_wkt(w) if w else None for w in table.pop(WKT_COLUMN)]
    except shapely.errors.GEOSException:
        return None
    table = table.map(restore).replace({"": None})
    table.columns = [restore(c) for c in table.columns]
    for col in table.columns:
        if col in NUMERIC_FIELDS:
            table[col] = pd.to_numeric(table[col], errors="coerce")
    for col in ("where_prec", "acled_geo_precision"):
        if col in table:
            table[col] = table[col].astype("Int64")
    return gpd.GeoDataFrame(table, geometry=geoms, crs="EPSG:4326")
