"""Read-only string columns over flat numpy arrays, so a cached gazetteer can be memory-mapped instead of unpickled.

:class:`StringColumn` keeps UTF-8 bytes in one ``uint8`` blob with ``int64`` offsets (string ``i`` is
``blob[offsets[i]:offsets[i + 1]]``) and decodes a string only when it is asked for; :class:`CategoryColumn`
keeps ``int32`` codes into a short list of distinct values (countries, admin-1 keys, feature codes). Both
answer ``col[i]`` with a ``str``, ``col[rows]`` with an object array, and ``col == "value"`` with a bool array,
as the object arrays they replace did.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

#: Strings decoded per step when a whole column is iterated (bounds the memory of a partial pass).
_ITER_CHUNK = 65_536


def _plain(arr: np.ndarray) -> np.ndarray:
    """The array as a base-class view: a memmap's own ``__getitem__`` is Python code and costs ~1 us a call."""
    return arr.view(np.ndarray) if type(arr) is not np.ndarray else arr


def _positions(index: Any, n: int) -> np.ndarray:
    """Row numbers an array-like, boolean mask or slice selects."""
    if isinstance(index, slice):
        return np.arange(*index.indices(n))
    idx = np.asarray(index)
    if idx.dtype == bool:
        if idx.shape != (n,):
            raise IndexError(f"boolean index of shape {idx.shape} for a column of {n}")
        return np.flatnonzero(idx)
    if idx.size and idx.dtype.kind not in "iu":
        raise IndexError(f"column index must be integers or booleans, not {idx.dtype}")
    return idx.astype(np.int64, copy=False)


class StringColumn(Sequence[str]):
    """Strings as a UTF-8 blob plus offsets: ``col[i]`` decodes one string, nothing is decoded up front."""

    __slots__ = ("data", "offsets", "_offs", "_mv")
    __hash__ = None  # type: ignore[assignment]  # == is element-wise

    def __init__(self, data: np.ndarray, offsets: np.ndarray) -> None:
        if data.dtype != np.uint8 or offsets.dtype != np.int64 or offsets.ndim != 1 or len(offsets) < 1:
            raise ValueError("a StringColumn needs uint8 data and at least one int64 offset")
        if int(offsets[0]) != 0 or int(offsets[-1]) != len(data):
            raise ValueError(f"offsets span {int(offsets[0])}..{int(offsets[-1])}, the data {len(data)} bytes")
        self.data, self.offsets = data, offsets
        self._offs = _plain(offsets)
        self._mv = memoryview(_plain(data))

    @classmethod
    def from_strings(cls, strings: Iterable[str]) -> StringColumn:
        """A column holding these strings, in order."""
        encoded = [s.encode("utf-8") for s in strings]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
        return cls(np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), offsets)

    def __len__(self) -> int:
        return len(self._offs) - 1

    def __getitem__(self, index: Any) -> Any:
        """``col[i]`` -> str; ``col[rows]``, ``col[mask]`` or ``col[a:b]`` -> object array of str."""
        if isinstance(index, (int, np.integer)):
            i = operator.index(index)
            n = len(self._offs) - 1
            if i < 0:
                i += n
            if not 0 <= i < n:
                raise IndexError(f"row {index} out of range for a column of {n}")
            start, end = self._offs[i : i + 2].tolist()
            return str(self._mv[start:end], "utf-8")
        rows = _positions(index, len(self))
        out = np.empty(len(rows), dtype=object)
        out[:] = self.take(rows)
        return out

    def take(self, rows: Iterable[int] | np.ndarray) -> list[str]:
        """The strings at these rows, as a list."""
        rows = np.asarray(rows, dtype=np.int64)
        n = len(self)
        if rows.size and (rows.min() < -n or rows.max() >= n):
            raise IndexError(f"row out of range for a column of {n}")
        rows = np.where(rows < 0, rows + n, rows)
        starts, ends = self._offs[rows].tolist(), self._offs[rows + 1].tolist()
        mv = self._mv
        return [str(mv[s:e], "utf-8") for s, e in zip(starts, ends)]

    def tolist(self, start: int = 0, stop: int | None = None) -> list[str]:
        """Rows ``start:stop`` decoded in one pass (one decode of the blob when it is ASCII, as folded keys are)."""
        stop = len(self) if stop is None else min(stop, len(self))
        if start >= stop:
            return []
        offs = self._offs[start : stop + 1]
        base = int(offs[0])
        blob = self._mv[base : int(offs[-1])].tobytes()
        bounds = (offs - base).tolist()
        if blob.isascii():  # byte offsets are character offsets: slice one decoded str
            text = blob.decode("ascii")
            return [text[s:e] for s, e in zip(bounds, bounds[1:])]
        return [blob[s:e].decode("utf-8") for s, e in zip(bounds, bounds[1:])]

    def __iter__(self) -> Iterator[str]:
        for start in range(0, len(self), _ITER_CHUNK):
            yield from self.tolist(start, start + _ITER_CHUNK)

    def lengths(self) -> np.ndarray:
        """Byte length of every string (its character count when ASCII)."""
        return np.diff(self._offs)

    def equals(self, value: str) -> np.ndarray:
        """Bool array: which rows hold exactly ``value`` (compared as bytes, no string is decoded)."""
        target = value.encode("utf-8")
        starts = self._offs[:-1]
        rows = np.flatnonzero(np.diff(self._offs) == len(target))
        # Last byte first: values that share a prefix ("geonames:") differ at their ends, so candidates fall fast.
        data = _plain(self.data)
        for j in range(len(target) - 1, -1, -1):
            if not len(rows):
                break
            rows = rows[data[starts[rows] + j] == target[j]]
        out = np.zeros(len(self), dtype=bool)
        out[rows] = True
        return out

    def __eq__(self, other: object) -> Any:  # type: ignore[override]
        return self.equals(other) if isinstance(other, str) else NotImplemented

    def __ne__(self, other: object) -> Any:  # type: ignore[override]
        return ~self.equals(other) if isinstance(other, str) else NotImplemented

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """Every string as an object array (decodes the whole column: for tests and small columns)."""
        out = np.empty(len(self), dtype=object)
        out[:] = self.tolist()
        return out if dtype is None else out.astype(dtype)

    def __reduce__(self) -> tuple[type, tuple[np.ndarray, np.ndarray]]:
        return StringColumn, (np.array(self.data), np.array(self.offsets))

    def __repr__(self) -> str:
        return f"StringColumn({len(self)} strings, {len(self.data)} bytes)"


class CategoryColumn(Sequence[str]):
    """Strings of few distinct values as int32 codes into a sorted tuple of categories."""

    __slots__ = ("codes", "categories", "_codes", "_values", "_code_of")
    __hash__ = None  # type: ignore[assignment]  # == is element-wise

    def __init__(self, codes: np.ndarray, categories: Sequence[str]) -> None:
        if codes.dtype != np.int32 or codes.ndim != 1:
            raise ValueError("a CategoryColumn needs 1-d int32 codes")
        self.codes, self.categories = codes, tuple(categories)
        if len(codes) and (int(codes.min()) < 0 or int(codes.max()) >= len(self.categories)):
            raise ValueError(f"codes outside the {len(self.categories)} categories")
        self._codes = _plain(codes)
        self._values = np.empty(len(self.categories), dtype=object)
        self._values[:] = self.categories
        self._code_of = {c: i for i, c in enumerate(self.categories)}

    @classmethod
    def from_strings(cls, strings: Iterable[str]) -> CategoryColumn:
        """A column holding these strings, in order (categories sorted)."""
        values = list(strings)
        categories = sorted(set(values))
        code_of = {c: i for i, c in enumerate(categories)}
        return cls(np.fromiter((code_of[v] for v in values), dtype=np.int32, count=len(values)), categories)

    def code(self, value: str) -> int:
        """The code of ``value``, -1 when no row holds it."""
        return self._code_of.get(value, -1)

    def __len__(self) -> int:
        return len(self._codes)

    def __getitem__(self, index: Any) -> Any:
        """``col[i]`` -> str; ``col[rows]``, ``col[mask]`` or ``col[a:b]`` -> object array of str."""
        if isinstance(index, (int, np.integer)):
            return self.categories[self._codes[index]]
        return self._values[self._codes[_positions(index, len(self))]]

    def tolist(self) -> list[str]:
        """Every value as a list of str."""
        return self._values[self._codes].tolist()

    def __iter__(self) -> Iterator[str]:
        categories = self.categories
        for start in range(0, len(self), _ITER_CHUNK):
            yield from (categories[c] for c in self._codes[start : start + _ITER_CHUNK].tolist())

    def equals(self, value: str) -> np.ndarray:
        """Bool array: which rows hold exactly ``value``."""
        code = self._code_of.get(value)
        return np.zeros(len(self), dtype=bool) if code is None else self._codes == code

    def __eq__(self, other: object) -> Any:  # type: ignore[override]
        return self.equals(other) if isinstance(other, str) else NotImplemented

    def __ne__(self, other: object) -> Any:  # type: ignore[override]
        return ~self.equals(other) if isinstance(other, str) else NotImplemented

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """Every value as an object array."""
        out = self._values[self._codes]
        return out if dtype is None else out.astype(dtype)

    def __reduce__(self) -> tuple[type, tuple[np.ndarray, tuple[str, ...]]]:
        return CategoryColumn, (np.array(self.codes), self.categories)

    def __repr__(self) -> str:
        return f"CategoryColumn({len(self)} values, {len(self.categories)} categories)"
