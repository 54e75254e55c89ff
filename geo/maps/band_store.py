"""Each border's distance bands, stored: a map's band is the union of its highlighted borders' bands.

Buffering the borders near 10^5 incidents (21 of them, three widths) takes about 0.6 s of CPU a map, the slowest
part of a page; the union of bands already made takes 3-7 ms a width. A border's band depends only on its line and
the width, so it is stored under a digest of the line's WKB (:func:`line_key`): a rebuilt layer whose line moved gets
a new band, one whose line did not keeps its own. Bands come from, in turn:

- the user cache: one file per width holding the bands made or read so far, written atomically (a missing, torn or
  unwritable file only means the bands are found again);
- the layers (``bands.parquet``, :func:`band_layer`): every land border at the default widths, made by
  ``scripts/build_layers.py`` with the borders, so that a machine's first map buffers nothing;
- :func:`geo.maps.bands.geodesic_buffer`, for any other line or width.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo._errors import InputError
from geo.io.atomic import atomic_path
from geo.layers.files import BANDS_FILE
from geo.maps.bands import BAND_TOLERANCE_DEG, PIECE_KM, geodesic_buffer

#: Bump when how a band is made changes (the identity also covers the buffering's parameters).
FORMAT = 1
PREFIX = "bands-"

_LOCK = threading.Lock()  # one writer per process at a time (each width is its own file, its own thread)


def banded(lines: np.ndarray, km: float) -> BaseGeometry:
    """The area within ``km`` of any of ``lines`` (one per border, lon/lat): the union of their stored bands, those
    not stored yet read from the layers or made (:func:`geo.maps.bands.geodesic_buffer`), and stored."""
    path = store_path(km)
    stored = _load(path)
    keys = [line_key(line) for line in lines]
    missing = {key: line for key, line in zip(keys, lines) if key not in stored}
    if missing:
        stored.update(shipped_bands(km, missing))
        for key, line in missing.items():
            if key not in stored:
                stored[key] = shapely.to_wkb(geodesic_buffer(line, km))
        _save(path, stored)
    return shapely.union_all(shapely.from_wkb([stored[key] for key in keys])) if keys else shapely.Polygon()


def line_key(line: BaseGeometry) -> str:
    """The digest a border line's bands are stored under (its WKB's SHA-256)."""
    return hashlib.sha256(shapely.to_wkb(line)).hexdigest()


def band_identity(km: float) -> str:
    """What a band of width ``km`` depends on besides its line: bands of another identity are not used."""
    return f"{FORMAT}|{km!r}|{PIECE_KM!r}|{BAND_TOLERANCE_DEG!r}"


def store_path(km: float) -> Path:
    """The user-cache file holding the bands of width ``km`` (made with this GEOS)."""
    identity = f"{band_identity(km)}|{shapely.geos_version_string}"
    return Path(settings.CACHE_DIR) / f"{PREFIX}{km:g}km-{hashlib.sha256(identity.encode()).hexdigest()[:16]}.pkl"


def band_layer(borders: gpd.GeoDataFrame, widths: Iterable[float]) -> gpd.GeoDataFrame:
    """Every border's band at each of ``widths`` (the layers' ``bands.parquet``): one row per border and width, with
    the digest of its line and the band's identity, so that a map uses a row only for the same line and parameters."""
    lines, kms = list(borders.geometry.values), [float(km) for km in widths]
    keys = [line_key(line) for line in lines]
    with ThreadPoolExecutor() as pool:  # GEOS releases the GIL while it buffers
        bands = list(pool.map(geodesic_buffer, lines * len(kms), [km for km in kms for _ in lines]))
    return gpd.GeoDataFrame({"pair": list(borders["pair"]) * len(kms), "km": [km for km in kms for _ in lines],
                             "identity": [band_identity(km) for km in kms for _ in lines], "line_key": keys * len(kms)},
                            geometry=bands, crs=borders.crs)  # fmt: skip


def shipped_bands(km: float, keys: Iterable[str], directory: Path | None = None) -> dict[str, bytes]:
    """The bands of width ``km`` the layers carry for the lines ``keys`` (digest -> band WKB); none when the layers
    have no band file, it cannot be read, or its bands were made another way."""
    path = Path(directory or settings.LAYERS_DIR) / BANDS_FILE
    try:
        stat = path.stat()
    except OSError:
        return {}
    with _READ_LOCK:  # a map's widths ask at once, each on its thread: the file is read once (a read holds 26 MB)
        bands = _layer_bands(path, stat.st_size, stat.st_mtime_ns).get(band_identity(km), {})
    return {key: bands[key] for key in keys if key in bands}


_READ_LOCK = threading.Lock()


@lru_cache(maxsize=2)
def _layer_bands(path: Path, size: int, mtime_ns: int) -> dict[str, dict[str, bytes]]:
    """The band file's bands by identity, then line digest (``size`` and ``mtime_ns`` tell a rewritten file)."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path, columns=["identity", "line_key", "geometry"]).to_pydict()
    except Exception:  # torn or of an older layout: the bands are made  # noqa: BLE001
        return {}
    out: dict[str, dict[str, bytes]] = {}
    for identity, key, band in zip(table["identity"], table["line_key"], table["geometry"]):
        out.setdefault(identity, {})[key] = band
    return out


def _load(path: Path) -> dict[str, bytes]:
    """The bands stored in ``path`` (line digest -> band WKB); none when it is missing or unreadable."""
    try:
        with open(path, "rb") as handle:
            stored = pickle.load(handle)
        return stored if isinstance(stored, dict) else {}
    except Exception:  # missing, torn or foreign: the bands are made again  # noqa: BLE001
        return {}


def _save(path: Path, stored: dict[str, bytes]) -> None:
    """Write the bands to ``path`` whole (another process's bands written meanwhile are kept too)."""
    with _LOCK:
        merged = {**_load(path), **stored}
        try:
            with atomic_path(path) as tmp:
                tmp.write_bytes(pickle.dumps(merged, protocol=pickle.HIGHEST_PROTOCOL))
        except (InputError, OSError):  # a read-only cache: the bands were made all the same
            pass
