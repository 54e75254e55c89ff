"""Fuzzy name matching (rapidfuzz) restricted to keys of the same first letter and similar length.

Scanning ~800,000 gazetteer keys per misspelt name costs milliseconds; bucketing by first
letter and length cuts it a hundredfold. The price, documented: a typo in the first letter
is not found by fuzzy matching (variant keys still catch systematic spelling differences).
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

#: Keys are bucketed by length // LENGTH_STEP; a query looks in its bucket and both neighbours.
LENGTH_STEP = 3


class FuzzyIndex:
    """Keys grouped by (first letter, length band) for fast approximate lookups."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.buckets: dict[tuple[str, int], list[str]] = {}
        for key in keys:
            if key:
                self.buckets.setdefault((key[0], len(key) // LENGTH_STEP), []).append(key)

    def extract(self, query: str, cutoff: float, limit: int = 5) -> list[tuple[str, float]]:
        """Up to ``limit`` (key, score 0-100) pairs scoring at least ``cutoff`` with ``fuzz.ratio``."""
        if not query:
            return []
        band = len(query) // LENGTH_STEP
        pool: list[str] = []
        for size in (band - 1, band, band + 1):
            pool += self.buckets.get((query[0], size), [])
        return [(key, score) for key, score, _ in process.extract(query, pool, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)]
