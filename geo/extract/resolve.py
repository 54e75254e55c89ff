"""Mentions to places with the whole article as context: each toponym is resolved once on its own and, unless
that answer is already sure, again with the other places the article names as evidence (its countries, its
regions, its confidently placed towns), so that "Aksay" next to "Oral" and "West Kazakhstan" is the Kazakh
town. A mention never counts as evidence for itself. Demonyms resolve to their country directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.extract.gazetteer_ner import COMMON_WORD
from geo.extract.mentions import Mention
from geo.geocoding import Geocoder, Resolution
from geo.geocoding.ranking import Context
from geo.io.precision import WherePrec
from geo.spatial.geodesy import geodesic_distance_km

#: Only answers at least this confident become evidence for the other mentions.
EVIDENCE_CONFIDENCE = 0.6
#: An answer this sure on its own is kept: the rest of the article only decides between close candidates
#: (a town named Washington near the article's places does not outweigh the capital named on its own).
SURE_WITHOUT_CONTEXT = 0.9
#: Confidence of a country named by a demonym ("Kazakh" may name the people or the language, not the place).
DEMONYM_CONFIDENCE = 0.9
#: A common-word name this close (km) to another place the article names agrees with it.
COHERENT_KM = 800.0
#: At most this many places' points are used as evidence.
MAX_EVIDENCE_POINTS = 20


@dataclass
class Placed:
    """A mention's resolution (the toponym, for ``--mentions``) and its place's (the phrase, for incidents:
    the same unless the phrase is a route), and the article evidence used."""

    toponym: Resolution
    place: Resolution


def resolve_mentions(mentions: list[Mention], geocoder: Geocoder) -> list[Placed]:
    """One Placed per mention (same order): the mention resolved with the rest of the article as context."""
    resolver = geocoder.resolver
    distinct = _distinct(mentions)
    first = {key: _resolve(m, resolver, Context(), m.query) for key, m in distinct.items()}
    contributions = {key: _evidence(res, geocoder) if COMMON_WORD not in distinct[key].notes else Context() for key, res in first.items()}
    final: dict[str, Placed] = {}
    for key, mention in distinct.items():
        if first[key].status == "resolved" and first[key].confidence >= SURE_WITHOUT_CONTEXT:
            final[key] = Placed(first[key], first[key] if mention.place_query == mention.query else
                                _resolve(mention, resolver, Context(), mention.place_query))  # fmt: skip
            continue
        evidence = Context()
        for other, part in contributions.items():
            if other != key:
                evidence = evidence.merged(part)
        evidence.text_points = evidence.text_points[:MAX_EVIDENCE_POINTS]
        toponym = _resolve(mention, resolver, evidence, mention.query)
        if _sure_choice(first[key]) and toponym.gazetteer_id != first[key].gazetteer_id:
            evidence, toponym = Context(), first[key]  # the article's places may raise confidence, not overturn a clear choice
        place = toponym if mention.place_query == mention.query else _resolve(mention, resolver, evidence, mention.place_query)
        final[key] = Placed(toponym, place)
    out = [final[_key(m)] for m in mentions]
    _same_kind_in_lists(mentions, out, resolver)
    return out


def _sure_choice(res: Resolution) -> bool:
    """The name's known candidates leave no real doubt on their own ("Washington": the capital, whatever small
    Washingtons the gazetteer lacks, and whatever Washington lies near the article's other places)."""
    return res.status == "resolved" and (res.choice or 0.0) >= SURE_WITHOUT_CONTEXT


def _same_kind_in_lists(mentions: list[Mention], placed: list[Placed], resolver) -> None:
    """Names listed together are places of one kind: in "Arizona and California" or "Kansas and northern Texas",
    a name read as a town beside regions is read again as a region (when one of that name exists)."""
    groups: dict[int, list[int]] = {}
    for i, m in enumerate(mentions):
        if m.group >= 0 and not m.is_demonym:
            groups.setdefault(m.group, []).append(i)
    for members in groups.values():
        levels = [placed[i].toponym.where_prec for i in members]
        if WherePrec.ADMIN1 not in levels:
            continue
        for i in members:
            if placed[i].toponym.where_prec == WherePrec.EXACT and mentions[i].query == mentions[i].lookup:
                region = resolver.resolve_in(f"{mentions[i].lookup} region", Context())
                if region.status != "unresolved" and region.where_prec == WherePrec.ADMIN1:
                    placed[i] = Placed(region, region)


def _key(mention: Mention) -> str:
    return f"country:{mention.country}" if mention.is_demonym else f"{mention.query}\x00{mention.place_query}"


def _distinct(mentions: list[Mention]) -> dict[str, Mention]:
    """The first mention of each distinct thing to resolve (a country, or a phrase)."""
    out: dict[str, Mention] = {}
    for m in mentions:
        out.setdefault(_key(m), m)
    return out


def _resolve(mention: Mention, resolver, evidence: Context, query: str) -> Resolution:
    if mention.is_demonym and mention.country:
        return resolver.country(mention.country, confidence=DEMONYM_CONFIDENCE)
    return resolver.resolve_in(query, evidence)


def _evidence(res: Resolution, geocoder: Geocoder) -> Context:
    """What a confident answer tells about where the article is: its country, its region, its point."""
    ctx = Context()
    if res.status != "resolved" or res.point is None or res.confidence < EVIDENCE_CONFIDENCE:
        return ctx
    lookup = geocoder.lookup
    if res.where_prec == WherePrec.COUNTRY:
        if res.gazetteer_id:
            ctx.text_countries.add(res.gazetteer_id)
        return ctx
    row = res.point_admin1(lookup)
    if row >= 0:
        ctx.text_regions.add(row)
        ctx.text_countries.add(str(lookup.admin1_iso3[row]))
    if res.where_prec <= WherePrec.NEAR:
        ctx.text_points.append((res.point.x, res.point.y))
    return ctx


def coherent(mentions: list[Mention], placed: list[Placed], geocoder: Geocoder) -> list[bool]:
    """Which mentions to keep: every one but a name that is also a common word ("Keller", "Norden", "Tornado") or
    that no model recognised, when the article's other places disagree with it: it must lie within COHERENT_KM
    of one of them (or, when they are all countries, in one of those countries). With no other places to agree
    or disagree, such a name stays only when it is a region, a country or a big place."""
    lookup = geocoder.lookup
    anchors = [(m, p.toponym) for m, p in zip(mentions, placed) if COMMON_WORD not in m.notes and p.toponym.point is not None]
    countries = {_country(res, lookup) for _, res in anchors} - {""}
    points = [(res.point.x, res.point.y) for _, res in anchors if res.where_prec is not None and res.where_prec <= WherePrec.ADMIN1]
    keep = []
    for m, p in zip(mentions, placed):
        res = p.toponym
        if COMMON_WORD not in m.notes or res.point is None or "strong" in m.notes:
            keep.append(True)  # a region, a country or a big place ("Moskau") needs no agreement
            continue
        if not anchors:
            keep.append(res.where_prec is not None and res.where_prec >= WherePrec.ADMIN1)
            continue
        near = bool(points) and float(min(geodesic_distance_km(res.point.x, res.point.y, *zip(*points)))) <= COHERENT_KM
        keep.append(near if points else _country(res, lookup) in countries)
    return keep


def _country(res: Resolution, lookup) -> str:
    if res.where_prec == WherePrec.COUNTRY:
        return res.gazetteer_id or ""
    row = res.point_admin1(lookup)
    return str(lookup.admin1_iso3[row]) if row >= 0 else ""
