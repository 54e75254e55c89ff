"""Confidence: the estimated probability that the true location lies within the footprint's tolerance.

Three things can make an answer wrong, and confidence is the product of the chances that none does:

* **the name matched loosely** (an alternate, a romanisation variant, a case ending, a misspelling);
* **a namesake the gazetteer holds is meant instead**: the candidates the record's hints leave, weighed
  by their scores (a softmax: two same-name villages in one region are close to a coin toss);
* **a namesake the gazetteer lacks is meant**. cities500 holds places of 500+ inhabitants, and not all of
  them: in a rural region most villages are missing, and village names repeat ("Oleksandrivka",
  "Katerynivka"). The expected number of unseen namesakes within the scope the hints narrow the
  answer to (the region, the country, or the world) is estimated from the name's frequency in the
  country (absolute discounting: a name seen once is rarer than one in N), the number of small places
  in that scope and the country's completeness (see :class:`Completeness`), and weighed by size: unseen
  namesakes are villages, and a city's bare name means the city far more often than a village's.

Admin-1 units and countries come from complete layers: only the first two apply to them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from geo.gazetteer.index import Gazetteer
from geo.geocoding.lookup import Candidate

#: Population under which a place counts as a village or small town (the places a gazetteer misses).
SMALL_POP = 10_000
#: Typical population of a settlement the gazetteer lacks (cities500 keeps places of 500+ inhabitants; the unseen ones
#: are smaller or have no population in GeoNames).
UNSEEN_POP = 1_000
#: Unseen settlements per seen small place assumed at least. Ukraine, which the village/town ratio below rates as
#: complete, has about 29,000 settlements and 5,488 places in cities500 (4,949 small): 4.7 unseen per seen small place.
#: ../shared/DATA.md: a third of the Donbas villages named in UCDP records are missing.
MIN_UNSEEN_PER_SEEN = 5.0
#: Share of places with 500-2,000 inhabitants to those with 2,000-8,000 in a country the gazetteer covers well;
#: a country far below it has lost its villages (GeoNames lacks their populations) and more are unseen.
COMPLETE_SMALL_TO_TOWN = 2.0
#: Absolute discount of a name's count in the country (Kneser-Ney style): a name seen once is rarer than 1 in N.
NAME_DISCOUNT = 0.75
#: Softmax temperature over candidate scores: importance adds 0.4/6.5 per tenfold population, so 0.03 makes a
#: namesake about eight times likelier per tenfold size (news names places about in proportion to their size).
TEMPERATURE = 0.03
#: The same size prior as a power of population (about 0.89: eight times per tenfold).
POP_EXPONENT = 0.4 / 6.5 / TEMPERATURE / math.log(10)
#: Chance that a name matched this way denotes the place (no misspelling, no other place's old name).
MATCH_RELIABILITY = {"primary": 1.0, "alternate": 0.9, "variant": 0.85, "inflected": 0.8, "fuzzy": 0.6}
#: Further factor for a misspelling-like match with nothing in the record to support it.
UNSUPPORTED_FUZZY = 0.5


@dataclass
class Completeness:
    """Per-country and per-region counts of the gazetteer's places, for the unseen-namesake estimate."""

    places: dict[str, int]  # ISO2 -> places
    small: dict[str, int]  # ISO2 -> places under SMALL_POP
    small_in_region: dict[str, int]  # GeoNames admin1 key -> places under SMALL_POP
    unseen_per_seen: dict[str, float]  # ISO2 -> estimated unseen settlements per seen small place
    world_places: int = 0
    world_small: int = 0

    @classmethod
    def of(cls, gaz: Gazetteer) -> Completeness:
        """Counts over a gazetteer (bincounts over the category codes of country and admin-1: milliseconds)."""
        pop, country, admin1 = np.asarray(gaz.population), gaz.country.codes, gaz.admin1.codes
        small = pop < SMALL_POP

        def per_country(mask: np.ndarray | None = None) -> list[int]:
            return np.bincount(country if mask is None else country[mask], minlength=len(gaz.country.categories)).tolist()

        places, smalls = per_country(), per_country(small)
        villages, towns = per_country((pop >= 500) & (pop < 2000)), per_country((pop >= 2000) & (pop < 8000))
        out = cls({}, {}, {}, {}, int(len(pop)), int(small.sum()))
        for i, code in enumerate(gaz.country.categories):  # sorted, as np.unique gave them
            if not places[i]:
                continue
            out.places[code] = places[i]
            out.small[code] = smalls[i]
            ratio = (villages[i] + 5) / (towns[i] + 2.5)  # smoothed: a country with few places says little
            out.unseen_per_seen[code] = max(MIN_UNSEEN_PER_SEEN, MIN_UNSEEN_PER_SEEN * COMPLETE_SMALL_TO_TOWN / ratio)
        counts = np.bincount(admin1[small], minlength=len(gaz.admin1.categories)).tolist()
        out.small_in_region = {key: n for key, n in zip(gaz.admin1.categories, counts) if key and n}
        return out


def completeness(gaz: Gazetteer) -> Completeness:
    """The gazetteer's completeness counts, computed once and held on the gazetteer."""
    stats = gaz.derived.get("completeness")
    if not isinstance(stats, Completeness):
        stats = gaz.derived["completeness"] = Completeness.of(gaz)
    return stats


def match_kind(cand: Candidate, fuzzy: bool) -> str:
    """How the name reached the candidate: primary, alternate, variant, inflected or fuzzy."""
    if fuzzy:
        return "fuzzy"
    if cand.quality >= 1.0:
        return "primary"
    if not cand.loose:
        return "alternate"
    return "variant" if cand.quality >= 0.9 else "inflected"


def seen_share(best: Candidate, rivals: Sequence[Candidate]) -> float:
    """The best candidate's share of a softmax over its own score and its rivals' (other places still possible)."""
    return 1.0 / (1.0 + sum(math.exp((r.score - best.score) / TEMPERATURE) for r in rivals))


def unseen_namesakes(best: Candidate, scope: str, stats: Completeness, iso2: str, region_key: str, in_country: int,
                     in_world: int) -> float:  # fmt: skip
    """Expected number of places the gazetteer lacks that bear the name, within ``scope`` ("region", "country" or
    "world"), each weighed by how often it would be named instead of the answer (see :func:`unseen_weight`)."""
    places = stats.places.get(iso2, 0)
    if best.source != "gazetteer" or not places:
        return 0.0
    r = stats.unseen_per_seen.get(iso2, MIN_UNSEEN_PER_SEEN)
    if scope == "world":
        expected = r * stats.world_small * max(in_world - NAME_DISCOUNT, 0.0) / max(stats.world_places, 1)
    else:
        small = stats.small_in_region.get(region_key, 0) if scope == "region" else stats.small.get(iso2, 0)
        expected = r * small * max(in_country - NAME_DISCOUNT, 0.0) / places
    return expected * unseen_weight(best.population)


def unseen_weight(population: int) -> float:
    """How often a typical unseen settlement is named relative to the answer (a place of ``population``), by the
    same size prior the candidates' softmax uses: a town of 34,000 outweighs a village namesake about 20 to 1."""
    return 1.0 if population <= UNSEEN_POP else (UNSEEN_POP / population) ** POP_EXPONENT


def confidence(best: Candidate, rivals: Sequence[Candidate], *, kind: str, unseen: float, supported: bool) -> float:
    """P(right) = P(the match is the name) x P(no seen rival is meant) x P(no unseen namesake is meant)."""
    p = MATCH_RELIABILITY[kind] * seen_share(best, rivals) / (1.0 + unseen)
    if kind == "fuzzy" and not supported:
        p *= UNSUPPORTED_FUZZY
    return max(0.0, min(1.0, p))
