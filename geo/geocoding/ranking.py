"""Rank candidate places by context: explainable scores, ambiguity margins and confidence.

A score is a sum of named parts (name match, feature importance, hints, places named in the same
record) and each candidate keeps its reasons in ``why``, so the ranking can be shown as it was used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from geo.gazetteer.names import fold
from geo.geocoding.lookup import Candidate
from geo.spatial.geodesy import geodesic_distance_km

#: Below this score a best candidate is not trusted: the name stays unresolved.
MIN_SCORE = 0.42
#: Weights of the score parts.
W_MATCH, W_IMPORTANCE = 0.55, 0.4
W_COUNTRY_HINT, W_REGION_HINT, W_TEXT_REGION, W_TEXT_COUNTRY, W_NEARBY = 0.45, 0.45, 0.3, 0.12, 0.35
#: Distance scale (km) over which another place named in the record lends support.
NEARBY_SCALE_KM = 150.0
#: A place named in the record this close (km) narrows the answer as a region hint does.
SUPPORT_KM = 100.0
#: GeoNames feature codes that mark seats of government (more likely to be what news means).
_SEAT_BONUS = {"PPLC": 0.2, "PPLA": 0.12, "PPLG": 0.12, "PPLA2": 0.06, "PPLA3": 0.03}
#: Lead a place gets over the region it shares its name with.
NAMESAKE_MARGIN = 0.08
#: A namesake seat must be at least this populous (a village named after its region is not its seat).
NAMESAKE_MIN_POP = 50_000


@dataclass
class Context:
    """What else the record says about where it happened: the evidence the ranking weighs."""

    countries: set[str] = field(default_factory=set)  # explicit country hint (ISO3)
    regions: set[int] = field(default_factory=set)  # explicit region hint (admin-1 rows)
    text_countries: set[str] = field(default_factory=set)  # countries named in the record's text
    text_regions: set[int] = field(default_factory=set)  # admin-1 units named in the record's text
    text_points: list[tuple[float, float]] = field(default_factory=list)  # (lon, lat) of places named in the text

    def key(self) -> tuple:
        """Hashable identity, for memoising resolutions."""
        return (frozenset(self.countries), frozenset(self.regions), frozenset(self.text_countries),
                frozenset(self.text_regions), tuple(self.text_points))  # fmt: skip

    def merged(self, other: Context) -> Context:
        """This context plus another's evidence from text (places named elsewhere: the rest of an article)."""
        return Context(set(self.countries), set(self.regions), self.text_countries | other.text_countries,
                       self.text_regions | other.text_regions, [*self.text_points, *other.text_points])  # fmt: skip

    def has_evidence(self) -> bool:
        """True when the record says anything about where it happened besides the place name."""
        return bool(self.countries or self.regions or self.text_countries or self.text_regions or self.text_points)

    def with_place(self, cand: Candidate) -> Context:
        """A copy that also knows about a resolved place (a route's other endpoint)."""
        return Context(set(self.countries), set(self.regions), set(self.text_countries), self.text_regions | {cand.admin1_row},
                       [*self.text_points, (cand.lon, cand.lat)])  # fmt: skip


def importance(population: int, fcode: str) -> float:
    """Prior that a place is the one meant, from its size and role (0..1)."""
    size = min(1.0, math.log10(max(population, 0) + 1) / 6.5)
    return min(1.0, size + _SEAT_BONUS.get(fcode or "", 0.0))


def prior(cand: Candidate) -> float:
    """Name match plus importance: the score with no context at all."""
    return W_MATCH * cand.quality + W_IMPORTANCE * importance(cand.population, cand.fcode)


def contradicts_hints(cand: Candidate, ctx: Context) -> bool:
    """True when the record's explicit country or region hint says the candidate is elsewhere."""
    if ctx.countries and cand.country not in ctx.countries:
        return True
    region = cand.row if cand.source == "admin1" else cand.admin1_row
    return bool(ctx.regions) and cand.source != "country" and region not in ctx.regions


def score(cand: Candidate, ctx: Context, nearest_km: float | None = None) -> None:
    """Fill ``cand.score`` and ``cand.why`` from name match, importance and context (``nearest_km``: the distance to
    the nearest other place named, when the caller has measured it for many candidates at once)."""
    parts = [("name", W_MATCH * cand.quality), ("importance", W_IMPORTANCE * importance(cand.population, cand.fcode))]
    cand.base = parts[0][1] + parts[1][1]
    if ctx.countries:
        parts.append(("country hint", W_COUNTRY_HINT if cand.country in ctx.countries else -W_COUNTRY_HINT))
    if ctx.regions:
        hit = (cand.row if cand.source == "admin1" else cand.admin1_row) in ctx.regions
        parts.append(("region hint", W_REGION_HINT if hit else -W_REGION_HINT / 2))
    if ctx.text_regions and cand.admin1_row in ctx.text_regions:
        parts.append(("region named in text", W_TEXT_REGION))
    if ctx.text_countries and cand.country in ctx.text_countries:
        parts.append(("country named in text", W_TEXT_COUNTRY))
    if ctx.text_points:
        if nearest_km is None:
            nearest_km = float(_nearest_km([cand], ctx.text_points)[0])
        if math.isfinite(nearest_km):
            parts.append(("near other places named", W_NEARBY * math.exp(-nearest_km / NEARBY_SCALE_KM)))
    cand.score = sum(v for _, v in parts)
    cand.why = [f"{k} {v:+.2f}" for k, v in parts]


def _nearest_km(cands: list[Candidate], points: list[tuple[float, float]]) -> np.ndarray:
    """Each candidate's geodesic distance (km) to the nearest of ``points`` farther than 1 km (the place itself is
    no evidence for itself); infinity when there is none. One vectorised call for all pairs."""
    lons, lats = np.array(points, dtype=float).T
    clon = np.array([c.lon for c in cands], dtype=float)
    clat = np.array([c.lat for c in cands], dtype=float)
    dist = geodesic_distance_km(clon[:, None], clat[:, None], lons[None, :], lats[None, :])
    dist = np.where(dist > 1.0, dist, np.inf)
    return dist.min(axis=1)


def rank(cands: list[Candidate], ctx: Context) -> list[Candidate]:
    """Score every candidate in context, favour namesake seats, and sort best first (countries, then regions, win ties)."""
    nearest = _nearest_km(cands, ctx.text_points) if ctx.text_points and cands else [None] * len(cands)
    for cand, km in zip(cands, nearest):
        score(cand, ctx, None if km is None else float(km))
    favour_namesake_seats(cands)
    cands.sort(key=lambda c: (-c.score, c.source != "country", c.source != "admin1"))
    return cands


def agreeing(cands: list[Candidate], ctx: Context) -> list[Candidate]:
    """Candidates consistent with the record's explicit country/region hints (all of them when there are none)."""
    return [c for c in cands if not contradicts_hints(c, ctx)]


def favour_namesake_seats(cands: list[Candidate]) -> None:
    """A bare name shared by a region and the biggest place inside it ("Kaluga", "Aktobe") means the place:
    news writes "X region" when it means the region. The place gets the region's score plus a margin. Only a
    place named at least as well as the region, or whose own name is as many words as the region's
    ("Karagandy" for "Karaganda"), counts: "Oklahoma" is the state, Oklahoma City only shortened."""
    regions = {c.row: c for c in cands if c.source == "admin1" and c.quality >= 0.85}
    seats: dict[int, Candidate] = {}
    for cand in cands:
        region = regions.get(cand.admin1_row)
        if (cand.source == "gazetteer" and region is not None and cand.quality >= 0.85 and cand.population >= NAMESAKE_MIN_POP
                and (cand.quality >= region.quality - 0.05 or len(fold(cand.name).split()) == len(fold(region.name).split()))):  # fmt: skip
            if cand.admin1_row not in seats or cand.population > seats[cand.admin1_row].population:
                seats[cand.admin1_row] = cand
    for row, seat in seats.items():
        bonus = max(0.0, regions[row].score - seat.score) + NAMESAKE_MARGIN
        seat.score += bonus
        seat.why.append(f"namesake seat of {regions[row].name} {bonus:+.2f}")


def support_scope(cand: Candidate, ctx: Context) -> str:
    """How narrowly the record's evidence places the candidate: "region" (a region hint, a region named in the text,
    or a place named within SUPPORT_KM), "country" (a country hint or a country named), else "world"."""
    region = cand.row if cand.source == "admin1" else cand.admin1_row
    if region >= 0 and (region in ctx.regions or region in ctx.text_regions):
        return "region"
    if ctx.text_points and float(_nearest_km([cand], ctx.text_points)[0]) <= SUPPORT_KM:
        return "region"
    if cand.country and (cand.country in ctx.countries or cand.country in ctx.text_countries):
        return "country"
    return "world"
