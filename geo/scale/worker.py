"""What a dask worker runs on one partition: read it, geocode it, measure and query it, and write it as one
GeoParquet part; the same functions the single-machine engine runs, one partition at a time.

The boundary layers, border index and geocoder (with its gazetteer) are loaded once per worker process and kept
for every later partition (:func:`worker_geocoder`); tasks carry only the partition's address and the job.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np

from geo.io.dates import SlashOrder
from geo.io.records import DateEvidence, RecordSet, date_evidence, features_records, finish_records, has_location, parse_records
from geo.scale.partitions import Partition, read_part_bytes

#: Bad rows a part sends back in full (the rest are counted); the command prints fewer still.
PROBLEMS_KEPT = 20
#: How each part is named in the output dataset.
PART_NAME = "part.{:05d}.parquet"
#: Times this process loaded the layers and geocoder (the scale-out test checks it is once per worker process).
LOADS: Counter = Counter()


@dataclass(frozen=True)
class Job:
    """What to do with every partition: ``geocode`` (and measure) or ``query``; where parts go; how to read."""

    kind: str
    out_dir: str
    encoding: str = "utf-8"
    strict: bool = False
    gazetteers: tuple[str, ...] = ()
    border: str | None = None
    spec: object | None = None  # a geo.pipeline.QuerySpec for "query"
    orders: dict[str, SlashOrder | None] = field(default_factory=dict)  # slash-date order of each file cut in parts


@dataclass
class PartScan:
    """A first look at a partition of a file cut in parts: its date evidence and whether any row has a location."""

    index: int
    evidence: DateEvidence
    located: bool


@dataclass
class PartResult:
    """What a worker sends back for one partition: counts, the first bad rows, its id hashes; never the rows."""

    index: int
    rows_in: int = 0
    rows_out: int = 0
    statuses: Counter = field(default_factory=Counter)
    excluded: Counter = field(default_factory=Counter)
    problems: list[tuple[str, int, str, str]] = field(default_factory=list)  # (file, line, field, problem)
    problem_count: int = 0
    gazetteer_problems: list[tuple[str, int, str, str]] = field(default_factory=list)
    id_hashes: np.ndarray | None = None  # content hashes of rows without an id, and how often
    id_counts: np.ndarray | None = None
    stopped: bool = False  # --strict: the part had a bad row, nothing was written
    worker: tuple[int, int] = (0, 0)  # (process id, times it loaded the geocoder)


def scan_partition(part: Partition, encoding: str = "utf-8") -> PartScan:
    """The date evidence and location check of one part (a file's slash-date order is decided over all its parts)."""
    records = _parse(part, encoding)
    return PartScan(part.index, date_evidence(records.records), has_location(records.records))


@lru_cache(maxsize=4)
def worker_geocoder(gazetteers: tuple[str, ...]):
    """This process's geocoder over the layers (and the extra gazetteers), loaded on its first partition."""
    from geo.gazetteer.cache import extra_gazetteer
    from geo.geocoding import Geocoder
    from geo.layers import load_layers

    LOADS["geocoder"] += 1
    paths = tuple(Path(p) for p in gazetteers)
    gaz = extra_gazetteer(paths, progress=False)
    return Geocoder(load_layers(), gazetteer=gaz, extra_gazetteers=paths, progress=False)


def run_partition(part: Partition, job: Job) -> PartResult:
    """Read, geocode, measure (and query) one partition and write it as ``PART_NAME`` in the job's folder."""
    from geo.io.export import write_records

    geocoder = worker_geocoder(job.gazetteers)
    result = PartResult(part.index, worker=(os.getpid(), LOADS["geocoder"]))
    gaz = getattr(geocoder, "_gazetteer", None)
    result.gazetteer_problems = [_where(err) for err in (gaz.problems[:PROBLEMS_KEPT] if gaz is not None else [])]
    frame = _ready_frame(part)
    if frame is None:
        records = _read_part(part, job)
        result.problems = [_where(err) for err in records.problems[:PROBLEMS_KEPT]]
        result.problem_count = len(records.problems)
        result.id_hashes = np.array([int(h, 16) for h in records.id_counts], dtype=np.uint64)
        result.id_counts = np.array(list(records.id_counts.values()), dtype=np.int64)
        result.rows_in = len(records.records)
        if job.strict and records.problems:
            result.stopped = True
            return result
        frame = geocoder.geocode(records.records, progress=False)
    else:
        result.rows_in = len(frame)
    frame, result.excluded = _apply(frame, job, geocoder)
    result.statuses = Counter(frame["status"].value_counts().to_dict()) if "status" in frame.columns else Counter()
    result.rows_out = len(frame)
    write_records(frame, Path(job.out_dir) / PART_NAME.format(part.index), "parquet")
    return result


def _apply(frame: gpd.GeoDataFrame, job: Job, geocoder) -> tuple[gpd.GeoDataFrame, Counter]:
    """The job's step after geocoding: border distances (geocode), or the query's filters and distances (query)."""
    from geo.pipeline import Incidents, measured, query_incidents

    if job.kind == "geocode":
        return measured(frame, job.border), Counter()
    incidents = Incidents(frame, geocoder.layers, geocoder=geocoder, gazetteers=tuple(Path(p) for p in job.gazetteers))
    found = query_incidents(incidents, job.spec)
    return found.frame, found.excluded


def _parse(part: Partition, encoding: str) -> RecordSet:
    """The records of a part as read (before per-field checks), line numbers those of its whole file."""
    if part.fmt == "parquet":
        return features_records(part.path, _parquet_rows(part), part.line_offset)
    return parse_records(part.path, read_part_bytes(part), part.fmt, encoding, part.line_offset, whole=part.whole)


def _parquet_rows(part: Partition):
    """(properties, geometry) of a Parquet part's rows, read as the record reader reads a whole file."""
    from geo.io.tables import _features

    return _features(_parquet_frame(part))


def _parquet_frame(part: Partition):
    """A Parquet part's row groups as a GeoDataFrame (GeoParquet) or DataFrame (plain Parquet)."""
    import pyarrow.parquet as pq
    from geopandas.io.arrow import _arrow_to_geopandas

    table = pq.ParquetFile(part.path).read_row_groups(list(range(part.start, part.stop or part.start)))
    return _arrow_to_geopandas(table) if b"geo" in (table.schema.metadata or {}) else table.to_pandas()


def _ready_frame(part: Partition) -> gpd.GeoDataFrame | None:
    """The rows of a part that incmap geocoded already (its own output), as they are; None for raw records."""
    if part.whole:
        from geo.io.geocoded import read_geocoded

        return read_geocoded(part.path)  # exactly as the single-machine engine reads a file
    return _parquet_frame(part).set_crs("EPSG:4326", allow_override=True) if part.geocoded else None


def _read_part(part: Partition, job: Job) -> RecordSet:
    """The checked records of a part (a whole file as the record reader reads it; a piece with its file's date order),
    content-hash ids numbered from 1 within the part (renumbered across the dataset afterwards)."""
    if part.whole:
        from geo.io.records import read_records

        return read_records(part.path, encoding=job.encoding)
    records = _parse(part, job.encoding)
    finish_records(records, job.orders.get(part.path))
    return records


def _where(err) -> tuple[str, int, str, str]:
    """A bad row as plain values (exceptions with extra fields do not pickle back whole)."""
    return (err.path, err.line, err.field, err.problem)
