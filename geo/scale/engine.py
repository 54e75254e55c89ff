"""The dask engine: ``incmap geocode`` and ``incmap query`` partition by partition on a dask cluster (a local one
by default, an existing one with ``--scheduler``), written as a partitioned GeoParquet dataset (a folder of parts).

Rows come out exactly as the single-machine engine gives them: each partition goes through the same reader,
geocoder, border distances and query; what depends on a whole file is decided over all its parts first (the
slash-date order of its date column) or fixed after them (numbers of duplicate content-hash ids across parts).
The output appears whole or not at all: parts are written into a hidden folder beside it, renamed into place at
the end. A worker lost midway costs only its tasks, which dask runs again; parts are named by partition, so a
re-run overwrites its own part and nothing is duplicated.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from geo._errors import IncmapError, InputError, RecordError
from geo.io.dataset import input_files, total_bytes
from geo.io.records import STDIN, DateEvidence
from geo.scale import AUTO_DASK_BYTES
from geo.scale.partitions import MIN_PART_BYTES, MIN_PART_ROWS, PART_BYTES, PART_ROWS, Partition, plan_partitions
from geo.scale.worker import PART_NAME, Job, PartResult, run_partition, scan_partition

#: Partitions per worker thread aimed at (several, so a slow or lost worker holds up little).
PARTS_PER_SLOT = 4


def choose_engine(engine: str, source: str, scheduler: str | None = None) -> str:
    """``single`` or ``dask``: as asked; for ``auto``, dask with a scheduler address or from AUTO_DASK_BYTES of input."""
    if engine != "auto":
        return engine
    if scheduler:
        return "dask"
    if source == STDIN:
        return "single"
    return "dask" if total_bytes(input_files(source)) >= AUTO_DASK_BYTES else "single"


@dataclass
class DaskRun:
    """What a dask run did, for the command's summary (the rows are in the output dataset)."""

    output: Path | None
    parts: int = 0
    rows_in: int = 0
    rows_out: int = 0
    statuses: Counter = field(default_factory=Counter)
    excluded: Counter = field(default_factory=Counter)
    problems: list[RecordError] = field(default_factory=list)
    problem_count: int = 0
    gazetteer_problems: list[RecordError] = field(default_factory=list)
    loads: dict[int, int] = field(default_factory=dict)  # worker process id -> times it loaded the geocoder


def run_dask(kind: str, source: str, output: str | Path, *, spec=None, encoding: str = "utf-8", strict: bool = False,
             gazetteers: tuple[str, ...] = (), border: str | None = None, scheduler: str | None = None, workers: int | None = None,
             part_bytes: int = PART_BYTES, part_rows: int = PART_ROWS, progress: bool = True) -> DaskRun:  # fmt: skip
    """Run ``kind`` (``geocode`` or ``query`` with ``spec``) over ``source`` and write the rows to the dataset
    folder ``output``; one-line errors as on one machine (a --strict bad row: the first one in input order)."""
    from geo.config import gazetteers_with_config
    from geo.layers import load_layers
    from geo.spatial.proximity import select_borders

    if source == STDIN:
        raise InputError("--engine dask reads files, not standard input; give a file, a folder or a glob pattern")
    if border:
        select_borders(load_layers().borders, border)  # an unknown border code fails before any work
    output, files = Path(output), input_files(source)
    extra = tuple(str(p) for p in gazetteers_with_config(tuple(gazetteers)))
    staging = _staging_dir(output)
    try:
        with _client(scheduler, workers) as client:
            slots = sum(client.nthreads().values()) or 1
            parts = plan_partitions(files, *_part_sizes(files, slots, part_bytes, part_rows))
            orders = _file_orders(client, parts, encoding)
            job = Job(kind, str(staging), encoding, strict, extra, border, spec, orders)
            results = _run(client, parts, job, progress)
        run = _collect(results, output)
        stopped = next((r for r in results if r.stopped), None)
        if strict and stopped is not None:
            raise _errors(stopped.problems[:1])[0]  # the first bad row in input order, as on one machine
        _number_ids(results, staging)
        _tidy(staging)
        _unify_schemas(staging)
        _publish(staging, output)
        return run
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _part_sizes(files: list[str], slots: int, part_bytes: int, part_rows: int) -> tuple[int, int]:
    """Partition sizes that give every worker thread several partitions (at most ``part_bytes``/``part_rows``, at least
    MIN_PART_BYTES/MIN_PART_ROWS), so small inputs spread over the cluster and large ones stay in bounded pieces."""
    share = total_bytes(files) // (PARTS_PER_SLOT * slots)
    rows = int(part_rows * share / part_bytes) if part_bytes else part_rows
    return max(min(part_bytes, share), min(part_bytes, MIN_PART_BYTES)), max(min(part_rows, rows), min(part_rows, MIN_PART_ROWS))


@contextmanager
def _client(scheduler: str | None, workers: int | None) -> Iterator:
    """A dask client: connected to ``scheduler`` (an address), or to a local cluster of worker processes on loopback."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise IncmapError(f"--scheduler {scheduler}: cannot connect ({exc}); start one with `dask scheduler`") from None
        with client:
            yield client
        return
    n = workers or os.cpu_count() or 1
    # CRITICAL: a worker heartbeat racing the scheduler's shutdown logs a CommClosedError traceback at ERROR level
    # after a finished run; task failures still reach incmap through their futures and are reported as one line.
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0",
                      silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:  # fmt: skip
        yield client


def _file_orders(client, parts: list[Partition], encoding: str) -> dict[str, object]:
    """The slash-date order of each file cut in parts, decided over all its parts (as over the whole file), and a
    one-line error for a file none of whose parts has a location (as for a whole file)."""
    cut = [p for p in parts if not p.whole and not p.geocoded]
    if not cut:
        return {}
    scans = client.gather(client.map(scan_partition, cut, encoding=encoding, pure=False))
    evidence: dict[str, DateEvidence] = defaultdict(DateEvidence)
    located: dict[str, bool] = defaultdict(bool)
    for part, scan in zip(cut, scans):
        evidence[part.path] = evidence[part.path] | scan.evidence
        located[part.path] |= scan.located
    for path, ok in located.items():
        if not ok:
            raise InputError(f"{path}: no 'place' column, nor lat/lon, in any record")
    return {path: ev.order() for path, ev in evidence.items()}


def _run(client, parts: list[Partition], job: Job, progress: bool) -> list[PartResult]:
    """Every partition through ``run_partition`` on the cluster, with a progress bar; results in partition order."""
    from distributed import as_completed
    from tqdm import tqdm

    futures = client.map(run_partition, parts, job=job, pure=False)
    try:
        for future in tqdm(as_completed(futures), total=len(futures), desc=f"{job.kind} (dask)", unit=" parts", file=sys.stderr,
                           disable=not progress):  # fmt: skip
            future.result()  # a task's one-line error (a file that cannot be read) ends the run here
        return client.gather(futures)
    finally:
        client.cancel(futures)


def _collect(results: list[PartResult], output: Path) -> DaskRun:
    """The counts of all parts together, the first bad rows in input order."""
    run = DaskRun(output, parts=len(results))
    for r in results:
        run.rows_in += r.rows_in
        run.rows_out += r.rows_out
        run.statuses.update(r.statuses)
        run.excluded.update(r.excluded)
        run.problem_count += r.problem_count
        run.problems += _errors(r.problems)
        pid, loads = r.worker
        run.loads[pid] = max(loads, run.loads.get(pid, 0))
    first = next((r.gazetteer_problems for r in results if r.gazetteer_problems), [])
    run.gazetteer_problems = _errors(first)
    return run


def _errors(rows: list[tuple[str, int, str, str]]) -> list[RecordError]:
    return [RecordError(*row) for row in rows]


def _number_ids(results: list[PartResult], staging: Path) -> None:
    """Number duplicate content-hash ids across the dataset as the single engine numbers them (``rec-H``, ``rec-H-2``,
    ...): each part counted from 1; a hash also seen in earlier parts is renumbered on from there."""
    chunks = [r for r in results if r.id_hashes is not None and len(r.id_hashes)]
    if len(chunks) < 2:
        return
    hashes, seen_in = np.unique(np.concatenate([r.id_hashes for r in chunks]), return_counts=True)
    shared = hashes[seen_in > 1]
    before: Counter = Counter()
    for r in chunks if len(shared) else ():
        mask = np.isin(r.id_hashes, shared)
        offsets = {int(h): before[int(h)] for h in r.id_hashes[mask] if before[int(h)]}
        if offsets and r.rows_out:
            _renumber(staging / PART_NAME.format(r.index), offsets)
        before.update({int(h): int(n) for h, n in zip(r.id_hashes[mask], r.id_counts[mask])})


_HASH_ID = re.compile(r"rec-([0-9a-f]{12})(?:-([0-9]+))?")


def _renumber(path: Path, offsets: dict[int, int]) -> None:
    """Add ``offsets[hash]`` to the duplicate number of each content-hash id in one written part."""
    import geopandas as gpd

    from geo.io.export import write_records

    frame = gpd.read_parquet(path)

    def renumbered(value: object) -> object:
        match = _HASH_ID.fullmatch(value) if isinstance(value, str) else None
        if match is None or int(match.group(1), 16) not in offsets:
            return value
        return f"rec-{match.group(1)}-{int(match.group(2) or 1) + offsets[int(match.group(1), 16)]}"

    frame["id"] = frame["id"].map(renumbered)
    write_records(frame, path, "parquet")


def _unify_schemas(staging: Path) -> None:
    """Give every part the same columns, in order of first appearance, and the same types (a column that is empty in
    one part has no type there): a partitioned dataset is read with one schema."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = sorted(staging.glob("part.*.parquet"))
    schemas = [pq.read_schema(f) for f in files]
    if len({s.remove_metadata() for s in schemas}) <= 1:
        return
    try:
        unified = pa.unify_schemas([s.remove_metadata() for s in schemas], promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise IncmapError(f"the partitions' columns cannot be written as one dataset ({exc})") from None
    for path, schema in zip(files, schemas):
        if schema.remove_metadata() == unified:
            continue
        table = pq.read_table(path)
        columns = [table[f.name].cast(f.type) if f.name in table.column_names else pa.nulls(len(table), f.type) for f in unified]
        table = pa.Table.from_arrays(columns, schema=unified.with_metadata(schema.metadata))
        tmp = path.with_name(f".{path.name}.tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, path)


def _tidy(staging: Path) -> None:
    """Remove what a worker lost midway left behind: a temporary file of a part that a re-run then wrote whole."""
    for tmp in staging.glob(".*"):
        tmp.unlink(missing_ok=True)


def _staging_dir(output: Path) -> Path:
    """A hidden folder beside ``output`` for the parts while they are written."""
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent))
    except OSError as exc:
        raise InputError(f"{output}: cannot write ({exc.strerror or exc})") from None


def _publish(staging: Path, output: Path) -> None:
    """Put the finished dataset at ``output``, replacing what was there only now that the new one is whole."""
    if output.exists():
        old = output.with_name(f".{output.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(output, old)
        os.replace(staging, output)
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    else:
        os.replace(staging, output)
