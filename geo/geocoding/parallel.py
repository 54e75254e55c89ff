"""Resolving many distinct place names on every core: forked worker processes and this one take stretches of them
from a shared counter until none is left, and the workers' answers come back as they would have been made here.

Used by :meth:`geo.geocoding.Geocoder.geocode`, which forks for large inputs only (POOL_MIN distinct names; on Linux,
where ``fork`` is safe with the native libraries loaded; smaller inputs are resolved in this process, in the same
bulk passes): the tables every process needs are loaded once before the fork.
Workers inherit the geocoder and the records by ``fork`` (nothing is sent to them); each stretch's answers come back
as soon as it is done (admin-1 and country footprints by name, other geometries as one WKB array), read by a thread
here while this process resolves its own. Stretches shrink as the names run out (a share of what is left), so no
process waits long for another; this process also does its ``meanwhile`` work (importing what the frame needs) while
the workers start.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any, Protocol

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.geocoding.lookup import PlaceLookup
from geo.geocoding.resolver import PlaceResolver, Resolution


class Geocoder(Protocol):
    """What the workers use of :class:`geo.geocoding.geocoder.Geocoder` (named here, not imported: it imports us)."""

    lookup: PlaceLookup
    resolver: PlaceResolver

    def output_values(self, res: Resolution) -> tuple: ...

#: Distinct place names (with their context fields) below which one process resolves them all.
POOL_MIN = 20_000
#: Processes at most (this one included).
MAX_PROCESSES = 8
#: Stretches a process takes: a share of the names left (1 / (STRETCH_SHARE * processes)), at least MIN_STRETCH and at
#: most MAX_STRETCH names (each stretch's lookups are made in bulk: below a few hundred names that costs more); names
#: resolved without workers go MAX_STRETCH at a time.
STRETCH_SHARE, MIN_STRETCH, MAX_STRETCH = 3, 500, 10_000
#: What forked workers read: the geocoder, the records and the shared counter of names taken (inherited, never pickled).
_JOB: tuple[Geocoder, Sequence[dict], Any, int] | None = None

Answer = tuple[tuple, BaseGeometry | None]  # (output values in ANSWER_FIELDS order, footprint)
Resolved = tuple[tuple | None, Resolution, tuple]  # (memo key, resolution, output values)


def processes() -> int:
    """How many processes may resolve at once: the cores this process may use (1 off Linux: macOS forks unsafely)."""
    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, MAX_PROCESSES))


def resolve_named(geocoder: Geocoder, records: Sequence[dict], progress: Callable[[float], None] | None = None,
                  meanwhile: Callable[[], object] | None = None) -> list[Answer]:  # fmt: skip
    """(output values, footprint) for each record (each naming a distinct place + context fields, with no coordinates,
    footprint or problems), as :meth:`Geocoder.geocode_record` makes them, shared among processes (the geocoder
    remembers the answers; only resolutions made here are memoised in its resolver). With too few records or cores to
    pay for a fork, they are resolved here, MAX_STRETCH at a time. ``progress`` is told the share of the records taken
    as it advances; ``meanwhile`` is called once the workers run."""
    n = processes()
    if len(records) < POOL_MIN or n < 2:
        answers: list[Answer] = []
        for start in range(0, len(records), MAX_STRETCH):
            answers += _answers(resolve_share(geocoder, records[start : start + MAX_STRETCH]))
            if progress is not None:
                progress(len(answers) / len(records))
        return answers
    global _JOB
    geocoder.lookup.ready_for_bulk()
    context = multiprocessing.get_context("fork")
    taken = context.Value("q", 0)  # names handed out so far (its lock guards the take)
    _JOB = (geocoder, records, taken, n)
    workers: list[tuple[Any, Connection, threading.Thread]] = []
    received: list[tuple[int, tuple]] = []  # (start, packed answers) from every worker, as they arrive
    answers: dict[int, list[Answer]] = {}  # answers by the start of their stretch
    try:
        for k in range(1, n):
            receiver, sender = context.Pipe(duplex=False)
            worker = context.Process(target=_work, args=(sender,), name=f"incmap-geocode-{k}", daemon=True)
            worker.start()
            sender.close()
            thread = threading.Thread(target=_receive, args=(receiver, received), name=f"incmap-receive-{k}", daemon=True)
            thread.start()
            workers.append((worker, receiver, thread))
        if meanwhile is not None:
            meanwhile()
        for start, stop in _stretches(taken, len(records), n):
            answers[start] = _answers(resolve_share(geocoder, records[start:stop]))
            if progress is not None:
                progress(min(1.0, taken.value / len(records)))
        for worker, _, thread in workers:
            thread.join()
            worker.join()
        for start, packed in received:
            answers[start] = _unpack(geocoder, packed)
        for start, stop in _missing(answers, len(records)):  # stretches a worker took and never answered (it died)
            answers[start] = _answers(resolve_share(geocoder, records[start:stop]))
    finally:
        _JOB = None
        for worker, receiver, thread in workers:  # none outlives the call (Ctrl-C, an error here)
            if worker.is_alive():
                worker.terminate()
            worker.join()
            thread.join(timeout=5)
            receiver.close()
    return [answer for start in sorted(answers) for answer in answers[start]]


def resolve_share(geocoder: Geocoder, records: Sequence[dict]) -> list[Resolved]:
    """(memo key, resolution, output values) of each record, their names' lookups made in bulk first and their
    circles made together at the end."""
    resolver, out = geocoder.resolver, []
    resolver.prefetch(r.get("place") for r in records)
    with resolver.circles_later():  # the output fields need a circle's point and radius only
        for record in records:
            place = record.get("place")
            key, res = resolver.resolve_keyed(place if isinstance(place, str) else "", record)
            out.append((key, res, geocoder.output_values(res)))
    return out


def _answers(done: list[Resolved]) -> list[Answer]:
    """(output values, footprint) of resolved records."""
    return [(values, res.geometry) for _, res, values in done]


def _stretches(taken: Any, total: int, n: int) -> Iterator[tuple[int, int]]:
    """(start, stop) of the stretches of records this process takes from the shared counter, until none is left."""
    while True:
        with taken.get_lock():
            start = taken.value
            if start >= total:
                return
            size = min(MAX_STRETCH, max(MIN_STRETCH, (total - start) // (STRETCH_SHARE * n)))
            taken.value = stop = min(total, start + size)
        yield start, stop


def _missing(answers: dict[int, list[Answer]], total: int) -> list[tuple[int, int]]:
    """(start, stop) of the records no stretch in ``answers`` covers."""
    out, at = [], 0
    for start in sorted(answers):
        if start > at:
            out.append((at, start))
        at = max(at, start + len(answers[start]))
    return out + ([(at, total)] if at < total else [])


def _receive(receiver: Connection, into: list[tuple[int, tuple]]) -> None:
    """Collect a worker's (start, packed answers) messages until it closes its end (done, or dead)."""
    try:
        while True:
            into.append(receiver.recv())
    except (EOFError, OSError):
        return


def _work(sender: Connection) -> None:
    """Resolve stretches of the job in a forked worker, sending each one's answers back packed as it is done. Ctrl-C
    is left to the parent process, which ends its workers; on an error the worker ends without answering the stretch
    and the parent resolves it itself (so the error, if it is one, is raised there)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    assert _JOB is not None
    geocoder, records, taken, n = _JOB
    with sender:
        for start, stop in _stretches(taken, len(records), n):
            sender.send((start, _pack(geocoder, resolve_share(geocoder, records[start:stop]))))


def _pack(geocoder: Geocoder, done: list[Resolved]) -> tuple:
    """Answers as plain values: (output values, footprint reference) each, a unit footprint referred to by (source,
    row, part) and any other geometry as an index into one WKB array."""
    units, loose, slots = geocoder.lookup.unit_parts(), [], {}

    def ref(geom: BaseGeometry | None) -> object:
        if geom is None or id(geom) in units:
            return None if geom is None else units[id(geom)]
        if id(geom) not in slots:
            slots[id(geom)] = len(loose)
            loose.append(geom)
        return slots[id(geom)]

    entries = [(out, ref(res.geometry)) for _, res, out in done]
    return entries, shapely.to_wkb(np.array(loose, dtype=object)) if loose else []


def _unpack(geocoder: Geocoder, packed: tuple) -> list[Answer]:
    """A worker's answers as (output values, footprint). They are not memoised in this process's resolver: the
    geocoder remembers the answers themselves, and rebuilding each Resolution cost ~2 us a name of serial time."""
    entries, wkb = packed
    loose = shapely.from_wkb(wkb).tolist() if len(wkb) else []
    lookup = geocoder.lookup

    def deref(ref: object) -> BaseGeometry | None:
        if ref is None or isinstance(ref, int):
            return None if ref is None else loose[ref]
        source, row, part = ref  # type: ignore[misc]
        return lookup.unit_footprint(source, row)[part]

    return [(answer, deref(geom_ref)) for answer, geom_ref in entries]
