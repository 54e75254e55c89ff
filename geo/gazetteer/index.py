"""The place gazetteer: parallel columns plus folded-name and variant-key indexes.

Built from place rows (:mod:`geo.gazetteer.sources`) by :func:`build_gazetteer`; stored on disk as flat
arrays by :mod:`geo.gazetteer.store` and memory-mapped back, so every column is a numpy array, a
:class:`~geo.gazetteer.strings.StringColumn` or a :class:`~geo.gazetteer.strings.CategoryColumn` in
either form (see :mod:`geo.gazetteer.cache`).
"""

from __future__ import annotations

import sys
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from geo._errors import RecordError
from geo.gazetteer.fuzzy import FuzzyIndex, SortedKeysFuzzyIndex
from geo.gazetteer.names import fold, variant_key
from geo.gazetteer.sources import PlaceRow
from geo.gazetteer.strings import CategoryColumn, StringColumn

#: Leading bytes of every key kept in one fixed-width array, so that many keys are searched at once (KeyIndex.find_many).
HEAD_BYTES = 16
#: Keys whose positions a KeyIndex remembers (all forgotten past this).
FOUND_MAX = 500_000
#: Keys whose heads are gathered per numpy step (bounds the temporary arrays).
HEAD_CHUNK = 1 << 17
_EMPTY_ROWS = np.empty(0, dtype=np.int32)
_EMPTY_ROWS.setflags(write=False)


class KeyIndex(Mapping[str, np.ndarray]):
    """Sorted keys with CSR row lists: a read-only mapping whose keys are searched without being decoded."""

    __slots__ = ("keys", "offsets", "rows", "_found", "_heads")

    def __init__(self, keys: StringColumn, offsets: np.ndarray, rows: np.ndarray) -> None:
        if len(offsets) != len(keys) + 1 or (len(offsets) and int(offsets[-1]) != len(rows)):
            raise ValueError(f"{len(keys)} keys, {len(offsets)} offsets and {len(rows)} rows do not fit")
        self.keys, self.offsets, self.rows = keys, offsets, rows
        self.rows.setflags(write=False)
        self._found: dict[str, int] = {}  # keys searched for -> their position (-1: absent)
        self._heads: np.ndarray | None = None  # every key's first HEAD_BYTES bytes, made by find_many

    @classmethod
    def from_groups(cls, keys: StringColumn, group: np.ndarray, rows: np.ndarray, rank: np.ndarray) -> KeyIndex:
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
        """Rows filed under key (a read-only view), empty if none. A key not searched for before is bisected among the
        memory-mapped keys (decoding ~20 of them); its position is remembered."""
        i = self._found.get(key)
        if i is None:
            i = self.position(key)
        return _EMPTY_ROWS if i < 0 else self.rows[self.offsets[i] : self.offsets[i + 1]]

    def position(self, key: str) -> int:
        """Where ``key`` is among the keys (-1: absent), as :meth:`get_rows` finds it."""
        i = self._found.get(key)
        if i is None:
            i = self._bisect(key, 0, len(self.keys))
            self._remember([key], [i])
        return i

    def find_many(self, keys: Iterable[str]) -> None:
        """Search many keys at once and remember their positions for :meth:`get_rows`: one vectorised search of every
        key's first HEAD_BYTES bytes (~1 us a key; bulk geocoding looks up hundreds of thousands, which bisecting one by
        one took 4 us each and a dict of every key decoded 0.4 s to build)."""
        found = self._found
        todo = [k for k in dict.fromkeys(keys) if k not in found]
        if not todo:
            return
        heads, offs = self.heads(), np.asarray(self.keys.offsets)
        if not len(heads):
            return self._remember(todo, [-1] * len(todo))
        encoded = [k.encode("utf-8") for k in todo]
        query = np.array(encoded, dtype=heads.dtype)  # cut to HEAD_BYTES
        at = heads.searchsorted(query)
        inside = np.minimum(at, len(heads) - 1)
        same = (at < len(heads)) & (heads[inside] == query)
        length = offs[inside + 1] - offs[inside]  # bytes of the key there
        long = np.flatnonzero(same & (np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)) > HEAD_BYTES))
        ends = dict(zip(long.tolist(), heads.searchsorted(query[long], "right").tolist()))  # past the keys sharing its head
        positions = []
        for k, (key, data, i, hit, size) in enumerate(zip(todo, encoded, at.tolist(), same.tolist(), length.tolist())):
            if not hit:
                positions.append(-1)
            elif k in ends:  # the head says too little: bisect among the keys that share it
                positions.append(self._bisect(key, i, ends[k]))
            else:  # the whole key is in its head
                positions.append(i if size == len(data) else -1)
        self._remember(todo, positions)

    def heads(self) -> np.ndarray:
        """Every key's first HEAD_BYTES bytes (zero-padded), in key order: sorted as the keys are (UTF-8 bytes sort as
        code points). Made once (0.05-0.07 s per 10^6 keys), before worker processes fork."""
        if self._heads is None:
            data, offs = np.asarray(self.keys.data), np.asarray(self.keys.offsets)
            n, width = len(offs) - 1, np.arange(HEAD_BYTES)
            out = np.zeros((n, HEAD_BYTES), dtype=np.uint8)
            for start in range(0, n, HEAD_CHUNK):
                stop = min(n, start + HEAD_CHUNK)
                first = offs[start:stop, None]
                there = width < offs[start + 1 : stop + 1, None] - first
                out[start:stop][there] = data[(first + width)[there]]
            self._heads = out.view(f"S{HEAD_BYTES}").ravel()
        return self._heads

    def _bisect(self, key: str, lo: int, hi: int) -> int:
        """Position of ``key`` among keys[lo:hi] (-1: absent), bisecting the mapped keys."""
        keys = self.keys
        i = bisect_left(keys, key, lo, hi)
        return i if i < hi and keys[i] == key else -1

    def _remember(self, keys: list[str], positions: list[int]) -> None:
        """Keep these keys' positions for get_rows (forgetting all past FOUND_MAX)."""
        if len(self._found) + len(keys) > FOUND_MAX:
            self._found.clear()
        self._found.update(zip(keys, positions))

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
    """Places as parallel columns plus name indexes; row i of every column is one place."""

    ids: StringColumn  # "geonames:<id>" or "user:<stem>:<line>"
    names: StringColumn  # primary name as written
    lat: np.ndarray  # float64
    lon: np.ndarray  # float64
    country: CategoryColumn  # ISO-2, "" unknown
    admin1: CategoryColumn  # "KZ.07" style admin1 key, "" unknown
    fclass: CategoryColumn  # GeoNames feature class, "" unknown
    fcode: CategoryColumn  # GeoNames feature code (user rows: their kind)
    population: np.ndarray  # int64
    names_index: KeyIndex  # fold(name or alt name) -> rows, most populous first
    variants_index: KeyIndex  # variant_key(fold(...)) -> rows, most populous first
    name_keys: np.ndarray  # int32: position in names_index of each row's folded primary name (-1: it folds to nothing)
    problems: list[RecordError] = field(default_factory=list)
    from_cache: bool = False
    store: Path | None = field(default=None, repr=False, compare=False)  # the cache folder it is mapped from, if any
    _fuzzy: FuzzyIndex | None = field(default=None, repr=False, compare=False)
    derived: dict[str, object] = field(default_factory=dict, repr=False, compare=False)  # statistics computed once per gazetteer

    def __len__(self) -> int:
        return len(self.ids)

    def lookup(self, folded: str) -> np.ndarray:
        """Rows whose name or alternate name folds to exactly `folded` (pass fold(text)), most populous first."""
        return self.names_index.get_rows(folded)

    def lookup_variant(self, key: str) -> np.ndarray:
        """Rows whose folded name has this variant_key, most populous first."""
        return self.variants_index.get_rows(key)

    def all_keys(self) -> StringColumn:
        """Every folded name, sorted; a lazy read-only sequence (strings are decoded as they are read)."""
        return self.names_index.keys

    def all_variant_keys(self) -> StringColumn:
        """Every variant key, sorted; a lazy read-only sequence."""
        return self.variants_index.keys

    def fuzzy_index(self) -> FuzzyIndex:
        """The fuzzy index over every folded name, made on first use (it decodes keys only as queries reach them)."""
        if self._fuzzy is None:
            self._fuzzy = SortedKeysFuzzyIndex(self.all_keys())
        return self._fuzzy

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


def build_gazetteer(sources: Iterable[tuple[str, Iterable[PlaceRow]]], progress: bool = True) -> Gazetteer:
    """Build a Gazetteer from (label, rows) sources, folding every name once (progress bar on stderr)."""
    cols: dict[str, list] = {k: [] for k in PlaceRow._fields if k != "alt_names"}
    pair_keys: list[str] = []
    pair_rows: list[int] = []
    folded_cache: dict[str, str] = {}
    primary: list[str] = []  # each row's folded primary name
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
            primary.append(folded_cache[place.name])
            row += 1
    del folded_cache

    population = np.asarray(cols["population"], dtype=np.int64)
    rank = -population  # most populous first within a key
    rows_arr = np.asarray(pair_rows, dtype=np.int64)

    keys = sorted(set(pair_keys))
    position = {k: i for i, k in enumerate(keys)}
    group = np.fromiter((position[k] for k in pair_keys), dtype=np.int64, count=len(pair_keys))
    name_keys = np.fromiter((position.get(k, -1) for k in primary), dtype=np.int32, count=len(primary))
    del pair_keys, pair_rows, position, primary
    names_index = KeyIndex.from_groups(StringColumn.from_strings(keys), group, rows_arr, rank)

    # Variant index: map each folded key to its variant, then regroup the deduplicated pairs.
    variant_of = [variant_key(k) for k in tqdm(keys, desc="gazetteer: variant keys", unit=" keys",
                                                file=sys.stderr, disable=not progress)]  # fmt: skip
    vkeys = sorted(set(variant_of))
    vposition = {k: i for i, k in enumerate(vkeys)}
    vgroup_of_key = np.fromiter((vposition[v] for v in variant_of), dtype=np.int64, count=len(variant_of))
    key_group = np.repeat(np.arange(len(keys)), np.diff(names_index.offsets))
    variants_index = KeyIndex.from_groups(
        StringColumn.from_strings(vkeys), vgroup_of_key[key_group], names_index.rows.astype(np.int64), rank
    )

    return Gazetteer(
        ids=StringColumn.from_strings(cols["id"]),
        names=StringColumn.from_strings(cols["name"]),
        lat=np.asarray(cols["lat"], dtype=np.float64),
        lon=np.asarray(cols["lon"], dtype=np.float64),
        country=CategoryColumn.from_strings(cols["country"]),
        admin1=CategoryColumn.from_strings(cols["admin1"]),
        fclass=CategoryColumn.from_strings(cols["fclass"]),
        fcode=CategoryColumn.from_strings(cols["fcode"]),
        population=population,
        names_index=names_index,
        variants_index=variants_index,
        name_keys=name_keys,
    )
