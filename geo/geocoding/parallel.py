"""Resolving many distinct place names on every core: forked worker processes take a share of them each while this
process resolves its own, and their answers come back as they would have been made here.

Used by :meth:`geo.geocoding.Geocoder.geocode` for large inputs only (POOL_MIN distinct names; on Linux, where
``fork`` is safe with the native libraries loaded): the tables every process needs are loaded once before the fork,
and the answers' trip back costs about 0.5 s per 10^5 names. Workers inherit the geocoder and the records by ``fork``
(nothing is sent to them); admin-1 and country footprints come back by name, other geometries as one WKB array.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import fields
from multiprocessing.connection import Connection
from typing import Protocol

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.geocoding.lookup import PlaceLookup
from geo.geocoding.resolver import PlaceResolver, Resolution


class Geocoder(Protocol):
    """What the workers use of :class:`geo.geocoding.geocoder.Geocoder` (named here, not imported: it imports us)."""

    lookup: PlaceLookup
    resolver: PlaceResolver

    def output_fields(self, res: Resolution) -> dict: ...

#: Distinct place names (with their context fields) below which one process resolves them all.
POOL_MIN = 20_000
#: Processes at most (this one included).
MAX_PROCESSES = 8
#: Names a process readies at once (:meth:`PlaceResolver.prefetch`): each batched fuzzy pass converts its pools of keys
#: once per batch (at 10,000 a batch the conversions took half of the fuzzy passes); below the phrase cache's 50,000.
SHARE_CHUNK = 40_000
#: A process reports its progress after every this many names.
PROGRESS_STEP = 1_000
#: A Resolution's fields sent as they are (geometry and point go by reference; a memoised ranking is empty).
_PLAIN = tuple(f.name for f in fields(Resolution) if f.name not in ("geometry", "point", "ranking"))
#: What forked workers read: the geocoder and every process's share of the records (inherited, never pickled).
_JOB: tuple[Geocoder, list[list[dict]]] | None = None

Answer = tuple[dict, BaseGeometry | None]


def processes() -> int:
    """How many processes may resolve at once: the cores this process may use (1 off Linux: macOS forks unsafely)."""
    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, MAX_PROCESSES))


def resolve_named(geocoder: Geocoder, records: Sequence[dict], progress: Callable[[float], None] | None = None) -> list[Answer] | None:
    """(output fields, footprint) for each record (each naming a distinct place + context fields, with no coordinates,
    footprint or problems), as :meth:`Geocoder.geocode_record` makes them, shared among processes; every resolution
    is also memoised in ``geocoder``'s resolver. None when there are too few records or cores to pay for a fork.
    ``progress`` is told the share of this process's records done as it advances."""
    n = processes()
    if len(records) < POOL_MIN or n < 2:
        return None
    global _JOB
    geocoder.lookup.ready_for_bulk()
    owners = [j % n for j in range(len(records))]  # interleaved: each share gets its part of every stretch of input
    shares: list[list[dict]] = [[] for _ in range(n)]
    for record, owner in zip(records, owners):
        shares[owner].append(record)
    _JOB = (geocoder, shares)
    context, workers = multiprocessing.get_context("fork"), []
    try:
        for k in range(1, n):
            receiver, sender = context.Pipe(duplex=False)
            worker = context.Process(target=_work, args=(k, sender), name=f"incmap-geocode-{k}", daemon=True)
            worker.start()
            sender.close()
            workers.append((worker, receiver))
        answers = [[(fields, res.geometry) for _, res, fields in resolve_share(geocoder, shares[0], progress)]]
        for k, (_, receiver) in enumerate(workers, start=1):
            try:
                answers.append(_unpack(geocoder, receiver.recv()))
            except EOFError:  # the worker died (out of memory, killed): its share is resolved here, as alone
                answers.append([(fields, res.geometry) for _, res, fields in resolve_share(geocoder, shares[k])])
    finally:
        _JOB = None
        for worker, receiver in workers:  # none outlives the call (Ctrl-C, an error here)
            receiver.close()
            if worker.is_alive():
                worker.terminate()
            worker.join()
    taken = [iter(share) for share in answers]
    return [next(taken[owner]) for owner in owners]


def resolve_share(geocoder: Geocoder, records: Sequence[dict],
                  progress: Callable[[float], None] | None = None) -> list[tuple[tuple | None, Resolution, dict]]:  # fmt: skip
    """(memo key, resolution, output fields) of each record, their names' lookups made in bulk SHARE_CHUNK at a time
    (``progress``: told the share done every PROGRESS_STEP records)."""
    resolver, out = geocoder.resolver, []
    for start in range(0, len(records), SHARE_CHUNK):
        part = records[start : start + SHARE_CHUNK]
        resolver.prefetch(r.get("place") for r in part)
        for record in part:
            place = record.get("place")
            key, res = resolver.resolve_keyed(place if isinstance(place, str) else "", record)
            out.append((key, res, geocoder.output_fields(res)))
            if progress is not None and (len(out) % PROGRESS_STEP == 0 or len(out) == len(records)):
                progress(len(out) / len(records))
    return out


def _work(k: int, sender: Connection) -> None:
    """Resolve share ``k`` of the job in a forked worker and send the answers back packed. Ctrl-C is left to the parent
    process, which ends its workers; on an error the worker ends without answering and the parent resolves the share
    itself (so the error, if it is one, is raised there)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    assert _JOB is not None
    geocoder, shares = _JOB
    with sender:
        sender.send(_pack(geocoder, resolve_share(geocoder, shares[k])))


def _pack(geocoder: Geocoder, done: list[tuple[tuple | None, Resolution, dict]]) -> tuple:
    """Answers as plain values: unit footprints by (source, row, part), other geometries as indexes into one WKB
    array, and each point's admin-1 row (the parent's admin1_at asks again when a memoised answer is reused)."""
    units, loose, slots = geocoder.lookup.unit_parts(), [], {}

    def ref(geom: BaseGeometry | None) -> object:
        if geom is None or id(geom) in units:
            return None if geom is None else units[id(geom)]
        if id(geom) not in slots:
            slots[id(geom)] = len(loose)
            loose.append(geom)
        return slots[id(geom)]

    entries, points = [], []
    for key, res, out in done:
        entries.append((key, tuple(getattr(res, name) for name in _PLAIN), ref(res.geometry), ref(res.point), out))
        if res.point is not None:
            points.append((res.point.x, res.point.y, geocoder.lookup.admin1_at(res.point.x, res.point.y)))
    return entries, shapely.to_wkb(np.array(loose, dtype=object)) if loose else [], points


def _unpack(geocoder: Geocoder, packed: tuple) -> list[Answer]:
    """A worker's answers as (output fields, footprint), each resolution memoised here as if made here."""
    entries, wkb, points = packed
    loose = shapely.from_wkb(wkb) if len(wkb) else []
    lookup, out = geocoder.lookup, []

    def deref(ref: object) -> BaseGeometry | None:
        if ref is None or isinstance(ref, int):
            return None if ref is None else loose[ref]
        source, row, part = ref  # type: ignore[misc]
        return lookup.unit_footprint(source, row)[part]

    for key, values, geom_ref, point_ref, answer in entries:
        res = Resolution(**dict(zip(_PLAIN, values)), geometry=deref(geom_ref), point=deref(point_ref))
        if key is not None:
            geocoder.resolver.remember(key, res)
        out.append((answer, res.geometry))
    if points:
        lookup.remember_units([(x, y) for x, y, _ in points], [row for _, _, row in points])
    return out
