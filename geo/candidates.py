"""Gather candidate places for a name (gazetteer, admin-1, countries) and rank them by context.

Ranking is deliberately explainable: a score is a sum of named parts (name match, feature
importance, hints, places named in the same record) and each candidate keeps its reasons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from geo.fuzzy import FuzzyIndex
from geo.geodesy import geodesic_distance_km
from geo.textnorm import variant_key

#: Candidates from one source considered per name (most populous first within a key).
MAX_PER_KEY = 40
#: Minimum rapidfuzz ratio for a fuzzy name match, and the shortest name fuzzy matching is tried on.
FUZZY_CUTOFF = 88.0
FUZZY_MIN_LEN = 6
#: Variant keys shorter than this are too unspecific to match on.
MIN_VARIANT_LEN = 3
#: Below this score a best candidate is not trusted: the name stays unresolved.
MIN_SCORE = 0.42
#: Weights of the score parts.
W_MATCH, W_IMPORTANCE = 0.55, 0.4
W_COUNTRY_HINT, W_REGION_HINT, W_TEXT_REGION, W_TEXT_COUNTRY, W_NEARBY = 0.45, 0.45, 0.3, 0.12, 0.35
#: Distance scale (km) over which another place named in the record lends support.
NEARBY_SCALE_KM = 150.0

#: GeoNames feature codes that mark seats of government (more likely to be what news means).
_SEAT_BONUS = {"PPLC": 0.2, "PPLA": 0.12, "PPLG": 0.12, "PPLA2": 0.06, "PPLA3": 0.03}


@dataclass
class Candidate:
    """One place a name may refer to, with where it is and why it scores as it does."""

    source: str  # "gazetteer" | "admin1" | "country"
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
    base: float = 0.0  # name match + importance, before any context
    score: float = 0.0
    why: list[str] = field(default_factory=list)

    def summary(self, admin1_names: list[str]) -> dict:
        """The compact form written into ``candidates``."""
        region = admin1_names[self.admin1_row] if self.admin1_row >= 0 else None
        return {"name": self.name, "country": self.country or None, "admin1": region, "id": self.gid,
                "score": round(self.score, 3), "lat": round(self.lat, 5), "lon": round(self.lon, 5)}  # fmt: skip


@dataclass
class Context:
    """What else the record says about where it happened."""

    countries: set[str] = field(default_factory=set)  # explicit country hint (ISO3)
    regions: set[int] = field(default_factory=set)  # explicit region hint (admin-1 rows)
    text_countries: set[str] = field(default_factory=set)  # countries named in the record's text
    text_regions: set[int] = field(default_factory=set)  # admin-1 units named in the record's text
    text_points: list[tuple[float, float]] = field(default_factory=list)  # (lon, lat) of places named in the text

    def key(self) -> tuple:
        """Hashable identity, for memoising resolutions."""
        return (frozenset(self.countries), frozenset(self.regions), frozenset(self.text_countries),
                frozenset(self.text_regions), tuple(self.text_points))  # fmt: skip


_FUZZY_INDEXES: dict[int, FuzzyIndex] = {}


def fuzzy_index(gaz) -> FuzzyIndex:
    """The (lazily built) fuzzy index over a gazetteer's folded names."""
    if id(gaz) not in _FUZZY_INDEXES:
        _FUZZY_INDEXES[id(gaz)] = FuzzyIndex(gaz.all_keys())
    return _FUZZY_INDEXES[id(gaz)]


def gazetteer_rows(gaz, folded: str, fuzzy: bool = True) -> list[tuple[int, float]]:
    """(row, name-match quality) for a folded name: exact 1.0 / alternate 0.97, variant 0.92, fuzzy <= 0.8."""
    found: dict[int, float] = {}
    for row in gaz.lookup(folded)[:MAX_PER_KEY]:
        found[int(row)] = 1.0
    vkey = variant_key(folded)
    if len(vkey) >= MIN_VARIANT_LEN:  # "kkkkkk" collapses to "k": no evidence of any place
        for row in gaz.lookup_variant(vkey)[:MAX_PER_KEY]:
            found.setdefault(int(row), 0.92)
    for stem in inflection_stems(folded):  # "uralske" (в Уральске) -> "uralsk"; weaker than a spelling as given
        for row in gaz.lookup(stem)[:MAX_PER_KEY]:
            found.setdefault(int(row), INFLECTED_QUALITY)
    if found or not fuzzy or len(folded) < FUZZY_MIN_LEN:
        return list(found.items())
    for key, score in fuzzy_index(gaz).extract(folded, FUZZY_CUTOFF):
        for row in gaz.lookup(key)[:MAX_PER_KEY]:
            found.setdefault(int(row), 0.8 * score / 100.0)
    return list(found.items())


#: Russian/Ukrainian/Kazakh case endings (transliterated, folded) and the nominative endings they may stand for.
CASE_ENDINGS = {"ogo": ("", "oe", "ii"), "omu": ("",), "om": ("", "o"), "oi": ("a", "", "aia"), "ei": ("ia", "", "aia"), "ami": ("",),
                "akh": ("",), "e": ("", "a", "ia", "o"), "i": ("", "a", "ia"), "u": ("", "a", "o"), "y": ("", "a"), "a": ("",),
                "ia": ("",), "iu": ("ia",)}  # fmt: skip
MIN_STEM_LEN = 4
#: Name-match quality of a place found by undoing a case ending.
INFLECTED_QUALITY = 0.85


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


def importance(population: int, fcode: str) -> float:
    """Prior that a place is the one meant, from its size and role (0..1)."""
    size = min(1.0, math.log10(max(population, 0) + 1) / 6.5)
    return min(1.0, size + _SEAT_BONUS.get(fcode or "", 0.0))


def contradicts_hints(cand: Candidate, ctx: Context) -> bool:
    """True when the record's explicit country or region hint says the candidate is elsewhere."""
    if ctx.countries and cand.country not in ctx.countries:
        return True
    region = cand.row if cand.source == "admin1" else cand.admin1_row
    return bool(ctx.regions) and cand.source != "country" and region not in ctx.regions


def score(cand: Candidate, ctx: Context) -> None:
    """Fill ``cand.score`` and ``cand.why`` from name match, importance and context."""
    parts = [("name", W_MATCH * cand.quality), ("importance", W_IMPORTANCE * importance(cand.population, cand.fcode))]
    cand.base = parts[0][1] + parts[1][1]
    if ctx.countries:
        parts.append(("country hint", W_COUNTRY_HINT if cand.country in ctx.countries else -W_COUNTRY_HINT))
    if ctx.regions:
        if cand.source == "admin1":
            hit = cand.row in ctx.regions
        else:
            hit = cand.admin1_row in ctx.regions
        parts.append(("region hint", W_REGION_HINT if hit else -W_REGION_HINT / 2))
    if ctx.text_regions and cand.admin1_row in ctx.text_regions:
        parts.append(("region named in text", W_TEXT_REGION))
    if ctx.text_countries and cand.country in ctx.text_countries:
        parts.append(("country named in text", W_TEXT_COUNTRY))
    if ctx.text_points:
        lons, lats = np.array(ctx.text_points).T
        dist = geodesic_distance_km(cand.lon, cand.lat, lons, lats)
        dist = dist[dist > 1.0]  # the place itself is no evidence for itself
        if len(dist):
            parts.append(("near other places named", W_NEARBY * math.exp(-float(dist.min()) / NEARBY_SCALE_KM)))
    cand.score = sum(v for _, v in parts)
    cand.why = [f"{k} {v:+.2f}" for k, v in parts]


#: Lead a place gets over the region it shares its name with.
NAMESAKE_MARGIN = 0.08
#: A namesake seat must be at least this populous (a village named after its region is not its seat).
NAMESAKE_MIN_POP = 50_000


def agreeing(cands: list[Candidate], ctx: Context) -> list[Candidate]:
    """Candidates consistent with the record's explicit country/region hints (all of them when there are none)."""
    return [c for c in cands if not contradicts_hints(c, ctx)]


def favour_namesake_seats(cands: list[Candidate]) -> None:
    """A bare name shared by a region and the biggest place inside it ("Kaluga", "Aktobe") means the place:
    news writes "X region" when it means the region. The place gets the region's score plus a margin."""
    regions = {c.row: c for c in cands if c.source == "admin1" and c.quality >= 0.85}
    seats: dict[int, Candidate] = {}
    for cand in cands:
        if cand.source == "gazetteer" and cand.admin1_row in regions and cand.quality >= 0.85 and cand.population >= NAMESAKE_MIN_POP:
            if cand.admin1_row not in seats or cand.population > seats[cand.admin1_row].population:
                seats[cand.admin1_row] = cand
    for row, seat in seats.items():
        bonus = max(0.0, regions[row].score - seat.score) + NAMESAKE_MARGIN
        seat.score += bonus
        seat.why.append(f"namesake seat of {regions[row].name} {bonus:+.2f}")


def confidence(best: Candidate, rival: Candidate | None) -> float:
    """Confidence in [0, 1]: how strong the best candidate is, and how far ahead of a rival elsewhere."""
    strength = max(0.0, min(1.0, (best.score - MIN_SCORE) / 0.5 + 0.5))
    if rival is None:
        return strength
    margin = max(0.0, best.score - rival.score)
    return strength * (0.5 + 0.5 * min(1.0, margin / 0.25))
