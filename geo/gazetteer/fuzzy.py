"""Fuzzy name matching (rapidfuzz) restricted to keys of the same first letter and compatible length.

Scanning ~800,000 gazetteer keys per misspelt name costs milliseconds; a ratio of at least
``cutoff`` is impossible between strings whose lengths differ by more than a bound, so only keys
of the same first letter and a compatible length are scored. The price, documented: a typo in
the first letter is not found by fuzzy matching (variant keys still catch systematic spellings).

:class:`SortedKeysFuzzyIndex` gives the same matches over the gazetteer's sorted, memory-mapped keys
and decodes only the (first letter, length) buckets that queries reach, so a process that never
matches fuzzily never turns the ~800,000 keys into Python strings.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable

import numpy as np

from geo.gazetteer.strings import StringColumn

#: Cells of one query-by-pool score matrix (8 bytes each): bounds the memory of a batched pass.
CDIST_CELLS = 4_000_000
#: Batched answers remembered at most (a long-running worker's memory stays bounded).
MEMO_MAX = 200_000


class FuzzyIndex:
    """Keys grouped by (first letter, length) for fast approximate lookups."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.buckets: dict[tuple[str, int], list[str]] = {}
        for key in keys:
            if key:
                self.buckets.setdefault((key[0], len(key)), []).append(key)
        self._pools: dict[tuple[str, int, float], list[str]] = {}
        self._memo: dict[tuple[str, float, int], list[tuple[str, float]]] = {}

    def _bucket(self, first: str, size: int) -> list[str]:
        """Keys of this first letter and length, in index order."""
        return self.buckets.get((first, size), [])

    def _pool(self, first: str, length: int, cutoff: float) -> list[str]:
        """Keys that can reach ``cutoff`` with a query of this first letter and length (cached)."""
        key = (first, length, cutoff)
        if key not in self._pools:
            # fuzz.ratio = 100 * (1 - indel / (la + lb)) and indel >= |la - lb|, so |la - lb| <= (1 - c) (la + lb).
            c = cutoff / 100.0
            slack = math.floor((1 - c) * 2 * length / c) if c > 0 else length
            pool: list[str] = []
            for size in range(max(1, length - slack), length + slack + 1):
                pool += self._bucket(first, size)
            self._pools[key] = pool
        return self._pools[key]

    def extract(self, query: str, cutoff: float, limit: int = 5) -> list[tuple[str, float]]:
        """Up to ``limit`` (key, score 0-100) pairs scoring at least ``cutoff`` with ``fuzz.ratio``, best first (equal
        scores in pool order)."""
        if not query:
            return []
        found = self._memo.get((query, cutoff, limit))
        if found is not None:
            return found
        from rapidfuzz import fuzz, process  # imported on the first fuzzy match: most runs never make one

        pool = self._pool(query[0], len(query), cutoff)
        return [(key, score) for key, score, _ in process.extract(query, pool, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)]

    def prefetch(self, queries: Iterable[str], cutoff: float, limit: int = 5) -> None:
        """Answer :meth:`extract` for many queries at once: one rapidfuzz ``cdist`` per pool on every core instead of
        one scan per query (the same keys, scores and order; a test compares)."""
        from rapidfuzz import fuzz, process

        groups: dict[tuple[str, int], list[str]] = {}
        for query in dict.fromkeys(queries):
            if query and (query, cutoff, limit) not in self._memo:
                groups.setdefault((query[0], len(query)), []).append(query)
        if len(self._memo) + sum(map(len, groups.values())) > MEMO_MAX:
            self._memo.clear()
        for (first, length), group in groups.items():
            pool = self._pool(first, length, cutoff)
            step = max(1, CDIST_CELLS // max(1, len(pool)))
            for start in range(0, len(group), step):
                part = group[start : start + step]
                scores = process.cdist(part, pool, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.float64, workers=-1) if pool else None
                matched = (scores >= cutoff).any(axis=1).tolist() if scores is not None else [False] * len(part)
                for k, query in enumerate(part):
                    if not matched[k]:  # most misspellings match nothing: no per-query array work (a third of the pass)
                        self._memo[(query, cutoff, limit)] = []
                        continue
                    row = scores[k]
                    hits = np.flatnonzero(row >= cutoff)
                    best = hits[np.lexsort((hits, -row[hits]))][:limit]
                    self._memo[(query, cutoff, limit)] = [(pool[j], float(row[j])) for j in best]


class SortedKeysFuzzyIndex(FuzzyIndex):
    """:class:`FuzzyIndex` over sorted ASCII keys (folded names) in a StringColumn, decoding buckets on first use.

    Keys of one first letter are a contiguous run of the sorted column and a key's byte length is its length
    (fold() writes only ASCII), so a bucket is found from the offsets alone; it lists its keys in sorted order,
    as the eager index does, so both give the same matches in the same order."""

    def __init__(self, keys: StringColumn) -> None:
        self.keys = keys
        self.buckets = {}
        self._pools = {}
        self._memo = {}
        self._letters: dict[str, tuple[int, np.ndarray]] = {}

    def _letter(self, first: str) -> tuple[int, np.ndarray]:
        """(first row, byte lengths) of the run of keys starting with ``first`` (cached)."""
        run = self._letters.get(first)
        if run is None:
            lo = bisect_left(self.keys, first)
            hi = bisect_left(self.keys, chr(ord(first) + 1), lo) if ord(first) < 0x10FFFF else len(self.keys)
            run = self._letters[first] = (lo, np.diff(self.keys.offsets[lo : hi + 1]))
        return run

    def _bucket(self, first: str, size: int) -> list[str]:
        bucket = self.buckets.get((first, size))
        if bucket is None:
            lo, lengths = self._letter(first)
            bucket = self.buckets[(first, size)] = self.keys.take(lo + np.flatnonzero(lengths == size))
        return bucket
