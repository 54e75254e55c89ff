"""Scoring toponym recognition and resolution against a gold standard, as geoparsing evaluations do.

Gold texts mark each toponym inline: ``[[surface|answer]]``, where the answer is ``place:NAME,CC`` (the most
populous GeoNames place of that name in that country; ``place:NAME,CC,A1`` in that GeoNames admin-1 division,
e.g. ``place:Columbus,US,GA``), ``geonames:ID``, ``admin:ISO-3166-2`` (an admin-1
polygon), ``country:ISO3``, or ``-`` (a toponym with no location in incmap's data: scored for recognition
only). Recognition is scored leniently (a predicted span that overlaps a gold span matches it); acc@161 is
the share of matched toponyms resolved within 161 km of the gold place, or inside the gold polygon for a
region or country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.gazetteer.names import fold
from geo.geocoding.lookup import PlaceLookup
from geo.spatial.geodesy import geodesic_distance_km

GOLD_MARK = re.compile(r"\[\[([^|\]]+)\|([^\]]+)\]\]")
#: The distance (km) within which a resolved point counts as right: 100 miles, as in the literature.
ACCURACY_KM = 161.0


@dataclass(frozen=True)
class GoldSpan:
    """One annotated toponym: offsets in the plain text, its surface, and its answer."""

    start: int
    end: int
    text: str
    answer: str


@dataclass(frozen=True)
class Target:
    """Where a gold answer is: a point (places) or an area (regions, countries)."""

    point: Point | None
    area: BaseGeometry | None


@dataclass
class Scores:
    """Counts and rates of one evaluation; add Scores together to pool documents."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    resolvable: int = 0  # matched gold toponyms with an answer
    correct: int = 0  # ... resolved right (within 161 km, or inside the area)
    errors: list[str] = field(default_factory=list)

    def __add__(self, other: Scores) -> Scores:
        return Scores(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.resolvable + other.resolvable,
                      self.correct + other.correct, self.errors + other.errors)  # fmt: skip

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def acc161(self) -> float:
        return self.correct / self.resolvable if self.resolvable else 0.0

    def line(self) -> str:
        return (f"P {self.precision:.3f} R {self.recall:.3f} F1 {self.f1:.3f} (tp {self.tp}, fp {self.fp}, fn {self.fn}); "
                f"acc@161 {self.acc161:.3f} ({self.correct}/{self.resolvable})")  # fmt: skip


def parse_gold(marked: str) -> tuple[str, list[GoldSpan]]:
    """The plain text (marks removed) and the gold spans in it."""
    plain, spans, last = [], [], 0
    position = 0
    for m in GOLD_MARK.finditer(marked):
        plain.append(marked[last : m.start()])
        position += m.start() - last
        surface, answer = m.group(1), m.group(2).strip()
        spans.append(GoldSpan(position, position + len(surface), surface, answer))
        plain.append(surface)
        position += len(surface)
        last = m.end()
    plain.append(marked[last:])
    return "".join(plain), spans


def target(answer: str, lookup: PlaceLookup) -> Target | None:
    """Where an answer is, from the gazetteer and layers (never typed coordinates); None for ``-``.
    Raises ValueError for an answer the data does not have (a broken gold file)."""
    if answer == "-":
        return None
    kind, _, value = answer.partition(":")
    if kind == "country":
        row = lookup.country_codes.get(value)
        if row is None:
            raise ValueError(f"no country {value!r}")
        return Target(None, lookup.country_geoms[row])
    if kind == "admin":
        rows = np.flatnonzero(lookup.admin1_code == value)
        if not len(rows):
            raise ValueError(f"no admin-1 unit {value!r}")
        return Target(None, lookup.admin1_geoms[int(rows[0])])
    gaz = lookup.gaz
    if kind == "geonames":
        rows = np.flatnonzero(gaz.ids == f"geonames:{value}")
    elif kind == "place":
        name, country, *division = [part.strip() for part in value.split(",")]
        rows = [int(r) for r in gaz.lookup(fold(name)) if str(gaz.country[r]) == country
                and (not division or gaz.admin1[r] == f"{country}.{division[0]}")]  # fmt: skip
    else:
        raise ValueError(f"unknown answer kind {answer!r}")
    if not len(rows):
        raise ValueError(f"no gazetteer place for {answer!r}")
    row = int(rows[0])
    return Target(Point(float(gaz.lon[row]), float(gaz.lat[row])), None)


def score(predicted: list[dict], gold: list[GoldSpan], lookup: PlaceLookup, doc: str = "") -> Scores:
    """Lenient recognition scores and acc@161 for one document's predicted mentions (``--mentions`` records)."""
    result = Scores()
    used: set[int] = set()
    for g in gold:
        match = next((i for i, p in enumerate(predicted) if i not in used and p["start"] < g.end and g.start < p["end"]), None)
        if match is None:
            result.fn += 1
            result.errors.append(f"{doc}: missed {g.text!r}")
            continue
        used.add(match)
        result.tp += 1
        where = target(g.answer, lookup)
        if where is None:
            continue
        result.resolvable += 1
        p = predicted[match]
        if p.get("lat") is None:
            result.errors.append(f"{doc}: {g.text!r} found but not resolved")
            continue
        point = Point(p["lon"], p["lat"])
        if where.area is not None:
            right = bool(where.area.covers(point))
        else:
            right = float(geodesic_distance_km(point.x, point.y, where.point.x, where.point.y)) <= ACCURACY_KM
        result.correct += right
        if not right:
            result.errors.append(f"{doc}: {g.text!r} resolved to {p.get('gazetteer_id')} ({p['lat']:.2f}, {p['lon']:.2f}), gold {g.answer}")
    for i, p in enumerate(predicted):
        if i not in used and not any(p["start"] < g.end and g.start < p["end"] for g in gold):
            result.fp += 1
            result.errors.append(f"{doc}: spurious {p['text']!r}")
    return result
