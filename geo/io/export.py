"""Write geocoded records as GeoJSON, JSON Lines, CSV or GeoPackage, to a file (format from its extension) or standard output."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo._errors import InputError

WRITERS = {".geojson": "geojson", ".json": "geojson", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".gpkg": "gpkg"}
#: ``-`` names standard output.
STDOUT = "-"


def output_kind(path: str | Path) -> str:
    """The writer for an output path, or a one-line error (checked before any work is done)."""
    path = Path(path)
    kind = WRITERS.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"{path}: unknown output format {path.suffix or '(no extension)'!r}; use .geojson, .jsonl, .csv or .gpkg")
    return kind


def write_records(frame: gpd.GeoDataFrame, path: str | Path, kind: str | None = None) -> Path | None:
    """Write ``frame`` to ``path`` (``-``: standard output) as ``kind`` (default: from the extension);
    nested values become JSON text where the format has no nesting."""
    if str(path) == STDOUT:
        _write_stdout(frame, kind or "geojson")
        return None
    path = Path(path)
    kind = kind or output_kind(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "geojson":
            path.write_text(to_geojson(frame), encoding="utf-8")
        elif kind == "jsonl":
            path.write_text(to_jsonl(frame), encoding="utf-8")
        elif kind == "csv":
            path.write_text(to_csv(frame), encoding="utf-8", newline="")
        else:
            _flatten(frame).to_file(path, driver="GPKG", engine="pyogrio", geometry_type="Unknown")
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return path


def _write_stdout(frame: gpd.GeoDataFrame, kind: str) -> None:
    """GeoJSON or CSV text on standard output (a GeoPackage is a database file: it needs a file name)."""
    if kind == "gpkg":
        raise InputError("a GeoPackage cannot be written to standard output; give -o FILE.gpkg")
    sys.stdout.write(to_geojson(frame) + "\n" if kind == "geojson" else to_jsonl(frame) if kind == "jsonl" else to_csv(frame))
    sys.stdout.flush()


def to_geojson(frame: gpd.GeoDataFrame) -> str:
    """GeoJSON FeatureCollection text, properties kept nested (``candidates`` stays a list)."""
    features = []
    for props, geom in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry):
        clean = {k: _jsonable(v) for k, v in props.items()}
        features.append({"type": "Feature", "properties": clean, "geometry": shapely.geometry.mapping(geom) if geom is not None else None})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, default=str)


def to_jsonl(frame: gpd.GeoDataFrame) -> str:
    """JSON Lines: one record per line, its footprint as a GeoJSON ``geometry`` member (read back as it is)."""
    lines = []
    for props, geom in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry):
        record = {k: _jsonable(v) for k, v in props.items()}
        record["geometry"] = shapely.geometry.mapping(geom) if geom is not None else None
        lines.append(json.dumps(record, ensure_ascii=False, default=str))
    return "".join(line + "\n" for line in lines)


def to_csv(frame: gpd.GeoDataFrame) -> str:
    """CSV text: nested values as JSON, the footprint as WKT in ``geometry_wkt``."""
    flat = _flatten(frame)
    flat["geometry_wkt"] = [g.wkt if g is not None else "" for g in frame.geometry]
    return flat.drop(columns="geometry").to_csv(index=False)


def _jsonable(value):
    """NaN/NaT to None, numpy scalars to Python."""
    if isinstance(value, (list, dict)):
        return value
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _flatten(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Nested values (lists, dicts) as JSON text, for CSV and GeoPackage."""
    flat = frame.copy()
    for col in flat.columns:
        if col != "geometry" and flat[col].map(lambda v: isinstance(v, (list, dict))).any():
            flat[col] = flat[col].map(lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
    return flat
