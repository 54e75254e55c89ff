"""Where a place name becomes a footprint: the offline resolver the :class:`~geo.geocoding.Geocoder` owns.

read phrase (:mod:`~geo.geocoding.phrases`) -> gather candidates (:mod:`~geo.geocoding.lookup`) ->
rank them in the record's context (:mod:`~geo.geocoding.context`, :mod:`~geo.geocoding.ranking`) ->
build the footprint (:mod:`~geo.geocoding.footprint`) -> attach precision (UCDP ``where_prec``),
uncertainty, confidence and the alternatives. ``explain`` also returns the ranking it used.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.geocoding.confidence import completeness, confidence, match_kind, unseen_namesakes
from geo.geocoding.context import read_context
from geo.geocoding.footprint import PendingCircle, geodesic_circles, great_circle_line, place_footprint, representative_point
from geo.geocoding.lookup import ALL_SOURCES, Candidate, PlaceLookup
from geo.geocoding.phrases import Interpretation, Kind, parse
from geo.geocoding.ranking import MIN_SCORE, Context, agreeing, rank, score, support_scope
from geo.io.precision import WherePrec
from geo.spatial.geodesy import geodesic_distance_km

#: Place phrases remembered as readied by PlaceResolver.prefetch (bounds the memory of long runs).
PREFETCHED_MAX = 500_000
#: Resolutions memoised at most (all forgotten past this: a run of a million names keeps no million footprints).
MEMO_MAX = 200_000
#: A runner-up within this score of the best, and elsewhere, makes the result ambiguous.
AMBIGUITY_MARGIN = 0.06
#: Two candidates closer than this (km) are the same place for ambiguity purposes.
SAME_PLACE_KM = 25.0
#: Longest name (characters) worth looking up; longer text is not a place name.
MAX_NAME_LEN = 200
#: Confidence of a record located only by its region or country hint: its footprint is the unit the record itself
#: names, so the true place lies in it unless the hint is wrong; the precision says how coarse it is.
HINT_FALLBACK_CONFIDENCE = 0.95
#: Confidence that a district found by name lies in its region's polygon (a stem shared across languages may still
#: name another unit); times UNSUPPORTED_DISTRICT_FACTOR when nothing in the record points to that country or region.
DISTRICT_CONFIDENCE, UNSUPPORTED_DISTRICT_FACTOR = 0.95, 0.85
#: Factor for a bare name (no designator) read as a district: villages often bear their district's adjective
#: ("Berezivske" in Kharkiv oblast, "Berezivskyi raion" in Odesa oblast).
BARE_DISTRICT_FACTOR = 0.8
#: Readings that may name a district: said to be one, a natural area named after one, or a bare name.
DISTRICT_KINDS = frozenset({Kind.DISTRICT, Kind.AREA, Kind.PLACE})
#: How many alternatives are written into ``candidates``.
N_ALTERNATIVES = 5
#: Name-match quality kept by a region found as the unit containing a place ("X region" where X is a city).
REGION_OF_PLACE_QUALITY = 0.95


@dataclass
class RankedName:
    """The candidates one name of a reading was ranked among, best first: the ranking a result came from."""

    reading: Interpretation
    name: str
    candidates: list[Candidate]
    excluded: frozenset[int] = frozenset()  # positions in ``candidates`` the record's hints rule out


@dataclass
class Resolution:
    """The outcome for one place phrase: footprint and everything said about it."""

    status: str
    geometry: BaseGeometry | None = None  # a PendingCircle only inside PlaceResolver.circles_later()
    point: Point | None = None
    where_prec: WherePrec | None = None
    matched_name: str | None = None
    gazetteer_id: str | None = None
    confidence: float = 0.0
    candidates: list[dict] = field(default_factory=list)
    reason: str | None = None
    approximate: bool = False
    uncertainty_km: float | None = None  # known in advance for admin-1 units and countries (cached)
    #: The admin-1 row containing ``point`` when known as it is made (a gazetteer place's own point); None: ask the layer.
    admin1_row: int | None = None
    #: The chance that no other place the gazetteer or layers hold is meant (confidence without the risk of namesakes
    #: missing from the gazetteer): how sure the choice among known candidates is, which context can only change.
    choice: float | None = None
    ranking: list[RankedName] = field(default_factory=list, repr=False)  # filled by ``explain`` only

    def point_admin1(self, lookup: PlaceLookup) -> int:
        """The admin-1 row containing ``point`` (-1 at sea): the one carried, else the layer's answer."""
        return self.admin1_row if self.admin1_row is not None else lookup.admin1_at(self.point.x, self.point.y)  # type: ignore[union-attr]


class PlaceResolver:
    """Place names to footprints over a :class:`PlaceLookup`; memoises repeated phrases in the same context."""

    def __init__(self, lookup: PlaceLookup) -> None:
        self.lookup = lookup
        self._memo: dict[tuple, Resolution] = {}
        self._prefetched: set[str] = set()  # place phrases whose lookups prefetch() made ready
        self._later: list[Resolution] | None = None  # resolutions whose circle is made at the end of circles_later()

    def context(self, record: dict, hints: Sequence[str] = ()) -> Context:
        """Hints and other places the record names (see :mod:`geo.geocoding.context`)."""
        return read_context(self.lookup, record, hints)

    def candidates(self, folded: str, ctx: Context, sources: Sequence[str] = ALL_SOURCES) -> list[Candidate]:
        """Every place ``folded`` may name, scored in context, best first."""
        return rank(self.lookup.find(folded, sources), ctx)

    def prefetch(self, places: Iterable[object]) -> None:
        """Ready the lookups resolving ``places`` will make, in bulk (see :meth:`PlaceLookup.prefetch`); places readied
        before are skipped (their phrases are not parsed again)."""
        if len(self._prefetched) > PREFETCHED_MAX:
            self._prefetched.clear()
        todo = [p for p in dict.fromkeys(p for p in places if isinstance(p, str)) if p not in self._prefetched]
        self._prefetched.update(todo)
        self.lookup.prefetch(name for place in todo for reading in _readings(place) for name in reading.names)

    @contextmanager
    def circles_later(self) -> Iterator[None]:
        """Inside the block, a chosen place's circle is a :class:`PendingCircle`; all are made together as it ends
        (one pyproj call for all instead of one per circle, ~50 us each). For bulk resolving, whose output fields
        need the circle's point and radius only, both known at once."""
        self._later = []
        try:
            yield
        finally:
            pending, self._later = self._later, None
            _make_circles(pending)

    # ------------------------------------------------------------------ resolution

    def resolve(self, place: str, record: dict | None = None) -> Resolution:
        """Resolve one place phrase in the context of its record (memoised on phrase + context)."""
        return self.resolve_keyed(place, record)[1]

    def resolve_keyed(self, place: str, record: dict | None = None) -> tuple[tuple | None, Resolution]:
        """:meth:`resolve`, with the key it is memoised under (None: nothing to read, not memoised)."""
        found = self._start(place, record)
        if isinstance(found, Resolution):
            return None, found
        return self._memoised(place, *found)

    def resolve_in(self, place: str, evidence: Context) -> Resolution:
        """Resolve a place phrase with evidence gathered elsewhere (the other places an article names) besides
        the hints in the phrase itself; memoised like :meth:`resolve`."""
        found = self._start(place, None)
        if isinstance(found, Resolution):
            return found
        readings, ctx = found
        return self._memoised(place, readings, ctx.merged(evidence))[1]

    def _memoised(self, place: str, readings: list[Interpretation], ctx: Context) -> tuple[tuple, Resolution]:
        """(memo key, resolution) of a phrase read in a context: remembered, or resolved and kept (all forgotten past
        MEMO_MAX). The ranking is kept only when asked for (explain): memoised results stay small."""
        key = (place, ctx.key())
        res = self._memo.get(key)
        if res is None:
            res = self._resolve_readings(place, readings, ctx)
            res.ranking = []
            if len(self._memo) >= MEMO_MAX:
                self._memo.clear()
            self._memo[key] = res
        return key, res

    def country(self, iso3: str, confidence: float = 1.0) -> Resolution:
        """A country named by its code (a demonym's country): its polygon at country precision."""
        row = self.lookup.country_codes.get(iso3)
        if row is None:
            return Resolution("unresolved", reason=f"no country {iso3!r} in the layers")
        geom, pt = self.lookup.unit_footprint("country", row)
        name, gid = self.lookup.unit_label("country", row)
        return Resolution("resolved", geom, pt, WherePrec.COUNTRY, name, gid, confidence, reason="country named by a demonym",
                          uncertainty_km=self.lookup.unit_uncertainty("country", row), admin1_row=self.lookup.unit_admin1("country", row))  # fmt: skip

    def explain(self, place: str, record: dict | None = None) -> Resolution:
        """Resolve as :meth:`resolve` does, keeping in ``ranking`` the candidates each name was ranked among."""
        found = self._start(place, record)
        return found if isinstance(found, Resolution) else self._resolve_readings(place, *found)

    def _start(self, place: str, record: dict | None) -> Resolution | tuple[list[Interpretation], Context]:
        """The readings of ``place`` and its record's context, or the result when there is nothing to read."""
        readings = _readings(place) if isinstance(place, str) else []
        if not readings:
            named = isinstance(place, str) and place.strip()
            return Resolution("unresolved", reason=f"no place name in {_short(place.strip())!r}" if named else "empty place")
        return readings, self.context(record or {}, readings[0].hints)

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
        lookup = self.lookup
        for source, rows in (("admin1", sorted(ctx.regions)), ("country", sorted(lookup.country_codes[c] for c in ctx.countries))):
            if len(rows) == 1:
                geom, pt = lookup.unit_footprint(source, rows[0])
                name, gid = lookup.unit_label(source, rows[0])
                prec = WherePrec.ADMIN1 if source == "admin1" else WherePrec.COUNTRY
                return Resolution("resolved", geom, pt, prec, name, gid, HINT_FALLBACK_CONFIDENCE, failure.candidates,
                                  reason=f"{failure.reason}; located by the {'region' if source == 'admin1' else 'country'} hint only",
                                  uncertainty_km=lookup.unit_uncertainty(source, rows[0]), ranking=failure.ranking,
                                  admin1_row=lookup.unit_admin1(source, rows[0]))  # fmt: skip
        return None

    def _resolve_reading(self, reading: Interpretation, ctx: Context) -> Resolution:
        """Resolve one interpretation into a Resolution."""
        if reading.kind == Kind.ROUTE:
            return self._resolve_route(reading, ctx)
        if len(reading.names) > 1:
            return self._resolve_list(reading, ctx)
        name = reading.names[0]
        sources = {Kind.ADMIN: ("admin1", "country"), Kind.WATER: ("gazetteer",), Kind.SETTLEMENT: ("gazetteer",)}.get(reading.kind, ALL_SOURCES)
        cands = self.candidates(name, ctx, sources)
        if reading.exact_only:  # "Lyman town" as a whole only as spelled, never its look-alike "Laymantown"; "Homs city"
            cands = [c for c in cands if not c.loose and (c.source == "gazetteer" or c.quality >= 1.0)]  # not the bare "Homs"
        if reading.kind == Kind.WATER:
            cands = [c for c in cands if c.quality >= 0.9 and str(self.lookup.gaz.fclass[c.row]) == "H"]
        if not cands and reading.kind == Kind.ADMIN:
            cands = self._admin_of_place(name, ctx)
        consistent = agreeing(cands, ctx)
        ranking = [_ranked(reading, name, cands, consistent)]
        if _may_be_district(reading, consistent):
            district = self._resolve_district(reading, name, ctx)
            if district is not None:
                district.ranking = ranking
                return district
        if cands and not consistent:
            return Resolution("unresolved", reason=f"no {_short(name)!r} in the record's country/region hint; the best match, {cands[0].name!r} "
                              f"({cands[0].gid}, {cands[0].country}), lies elsewhere", candidates=self._summaries(cands),
                              ranking=ranking)  # fmt: skip
        res = self._choose(consistent, reading, name, ctx, cands)
        res.ranking = ranking
        return res

    def _resolve_district(self, reading: Interpretation, name: str, ctx: Context) -> Resolution | None:
        """A second-level unit ("Bokey Orda district", "Bokejord"): no layer draws it, so its footprint is its parent
        region's polygon at district precision (the event is in the district, somewhere in that polygon). Districts
        the record's evidence supports come first; several regions left make the answer ambiguous. A bare name
        (no designator) needs that support. None when no district of that name agrees with the hints."""
        cands = agreeing(self.lookup.district_candidates(name), ctx)
        if not cands:
            return None
        supported = [c for c in cands if support_scope(c, ctx) != "world"]
        if reading.kind == Kind.PLACE and not supported:
            return None
        pool = supported or cands
        regions = list(dict.fromkeys(c.admin1_row for c in pool))
        best = pool[0]
        geom, pt = self.lookup.unit_footprint("admin1", best.admin1_row)
        region_name = self.lookup.admin1_names[best.admin1_row]
        for cand in pool:
            cand.score = cand.quality / len(regions)
        conf = DISTRICT_CONFIDENCE * (1.0 if supported else UNSUPPORTED_DISTRICT_FACTOR) / len(regions)
        if reading.kind == Kind.PLACE:
            conf *= BARE_DISTRICT_FACTOR  # a bare name that is not a known place may as well be a village named like the district
        return Resolution("ambiguous" if len(regions) > 1 else "resolved", geom, pt, WherePrec.ADMIN2, best.name, best.gid,
                          round(conf, 3), self._summaries(pool),
                          reason=f"district {best.name} ({best.gid}); no layer draws districts, so the footprint is its "
                                 f"region, {region_name}" + (f"; {len(regions)} regions have a district of that name" if len(regions) > 1 else ""),
                          approximate=True, uncertainty_km=self.lookup.unit_uncertainty("admin1", best.admin1_row),
                          admin1_row=self.lookup.unit_admin1("admin1", best.admin1_row))  # fmt: skip

    def _admin_of_place(self, name: str, ctx: Context) -> list[Candidate]:
        """ "X region" where X is a city: the admin-1 unit that contains the best place named X."""
        places = [c for c in self.candidates(name, ctx, ("gazetteer",)) if c.admin1_row >= 0]
        out = []
        for place in places[:3]:
            cand = self.lookup.admin1_candidate(place.admin1_row, place.quality * REGION_OF_PLACE_QUALITY)
            score(cand, ctx)
            cand.why.append(f"region containing {place.name}")
            out.append(cand)
        return sorted(out, key=lambda c: -c.score)

    def _summaries(self, cands: list[Candidate]) -> list[dict]:
        """The alternatives written into ``candidates``."""
        return [c.summary(self.lookup.admin1_names) for c in cands[:N_ALTERNATIVES]]

    def _choose(self, cands: list[Candidate], reading: Interpretation, name: str, ctx: Context, everyone: list[Candidate]) -> Resolution:
        """Pick the best candidate, decide ambiguity and confidence, and build the footprint.

        Context chooses among candidates but never makes a weak name acceptable: the best must pass
        on name and importance alone, and a fuzzy (misspelt) match must not contradict the hints."""
        alternatives = self._summaries(cands)
        if not cands:
            return Resolution("unresolved", reason=f"no match for {_short(name)!r} in the gazetteer or the admin layers", candidates=alternatives)
        best = cands[0]
        if best.score < MIN_SCORE or best.base < MIN_SCORE:
            return Resolution("unresolved", reason=f"best match {best.name!r} ({best.gid}) scores {min(best.score, best.base):.3f} < {MIN_SCORE}",
                              candidates=alternatives)  # fmt: skip
        rival = self._rival(cands)
        ambiguous = rival is not None and rival.score >= best.score - AMBIGUITY_MARGIN
        conf, supported, choice = self._confidence(best, cands, ctx, everyone)
        if best.fuzzy and not supported:
            if ctx.has_evidence():  # a far-flung snap: the record names places, none of them near this spelling
                return Resolution("unresolved", reason=f"no {_short(name)!r} near the places the record names; the closest spelling, "
                                  f"{best.name!r} ({best.gid}, {best.country}), lies elsewhere", candidates=alternatives)  # fmt: skip
            ambiguous = True  # a spelling's neighbour with nothing to support it is a guess, shown as one
        if best.source in ("admin1", "country"):
            (geom, pt), prec = self.lookup.unit_footprint(best.source, best.row), WherePrec.ADMIN1 if best.source == "admin1" else WherePrec.COUNTRY
            radius, point_admin1 = self.lookup.unit_uncertainty(best.source, best.row), self.lookup.unit_admin1(best.source, best.row)
        else:
            geom, pt, prec, radius = place_footprint(best.lon, best.lat, reading.kind, reading.offset_km, reading.bearing,
                                                     self.lookup.place_point(best.row), later=self._later is not None)  # fmt: skip
            point_admin1 = best.admin1_row if pt.x == best.lon and pt.y == best.lat else None  # not moved "30 km north of" it
        res = Resolution(
            "ambiguous" if ambiguous else "resolved", geom, pt, prec, best.name, best.gid,
            conf, alternatives, reason=("; ".join(best.why + ([] if supported or not best.fuzzy else ["a misspelling's neighbour, nothing in the record supports it"]))),
            approximate=reading.kind in (Kind.AREA, Kind.NEAR, Kind.DISTRICT) and best.source == "gazetteer",
            uncertainty_km=radius,
            choice=choice, admin1_row=point_admin1,
        )  # fmt: skip
        if isinstance(geom, PendingCircle):
            self._later.append(res)  # type: ignore[union-attr]  # made when circles_later() ends
        return res

    def _confidence(self, best: Candidate, cands: list[Candidate], ctx: Context, everyone: list[Candidate] | None = None) -> tuple[float, bool, float]:
        """(confidence, whether the record supports the answer, the same without unseen namesakes): see
        :mod:`geo.geocoding.confidence`. ``cands`` are the
        candidates the hints leave, ``everyone`` all the places the name matched (namesakes count wherever they are)."""
        scope = support_scope(best, ctx)
        rivals = [c for c in cands[1:] if not _same_place(best, c)]
        unseen = 0.0
        if best.source == "gazetteer":
            gaz = self.lookup.gaz
            namesakes = [c for c in (everyone or cands) if c.source == "gazetteer" and c.loose == best.loose and c.fuzzy == best.fuzzy]
            in_country = sum(1 for c in namesakes if c.country == best.country)
            unseen = unseen_namesakes(best, scope, completeness(gaz), str(gaz.country[best.row]), str(gaz.admin1[best.row]),
                                      in_country, len(namesakes))  # fmt: skip
        kind = match_kind(best, best.fuzzy)
        supported = scope != "world"
        return (confidence(best, rivals, kind=kind, unseen=unseen, supported=supported), supported,
                confidence(best, rivals, kind=kind, unseen=0.0, supported=supported))  # fmt: skip

    def _rival(self, cands: list[Candidate]) -> Candidate | None:
        """The best candidate after the first that denotes another location."""
        return next((c for c in cands[1:] if not _same_place(cands[0], c)), None)

    def _resolve_route(self, reading: Interpretation, ctx: Context) -> Resolution:
        """A route between two places: each endpoint resolved with the other as context; a geodesic line."""
        first, second = reading.names[:2]
        a = agreeing(self.candidates(first, ctx, ("gazetteer",)), ctx)
        b = agreeing(self.candidates(second, ctx, ("gazetteer",)), ctx)
        if not a or not b:
            missing = first if not a else second
            return Resolution("unresolved", reason=f"route endpoint {_short(missing)!r} not found",
                              ranking=[RankedName(reading, first, a), RankedName(reading, second, b)])  # fmt: skip
        b = agreeing(self.candidates(second, ctx.with_place(a[0]), ("gazetteer",)), ctx)
        a = agreeing(self.candidates(first, ctx.with_place(b[0]), ("gazetteer",)), ctx)
        ranking = [RankedName(reading, first, a), RankedName(reading, second, b)]
        best_a, best_b = a[0], b[0]
        if min(best_a.score, best_b.score) < MIN_SCORE:
            return Resolution("unresolved", reason=f"route endpoints too uncertain ({best_a.name}, {best_b.name})", ranking=ranking)
        line = great_circle_line([(best_a.lon, best_a.lat), (best_b.lon, best_b.lat)])
        pt = representative_point(line)
        rivals = [self._rival(cands) for cands in (a, b)]
        ambiguous = any(r is not None and r.score >= c[0].score - AMBIGUITY_MARGIN for r, c in zip(rivals, (a, b)))
        conf = min(self._confidence(a[0], a, ctx.with_place(b[0]))[0], self._confidence(b[0], b, ctx.with_place(a[0]))[0])
        alternatives = [c.summary(self.lookup.admin1_names) for c in (a[:3] + b[:3])]
        return Resolution("ambiguous" if ambiguous else "resolved", line, pt, WherePrec.AREA, f"{best_a.name} – {best_b.name}",
                          f"{best_a.gid}|{best_b.gid}", conf, alternatives,
                          reason=f"straight geodesic line between the endpoints ({reading.qualifier}); the road's own course is not in the gazetteer",
                          approximate=True, ranking=ranking)  # fmt: skip

    def _resolve_list(self, reading: Interpretation, ctx: Context) -> Resolution:
        """Several places in one phrase ("Odesa and Kharkiv regions"): the union of their footprints."""
        parts = [self._resolve_reading(Interpretation(reading.kind, (n,), reading.hints, reading.qualifier), ctx) for n in reading.names]
        _make_circles(parts)  # their union is made now
        ranking = [r for p in parts for r in p.ranking]
        bad = [n for n, p in zip(reading.names, parts) if p.status == "unresolved"]
        if bad:
            return Resolution("unresolved", reason=f"part(s) of the list not found: {', '.join(bad)}", ranking=ranking)
        geom = shapely.union_all([p.geometry for p in parts])
        pt = representative_point(geom, parts[0].point)
        return Resolution(
            "ambiguous" if any(p.status == "ambiguous" for p in parts) else "resolved", geom, pt,
            max(p.where_prec for p in parts), " + ".join(p.matched_name for p in parts), "|".join(p.gazetteer_id for p in parts),
            min(p.confidence for p in parts), [c for p in parts for c in p.candidates[:2]], reason="union of the places listed",
            approximate=any(p.approximate for p in parts), ranking=ranking,
        )  # fmt: skip


def _make_circles(resolutions: Iterable[Resolution]) -> None:
    """Make the pending circles of these resolutions, together."""
    todo = [r for r in resolutions if isinstance(r.geometry, PendingCircle)]
    if todo:
        specs = [r.geometry for r in todo]
        circles = geodesic_circles([c.lon for c in specs], [c.lat for c in specs], [c.radius_km for c in specs])  # type: ignore[union-attr]
        for res, circle in zip(todo, circles.tolist()):
            res.geometry = circle


@lru_cache(maxsize=50_000)
def _readings(place: str) -> list[Interpretation]:
    """The readings of a phrase (pure, and news repeats its phrases: remembered)."""
    return parse(place)


def _may_be_district(reading: Interpretation, cands: list[Candidate]) -> bool:
    """Whether to look the name up among districts: a district-like reading whose name matched no place as written
    (for a bare name: no place by any spelling, misspellings apart)."""
    if reading.kind not in DISTRICT_KINDS or reading.exact_only:
        return False
    if reading.kind == Kind.PLACE:
        return all(c.fuzzy for c in cands)
    return all(c.loose or c.fuzzy for c in cands)


def _same_place(a: Candidate, b: Candidate) -> bool:
    """True when two candidates denote the same location (same unit, or points within 25 km)."""
    if a.source != "gazetteer" or b.source != "gazetteer":
        return a.source == b.source and a.row == b.row or (b.source == "admin1" and a.admin1_row == b.row and a.source == "gazetteer")
    return float(geodesic_distance_km(a.lon, a.lat, b.lon, b.lat)) < SAME_PLACE_KM


def _ranked(reading: Interpretation, name: str, cands: list[Candidate], consistent: list[Candidate]) -> RankedName:
    """The ranking of one name, marking the candidates the hints ruled out."""
    kept = {id(c) for c in consistent}
    return RankedName(reading, name, cands, frozenset(i for i, c in enumerate(cands) if id(c) not in kept))


def _short(text: str, limit: int = 60) -> str:
    """Text cut for messages (a 100,000-character "place" must not flood a reason)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
