"""Where a place name becomes a footprint: the offline resolver behind :class:`geo.geocode.Geocoder`.

read phrase (:mod:`geo.phrases`) -> gather candidates (gazetteer, admin-1, countries) ->
rank by context (:mod:`geo.candidates`) -> build the footprint (:mod:`geo.footprint`) ->
attach precision (UCDP ``where_prec``), uncertainty, confidence and the alternatives.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.admin_names import country_code_lookup, name_indexes
from geo.candidates import MIN_SCORE, Candidate, Context, agreeing, confidence, favour_namesake_seats, gazetteer_rows, score
from geo.context import read_context
from geo.footprint import geodesic_circle, great_circle_line, representative_point, uncertainty_km
from geo.geodesy import M_PER_KM, geodesic_distance_km, wgs84
from geo.phrases import Interpretation, Kind, parse
from geo.precision import DISTRICT_RADIUS_KM, NEAR_RADIUS_KM, WherePrec
from geo.textnorm import fold

#: Name-match quality below which a match is a fuzzy guess (a misspelling) rather than a known spelling.
FUZZY_TRUST = 0.85
#: A runner-up within this score of the best, and elsewhere, makes the result ambiguous.
AMBIGUITY_MARGIN = 0.06
#: Two candidates closer than this (km) are the same place for ambiguity purposes.
SAME_PLACE_KM = 25.0
#: Radius (km) assumed for a natural area named after a place ("X steppe").
AREA_RADIUS_KM = 50.0
#: A fuzzy cutoff no score reaches: exact and variant spellings only.
NO_FUZZY = 101.0
#: Longest name (characters) worth looking up; longer text is not a place name.
MAX_NAME_LEN = 200
#: Confidence of a record located only by its region or country hint.
HINT_FALLBACK_CONFIDENCE = 0.3
#: How many alternatives are written into ``candidates``.
N_ALTERNATIVES = 5

#: Importance given to admin-1 units and countries when competing with gazetteer places.
ADMIN1_IMPORTANCE_POP, COUNTRY_IMPORTANCE_POP = 100_000, 30_000_000


@dataclass
class Resolution:
    """The outcome for one place phrase: footprint and everything said about it."""

    status: str
    geometry: BaseGeometry | None = None
    point: Point | None = None
    where_prec: WherePrec | None = None
    matched_name: str | None = None
    gazetteer_id: str | None = None
    confidence: float = 0.0
    candidates: list[dict] = field(default_factory=list)
    reason: str | None = None
    approximate: bool = False
    uncertainty_km: float | None = None  # known in advance for admin-1 units and countries (cached)


class PlaceResolver:
    """Place names to footprints over a gazetteer and the boundary layers; memoises repeated phrases."""

    def __init__(self, layers=None, gazetteer=None, extra_gazetteers: Sequence = (), progress: bool = False) -> None:
        from geo.gazetteer import load_gazetteer
        from geo.layers import load_layers

        self.layers = layers if layers is not None else load_layers()
        self.gaz = gazetteer if gazetteer is not None else load_gazetteer(extra_gazetteers, progress=progress)
        admin1, countries = self.layers.admin1, self.layers.countries
        self.admin1_index, self.country_index = name_indexes(self.layers)
        self.country_codes = country_code_lookup(countries)
        self.admin1_names = [next((v for v in (n, m, f"{a} (unnamed unit)") if isinstance(v, str)), "")
                             for n, m, a in zip(admin1["name_en"], admin1["name"], admin1["admin"])]  # fmt: skip
        self.admin1_iso3 = admin1["iso3"].to_numpy()
        self.admin1_code = admin1["iso_3166_2"].to_numpy()
        self.admin1_geoms = admin1.geometry.values
        self.admin1_label = [Point(lon, lat) if np.isfinite(lon) and np.isfinite(lat) else None
                             for lon, lat in zip(admin1["longitude"], admin1["latitude"])]  # fmt: skip
        self.country_iso3 = countries["iso3"].to_numpy()
        self.country_names = countries["name"].to_numpy()
        self.country_geoms = countries.geometry.values
        self.admin1_tree = shapely.STRtree(self.admin1_geoms)
        self._iso2_iso3 = {iso2: iso3 for iso2, iso3 in zip(countries["iso2"], countries["iso3"]) if isinstance(iso2, str)}
        self._gaz_admin: dict[int, int] = {}
        self._memo: dict[tuple, Resolution] = {}
        self._footprint_cache: dict[tuple, tuple[BaseGeometry, Point]] = {}
        self._uncertainty_cache: dict[tuple, float] = {}

    # ------------------------------------------------------------------ containment

    def admin1_of(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Admin-1 row containing each point (-1 at sea); coastal points snap to a unit within ~5 km."""
        points = shapely.points(np.asarray(lons, float), np.asarray(lats, float))
        result = np.full(len(points), -1, dtype=np.int64)
        inp, tree = self.admin1_tree.query(points, predicate="within")
        result[inp] = tree
        missing = np.flatnonzero(result < 0)
        if len(missing):
            inp, tree = self.admin1_tree.query_nearest(points[missing], max_distance=0.05, all_matches=False)
            result[missing[inp]] = tree
        return result

    def _gazetteer_admin1(self, rows: Iterable[int]) -> None:
        """Fill the admin-1 row of gazetteer places not seen before (vectorised)."""
        todo = [r for r in rows if r not in self._gaz_admin]
        if todo:
            found = self.admin1_of(self.gaz.lon[todo], self.gaz.lat[todo])
            self._gaz_admin.update(zip(todo, found.tolist()))

    def _country_of_admin(self, admin_row: int, fallback_iso2: str = "") -> str:
        """Sovereign ISO3 from the admin-1 layer (de jure), else from the gazetteer's ISO2."""
        if admin_row >= 0:
            return str(self.admin1_iso3[admin_row])
        return self._iso2_iso3.get(fallback_iso2, "")

    # ------------------------------------------------------------------ candidates

    def candidates(self, folded: str, ctx: Context, sources: Sequence[str] = ("gazetteer", "admin1", "country")) -> list[Candidate]:
        """Every place ``folded`` may name, scored in context, best first."""
        out: list[Candidate] = []
        if "gazetteer" in sources:
            out += self._gazetteer_candidates(folded, gazetteer_rows(self.gaz, folded, fuzzy=False))
        if "admin1" in sources:
            out += self._admin1_candidates(self.admin1_index.find(folded, fuzzy_cutoff=NO_FUZZY))
        if "country" in sources:
            out += self._country_candidates(self.country_index.find(folded, fuzzy_cutoff=NO_FUZZY))
        if not out:  # nothing spelt this way: try misspellings, in every source asked for
            if "gazetteer" in sources:
                out += self._gazetteer_candidates(folded, gazetteer_rows(self.gaz, folded, fuzzy=True))
            if "admin1" in sources:
                out += self._admin1_candidates(self.admin1_index.find(folded))
            if "country" in sources:
                out += self._country_candidates(self.country_index.find(folded))
        for cand in out:
            score(cand, ctx)
        favour_namesake_seats(out)
        out.sort(key=lambda c: (-c.score, c.source != "country", c.source != "admin1"))
        return out

    def _gazetteer_candidates(self, folded: str, hits: list[tuple[int, float]]) -> list[Candidate]:
        """Candidates for gazetteer rows (with their admin-1 unit and sovereign state)."""
        self._gazetteer_admin1(r for r, _ in hits)
        out = []
        for row, quality in hits:
            admin_row = self._gaz_admin[row]
            if quality == 1.0 and fold(str(self.gaz.names[row])) != folded:
                quality = 0.9  # matched an alternate name, not the primary one
            out.append(Candidate("gazetteer", row, str(self.gaz.names[row]), str(self.gaz.ids[row]),
                                 self._country_of_admin(admin_row, str(self.gaz.country[row])), admin_row,
                                 float(self.gaz.lon[row]), float(self.gaz.lat[row]), int(self.gaz.population[row]),
                                 str(self.gaz.fcode[row]), quality))  # fmt: skip
        return out

    def _admin1_candidates(self, hits) -> list[Candidate]:
        """Candidates for admin-1 units (point: Natural Earth's label point when inside)."""
        out = []
        for hit in hits:
            pt = self._footprint("admin1", hit.row)[1]
            code = self.admin1_code[hit.row]
            out.append(Candidate("admin1", hit.row, self.admin1_names[hit.row], code if isinstance(code, str) else f"admin1:{hit.row}",
                                 str(self.admin1_iso3[hit.row]), hit.row, pt.x, pt.y, ADMIN1_IMPORTANCE_POP, "ADM1", hit.quality))  # fmt: skip
        return out

    def _country_candidates(self, hits) -> list[Candidate]:
        """Candidates for countries."""
        out = []
        for hit in hits:
            pt = self._footprint("country", hit.row)[1]
            iso3 = str(self.country_iso3[hit.row])
            out.append(Candidate("country", hit.row, str(self.country_names[hit.row]), iso3, iso3, -1, pt.x, pt.y,
                                 COUNTRY_IMPORTANCE_POP, "PCLI", hit.quality))  # fmt: skip
        return out

    # ------------------------------------------------------------------ context

    def context(self, record: dict, hints: Sequence[str] = ()) -> Context:
        """Hints and other places the record names (see :mod:`geo.context`)."""
        return read_context(self, record, hints)

    # ------------------------------------------------------------------ footprints

    def _footprint(self, source: str, row: int) -> tuple[BaseGeometry, Point]:
        """(geometry, representative point) of an admin-1 unit or country, cached (every candidate needs it)."""
        key = (source, row)
        if key not in self._footprint_cache:
            if source == "admin1":
                geom, pt = self.admin1_geoms[row], representative_point(self.admin1_geoms[row], self.admin1_label[row])
            else:
                geom = self.country_geoms[row]
                pt = representative_point(geom)
            self._footprint_cache[key] = (geom, pt)
        return self._footprint_cache[key]

    def _footprint_uncertainty(self, source: str, row: int) -> float:
        """Uncertainty radius (km) of an admin-1 unit or country, computed only for units that are chosen."""
        key = (source, row)
        if key not in self._uncertainty_cache:
            self._uncertainty_cache[key] = uncertainty_km(*self._footprint(source, row))
        return self._uncertainty_cache[key]

    def _candidate_footprint(
        self, cand: Candidate, kind: Kind, offset_km: float | None = None, bearing: float | None = None
    ) -> tuple[BaseGeometry, Point, WherePrec]:
        """Footprint and precision of a chosen candidate read as ``kind`` ("30 km north of X" moves the centre)."""
        if cand.source in ("admin1", "country"):
            geom, pt = self._footprint(cand.source, cand.row)
            return geom, pt, WherePrec.ADMIN1 if cand.source == "admin1" else WherePrec.COUNTRY
        pt = Point(cand.lon, cand.lat)
        if kind == Kind.NEAR and offset_km:
            lon, lat, _ = wgs84().fwd(cand.lon, cand.lat, bearing or 0.0, offset_km * M_PER_KM)
            return geodesic_circle(lon, lat, NEAR_RADIUS_KM), Point(lon, lat), WherePrec.NEAR
        if kind == Kind.NEAR:
            return geodesic_circle(cand.lon, cand.lat, NEAR_RADIUS_KM), pt, WherePrec.NEAR
        if kind == Kind.DISTRICT:
            return geodesic_circle(cand.lon, cand.lat, DISTRICT_RADIUS_KM), pt, WherePrec.ADMIN2
        if kind == Kind.AREA:
            return geodesic_circle(cand.lon, cand.lat, AREA_RADIUS_KM), pt, WherePrec.AREA
        if kind == Kind.WATER:
            return pt, pt, WherePrec.WATER
        return pt, pt, WherePrec.EXACT

    # ------------------------------------------------------------------ resolution

    def resolve(self, place: str, record: dict | None = None) -> Resolution:
        """Resolve one place phrase in the context of its record (memoised on phrase + context)."""
        record = record or {}
        readings = parse(place) if isinstance(place, str) else []
        if not readings:
            return Resolution("unresolved", reason="empty place")
        ctx = self.context(record, readings[0].hints)
        key = (place, ctx.key())
        if key not in self._memo:
            self._memo[key] = self._resolve_readings(place, readings, ctx)
        return self._memo[key]

    def _resolve_readings(self, place: str, readings: list[Interpretation], ctx: Context) -> Resolution:
        """Try each reading in order; keep the first that resolves (else the best failure reason)."""
        failure = None
        for reading in readings:
            names = [n for n in reading.names if 2 <= len(n) <= MAX_NAME_LEN and not n.isdigit()]
            if len(names) != len(reading.names):
                continue
            res = self._resolve_reading(reading, ctx)
            if res.status != "unresolved":
                return res
            failure = failure or res
            if reading.kind == Kind.WATER:  # a sea is not the town named after it
                failure.reason += "; water bodies need a gazetteer with GeoNames class H features (--gazetteer)"
                break
        failure = failure or Resolution("unresolved", reason=f"no usable place name in {_short(place)!r}")
        return self._fall_back_to_hint(failure, ctx) or failure

    def _fall_back_to_hint(self, failure: Resolution, ctx: Context) -> Resolution | None:
        """When the place itself is not found, the record's explicit region or country hint still locates it,
        at that lower precision (as UCDP codes an event known only to its region or country)."""
        for source, rows in (("admin1", sorted(ctx.regions)), ("country", sorted(self.country_codes[c] for c in ctx.countries))):
            if len(rows) == 1:
                geom, pt = self._footprint(source, rows[0])
                name = self.admin1_names[rows[0]] if source == "admin1" else str(self.country_names[rows[0]])
                gid = self.admin1_code[rows[0]] if source == "admin1" else str(self.country_iso3[rows[0]])
                prec = WherePrec.ADMIN1 if source == "admin1" else WherePrec.COUNTRY
                return Resolution("resolved", geom, pt, prec, name, gid if isinstance(gid, str) else None, HINT_FALLBACK_CONFIDENCE,
                                  failure.candidates, reason=f"{failure.reason}; located by the {'region' if source == 'admin1' else 'country'} hint only",
                                  uncertainty_km=self._footprint_uncertainty(source, rows[0]))  # fmt: skip
        return None

    def _resolve_reading(self, reading: Interpretation, ctx: Context) -> Resolution:
        """Resolve one interpretation into a Resolution."""
        if reading.kind == Kind.ROUTE:
            return self._resolve_route(reading, ctx)
        if len(reading.names) > 1:
            return self._resolve_list(reading, ctx)
        name = reading.names[0]
        sources = {Kind.ADMIN: ("admin1", "country"), Kind.WATER: ("gazetteer",)}.get(reading.kind, ("gazetteer", "admin1", "country"))
        cands = self.candidates(name, ctx, sources)
        if reading.kind == Kind.WATER:
            cands = [c for c in cands if c.quality >= 0.9 and str(self.gaz.fclass[c.row]) == "H"]
        if not cands and reading.kind == Kind.ADMIN:
            cands = self._admin_of_place(name, ctx)
        consistent = agreeing(cands, ctx)
        if cands and not consistent:
            return Resolution("unresolved", reason=f"no {_short(name)!r} in the record's country/region hint; the best match, {cands[0].name!r} "
                              f"({cands[0].gid}, {cands[0].country}), lies elsewhere", candidates=[c.summary(self.admin1_names) for c in cands[:N_ALTERNATIVES]])  # fmt: skip
        return self._choose(consistent, reading, name, ctx)

    def _admin_of_place(self, name: str, ctx: Context) -> list[Candidate]:
        """"X region" where X is a city: the admin-1 unit that contains the best place named X."""
        places = [c for c in self.candidates(name, ctx, ("gazetteer",)) if c.admin1_row >= 0]
        out = []
        for place in places[:3]:
            _, pt = self._footprint("admin1", place.admin1_row)
            cand = Candidate("admin1", place.admin1_row, self.admin1_names[place.admin1_row], str(self.admin1_code[place.admin1_row]),
                             str(self.admin1_iso3[place.admin1_row]), place.admin1_row, pt.x, pt.y, ADMIN1_IMPORTANCE_POP, "ADM1",
                             place.quality * 0.95)  # fmt: skip
            score(cand, ctx)
            cand.why.append(f"region containing {place.name}")
            out.append(cand)
        return sorted(out, key=lambda c: -c.score)

    def _choose(self, cands: list[Candidate], reading: Interpretation, name: str, ctx: Context) -> Resolution:
        """Pick the best candidate, decide ambiguity and confidence, and build the footprint.

        Context chooses among candidates but never makes a weak name acceptable: the best must pass
        on name and importance alone, and a fuzzy (misspelt) match must not contradict the hints."""
        alternatives = [c.summary(self.admin1_names) for c in cands[:N_ALTERNATIVES]]
        if not cands:
            return Resolution("unresolved", reason=f"no match for {_short(name)!r} in the gazetteer or the admin layers", candidates=alternatives)
        best = cands[0]
        if best.score < MIN_SCORE or best.base < MIN_SCORE:
            return Resolution("unresolved", reason=f"best match {best.name!r} ({best.gid}) scores {min(best.score, best.base):.3f} < {MIN_SCORE}",
                              candidates=alternatives)  # fmt: skip
        rival = next((c for c in cands[1:] if not self._same_place(best, c)), None)
        ambiguous = rival is not None and rival.score >= best.score - AMBIGUITY_MARGIN
        geom, pt, prec = self._candidate_footprint(best, reading.kind, reading.offset_km, reading.bearing)
        return Resolution(
            "ambiguous" if ambiguous else "resolved", geom, pt, prec, best.name, best.gid,
            confidence(best, rival), alternatives, reason=("; ".join(best.why)),
            approximate=reading.kind in (Kind.AREA, Kind.NEAR, Kind.DISTRICT) and best.source == "gazetteer",
            uncertainty_km=self._footprint_uncertainty(best.source, best.row) if best.source in ("admin1", "country") else None,
        )  # fmt: skip

    def _same_place(self, a: Candidate, b: Candidate) -> bool:
        """True when two candidates denote the same location (same unit, or points within 25 km)."""
        if a.source != "gazetteer" or b.source != "gazetteer":
            return a.source == b.source and a.row == b.row or (b.source == "admin1" and a.admin1_row == b.row and a.source == "gazetteer")
        return float(geodesic_distance_km(a.lon, a.lat, b.lon, b.lat)) < SAME_PLACE_KM

    def _resolve_route(self, reading: Interpretation, ctx: Context) -> Resolution:
        """A route between two places: each endpoint resolved with the other as context; a geodesic line."""
        first, second = reading.names[:2]
        a = agreeing(self.candidates(first, ctx, ("gazetteer",)), ctx)
        b = agreeing(self.candidates(second, ctx, ("gazetteer",)), ctx)
        if not a or not b:
            missing = first if not a else second
            return Resolution("unresolved", reason=f"route endpoint {_short(missing)!r} not found")
        b = agreeing(self.candidates(second, _with_point(ctx, a[0]), ("gazetteer",)), ctx)
        a = agreeing(self.candidates(first, _with_point(ctx, b[0]), ("gazetteer",)), ctx)
        best_a, best_b = a[0], b[0]
        if min(best_a.score, best_b.score) < MIN_SCORE:
            return Resolution("unresolved", reason=f"route endpoints too uncertain ({best_a.name}, {best_b.name})")
        line = great_circle_line([(best_a.lon, best_a.lat), (best_b.lon, best_b.lat)])
        pt = representative_point(line)
        rivals = [next((c for c in cands[1:] if not self._same_place(cands[0], c)), None) for cands in (a, b)]
        ambiguous = any(r is not None and r.score >= c[0].score - AMBIGUITY_MARGIN for r, c in zip(rivals, (a, b)))
        conf = min(confidence(best_a, rivals[0]), confidence(best_b, rivals[1]))
        alternatives = [c.summary(self.admin1_names) for c in (a[:3] + b[:3])]
        return Resolution("ambiguous" if ambiguous else "resolved", line, pt, WherePrec.AREA, f"{best_a.name} – {best_b.name}",
                          f"{best_a.gid}|{best_b.gid}", conf, alternatives,
                          reason=f"straight geodesic line between the endpoints ({reading.qualifier}); the road's own course is not in the gazetteer",
                          approximate=True)  # fmt: skip

    def _resolve_list(self, reading: Interpretation, ctx: Context) -> Resolution:
        """Several places in one phrase ("Odesa and Kharkiv regions"): the union of their footprints."""
        parts = [self._resolve_reading(Interpretation(reading.kind, (n,), reading.hints, reading.qualifier), ctx) for n in reading.names]
        bad = [n for n, p in zip(reading.names, parts) if p.status == "unresolved"]
        if bad:
            return Resolution("unresolved", reason=f"part(s) of the list not found: {', '.join(bad)}")
        geom = shapely.union_all([p.geometry for p in parts])
        pt = representative_point(geom, parts[0].point)
        return Resolution(
            "ambiguous" if any(p.status == "ambiguous" for p in parts) else "resolved", geom, pt,
            max(p.where_prec for p in parts), " + ".join(p.matched_name for p in parts), "|".join(p.gazetteer_id for p in parts),
            min(p.confidence for p in parts), [c for p in parts for c in p.candidates[:2]], reason="union of the places listed",
            approximate=any(p.approximate for p in parts),
        )  # fmt: skip


def _short(text: str, limit: int = 60) -> str:
    """Text cut for messages (a 100,000-character "place" must not flood a reason)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _with_point(ctx: Context, cand: Candidate) -> Context:
    """A copy of ``ctx`` that also knows about a resolved place (for route endpoints)."""
    return Context(set(ctx.countries), set(ctx.regions), set(ctx.text_countries), set(ctx.text_regions) | {cand.admin1_row},
                   [*ctx.text_points, (cand.lon, cand.lat)])  # fmt: skip
