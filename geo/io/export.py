"""Write geocoded records as GeoJSON, JSON Lines, CSV, GeoPackage or GeoParquet, to a file (format from its extension,
written atomically) or standard output."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo._errors import InputError
from geo.io.atomic import atomic_path, write_text
from geo.io.csv_safety import neutralise_frame

WRITERS = {".geojson": "geojson", ".json": "geojson", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".gpkg": "gpkg",
           ".parquet": "parquet", ".geoparquet": "parquet"}  # fmt: skip
#: What a NUL character inside text becomes in a GeoPackage (the one format that cannot hold it).
NUL_REPLACEMENT = "\ufffd"
#: ``-`` names standard output.
STDOUT = "-"


def output_kind(path: str | Path) -> str:
    """The writer for an output path, or a one-line error (checked before any work is done)."""
    path = Path(path)
    kind = WRITERS.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"{path}: unknown output format {path.suffix or '(no extension)'!r}; use .geojson, .jsonl, .csv, .gpkg or .parquet")
    return kind


def write_records(frame: gpd.GeoDataFrame, path: str | Path, kind: str | None = None, formula_guard: bool = True) -> Path | None:
    """Write ``frame`` to ``path`` (``-``: standard output) as ``kind`` (default: from the extension), whole or not at
    all; nested values become JSON text where the format has no nesting; CSV cells are formula-safe unless
    ``formula_guard`` is off (:func:`geo.io.csv_safety.neutralise`)."""
    if str(path) == STDOUT:
        _write_stdout(frame, kind or "geojson", formula_guard)
        return None
    path = Path(path)
    kind = kind or output_kind(path)
    if kind in ("gpkg", "parquet"):
        with atomic_path(path) as tmp:
            if kind == "gpkg":
                layer = re.sub(r"\W+", "_", path.stem).strip("_") or "incidents"  # named after the target, not the temporary file
                _without_nul(_flatten(frame)).to_file(tmp, driver="GPKG", engine="pyogrio", geometry_type="Unknown", layer=layer)
            else:
                _flatten(frame).to_parquet(tmp, index=False)
        return path
    text = to_geojson(frame) if kind == "geojson" else to_jsonl(frame) if kind == "jsonl" else to_csv(frame, formula_guard)
    return write_text(path, text)


def _write_stdout(frame: gpd.GeoDataFrame, kind: str, formula_guard: bool = True) -> None:
    """GeoJSON, JSON Lines or CSV text on standard output (GeoPackage and GeoParquet are binary files: they need a name)."""
    if kind in ("gpkg", "parquet"):
        raise InputError(f"a {'GeoPackage' if kind == 'gpkg' else 'GeoParquet file'} cannot be written to standard output; give -o FILE.{kind}")
    sys.stdout.write(to_geojson(frame) + "\n" if kind == "geojson" else to_jsonl(frame) if kind == "jsonl" else to_csv(frame, formula_guard))
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


def to_csv(frame: gpd.GeoDataFrame, formula_guard: bool = True) -> str:
    """CSV text: nested values as JSON, the footprint as WKT in ``geometry_wkt``; text cells a spreadsheet would run
    as a formula are neutralised unless ``formula_guard`` is off."""
    flat = pd.DataFrame(_flatten(frame).drop(columns="geometry"))
    flat["geometry_wkt"] = [g.wkt if g is not None else "" for g in frame.geometry]
    if formula_guard:
        flat = neutralise_frame(flat)
    return flat.to_csv(index=False, lineterminator="\r\n")  # RFC 4180: CRLF rows, so a CR or LF inside a cell is quoted


def _jsonable(value):
    """NaN/NaT to None, numpy scalars to Python."""
    if isinstance(value, (list, dict)):
        return value
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _without_nul(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Text with NUL characters written as U+FFFD: GDAL's strings end at a NUL, so a GeoPackage would cut the text there."""
    out = frame.copy()
    for col in out.columns:
        if col != "geometry" and out[col].dtype == object:
            out[col] = out[col].map(lambda v: v.replace("\x00", NUL_REPLACEMENT) if isinstance(v, str) else v)
    return out


def _flatten(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Nested values (lists, dicts) as JSON text, for CSV and GeoPackage."""
    flat = frame.copy()
    for col in flat.columns:
        if col != "geometry" and flat[col].map(lambda v: isinstance(v, (list, dict))).any():
            flat[col] = flat[col].map(lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
    return flat
