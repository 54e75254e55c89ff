"""Facts every bulk run looks up and no run changes: the admin-1 row of each gazetteer place, and the uncertainty
radius of each admin-1 unit and country and the admin-1 row of its point, kept in the user cache per (gazetteer,
layers).

Found one by one, they cost each process of a 10^5-name run about a second (containment tests for the places
candidates reach, a convex hull per unit chosen); read from the cache they cost milliseconds. They are computed by
the very functions the lookups use (:meth:`PlaceLookup.admin1_of`, :meth:`PlaceLookup.unit_uncertainty`), so an
answer is the same with or without them. A gazetteer that is not mapped from the cache gets none: its runs find
them as they go.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.gazetteer.index import Gazetteer
from geo.layers.files import ADMIN1_FILE, COUNTRIES_FILE
from geo.layers.load import Layers
from geo.layers.runtime import copy_path


class PlaceLookup(Protocol):
    """What the facts read of :class:`geo.geocoding.lookup.PlaceLookup` (named here, not imported: it imports us)."""

    layers: Layers
    gaz: Gazetteer
    admin1_names: list[str]
    country_iso3: Any
    coast_snap_deg: float

    def admin1_of(self, lons: Any, lats: Any, points: np.ndarray | None = None) -> np.ndarray: ...

    def unit_uncertainty(self, source: str, row: int) -> float: ...

    def unit_footprint(self, source: str, row: int) -> tuple[BaseGeometry, Point]: ...


#: Bumped when how a fact is computed changes (containment, coast snapping, uncertainty).
FORMAT = 2
PREFIX = "unit-facts-"
#: Fact files kept in the cache (one per gazetteer and layers pair in use).
KEEP = 3


@dataclass(frozen=True)
class UnitFacts:
    """``place_admin1[row]``: a gazetteer row's admin-1 row (-1 at sea); ``uncertainty[source][row]``: km;
    ``point_admin1[source][row]``: the admin-1 row of the unit's representative point (as admin1_at finds it)."""

    place_admin1: np.ndarray
    uncertainty: dict[str, np.ndarray]
    point_admin1: dict[str, np.ndarray]


def facts_path(lookup: PlaceLookup) -> Path | None:
    """Where the facts of this lookup's gazetteer and layers are kept (None: a gazetteer not from the cache)."""
    store = lookup.gaz.store
    if store is None:
        return None
    layers = [copy_path(lookup.layers.directory / name).name for name in (ADMIN1_FILE, COUNTRIES_FILE)]
    identity = [FORMAT, lookup.coast_snap_deg, str(store.resolve()), *layers]
    return Path(settings.CACHE_DIR) / f"{PREFIX}{hashlib.sha256(json.dumps(identity).encode()).hexdigest()[:20]}.npz"


def compute(lookup: PlaceLookup) -> UnitFacts:
    """The facts, found by the lookup's own functions (about 1.2 s)."""
    gaz = lookup.gaz
    place_admin1 = lookup.admin1_of(gaz.lon, gaz.lat).astype(np.int32)
    uncertainty, point_admin1 = {}, {}
    for source, count in (("admin1", len(lookup.admin1_names)), ("country", len(lookup.country_iso3))):
        uncertainty[source] = np.array([lookup.unit_uncertainty(source, row) for row in range(count)], dtype=np.float64)
        points = [lookup.unit_footprint(source, row)[1] for row in range(count)]
        point_admin1[source] = lookup.admin1_of([p.x for p in points], [p.y for p in points]).astype(np.int32)
    return UnitFacts(place_admin1, uncertainty, point_admin1)


def load(lookup: PlaceLookup) -> UnitFacts | None:
    """The facts from the cache, computed and kept there first if missing or unreadable; None for a gazetteer not
    from the cache. An unwritable cache only costs the computing."""
    path = facts_path(lookup)
    if path is None:
        return None
    with contextlib.suppress(OSError, ValueError, KeyError):
        with np.load(path, allow_pickle=False) as stored:
            facts = UnitFacts(stored["place_admin1"], {"admin1": stored["admin1"], "country": stored["country"]},
                              {"admin1": stored["admin1_point"], "country": stored["country_point"]})  # fmt: skip
        if len(facts.place_admin1) == len(lookup.gaz) and len(facts.uncertainty["admin1"]) == len(lookup.admin1_names):
            return facts
    facts = compute(lookup)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            np.savez(handle, place_admin1=facts.place_admin1, admin1=facts.uncertainty["admin1"], country=facts.uncertainty["country"],
                     admin1_point=facts.point_admin1["admin1"], country_point=facts.point_admin1["country"])  # fmt: skip
        os.replace(tmp, path)
        for old in sorted(path.parent.glob(f"{PREFIX}*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP:]:
            if old != path:
                old.unlink(missing_ok=True)
    return facts
