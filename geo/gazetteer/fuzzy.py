"""Fuzzy name matching (rapidfuzz ``fuzz.ratio``) restricted to keys of the same first letter and compatible length.

Scanning ~800,000 gazetteer keys per misspelt name costs milliseconds; a ratio of at least
``cutoff`` is impossible between strings whose lengths differ by more than a bound, so only keys
of the same first letter and a compatible length are scored. The price, documented: a typo in
the first letter is not found by fuzzy matching (variant keys still catch systematic spellings).

Within that pool two exact bounds rule out most keys before any is scored (:func:`signatures`): a
ratio of at least ``cutoff`` allows at most ``(1 - cutoff/100) * (len(a) + len(b))`` insertions and
deletions, and each of them changes the set of characters by at most one and the set of adjacent
pairs by at most three. Both sets are kept as 64-bit masks, so the bounds cost a few nanoseconds a
key where scoring cost ten to twenty-five; the matches are the same (a test compares with a full scan).

:class:`SortedKeysFuzzyIndex` gives the same matches over the gazetteer's sorted, memory-mapped keys
and decodes only the keys that pass the bounds, so a process that never matches fuzzily never turns
the ~800,000 keys into Python strings.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from geo.gazetteer.strings import StringColumn

#: Cells of one query-by-pool bounds matrix (its 8-byte intermediate stays within a core's cache: 4M cells ran at half
#: the speed).
BOUND_CELLS = 131_072
#: Batched answers remembered at most (a long-running worker's memory stays bounded).
MEMO_MAX = 200_000
#: Slack on the bound (indels allowed) so that float rounding never rules out a pair rapidfuzz would accept.
_EPS = 1e-6

#: The mask bit of each byte: a-z their own bit, every other byte one of the 38 bits left (a shared bit can only
#: hide a difference, never invent one, so the bounds stay exact).
_CHAR_BIT = np.array([1 << (b - 97) if 97 <= b <= 122 else 1 << (26 + b % 38) for b in range(256)], dtype=np.uint64)


def signatures(data: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(character-set mask, adjacent-pair-set mask, non-ASCII flag) of each string in a UTF-8 blob with ``offsets``
    (no empty string), computed as arrays. A non-ASCII string's bytes are not its characters: its masks bound
    nothing and it is always scored."""
    data = np.asarray(data, dtype=np.uint8)
    starts = np.asarray(offsets[:-1], dtype=np.int64)
    if not len(starts):
        empty = np.zeros(0, dtype=np.uint64)
        return empty, empty, np.zeros(0, dtype=bool)
    chars = np.bitwise_or.reduceat(_CHAR_BIT[data], starts)
    pair_bits = np.zeros(len(data), dtype=np.uint64)
    if len(data) > 1:
        pair_bits[:-1] = np.left_shift(np.uint64(1), ((data[:-1].astype(np.uint64) * np.uint64(131) + data[1:]) & np.uint64(63)))
    pair_bits[np.asarray(offsets[1:], dtype=np.int64) - 1] = 0  # a string's last byte starts no pair
    pairs = np.bitwise_or.reduceat(pair_bits, starts)
    wild = np.maximum.reduceat(data, starts) >= 128
    return chars, pairs, wild


def _encoded(strings: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """A list of strings as (UTF-8 blob, offsets), for :func:`signatures`."""
    encoded = [s.encode("utf-8") for s in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


@dataclass
class Run:
    """The keys of one first letter ordered by length (index order within a length), with their bounds' inputs: a
    pool is one slice of it."""

    lengths: np.ndarray  # characters, ascending
    chars: np.ndarray
    pairs: np.ndarray
    wild: np.ndarray
    strings: Callable[[np.ndarray], list[str]]  # the keys at these positions of the run
    first_of_length: list[int]  # [L]: position of the first key of length L or more (L up to the longest + 1)
    wild_before: np.ndarray  # [i]: non-ASCII keys before position i

    @classmethod
    def of(cls, lengths: np.ndarray, data: np.ndarray, offsets: np.ndarray, strings: Callable[[np.ndarray], list[str]]) -> Run:
        """The run of keys whose blob and offsets are given in index order (``strings`` reads them in that order)."""
        order = np.argsort(lengths, kind="stable")
        chars, pairs, wild = signatures(data, offsets)
        lengths, wild = lengths[order], wild[order]
        first = np.searchsorted(lengths, np.arange(int(lengths[-1]) + 2 if len(lengths) else 1)).tolist()
        return cls(lengths, chars[order], pairs[order], wild, lambda positions: strings(order[positions]), first,
                   np.concatenate(([0], np.cumsum(wild))))  # fmt: skip

    def span(self, lo: int, hi: int) -> tuple[int, int]:
        """Positions of the keys with lo <= length <= hi (read off a table: two searches cost 7 us a call)."""
        first, last = self.first_of_length, len(self.first_of_length) - 1
        return first[min(lo, last)], first[min(hi + 1, last)]

    def any_wild(self, lo: int, hi: int) -> bool:
        """Whether a non-ASCII key lies at positions lo:hi."""
        return bool(self.wild_before[hi] > self.wild_before[lo])

    def allowed(self, length: int, c: float, lo: int, hi: int) -> np.ndarray:
        """Insertions plus deletions a key at positions lo:hi may be from a query of this length and still reach the
        cutoff ratio ``c`` (0-1), as uint8 (compared with the masks' bit counts as they are); per length, then spread."""
        return _allowed_by_size(length, c, int(self.lengths[hi - 1]) if hi > lo else 0)[self.lengths[lo:hi]]


@lru_cache(maxsize=4096)
def _allowed_by_size(length: int, c: float, longest: int) -> np.ndarray:
    """Insertions plus deletions a key of each size 0..longest may be from a query of this length and still reach the
    cutoff ratio ``c`` (0-1), as uint8 (the same few are asked for again and again: made once)."""
    sizes = np.arange(longest + 1)
    return np.clip(np.floor((1 - c) * (length + sizes) + _EPS), 0, 255).astype(np.uint8)


class FuzzyIndex:
    """Keys grouped by first letter and length for fast approximate lookups."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._letters: dict[str, list[str]] = {}
        for key in keys:
            if key:
                self._letters.setdefault(key[0], []).append(key)
        self._runs: dict[str, Run] = {}
        self._memo: dict[tuple[str, float, int], list[tuple[str, float]]] = {}

    def _make_run(self, first: str) -> Run:
        """The run of keys starting with ``first``."""
        keys = self._letters.get(first, [])
        data, offsets = _encoded(keys)
        return Run.of(np.array([len(k) for k in keys], dtype=np.int64), data, offsets, lambda rows: [keys[i] for i in rows.tolist()])

    def _run(self, first: str) -> Run:
        """The run of keys starting with ``first`` (made on first use)."""
        run = self._runs.get(first)
        if run is None:
            run = self._runs[first] = self._make_run(first)
        return run

    def extract(self, query: str, cutoff: float, limit: int = 5) -> list[tuple[str, float]]:
        """Up to ``limit`` (key, score 0-100) pairs scoring at least ``cutoff`` with ``fuzz.ratio``, best first (equal
        scores in pool order: keys by length, index order within a length)."""
        if not query:
            return []
        found = self._memo.get((query, cutoff, limit))
        if found is not None:
            return found
        return self._matches([query], cutoff, limit)[0]

    def prefetch(self, queries: Iterable[str], cutoff: float, limit: int = 5) -> None:
        """Answer :meth:`extract` for many queries at once: the bounds of each (first letter, length) group of queries
        checked against its pool as one array operation (the same keys, scores and order; a test compares)."""
        groups: dict[tuple[str, int], list[str]] = {}
        for query in dict.fromkeys(queries):
            if query and (query, cutoff, limit) not in self._memo:
                groups.setdefault((query[0], len(query)), []).append(query)
        if len(self._memo) + sum(map(len, groups.values())) > MEMO_MAX:
            self._memo.clear()
        ordered = [query for group in groups.values() for query in group]
        chars, pairs, wild = signatures(*_encoded(ordered))  # for every query at once (a call per group cost 20 us)
        at = 0
        for group in groups.values():
            part = slice(at, at + len(group))
            for query, found in zip(group, self._matches(group, cutoff, limit, (chars[part], pairs[part], wild[part]))):
                self._memo[(query, cutoff, limit)] = found
            at += len(group)

    def _matches(self, queries: list[str], cutoff: float, limit: int,
                 signed: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> list[list[tuple[str, float]]]:  # fmt: skip
        """:meth:`extract` of queries sharing their first letter and length (``signed``: their :func:`signatures`, when
        made already): the pool's keys within both bounds of each query, scored (rapidfuzz), best first and in pool
        order among equals."""
        from rapidfuzz import fuzz  # imported on the first fuzzy match: most runs never make one

        length, run = len(queries[0]), self._run(queries[0][0])
        c = cutoff / 100.0
        slack = math.floor((1 - c) * 2 * length / c) if c > 0 else length  # |la - lb| <= (1 - c) (la + lb)
        lo, hi = run.span(max(1, length - slack), length + slack)
        allowed = run.allowed(length, c, lo, hi)
        q_chars, q_pairs, q_wild = signed if signed is not None else signatures(*_encoded(queries))
        out, width = [], hi - lo
        wild = run.any_wild(lo, hi) or q_wild.any()
        step = max(1, BOUND_CELLS // max(1, width))
        for start in range(0, len(queries), step):
            part = slice(start, start + step)
            near = np.bitwise_count(q_chars[part, None] ^ run.chars[None, lo:hi]) <= allowed
            if wild:
                near |= run.wild[None, lo:hi] | q_wild[part, None]
            qi, pj = np.divmod(np.flatnonzero(near), width)
            keep = np.bitwise_count(q_pairs[part][qi] ^ run.pairs[lo + pj]) <= 3 * allowed[pj].astype(np.int64)
            if wild:
                keep |= run.wild[lo + pj] | q_wild[part][qi]
            qi, pj = qi[keep], pj[keep]
            cuts = np.searchsorted(qi, np.arange(len(queries[part]) + 1)).tolist()
            keys = run.strings(lo + pj) if len(pj) else []  # every query's candidates, read at once, in pool order
            for k, query in enumerate(queries[part]):
                scored = [(-score, j, key) for j, key in enumerate(keys[cuts[k] : cuts[k + 1]])
                          if (score := fuzz.ratio(query, key, score_cutoff=cutoff)) >= cutoff]  # fmt: skip
                out.append([(key, -neg) for neg, _, key in sorted(scored)[:limit]])
        return out


class SortedKeysFuzzyIndex(FuzzyIndex):
    """:class:`FuzzyIndex` over sorted ASCII keys (folded names) in a StringColumn, decoding only the keys scored.

    Keys of one first letter are a contiguous run of the sorted column and a key's byte length is its length
    (fold() writes only ASCII), so a run is found from the offsets alone; it lists its keys in sorted order,
    as the eager index does, so both give the same matches in the same order."""

    def __init__(self, keys: StringColumn) -> None:
        self.keys = keys
        self._runs = {}
        self._memo = {}

    def _make_run(self, first: str) -> Run:
        keys = self.keys
        lo = bisect_left(keys, first)
        hi = bisect_left(keys, chr(ord(first) + 1), lo) if ord(first) < 0x10FFFF else len(keys)
        offsets = np.asarray(keys.offsets[lo : hi + 1], dtype=np.int64)
        data = keys.data[offsets[0] : offsets[-1]]
        return Run.of(np.diff(offsets), data, offsets - offsets[0], lambda rows: keys.take(lo + rows))
