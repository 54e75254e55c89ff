"""What else a record says about where it happened: explicit hints and places named in its text.

Explicit ``country`` and ``region`` fields (and "X, Y region" phrase hints) constrain the
candidates; admin-1 units, countries and sizeable places named in the title or description
lend support (see :func:`geo.geocoding.ranking.score`). Reads names through a
:class:`~geo.geocoding.lookup.PlaceLookup`; never resolves places itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from geo.gazetteer.names import fold
from geo.geocoding.lookup import NO_FUZZY, PlaceLookup
from geo.geocoding.ranking import Context, rank

#: Record fields scanned for other place names (context).
TEXT_FIELDS = ("title", "description", "summary", "notes", "text")
#: Places named in text only count as context above this population (limits noise from common words).
TEXT_PLACE_MIN_POP = 5000
#: At most this many places named in a record's text are kept as context points.
MAX_TEXT_POINTS = 20


def read_context(lookup: PlaceLookup, record: dict, hints: Sequence[str] = ()) -> Context:
    """Hints and other places the record names (fields ``country``, ``region``, text fields, phrase hints)."""
    ctx = Context()
    country = record.get("country")
    if isinstance(country, str) and country.strip():
        ctx.countries |= lookup.countries_named(country)
    region = record.get("region")
    if isinstance(region, str) and region.strip():
        _add_region_hint(lookup, ctx, fold(region))
    for hint in hints:
        _add_region_hint(lookup, ctx, hint)
    text = " ".join(str(record[f]) for f in TEXT_FIELDS if isinstance(record.get(f), str))
    if text:
        _scan_text(lookup, ctx, fold(text))
    return ctx


def _add_region_hint(lookup: PlaceLookup, ctx: Context, folded: str) -> None:
    """A region hint: an admin-1 unit, a country, or failing those a place whose region counts."""
    folded = re.sub(r"\b(region|oblast|oblys|province|gebiet)\b", " ", folded).strip() or folded
    admin = [h.row for h in lookup.admin1_index.find(folded, fuzzy_cutoff=NO_FUZZY) if h.quality >= 0.9]
    if admin:
        ctx.regions |= set(admin)
        return
    countries = lookup.countries_named(folded)
    if countries:
        ctx.countries |= countries
        return
    places = rank(lookup.find(folded, ("gazetteer",)), Context())
    if places and places[0].quality >= 0.9:
        ctx.text_points.append((places[0].lon, places[0].lat))
        if places[0].admin1_row >= 0:
            ctx.text_regions.add(places[0].admin1_row)


def _scan_text(lookup: PlaceLookup, ctx: Context, folded_text: str) -> None:
    """Add admin-1 units, countries and sizeable places named in free text (1-3 word n-grams)."""
    gaz = lookup.gaz
    words = folded_text.split()
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            gram = " ".join(words[i : i + n])
            if len(gram) < 4:
                continue
            ctx.text_regions |= set(lookup.admin1_index.exact.get(gram, ()))
            ctx.text_countries |= {str(lookup.country_iso3[r]) for r in lookup.country_index.exact.get(gram, ())}
            rows = gaz.lookup(gram)[:5]
            big = [int(r) for r in rows if gaz.population[r] >= TEXT_PLACE_MIN_POP]
            if big and len(ctx.text_points) < MAX_TEXT_POINTS:
                ctx.text_points.append((float(gaz.lon[big[0]]), float(gaz.lat[big[0]])))
