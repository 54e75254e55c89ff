"""Cut input files into partitions that workers read on their own, each keeping its file's name and line numbers.

- CSV/TSV: cut at row starts found by the csv module itself (rows may hold quoted line breaks); a file with no
  quote character at all is cut at line breaks directly (every line break ends a row). Each part is read with
  its file's header row in front, so it is a CSV file of its own.
- JSON Lines: cut at line breaks (a record is one line).
- Parquet: cut at row groups.
- GeoJSON, GeoPackage, and incmap's own CSV/JSON Lines output: one partition per file (read as the single-machine
  engine reads them).
A part's ``line_offset`` makes the lines reported for its rows the lines of the whole file.
"""

from __future__ import annotations

import csv
import mmap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.io.geocoded import GEOCODED_FIELDS, WKT_COLUMN
from geo.io.records import record_format

#: Largest partition aimed at (bytes of text, rows of a Parquet file), and the smallest worth a task of its own.
PART_BYTES, PART_ROWS = 16 << 20, 200_000
MIN_PART_BYTES, MIN_PART_ROWS = 256 << 10, 5_000


@dataclass(frozen=True)
class Partition:
    """One piece of one input file; ``start``/``stop`` are byte offsets (text) or row groups (Parquet)."""

    index: int
    path: str
    fmt: str
    start: int = 0
    stop: int | None = None
    header_end: int = 0  # CSV/TSV: the header row's bytes, read in front of the part
    line_offset: int = 0
    whole: bool = True  # the part is its whole file
    geocoded: bool = False  # Parquet written by incmap: read as it is, not geocoded again

    @property
    def name(self) -> str:
        """How problems in the part name it: its file."""
        return self.path


def plan_partitions(files: list[str], part_bytes: int = PART_BYTES, part_rows: int = PART_ROWS) -> list[Partition]:
    """The partitions of ``files``, in file and row order."""
    parts: list[Partition] = []
    for path in files:
        fmt = record_format(path)
        if fmt in ("csv", "tsv"):
            pieces = list(_delimited_pieces(path, fmt, part_bytes))
        elif fmt == "jsonl" and not _geocoded_jsonl(path):
            pieces = list(_line_pieces(path, part_bytes))
        elif fmt == "parquet":
            pieces = list(_parquet_pieces(path, part_rows))
        else:
            pieces = [{}]
        for piece in pieces:
            parts.append(Partition(len(parts), path, fmt, whole=len(pieces) == 1, **piece))
    return parts


def read_part_bytes(part: Partition) -> bytes:
    """The bytes of a text part as a file of its own (a CSV part with its file's header row in front)."""
    with open(part.path, "rb") as fh:
        header = fh.read(part.header_end) if part.header_end else b""
        fh.seek(part.start)
        body = fh.read() if part.stop is None else fh.read(part.stop - part.start)
    return header + body


def _delimited_pieces(path: str, fmt: str, part_bytes: int) -> Iterator[dict]:
    """CSV/TSV cut at row starts, about ``part_bytes`` apart; incmap's own CSV output stays whole."""
    size = Path(path).stat().st_size
    if size <= part_bytes or size == 0:
        yield {}
        return
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        head = data[: data.find(b"\n") + 1 or size]
        if WKT_COLUMN.encode() in head and b"status" in head and b"where_prec" in head:
            yield {}  # incmap's output: read whole, as the single-machine engine does
            return
        cuts = _line_cuts(data, part_bytes, len(head)) if data.find(b'"') < 0 else _row_cuts(path, fmt, part_bytes)
        if cuts:  # cuts[0] is where the header row (perhaps several lines) ends
            yield from _pieces(data, cuts, header_end=cuts[0], skip_lines=data[: cuts[0]].count(b"\n"))
        else:
            yield {}


def _line_pieces(path: str, part_bytes: int) -> Iterator[dict]:
    """JSON Lines cut at line breaks about ``part_bytes`` apart."""
    size = Path(path).stat().st_size
    if size <= part_bytes:
        yield {}
        return
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        yield from _pieces(data, _line_cuts(data, part_bytes, 0), header_end=0, skip_lines=0)


def _line_cuts(data: mmap.mmap, part_bytes: int, first: int) -> list[int]:
    """Offsets just after a line break, about ``part_bytes`` apart, from ``first``."""
    cuts, pos = [first], first
    while True:
        nl = data.find(b"\n", pos + part_bytes)
        if nl < 0 or nl + 1 >= len(data):
            return cuts
        pos = nl + 1
        cuts.append(pos)


def _row_cuts(path: str, fmt: str, part_bytes: int) -> list[int]:
    """Offsets where CSV rows start, about ``part_bytes`` apart, found by reading the rows with the csv module (a
    quoted field may hold line breaks); malformed rows are stepped over as the record reader steps over them."""
    pos = 0

    def lines(fh) -> Iterator[str]:
        nonlocal pos
        for raw in fh:
            pos += len(raw)
            yield raw.decode("utf-8", "replace")

    with open(path, "rb") as fh:
        reader = csv.reader(lines(fh), delimiter="\t" if fmt == "tsv" else ",")
        cuts: list[int] = []
        while True:
            try:
                next(reader)
            except StopIteration:
                return cuts
            except csv.Error:
                pass
            if not cuts:
                cuts.append(pos)  # after the header row
            elif pos - cuts[-1] >= part_bytes:
                cuts.append(pos)


def _pieces(data: mmap.mmap, cuts: list[int], header_end: int, skip_lines: int) -> Iterator[dict]:
    """Pieces between consecutive cuts (the last to the end of the file), with their line offsets."""
    ends = [*cuts[1:], None]
    lines_before = data[: cuts[0]].count(b"\n") if cuts else 0
    for start, stop in zip(cuts, ends):
        if stop is not None and stop <= start:
            continue
        yield {"start": start, "stop": stop, "header_end": header_end, "line_offset": lines_before - skip_lines}
        if stop is not None:
            lines_before += data[start:stop].count(b"\n")


def _geocoded_jsonl(path: str) -> bool:
    """incmap's own JSON Lines output (its first record has a footprint and the geocoding contract's fields)."""
    with open(path, "rb") as fh:
        first = fh.readline(1 << 20)
    return b'"geometry"' in first and all(f'"{name}"'.encode() in first for name in GEOCODED_FIELDS)


def _parquet_pieces(path: str, part_rows: int) -> Iterator[dict]:
    """Runs of row groups of about ``part_rows`` rows; Parquet written by incmap is read as it is."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    schema = pq.read_schema(path)
    geocoded = b"geo" in (schema.metadata or {}) and GEOCODED_FIELDS <= set(schema.names)
    start, rows, before = 0, 0, 0
    groups = meta.num_row_groups
    for group in range(groups):
        rows += meta.row_group(group).num_rows
        if rows >= part_rows or group == groups - 1:
            yield {"start": start, "stop": group + 1, "line_offset": before, "geocoded": geocoded}
            before += rows
            start, rows = group + 1, 0
    if groups == 0:
        yield {"geocoded": geocoded}
