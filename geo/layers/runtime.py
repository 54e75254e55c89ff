"""A runtime copy of each committed layer in the user cache: its columns, attribute frame and geometries' WKB, pickled.

Reading the GeoParquet layers through pyarrow leaves its decoding buffers with the allocator: the three layers (24 MB
of files) cost about 200 MB of resident memory and 0.2-0.9 s per process, though their geometries take 36 MB. The
copy loads in about 0.07 s and 66 MB, as a :class:`~geo.layers.table.LayerTable` that needs no pandas. It is keyed by the layer file's path, size and modification time and by the
library versions, written atomically, and rebuilt from the layer whenever it is missing, stale or unreadable.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from geo import settings
from geo.io.atomic import atomic_path
from geo.layers.table import LayerTable

if TYPE_CHECKING:
    import geopandas as gpd

#: Bump when the copy's layout changes.
FORMAT = 4
PREFIX = "layer-"


def copy_path(layer: Path) -> Path:
    """Where the runtime copy of ``layer`` lives: named by the layer, its path (so two installs sharing a cache keep
    their own copies) and a hash of everything the copy depends on."""
    st = layer.stat()
    identity = [FORMAT, st.st_size, st.st_mtime_ns, *(metadata.version(p) for p in ("pandas", "geopandas", "shapely", "pyarrow"))]
    digest = hashlib.sha256(json.dumps(identity).encode()).hexdigest()[:16]
    return Path(settings.CACHE_DIR) / f"{_stem(layer)}-{digest}.pkl"


def _stem(layer: Path) -> str:
    """The part of a copy's name that says which layer file it copies: older copies with it are stale."""
    return f"{PREFIX}{layer.stem}-{hashlib.sha256(str(layer.resolve()).encode()).hexdigest()[:8]}"


def cached_layer(layer: Path, read: Callable[[Path], gpd.GeoDataFrame]) -> LayerTable:
    """``read(layer)`` through the runtime copy, as a table: from the copy when it is there and sound, else read
    and copied."""
    path = copy_path(layer)
    table = _load(path)
    if table is None:
        table = LayerTable.from_frame(read(layer))
        try:
            _save(table, path)
            for old in path.parent.glob(f"{_stem(layer)}-*.pkl"):
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError:  # a read-only cache: the layer itself still serves
            pass
    return table


def _save(table: LayerTable, path: Path) -> None:
    payload = {"format": FORMAT, "columns": table.columns, "geometry": table.geometry_name, "position": table.position,
               "crs": table.crs, "attrs": table.frame_attrs, "wkb": table.wkb.tolist(), "display": table.display_wkb.tolist(),
               "display_boxes": table.display_boxes}  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_bytes(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))


def _load(path: Path) -> LayerTable | None:
    try:
        with open(path, "rb") as handle:
            payload = pickle.load(handle)
        if payload.get("format") != FORMAT:
            return None
        wkb, display = (_objects(payload[key]) for key in ("wkb", "display"))
        return LayerTable(payload["columns"], wkb, payload["geometry"], payload["position"],
                          payload["crs"], payload["attrs"], display, payload["display_boxes"])  # fmt: skip
    except Exception:  # missing, torn or foreign: read the layer again  # noqa: BLE001
        return None


def _objects(values: list) -> np.ndarray:
    """A list as a numpy object array (of WKB bytes), element for element."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
