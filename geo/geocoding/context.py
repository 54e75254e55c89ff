"""What else a record says about where it happened: explicit hints and places named in its text.

Explicit ``country`` and ``region`` fields (and "X, Y region" phrase hints) constrain the
candidates; admin-1 units, countries and sizeable places named in the title or description
lend support (see :func:`geo.geocoding.ranking.score`). Only plausible toponyms count as context: runs of
capitalised words, and a name that is also a common word only for a place big enough for it. Reads names through a
:class:`~geo.geocoding.lookup.PlaceLookup`; never resolves places itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from geo.gazetteer.names import fold
from geo.gazetteer.words import CONNECTORS, WORD, is_name_like, max_zipf
from geo.geocoding.lookup import COUNTRY_IMPORTANCE_POP, NO_FUZZY, PlaceLookup
from geo.geocoding.ranking import Context, rank

#: Record fields scanned for other place names (context).
TEXT_FIELDS = ("title", "description", "summary", "notes", "text")
#: Places named in text only count as context above this population (limits noise from common words).
TEXT_PLACE_MIN_POP = 5000
#: At most this many places named in a record's text are kept as context points.
MAX_TEXT_POINTS = 20
#: Longest run of words (and shortest folded name) read as one name in record text.
MAX_GRAM_WORDS, MIN_NAME_LEN = 3, 4
#: An admin-1 unit counts as this populous when its name is also a common word ("Texas" yes, "City" and "Central" no).
TEXT_ADMIN1_POP = 1_000_000
#: A place named by a common word needs at least 10**(zipf + this) people (see :func:`_prominent_enough`).
COMMON_WORD_MARGIN = 1.0


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
        _scan_text(lookup, ctx, text)
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


def _scan_text(lookup: PlaceLookup, ctx: Context, text: str) -> None:
    """Add admin-1 units, countries and sizeable places named in free text: runs of up to three name-like words,
    longest first and left to right (a run that names something is not read again word by word)."""
    words = [m.group() for m in WORD.finditer(text)]
    i = 0
    while i < len(words):
        for n in range(min(MAX_GRAM_WORDS, len(words) - i), 0, -1):
            run = words[i : i + n]
            if _name_like_run(run) and _add_named(lookup, ctx, " ".join(run)):
                i += n
                break
        else:
            i += 1


def _name_like_run(run: list[str]) -> bool:
    """Words that can form a name as written: first and last capitalised (or caseless), inner ones capitalised or
    connectors ("Frankfurt am Main"). "the city", "police", "from" are not names; "The City" may be."""
    if not (is_name_like(run[0]) and is_name_like(run[-1])):
        return False
    return all(is_name_like(w) or w in CONNECTORS for w in run[1:-1])


def _add_named(lookup: PlaceLookup, ctx: Context, name: str) -> bool:
    """Add what ``name`` names (country, admin-1 unit, sizeable place) to the context; whether it named anything.
    A name that is also a common word counts only for a unit or place prominent enough for it."""
    folded = fold(name)
    if len(folded) < MIN_NAME_LEN:
        return False
    common = max_zipf(name.lower())
    found = False
    countries = {str(lookup.country_iso3[r]) for r in lookup.country_index.exact.get(folded, ())}
    if countries and _prominent_enough(COUNTRY_IMPORTANCE_POP, common):
        ctx.text_countries |= countries
        found = True
    regions = set(lookup.admin1_index.exact.get(folded, ()))
    if regions and _prominent_enough(TEXT_ADMIN1_POP, common):
        ctx.text_regions |= regions
        ctx.text_countries |= {str(lookup.admin1_iso3[r]) for r in regions}  # "West Kazakhstan" names Kazakhstan too
        found = True
    gaz = lookup.gaz
    rows = [int(r) for r in gaz.lookup(folded)[:5] if gaz.population[r] >= TEXT_PLACE_MIN_POP]
    rows = [r for r in rows if _prominent_enough(int(gaz.population[r]), common)]
    if rows:
        if len(ctx.text_points) < MAX_TEXT_POINTS:
            best = max(rows, key=lambda r: (fold(str(gaz.names[r])) == folded, int(gaz.population[r])))  # own name first
            ctx.text_points.append((float(gaz.lon[best]), float(gaz.lat[best])))
        found = True
    return found


def _prominent_enough(population: int, common: float) -> bool:
    """Whether a place of ``population`` may be what a word of wordfreq frequency ``common`` (zipf) names: at least
    10**(zipf + 1) people ("Police", zipf 5.3, needs 2 million; Police in Poland has 33,000; "Kaluga", 2.1, 1,300)."""
    return population >= 10 ** (common + COMMON_WORD_MARGIN)
