"""A gazetteer as a folder of flat ``.npy`` arrays, memory-mapped back so a load reads only the pages it touches.

Layout: one ``.npy`` file per array (numbers as they are; string columns as ``<col>.data.npy`` UTF-8 bytes
plus ``<col>.offsets.npy``; category columns as ``<col>.codes.npy``), ``meta.json`` (format, row count,
categories, every array file's size) and ``problems.json``. :func:`read_store` checks what it maps against
``meta.json`` and returns None for a folder that is missing, torn or of another format.
"""

from __future__ import annotations

import json
import mmap
from pathlib import Path
from typing import Any

import numpy as np

from geo._errors import RecordError
from geo.gazetteer.index import Gazetteer, KeyIndex
from geo.gazetteer.strings import CategoryColumn, StringColumn

META, PROBLEMS = "meta.json", "problems.json"
NUMBER_COLUMNS = ("lat", "lon", "population", "name_keys")
STRING_COLUMNS = ("ids", "names")
CATEGORY_COLUMNS = ("country", "admin1", "fclass", "fcode")
INDEXES = ("names_index", "variants_index")


def _arrays(gaz: Gazetteer) -> dict[str, np.ndarray]:
    """Every array of the gazetteer by its file stem."""
    out: dict[str, np.ndarray] = {c: getattr(gaz, c) for c in NUMBER_COLUMNS}
    for c in STRING_COLUMNS:
        col: StringColumn = getattr(gaz, c)
        out[f"{c}.data"], out[f"{c}.offsets"] = col.data, col.offsets
    for c in CATEGORY_COLUMNS:
        out[f"{c}.codes"] = getattr(gaz, c).codes
    for name in INDEXES:
        index: KeyIndex = getattr(gaz, name)
        out[f"{name}.keys.data"], out[f"{name}.keys.offsets"] = index.keys.data, index.keys.offsets
        out[f"{name}.offsets"], out[f"{name}.rows"] = index.offsets, index.rows
    return out


def write_store(gaz: Gazetteer, folder: Path, format_version: int) -> None:
    """Write the gazetteer's arrays into an existing empty folder (meta.json last: the folder's table of contents)."""
    sizes = {}
    for stem, arr in _arrays(gaz).items():
        path = folder / f"{stem}.npy"
        np.save(path, np.ascontiguousarray(arr), allow_pickle=False)
        sizes[path.name] = path.stat().st_size
    problems = [[p.path, p.line, p.field, p.problem] for p in gaz.problems]
    (folder / PROBLEMS).write_text(json.dumps(problems), encoding="utf-8")
    meta = {"format": format_version, "rows": len(gaz), "files": sizes,
            "categories": {c: list(getattr(gaz, c).categories) for c in CATEGORY_COLUMNS}}  # fmt: skip
    (folder / META).write_text(json.dumps(meta), encoding="utf-8")


def _mapped(folder: Path, stem: str, sizes: dict[str, int]) -> np.ndarray:
    """One array file, memory-mapped read-only, after checking its size against meta.json."""
    path = folder / f"{stem}.npy"
    if path.stat().st_size != sizes[path.name]:
        raise ValueError(f"{path}: {path.stat().st_size} bytes, meta.json says {sizes[path.name]}")
    return np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)


def read_store(folder: Path, format_version: int) -> Gazetteer | None:
    """The gazetteer in ``folder`` with memory-mapped columns, or None if it is missing, torn or of another format."""
    try:
        meta: dict[str, Any] = json.loads((folder / META).read_text(encoding="utf-8"))
        if meta.get("format") != format_version:
            return None
        sizes, categories = meta["files"], meta["categories"]

        def arr(stem: str) -> np.ndarray:
            return _mapped(folder, stem, sizes)

        def strings(stem: str) -> StringColumn:
            return StringColumn(arr(f"{stem}.data"), arr(f"{stem}.offsets"))

        def index(name: str) -> KeyIndex:
            return KeyIndex(strings(f"{name}.keys"), arr(f"{name}.offsets"), arr(f"{name}.rows"))

        columns: dict[str, Any] = {c: arr(c) for c in NUMBER_COLUMNS}
        columns |= {c: strings(c) for c in STRING_COLUMNS}
        columns |= {c: CategoryColumn(arr(f"{c}.codes"), categories[c]) for c in CATEGORY_COLUMNS}
        if any(len(col) != meta["rows"] for col in columns.values()):
            return None
        problems = [RecordError(*p) for p in json.loads((folder / PROBLEMS).read_text(encoding="utf-8"))]
        return Gazetteer(**columns, names_index=index("names_index"), variants_index=index("variants_index"),
                         problems=problems, from_cache=True, store=folder)  # fmt: skip
    except FileNotFoundError:
        return None
    except Exception:  # a torn or foreign folder (truncated array, bad JSON, wrong dtype): rebuild rather than fail
        return None


def is_memory_mapped(arr: np.ndarray) -> bool:
    """True when the array's memory is a mapped file (some base in its chain of views is an ``mmap``)."""
    base: Any = arr
    while base is not None:
        if isinstance(base, mmap.mmap):
            return True
        base = getattr(base, "base", None)
    return False
