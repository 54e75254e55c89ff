"""What else a record says about where it happened: explicit hints and places named in its text.

Explicit ``country`` and ``region`` fields (and "X, Y region" phrase hints) constrain the
candidates; admin-1 units, countries and sizeable places named in the title or description
lend support (see :func:`geo.candidates.score`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from geo.candidates import Context
from geo.textnorm import fold

#: Record fields scanned for other place names (context).
TEXT_FIELDS = ("title", "description", "summary", "notes", "text")
#: Places named in text only count as context above this population (limits noise from common words).
TEXT_PLACE_MIN_POP = 5000


def read_context(geocoder, record: dict, hints: Sequence[str] = ()) -> Context:
    """Hints and other places the record names (fields ``country``, ``region``, text fields, phrase hints)."""
    ctx = Context()
    country = record.get("country")
    if isinstance(country, str) and country.strip():
        ctx.countries |= countries_named(geocoder, country)
    region = record.get("region")
    if isinstance(region, str) and region.strip():
        _add_region_hint(geocoder, ctx, fold(region))
    for hint in hints:
        _add_region_hint(geocoder, ctx, hint)
    text = " ".join(str(record[f]) for f in TEXT_FIELDS if isinstance(record.get(f), str))
    if text:
        _scan_text(geocoder, ctx, fold(text))
    return ctx


def countries_named(geocoder, value: str) -> set[str]:
    """ISO3 codes a country hint names (code or name in any language the layers know)."""
    code = value.strip().upper()
    if code in geocoder.country_codes:
        return {str(geocoder.country_iso3[geocoder.country_codes[code]])}
    return {str(geocoder.country_iso3[h.row]) for h in geocoder.country_index.find(fold(value), fuzzy_cutoff=101) if h.quality >= 0.9}


def _add_region_hint(geocoder, ctx: Context, folded: str) -> None:
    """A region hint: an admin-1 unit, a country, or failing those a place whose region counts."""
    folded = re.sub(r"\b(region|oblast|oblys|province|gebiet)\b", " ", folded).strip() or folded
    admin = [h.row for h in geocoder.admin1_index.find(folded, fuzzy_cutoff=101) if h.quality >= 0.9]
    if admin:
        ctx.regions |= set(admin)
        return
    countries = countries_named(geocoder, folded)
    if countries:
        ctx.countries |= countries
        return
    places = geocoder.candidates(folded, Context(), sources=("gazetteer",))
    if places and places[0].quality >= 0.9:
        ctx.text_points.append((places[0].lon, places[0].lat))
        if places[0].admin1_row >= 0:
            ctx.text_regions.add(places[0].admin1_row)


def _scan_text(geocoder, ctx: Context, folded_text: str) -> None:
    """Add admin-1 units, countries and sizeable places named in free text (1-3 word n-grams)."""
    words = folded_text.split()
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            gram = " ".join(words[i : i + n])
            if len(gram) < 4:
                continue
            ctx.text_regions |= set(geocoder.admin1_index.exact.get(gram, ()))
            ctx.text_countries |= {str(geocoder.country_iso3[r]) for r in geocoder.country_index.exact.get(gram, ())}
            rows = geocoder.gaz.lookup(gram)[:5]
            big = [int(r) for r in rows if geocoder.gaz.population[r] >= TEXT_PLACE_MIN_POP]
            if big and len(ctx.text_points) < 20:
                ctx.text_points.append((float(geocoder.gaz.lon[big[0]]), float(geocoder.gaz.lat[big[0]])))
