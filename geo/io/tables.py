"""Binary tables of records: GeoPackage (pyogrio) and Parquet or GeoParquet (pyarrow, geopandas), read as features.

Each row becomes (properties, geometry) as a GeoJSON feature would: values as plain Python (missing values None,
timestamps ISO text), geometries in lon/lat (reprojected to WGS84 when the file has another CRS; none assumed WGS84).
A plain Parquet has no geometry: its lat/lon or place columns make the records.
"""

from __future__ import annotations

import io
import warnings
from typing import TYPE_CHECKING

import numpy as np
from shapely.geometry.base import BaseGeometry

from geo._errors import InputError

if TYPE_CHECKING:  # pandas is imported where a table is read: commands that read none don't pay for it
    import pandas as pd

#: Input formats read here, by name.
TABLE_FORMATS = ("gpkg", "parquet")
#: Leading bytes of each format, for input without a file name (standard input).
MAGIC = {b"SQLite format 3\x00": "gpkg", b"PAR1": "parquet"}
#: How a WGS84 CRS is named.
WGS84 = "EPSG:4326"

Feature = tuple[dict, BaseGeometry | None]


def sniff_table(data: bytes) -> str | None:
    """The table format ``data`` starts like ("gpkg", "parquet"), or None for text."""
    return next((fmt for magic, fmt in MAGIC.items() if data.startswith(magic)), None)


def read_table(name: str, data: bytes, fmt: str) -> list[Feature]:
    """The rows of a GeoPackage's first layer or of a (Geo)Parquet file (its bytes) as (properties, geometry); a
    one-line :class:`InputError` naming the file when it cannot be read as ``fmt``."""
    reader = {"gpkg": _read_gpkg, "parquet": _read_parquet}[fmt]
    try:
        frame = reader(io.BytesIO(data))
    except Exception as exc:  # pyogrio, pyarrow and GDAL raise their own kinds for a damaged file  # noqa: BLE001
        what = "a GeoPackage" if fmt == "gpkg" else "Parquet"
        raise InputError(f"{name}: cannot read as {what} ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from None
    return _features(frame)


def _read_gpkg(source: io.BytesIO) -> pd.DataFrame:
    """The first layer of a GeoPackage (a GeoDataFrame, or a DataFrame for an attribute-only table)."""
    import pyogrio

    with warnings.catch_warnings():  # read from memory, GDAL warns that the "file name" lacks .gpkg
        warnings.simplefilter("ignore", RuntimeWarning)
        layers = pyogrio.list_layers(source)
        if not len(layers):
            raise ValueError("no layers")
        source.seek(0)
        return pyogrio.read_dataframe(source, layer=layers[0][0])


def _read_parquet(source: io.BytesIO) -> pd.DataFrame:
    """A GeoParquet file (its ``geo`` metadata names the geometry) as a GeoDataFrame, a plain Parquet as a DataFrame."""
    import geopandas as gpd
    import pandas as pd
    import pyarrow.parquet as pq

    metadata = pq.read_schema(source).metadata or {}
    source.seek(0)
    return gpd.read_parquet(source) if b"geo" in metadata else pd.read_parquet(source)


def _features(frame: pd.DataFrame) -> list[Feature]:
    """(properties, geometry) per row, geometries in lon/lat, values as plain Python."""
    import geopandas as gpd
    import pandas as pd

    geoms: list[BaseGeometry | None] = [None] * len(frame)
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        if frame.crs is not None and not frame.crs.equals(WGS84):
            frame = frame.to_crs(WGS84)
        geoms = list(frame.geometry.values)
        frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return list(zip(_plain(frame).to_dict("records"), geoms))


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with missing values as None, timestamps as ISO text and arrays as lists (as JSON would give them)."""
    import pandas as pd

    out = {}
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            series = series.map(lambda v: None if pd.isna(v) else v.isoformat())
        elif series.dtype == object:
            series = series.map(lambda v: v.tolist() if isinstance(v, np.ndarray) else v.isoformat() if hasattr(v, "isoformat") else v)
        out[str(column)] = series.astype(object).where(series.notna(), None)
    return pd.DataFrame(out, index=frame.index)
