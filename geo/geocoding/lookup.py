"""Candidate lookup: every place a folded name may denote, in the gazetteer, the admin-1 layer and the countries.

Lookup finds and describes candidates (where they are, in which unit, how well the name matched);
it does not rank them: that is :mod:`geo.geocoding.ranking`.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.gazetteer.countries import iso2_to_iso3
from geo.gazetteer.districts import load_districts
from geo.gazetteer.index import Gazetteer
from geo.gazetteer.names import cached_variant_key, fold
from geo.geocoding import unit_facts
from geo.geocoding.admin_names import NameHit, NameIndex, country_code_lookup, name_indexes
from geo.geocoding.footprint import representative_point, uncertainty_km
from geo.layers.load import Layers

#: Points outside every admin-1 polygon (coasts drawn at 1:10m) take the nearest unit within this many degrees (~5 km).
COAST_SNAP_DEG = 0.05
#: Candidates from one source considered per name (most populous first within a key).
MAX_PER_KEY = 40
#: Minimum rapidfuzz ratio for a fuzzy name match, and the shortest name fuzzy matching is tried on.
FUZZY_CUTOFF = 88.0
FUZZY_MIN_LEN = 6
#: Variant keys shorter than this are too unspecific to match on.
MIN_VARIANT_LEN = 3
#: A fuzzy cutoff no score reaches: exact and variant spellings only.
NO_FUZZY = 101.0
#: Importance given to admin-1 units and countries when competing with gazetteer places.
ADMIN1_IMPORTANCE_POP, COUNTRY_IMPORTANCE_POP = 100_000, 30_000_000
#: Admin and country name hits below this quality came by a variant key or fuzzily (see geo.geocoding.admin_names).
VARIANT_QUALITY_FLOOR = 0.95
#: A looser spelling competes with an exact one only when its place is this many times more populous.
LOOSE_MATCH_FACTOR = 10
#: Name-match quality of an alternate (old, foreign-language) name; lower when the name is a common place name of its own:
#: at least GENERIC_NAME_PLACES places of the same country bear it as their primary name ("Oleksandrivka", once a name of
#: Donetsk, means one of Ukraine's villages; "Odessa" still means Odesa, though towns in Texas bear the name).
ALTERNATE_QUALITY, ALTERNATE_OF_GENERIC_QUALITY, GENERIC_NAME_PLACES = 0.9, 0.7, 3
#: Name-match quality of a district found by a stem of its name; how many gazetteer places vote on a region's unit.
DISTRICT_QUALITY, ADMIN1_VOTERS = 0.95, 200
#: How many names' candidate lists are remembered.
FIND_CACHE_SIZE = 20_000
#: How many points' admin-1 units are remembered (gazetteer places looked up, points asked about).
POINT_CACHE_SIZE = 200_000
#: Every source a name is looked up in.
ALL_SOURCES = ("gazetteer", "admin1", "country")

#: Russian/Ukrainian/Kazakh case endings (transliterated, folded) and the nominative endings they may stand for.
CASE_ENDINGS = {"ogo": ("", "oe", "ii"), "omu": ("",), "om": ("", "o"), "oi": ("a", "", "aia"), "ei": ("ia", "", "aia"), "ami": ("",),
                "akh": ("",), "e": ("", "a", "ia", "o"), "i": ("", "a", "ia"), "u": ("", "a", "o"), "y": ("", "a"), "a": ("",),
                "ia": ("",), "iu": ("ia",)}  # fmt: skip
MIN_STEM_LEN = 4
#: Name-match quality of a place found by undoing a case ending.
INFLECTED_QUALITY = 0.85


class Place(NamedTuple):
    """A gazetteer row as candidates describe it, read once: its admin-1 row and sovereign state found, its Point made."""

    name: str
    gid: str
    iso2: str
    lon: float
    lat: float
    population: int
    fcode: str
    admin_row: int  # -1 outside every unit
    iso3: str
    point: Point  # its footprint when read as written


@dataclass
class Candidate:
    """One place a name may refer to, with where it is and (once ranked) why it scores as it does."""

    source: str  # "gazetteer" | "admin1" | "country" | "district" (a second-level unit: name and parent region only)
    row: int
    name: str
    gid: str
    country: str  # ISO3 of the sovereign state ("" unknown)
    admin1_row: int  # row in the admin-1 layer (-1 unknown)
    lon: float
    lat: float
    population: int = 0
    fcode: str = ""
    quality: float = 0.0
    loose: bool = False  # reached by a looser spelling (variant key, case ending, fuzzy), not as written or by an alternate name
    fuzzy: bool = False  # reached only by a misspelling-tolerant match (no spelling of the name matched anything)
    base: float = 0.0  # name match + importance, before any context
    score: float = 0.0
    why: list[str] = field(default_factory=list)

    def summary(self, admin1_names: Sequence[str]) -> dict:
        """The compact form written into ``candidates``."""
        region = admin1_names[self.admin1_row] if self.admin1_row >= 0 else None
        return {"name": self.name, "country": self.country or None, "admin1": region, "id": self.gid,
                "score": round(self.score, 3), "lat": round(self.lat, 5), "lon": round(self.lon, 5)}  # fmt: skip


def inflection_stems(folded: str) -> list[str]:
    """Nominative guesses for an inflected last word ("v uralske" style text folded to "uralske")."""
    head, _, last = folded.rpartition(" ")
    out = []
    for ending, replacements in CASE_ENDINGS.items():
        if last.endswith(ending) and len(last) - len(ending) >= MIN_STEM_LEN:
            for repl in replacements:
                stem = last[: len(last) - len(ending)] + repl
                out.append(f"{head} {stem}".strip())
    return list(dict.fromkeys(out))


def _fresh(cand: Candidate) -> Candidate:
    """A copy of a remembered candidate that ranking may score (a shallow copy: far cheaper than dataclasses.replace)."""
    copy = object.__new__(Candidate)
    copy.__dict__.update(cand.__dict__)
    copy.why = []
    return copy


def _spelling_first(cands: list[Candidate]) -> list[Candidate]:
    """Candidates spelt as written (or by an alternate name) before those reached only by a looser spelling
    (variant key, case ending): a looser match stays only when it is a far bigger place ("Taiwan" is not Taiyuan)."""
    exact = [c for c in cands if not c.loose]
    if not exact or len(exact) == len(cands):
        return cands
    biggest = max(c.population for c in exact)
    return [c for c in cands if not c.loose or c.population > LOOSE_MATCH_FACTOR * biggest]


def gazetteer_rows(gaz: Gazetteer, folded: str, fuzzy: bool = True) -> list[tuple[int, float]]:
    """(row, name-match quality) for a folded name: exact 1.0, variant 0.92, inflected 0.85, fuzzy <= 0.8."""
    found = spelled_rows(gaz, folded)
    if found or not fuzzy:
        return found
    return fuzzy_rows(gaz, folded)


def spelled_rows(gaz: Gazetteer, folded: str, vkey: str | None = None, stems: list[str] | None = None) -> list[tuple[int, float]]:
    """:func:`gazetteer_rows` without misspellings: the name as written, its variant key and its case endings undone
    (``vkey`` and ``stems``: its variant_key() and inflection_stems(), when found already)."""
    found: dict[int, float] = dict.fromkeys(gaz.lookup(folded)[:MAX_PER_KEY].tolist(), 1.0)
    vkey = cached_variant_key(folded) if vkey is None else vkey
    if len(vkey) >= MIN_VARIANT_LEN:  # "kkkkkk" collapses to "k": no evidence of any place
        for row in gaz.lookup_variant(vkey)[:MAX_PER_KEY].tolist():
            found.setdefault(row, 0.92)
    for stem in inflection_stems(folded) if stems is None else stems:  # "uralske" (в Уральске) -> "uralsk"; weaker than a spelling as given
        for row in gaz.lookup(stem)[:MAX_PER_KEY].tolist():
            found.setdefault(row, INFLECTED_QUALITY)
    return list(found.items())


def fuzzy_rows(gaz: Gazetteer, folded: str) -> list[tuple[int, float]]:
    """Rows a misspelt name reaches (no spelling of it matched): fuzzy keys' rows, quality <= 0.8."""
    found: dict[int, float] = {}
    if len(folded) < FUZZY_MIN_LEN:
        return []
    for key, score in gaz.fuzzy_index().extract(folded, FUZZY_CUTOFF):
        for row in gaz.lookup(key)[:MAX_PER_KEY].tolist():
            found.setdefault(row, 0.8 * score / 100.0)
    return list(found.items())


class PlaceLookup:
    """The gazetteer and the admin layers as one place to look names up: candidates, units, containment.

    ``gazetteer`` may be a function that loads it: then it is loaded only when a name is first looked up."""

    coast_snap_deg = COAST_SNAP_DEG  # how far containment reaches offshore (a fact the cached unit facts depend on)

    def __init__(self, layers: Layers, gazetteer: Gazetteer | Callable[[], Gazetteer]) -> None:
        self.layers = layers
        self._gazetteer = gazetteer
        admin1, countries = layers.admin1_table, layers.countries_table  # numpy columns: no pandas on this path
        self.country_codes = country_code_lookup(countries)
        self.admin1_names = [next((v for v in (n, m, f"{a} (unnamed unit)") if isinstance(v, str)), "")
                             for n, m, a in zip(admin1["name_en"], admin1["name"], admin1["admin"])]  # fmt: skip
        self.admin1_iso3 = admin1["iso3"]
        self.admin1_code = admin1["iso_3166_2"]
        self.admin1_geoms = admin1.geometry
        label_lon, label_lat = admin1["longitude"].astype(float), admin1["latitude"].astype(float)
        labels = shapely.points(label_lon, label_lat)  # in one call (a Point apiece took 30 ms of every start)
        self.admin1_label = [pt if ok else None for pt, ok in zip(labels, (np.isfinite(label_lon) & np.isfinite(label_lat)).tolist())]
        self.country_iso3 = countries["iso3"]
        self.country_names = countries["name"]
        self.admin1_tree = shapely.STRtree(self.admin1_geoms)
        shapely.prepare(self.admin1_geoms)  # GEOS builds each polygon's index on its first containment test
        self._sovereigns = set(self.country_codes)
        self._places: dict[int, Place] = {}  # gazetteer rows described once (candidates' places)
        self._spelled: dict[str, list[tuple[int, float]]] = {}  # spelled_rows() of names prefetch() looked up
        self._footprints: dict[tuple[str, int], tuple[BaseGeometry, Point]] = {}
        self._uncertainty: dict[tuple[str, int], float] = {}
        self._found: OrderedDict[tuple[str, tuple[str, ...]], list[Candidate]] = OrderedDict()
        self._admin1_at: dict[tuple[float, float], int] = {}
        self._admin1_batch: dict[tuple[float, float], int] = {}
        self.admin1_gn_code = admin1["gn_a1_code"] if "gn_a1_code" in admin1 else np.array([], dtype=object)
        self._admin1_by_key: dict[str, int] = {}
        self._prefetched: set[str] = set()  # names whose lookups :meth:`prefetch` made ready
        self._facts: unit_facts.UnitFacts | None = None  # places' units and units' radii, read by ready_for_bulk()

    @cached_property
    def _name_indexes(self) -> tuple[NameIndex, NameIndex]:
        """The admin-1 and country name indexes, read from the user cache when a name is first looked up (records with
        given coordinates never need them: 0.04 s of a map of given points)."""
        return name_indexes(self.layers)

    @property
    def admin1_index(self) -> NameIndex:
        """Admin-1 units by every name they go by."""
        return self._name_indexes[0]

    @property
    def country_index(self) -> NameIndex:
        """Countries by every name they go by."""
        return self._name_indexes[1]

    @cached_property
    def _unit_fields(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(country, admin1, admin1_code) as the output writes them per admin-1 row, with None last (for row -1)."""
        country = np.array([str(c) or None for c in self.admin1_iso3.tolist()] + [None], dtype=object)
        codes = np.array([c if isinstance(c, str) else None for c in self.admin1_code.tolist()] + [None], dtype=object)
        return country, np.array([*self.admin1_names, None], dtype=object), codes

    @cached_property
    def unit_row_fields(self) -> list[tuple[str | None, str | None, str | None]]:
        """(country, admin1, admin1_code) as the output writes them, by admin-1 row; the last entry (row -1) is at sea."""
        return list(zip(*(column.tolist() for column in self._unit_fields)))

    def unit_fields(self, rows: np.ndarray) -> tuple[list, list, list]:
        """The output's country, admin1 and admin1_code columns for admin-1 ``rows`` (-1: at sea, none)."""
        at = np.where(rows >= 0, rows, len(self.admin1_names))
        return tuple(column[at].tolist() for column in self._unit_fields)  # type: ignore[return-value]

    @cached_property
    def country_geoms(self) -> np.ndarray:
        """Country outlines (decoded when a country is first a candidate)."""
        return self.layers.countries_table.geometry

    @cached_property
    def gaz(self) -> Gazetteer:
        """The gazetteer (loaded on first use when given as a loader)."""
        return self._gazetteer if isinstance(self._gazetteer, Gazetteer) else self._gazetteer()

    # ------------------------------------------------------------------ containment

    def admin1_of(self, lons, lats, points: np.ndarray | None = None) -> np.ndarray:
        """Admin-1 row containing each point (-1 at sea); coastal points snap to the unit within ~5 km. Candidates come
        from the tree's boxes and are tested against prepared polygons (10^5 points: 0.07 s; the tree's own "within"
        predicate leaves the polygons unprepared and took 0.63 s)."""
        xs, ys = np.asarray(lons, float), np.asarray(lats, float)
        points = shapely.points(xs, ys) if points is None else points  # ``points``: these as shapely Points, when made already
        result = np.full(len(points), -1, dtype=np.int64)
        inp, tree = self.admin1_tree.query(points)
        inside = shapely.contains_xy(self.admin1_geoms[tree], xs[inp], ys[inp])
        result[inp[inside]] = tree[inside]
        missing = np.flatnonzero(result < 0)
        if len(missing):  # the nearest unit within COAST_SNAP_DEG (ties: the lower row), found among prepared polygons
            x, y, pts = xs[missing], ys[missing], points[missing]
            inp, tree = self.admin1_tree.query(shapely.box(x - COAST_SNAP_DEG, y - COAST_SNAP_DEG, x + COAST_SNAP_DEG, y + COAST_SNAP_DEG))
            near = shapely.dwithin(self.admin1_geoms[tree], pts[inp], COAST_SNAP_DEG)
            inp, tree = inp[near], tree[near]
            order = np.lexsort((tree, shapely.distance(self.admin1_geoms[tree], pts[inp]), inp))
            inp, tree = inp[order], tree[order]
            first = np.r_[True, inp[1:] != inp[:-1]] if len(inp) else np.zeros(0, dtype=bool)
            result[missing[inp[first]]] = tree[first]
        return result

    def admin1_at(self, lon: float, lat: float) -> int:
        """:meth:`admin1_of` for one point, remembered (the same places are asked about again and again)."""
        key = (lon, lat)
        row = self._admin1_batch.get(key)
        if row is not None:
            return row
        row = self._admin1_at.get(key)
        if row is None:
            row = int(self.admin1_of([lon], [lat])[0])
            self.remember_units([key], [row])
        return row

    def remember_units(self, points: list[tuple[float, float]], rows: list[int]) -> None:
        """Remember the admin-1 rows of these (lon, lat) points for :meth:`admin1_at` (forgetting all past
        POINT_CACHE_SIZE)."""
        if len(self._admin1_at) + len(points) > POINT_CACHE_SIZE:
            self._admin1_at.clear()
        self._admin1_at.update(zip(points, rows))

    @contextmanager
    def admin1_batch(self, lons: Sequence[float], lats: Sequence[float], rows: np.ndarray | None = None) -> Iterator[None]:
        """Answer :meth:`admin1_at` for these points from one vectorised query while the block runs (records that come
        with coordinates: 10^5 one-point queries took 4.5 s, one query of 10^5 points takes a fraction of that);
        ``rows``: their units when already known."""
        if len(lons):
            found = self.admin1_of(lons, lats) if rows is None else rows
            self._admin1_batch = dict(zip(zip(map(float, lons), map(float, lats)), found.tolist()))
        try:
            yield
        finally:
            self._admin1_batch = {}

    def prefetch(self, names: Iterable[str]) -> None:
        """Ready the lookups a batch of folded names will make (records geocoded in bulk): misspelt names matched in one
        batched fuzzy pass, and the admin-1 unit of every gazetteer place the names reach found in one containment
        query instead of one query per name. Answers are the same as without it."""
        gaz, rows, unmatched = self.gaz, [], []
        if len(self._prefetched) > POINT_CACHE_SIZE:
            self._prefetched.clear()
        self._spelled.clear()  # kept for the batch at hand only (names looked up again hit the find cache)
        todo = [name for name in dict.fromkeys(names) if name not in self._prefetched]
        self._prefetched.update(todo)
        variants, stems = [cached_variant_key(name) for name in todo], [inflection_stems(name) for name in todo]
        gaz.names_index.find_many([*todo, *(stem for some in stems for stem in some)])  # every spelling's key, at once
        gaz.variants_index.find_many(variants)
        for name, vkey, some in zip(todo, variants, stems):
            hits = self._spelled[name] = spelled_rows(gaz, name, vkey, some)
            rows += [r for r, _ in hits]
            if not hits:
                unmatched.append(name)
        misspelt = [name for name in unmatched if len(name) >= FUZZY_MIN_LEN]
        if misspelt:
            index = gaz.fuzzy_index()
            index.prefetch(misspelt, FUZZY_CUTOFF)
            gaz.names_index.find_many(key for name in misspelt for key, _ in index.extract(name, FUZZY_CUTOFF))
            rows += [r for name in misspelt for r, _ in fuzzy_rows(gaz, name)]
        for names_index in (self.admin1_index, self.country_index):  # a name no place bears is looked for among units too
            names_index.prefetch_fuzzy(unmatched, FUZZY_CUTOFF)
        self._gazetteer_admin1(rows)

    def ready_for_bulk(self) -> None:
        """Load now what resolving many names loads on the way (the district table, the unit name indexes, the heads of
        the name and variant indexes' keys that searches for many keys at once use, the places' units and units' radii
        from the cache), so that worker processes forked next share it instead of each loading or finding its own."""
        load_districts()
        self._name_indexes  # noqa: B018 - read now, shared with the workers
        if self._facts is None:
            self._facts = unit_facts.load(self)
        self.gaz.names_index.heads()
        self.gaz.variants_index.heads()

    def _gazetteer_admin1(self, rows: Iterable[int]) -> None:
        """Describe the gazetteer places not seen before (:class:`Place`: admin-1 row, sovereign state, Point), each
        column read for all of them at once (a row at a time, the columns took 5 us a candidate)."""
        known = self._places
        todo = list(dict.fromkeys(r for r in rows if r not in known))
        if todo:
            gaz = self.gaz
            lon, lat = gaz.lon[todo], gaz.lat[todo]
            points = shapely.points(lon, lat)  # in one call: a Point apiece, made when a place is chosen, cost 13 us
            facts = self._facts
            found = facts.place_admin1[todo].tolist() if facts is not None else self.admin1_of(lon, lat, points).tolist()
            lons, lats = lon.tolist(), lat.tolist()
            iso2 = gaz.country[todo].tolist()
            iso3 = [self.country_of(a, c) for a, c in zip(found, iso2)]
            known.update(zip(todo, map(Place._make, zip(gaz.names.take(todo), gaz.ids.take(todo), iso2, lons, lats, gaz.population[todo].tolist(),
                                                        gaz.fcode[todo].tolist(), found, iso3, points.tolist()))))  # fmt: skip

    def place_point(self, row: int) -> Point | None:
        """The Point of a gazetteer place described before (a candidate's), else None."""
        place = self._places.get(row)
        return None if place is None else place.point

    def _spelled_rows(self, folded: str) -> list[tuple[int, float]]:
        """:func:`spelled_rows`, as :meth:`prefetch` found it when it did."""
        hits = self._spelled.get(folded)
        return spelled_rows(self.gaz, folded) if hits is None else hits

    def country_of(self, admin_row: int, fallback_iso2: str = "") -> str:
        """Sovereign ISO3 from the admin-1 layer (de jure), else from the gazetteer's ISO2 when it is a sovereign."""
        if admin_row >= 0:
            return str(self.admin1_iso3[admin_row])
        iso3 = iso2_to_iso3().get(fallback_iso2, "")
        return iso3 if iso3 in self._sovereigns else ""

    def countries_named(self, value: str) -> set[str]:
        """ISO3 codes a country hint names (code or name in any language the layers know)."""
        code = value.strip().upper()
        if code in self.country_codes:
            return {str(self.country_iso3[self.country_codes[code]])}
        return {str(self.country_iso3[h.row]) for h in self.country_index.find(fold(value), fuzzy_cutoff=NO_FUZZY) if h.quality >= 0.9}

    # ------------------------------------------------------------------ admin units

    def district_candidates(self, folded: str) -> list[Candidate]:
        """Districts ``folded`` may name (:mod:`geo.gazetteer.districts`), each placed at its parent region's point;
        districts whose region the layers cannot place are left out."""
        table = load_districts()
        out = []
        for row in table.find(folded):
            admin_row = self.admin1_row_of_key(table.admin1_keys[row])
            if admin_row < 0:
                continue
            pt = self.unit_footprint("admin1", admin_row)[1]
            out.append(Candidate("district", row, table.names[row], f"geonames:{table.geonames_ids[row]}", str(self.admin1_iso3[admin_row]),
                                 admin_row, pt.x, pt.y, 0, "ADM2", DISTRICT_QUALITY))  # fmt: skip
        return out

    def admin1_row_of_key(self, key: str) -> int:
        """Admin-1 row of a GeoNames admin-1 key ("KZ.07"): the unit holding most gazetteer places with that key,
        else the unit Natural Earth gives that GeoNames code (its codes lag behind GeoNames in places, and it gives
        New South Wales' code to Lord Howe Island too); -1 unknown. Remembered."""
        row = self._admin1_by_key.get(key)
        if row is None:
            places = np.flatnonzero(self.gaz.admin1 == key)[:ADMIN1_VOTERS]
            self._gazetteer_admin1(places.tolist())
            votes = Counter(r for r in (self._places[int(p)].admin_row for p in places) if r >= 0)
            coded = [i for i, code in enumerate(self.admin1_gn_code) if code == key]
            row = votes.most_common(1)[0][0] if votes else (coded[0] if len(coded) == 1 else -1)
            self._admin1_by_key[key] = row
        return row

    def unit_footprint(self, source: str, row: int) -> tuple[BaseGeometry, Point]:
        """(geometry, representative point) of an admin-1 unit or country, cached (every candidate needs it)."""
        key = (source, row)
        if key not in self._footprints:
            if source == "admin1":
                geom, pt = self.admin1_geoms[row], representative_point(self.admin1_geoms[row], self.admin1_label[row])
            else:
                geom = self.country_geoms[row]
                pt = representative_point(geom)
            self._footprints[key] = (geom, pt)
        return self._footprints[key]

    def unit_parts(self) -> dict[int, tuple[str, int, int]]:
        """The unit footprints made so far, by the id() of each part: (source, row, 0 for the geometry or 1 for its
        point), so a worker process can name a footprint the parent process makes alike instead of sending it."""
        return {id(part): (source, row, i) for (source, row), parts in self._footprints.items() for i, part in enumerate(parts)}

    def unit_uncertainty(self, source: str, row: int) -> float:
        """Uncertainty radius (km) of an admin-1 unit or country, computed only for units that are chosen."""
        if self._facts is not None:
            return float(self._facts.uncertainty[source][row])
        key = (source, row)
        if key not in self._uncertainty:
            self._uncertainty[key] = uncertainty_km(*self.unit_footprint(source, row))
        return self._uncertainty[key]

    def unit_admin1(self, source: str, row: int) -> int | None:
        """The admin-1 row of a unit's representative point, when the cached facts hold it (else None: ask
        :meth:`admin1_at`)."""
        return int(self._facts.point_admin1[source][row]) if self._facts is not None else None

    def unit_label(self, source: str, row: int) -> tuple[str, str | None]:
        """(name, identifier) of an admin-1 unit (ISO 3166-2 code) or a country (ISO3)."""
        if source == "admin1":
            code = self.admin1_code[row]
            return self.admin1_names[row], code if isinstance(code, str) else None
        return str(self.country_names[row]), str(self.country_iso3[row])

    # ------------------------------------------------------------------ candidates

    def find(self, folded: str, sources: Sequence[str] = ALL_SOURCES) -> list[Candidate]:
        """Every place ``folded`` may name in ``sources`` (unranked; fresh objects the caller may score);
        misspellings only when no spelling matches. Remembered for the most recent names (news repeats them)."""
        key = (folded, tuple(sources))
        found = self._found.get(key)
        if found is None:
            found = self._find(folded, sources)
            if len(self._found) >= FIND_CACHE_SIZE:  # the oldest goes (O(1) here: a dict's first key is found by
                self._found.popitem(last=False)  # skipping the slots of those deleted before it, 3% of bulk geocoding)
            self._found[key] = found
        return [_fresh(c) for c in found]

    def _find(self, folded: str, sources: Sequence[str]) -> list[Candidate]:
        out: list[Candidate] = []
        if "gazetteer" in sources:
            out += self.gazetteer_candidates(folded, self._spelled_rows(folded))
        if "admin1" in sources:
            out += self.admin1_candidates(self.admin1_index.find(folded, fuzzy_cutoff=NO_FUZZY))
        if "country" in sources:
            out += self.country_candidates(self.country_index.find(folded, fuzzy_cutoff=NO_FUZZY))
        if out:
            return _spelling_first(out)
        if "gazetteer" in sources:
            out += self.gazetteer_candidates(folded, fuzzy_rows(self.gaz, folded))
        if "admin1" in sources:
            out += self.admin1_candidates(self.admin1_index.find(folded))
        if "country" in sources:
            out += self.country_candidates(self.country_index.find(folded))
        for cand in out:
            cand.fuzzy = True  # no spelling of the name matched anything: these are a misspelling's neighbours
        return out

    def gazetteer_candidates(self, folded: str, hits: list[tuple[int, float]]) -> list[Candidate]:
        """Candidates for gazetteer rows (with their admin-1 unit and sovereign state)."""
        if not hits:
            return []
        self._gazetteer_admin1(r for r, _ in hits)
        gaz = self.gaz
        exact = set(gaz.lookup(folded).tolist())
        key, name_keys = gaz.names_index.position(folded), gaz.name_keys  # a row's primary name is ``folded`` when its key is
        bearers: Counter[str] | None = None
        places, out = self._places, []
        for row, quality in hits:
            name, gid, iso2, lon, lat, population, fcode, admin_row, iso3, _ = places[row]
            if quality == 1.0 and name_keys[row] != key:  # matched an alternate name, not the primary one
                # A name many places bear as their own ("Oleksandrivka") means one of them, not the city it once was.
                if bearers is None:  # the places bearing it as their primary name, by country (read once per name)
                    bearers = Counter(str(gaz.country[r]) for r in exact if name_keys[r] == key)
                quality = ALTERNATE_OF_GENERIC_QUALITY if bearers[iso2] >= GENERIC_NAME_PLACES else ALTERNATE_QUALITY
            out.append(Candidate("gazetteer", row, name, gid, iso3, admin_row, lon, lat, population, fcode, quality, loose=row not in exact))
        return out

    def admin1_candidates(self, hits: Iterable[NameHit]) -> list[Candidate]:
        """Candidates for admin-1 units (point: Natural Earth's label point when inside)."""
        out = []
        for hit in hits:
            cand = self.admin1_candidate(hit.row, hit.quality)
            cand.loose = hit.quality < VARIANT_QUALITY_FLOOR
            out.append(cand)
        return out

    def admin1_candidate(self, row: int, quality: float) -> Candidate:
        """One admin-1 unit as a candidate."""
        pt = self.unit_footprint("admin1", row)[1]
        code = self.admin1_code[row]
        return Candidate("admin1", row, self.admin1_names[row], code if isinstance(code, str) else f"admin1:{row}",
                         str(self.admin1_iso3[row]), row, pt.x, pt.y, ADMIN1_IMPORTANCE_POP, "ADM1", quality)  # fmt: skip

    def country_candidates(self, hits: Iterable[NameHit]) -> list[Candidate]:
        """Candidates for countries."""
        out = []
        for hit in hits:
            pt = self.unit_footprint("country", hit.row)[1]
            iso3 = str(self.country_iso3[hit.row])
            out.append(Candidate("country", hit.row, str(self.country_names[hit.row]), iso3, iso3, -1, pt.x, pt.y,
                                 COUNTRY_IMPORTANCE_POP, "PCLI", hit.quality, loose=hit.quality < VARIANT_QUALITY_FLOOR))  # fmt: skip
        return out
