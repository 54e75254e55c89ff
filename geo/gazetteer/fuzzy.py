"""Fuzzy name matching (rapidfuzz) restricted to keys of the same first letter and compatible length.

Scanning ~800,000 gazetteer keys per misspelt name costs milliseconds; a ratio of at least
``cutoff`` is impossible between strings whose lengths differ by more than a bound, so only keys
of the same first letter and a compatible length are scored. The price, documented: a typo in
the first letter is not found by fuzzy matching (variant keys still catch systematic spellings).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from rapidfuzz import fuzz, process


class FuzzyIndex:
    """Keys grouped by (first letter, length) for fast approximate lookups."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.buckets: dict[tuple[str, int], list[str]] = {}
        for key in keys:
            if key:
                self.buckets.setdefault((key[0], len(key)), []).append(key)
        self._pools: dict[tuple[str, int, float], list[str]] = {}

    def _pool(self, first: str, length: int, cutoff: float) -> list[str]:
        """Keys that can reach ``cutoff`` with a query of this first letter and length (cached)."""
        key = (first, length, cutoff)
        if key not in self._pools:
            # fuzz.ratio = 100 * (1 - indel / (la + lb)) and indel >= |la - lb|, so |la - lb| <= (1 - c) (la + lb).
            c = cutoff / 100.0
            slack = math.floor((1 - c) * 2 * length / c) if c > 0 else length
            pool: list[str] = []
            for size in range(max(1, length - slack), length + slack + 1):
                pool += self.buckets.get((first, size), [])
            self._pools[key] = pool
        return self._pools[key]

    def extract(self, query: str, cutoff: float, limit: int = 5) -> list[tuple[str, float]]:
        """Up to ``limit`` (key, score 0-100) pairs scoring at least ``cutoff`` with ``fuzz.ratio``."""
        if not query:
            return []
        pool = self._pool(query[0], len(query), cutoff)
        return [(key, score) for key, score, _ in process.extract(query, pool, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)]
