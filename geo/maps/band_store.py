"""Each border's distance bands, kept in the user cache: a map's band is the union of its highlighted borders' bands.

Buffering the borders near 10^5 incidents (21 of them, three widths) takes about 0.6 s of CPU a map, the slowest
part of a page; the union of bands already made takes 3-7 ms a width. A border's band depends only on its line and
the width, so it is stored under a digest of the line's WKB: a rebuilt layer whose line moved gets a new band, one
whose line did not keeps its own. One file per width holds the bands made so far; it is written atomically, and a
missing, torn or unwritable file only means the bands are made again.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo._errors import InputError
from geo.io.atomic import atomic_path
from geo.maps.bands import BAND_TOLERANCE_DEG, PIECE_KM, geodesic_buffer

#: Bump when how a band is made changes (the digest also covers the buffering's parameters and the GEOS version).
FORMAT = 1
PREFIX = "bands-"

_LOCK = threading.Lock()  # one writer per process at a time (each width is its own file, its own thread)


def banded(lines: np.ndarray, km: float) -> BaseGeometry:
    """The area within ``km`` of any of ``lines`` (one per border, lon/lat): the union of their stored bands, those
    not stored yet made (:func:`geo.maps.bands.geodesic_buffer`) and stored."""
    path = store_path(km)
    stored = _load(path)
    keys = [hashlib.sha256(shapely.to_wkb(line)).hexdigest() for line in lines]
    missing = {key: line for key, line in zip(keys, lines) if key not in stored}
    for key, line in missing.items():
        stored[key] = shapely.to_wkb(geodesic_buffer(line, km))
    if missing:
        _save(path, stored)
    return shapely.union_all(shapely.from_wkb([stored[key] for key in keys])) if keys else shapely.Polygon()


def store_path(km: float) -> Path:
    """The file holding the bands of width ``km``."""
    identity = f"{FORMAT}|{km!r}|{PIECE_KM!r}|{BAND_TOLERANCE_DEG!r}|{shapely.geos_version_string}"
    return Path(settings.CACHE_DIR) / f"{PREFIX}{km:g}km-{hashlib.sha256(identity.encode()).hexdigest()[:16]}.pkl"


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
