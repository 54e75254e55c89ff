"""A gazetteer-driven toponym recogniser: capitalised word sequences checked against the places, regions and
countries incmap knows. The recogniser for German (no NER model is on the registries) and the fallback for
any language; in English and Russian it also looks inside the entities the models label as organisations.

Every German noun is capitalised and many words are also somebody's village, so a match must be
prominent enough for how common the word is: a frequent word (wordfreq) needs a big place, a rare word
any place the gazetteer holds. Countries, admin-1 units and demonyms are always accepted; a name that
covers only part of a longer capitalised run ("Taras" in "Taras Berezovets") must be a strong match.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from geo.extract.demonyms import DemonymTable
from geo.extract.mentions import Mention
from geo.extract.text import Span
from geo.gazetteer.districts import load_districts
from geo.gazetteer.names import fold, variant_key
from geo.gazetteer.words import CONNECTORS, WORD, zipf
from geo.geocoding.lookup import PlaceLookup
from geo.geocoding.phrases import ADMIN_WORDS, AREA_WORDS, DISTRICT_WORDS, PLACE_SUFFIX, ROUTE_WORDS, WATER_WORDS

#: Place-type words (folded) that may stand beside a name in a capitalised run.
TYPE_WORD = re.compile(rf"(?:{ADMIN_WORDS}|{DISTRICT_WORDS}|{AREA_WORDS}|{WATER_WORDS}|{ROUTE_WORDS}|{PLACE_SUFFIX})")
#: Longest run of words tried as one name.
MAX_NAME_WORDS = 4
#: A place this populous is a strong match whatever the word's frequency (log10 of population).
STRONG_LOG_POP = 5.0
#: Words rarer than this (wordfreq zipf) are not common words: any gazetteer place of that name counts.
RARE_ZIPF = 2.5
#: Words this common (zipf) must be a place's own name, not one of its alternate names, unless the place is a city of a million.
COMMON_ZIPF, MILLION_LOG_POP = 4.5, 6.0
#: A German capitalised word this common is a noun that may precede a name ("Präsident", "Testgelände").
GERMAN_NOUN_ZIPF = 3.5
#: A word this common at the start of a sentence names a place only if a city of a million bears it.
SENTENCE_START_ZIPF = 3.0
#: A capitalised word this common (zipf) at the start of a sentence is a function word, not a name.
FUNCTION_ZIPF = 5.8
#: Note on a gazetteer match that is also a common word: the article must agree (see :func:`geo.extract.resolve.coherent`).
COMMON_WORD = "common-word"
#: German nouns (folded) that end a compound naming a kind of place ("Hafenstadt", "Großstadt", "Heimatdorf").
GERMAN_PLACE_NOUNS = re.compile(r"(?:stadt|dorf|gemeinde|ortschaft|siedlung|region|gebiet|provinz|hafen|metropole|hauptstadt|kreis|bezirk)$")
#: Inflectional endings stripped to reach a name's base form ("Kasachstans" -> "Kasachstan", "Russlands").
ENDINGS = {"de": ("s", "es", "n", "en", "e"), "en": ("'s", "’s", "s"), "": ("s",)}


@dataclass(frozen=True)
class NameMatch:
    """What a word sequence names: its kind, how sure, and what to look up."""

    kind: str  # "country" | "admin1" | "place" | "demonym"
    strong: bool
    lookup: str
    country: str | None = None
    common: bool = False  # the name is also a common word (or stood first in a sentence): kept only if the article agrees


class NameMatcher:
    """Names of places, regions, countries and demonyms, matched on folded word sequences."""

    def __init__(self, lookup: PlaceLookup, demonyms: DemonymTable) -> None:
        self.lookup, self.demonyms = lookup, demonyms

    def match(self, words: list[str], lang: str, sentence_start: bool) -> NameMatch | None:
        """The best reading of ``words`` (as written) as a name, or None. A form with an inflectional ending
        stripped ("Kasachstans" -> "Kasachstan") may only name a country, a region or a nationality: too many
        villages are a common word minus its ending ("Waren" -> Ware)."""
        surface = " ".join(words)
        for candidate in self._forms(surface, lang):
            found = self._match_form(candidate, surface, lang, sentence_start)
            if found is not None and (candidate == surface or found.kind in ("country", "admin1", "demonym")):
                return found
        return None

    def _forms(self, surface: str, lang: str) -> Iterator[str]:
        """The text as written, then with inflectional endings stripped."""
        yield surface
        for ending in ENDINGS.get(lang, ENDINGS[""]):
            if surface.endswith(ending) and len(surface) - len(ending) >= 4:
                yield surface[: -len(ending)]

    def _match_form(self, form: str, surface: str, lang: str, sentence_start: bool) -> NameMatch | None:
        key = fold(form)
        if len(key) < 3:
            return None
        iso3 = self.demonyms.country(form, lang)
        if iso3:
            return NameMatch("demonym", True, form, iso3)
        lookup = self.lookup
        frequency = max((zipf(w.lower(), lang) for w in form.split()), default=0.0) if " " not in form else zipf(form.lower(), lang)
        if lookup.country_index.exact.get(key):
            return NameMatch("country", True, form)
        if lookup.admin1_index.exact.get(key):
            common = (frequency >= COMMON_ZIPF or sentence_start) and " " not in key
            return NameMatch("admin1", not common, form, common=common)
        rows = lookup.gaz.lookup(key)
        if not len(rows) and len(key) >= 5:
            rows = lookup.gaz.lookup_variant(variant_key(key))  # "Kapustin Jar" is Kapustin Yar
        if not len(rows):
            if frequency < RARE_ZIPF and load_districts().find(key):
                return NameMatch("place", False, form)  # a district ("Bokejord"): resolved only if the article agrees
            return None
        row = int(rows[0])  # rows are ordered most populous first
        log_pop = math.log10(int(lookup.gaz.population[row]) + 1)
        need = 0.0 if frequency < RARE_ZIPF else max(3.0, 2 * frequency - 5)
        if log_pop < need or (sentence_start and frequency >= SENTENCE_START_ZIPF and log_pop < MILLION_LOG_POP):
            return None  # capitalised only because a sentence starts with it ("Tsunami warnings were issued")
        if frequency >= COMMON_ZIPF and log_pop < MILLION_LOG_POP and fold(str(lookup.gaz.names[row])) != key:
            return None  # a common word that is only some town's alternate name ("Staat" for Settat)
        common = frequency >= RARE_ZIPF or sentence_start
        return NameMatch("place", log_pop >= (MILLION_LOG_POP if common else STRONG_LOG_POP), form, common=common)


def recognise(text: str, spans: list[Span], lang: str, matcher: NameMatcher, *, inside: str = "", skip: list[Span] = ()) -> list[Mention]:
    """Toponyms and demonyms in the given spans of ``text``: capitalised word runs matched against the names.

    ``inside``: the spans are entities a model found: "org" (an organisation's, a facility's or an event's name:
    any name in it counts, "Kazakhstan's Ministry of Transport") or "person" (only a country, a demonym or a
    name that is the whole span counts: "Vladimir Putin" is no Vladimir, but spaCy also labels "Kyiv" a person).
    Capitalised runs that touch a ``skip`` span (names already found, persons) are not looked at."""
    skip_starts = sorted(s.start for s in skip)
    skip_ends = [s.end for s in sorted(skip, key=lambda s: s.start)]
    out: list[Mention] = []
    for span in spans:
        words = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text, span.start, span.end)]
        i = 0
        while i < len(words):
            start, end, word = words[i]
            if not _capitalised(word):
                if lang != "en" and not inside and len(word) > 3 and word.islower():  # German and Russian adjectives: "kasachische", "украинских"
                    iso3 = matcher.demonyms.country(word, lang)
                    if iso3:
                        out.append(Mention(start, end, word, "demonym", label="demonym", country=iso3, notes=["strong"]))
                i += 1
                continue
            if not inside and _starts_sentence(text, start, span.start) and zipf(word.lower(), lang) >= FUNCTION_ZIPF and not _names_region(matcher, word, lang):
                i += 1  # "In", "Die", "The": capitalised only because a sentence starts there
                continue
            j = i + 1
            while j < len(words) and (_capitalised(words[j][2]) or (words[j][2] in CONNECTORS and j + 1 < len(words) and _capitalised(words[j + 1][2]))):
                if text[words[j - 1][1] : words[j][0]].strip(" "):  # punctuation between words ends the run
                    break
                j += 1
            if skip and _touches(words[i][0], words[j - 1][1], skip_starts, skip_ends):
                i = j
                continue
            line_start = span.start if not inside else text.rfind("\n", 0, span.start) + 1  # an entity need not start a sentence
            out += _match_run(text, words[i:j], lang, matcher, sentence_start=_starts_sentence(text, words[i][0], line_start), inside=inside)
            i = j
    return out


def _touches(start: int, end: int, starts: list[int], ends: list[int]) -> bool:
    """True when [start, end) overlaps one of the spans given by sorted ``starts`` (and their ``ends``)."""
    k = bisect_right(starts, end - 1) - 1
    return k >= 0 and any(ends[j] > start for j in range(max(0, k - 3), k + 1))


def _names_region(matcher: NameMatcher, word: str, lang: str) -> bool:
    found = matcher.match([word], lang, True)
    return found is not None and found.kind in ("country", "admin1", "demonym")


def _match_run(text: str, run: list[tuple[int, int, str]], lang: str, matcher: NameMatcher, *, sentence_start: bool, inside: str) -> list[Mention]:
    """Names inside one capitalised run, longest first, left to right; also each part of a hyphenated word.

    A name covering only part of the run must be a country or a demonym, or have only names, connectors and
    place-type words beside it in the run ("Region Kaluga", "Testgelände Kapustin Jar"); else the run is a
    person's or an organisation's name ("Taras Berezovets", "Vladimir Putin")."""
    found_at: list[tuple[int, int, NameMatch]] = []
    i = 0
    while i < len(run):
        for length in range(min(MAX_NAME_WORDS, len(run) - i), 0, -1):
            words = [w for _, _, w in run[i : i + length]]
            if words[-1] in CONNECTORS:
                continue
            found = matcher.match(words, lang, sentence_start and i == 0)
            if found is not None and not all(is_type_word(w, "") for w in words):
                found_at.append((i, i + length, found))  # "Region" or "Steppe" alone names a kind of place, not a place
                i += length
                break
        else:
            i += 1
    covered = {k for a, b, _ in found_at for k in range(a, b)}
    rest_ok = all(k in covered or run[k][2] in CONNECTORS or is_type_word(run[k][2], lang) for k in range(len(run)))
    out: list[Mention] = []
    for a, b, found in found_at:
        whole = b - a == len(run)
        always = found.kind in ("country", "demonym")
        if inside == "person":
            keep = whole or always
        elif inside == "org":
            keep = whole or always or found.strong or rest_ok
        else:
            keep = whole or always or rest_ok
        if keep:
            out.append(_mention(text, run[a][0], run[b - 1][1], found))
    for k, word in enumerate(run):
        if k not in covered:
            out += _hyphen_parts(text, word, lang, matcher)
    return out


def is_type_word(word: str, lang: str) -> bool:
    """A word that may stand next to a name in a capitalised run: a place-type word ("Region", "Oblast", "Dorf"),
    and in German a compound ending in one ("Hafenstadt") or any common noun ("Testgelände", "Präsident")."""
    folded = fold(word)
    if TYPE_WORD.fullmatch(folded):
        return True
    return lang == "de" and (bool(GERMAN_PLACE_NOUNS.search(folded)) or zipf(word.lower(), lang) >= GERMAN_NOUN_ZIPF)


def _hyphen_parts(text: str, word: tuple[int, int, str], lang: str, matcher: NameMatcher) -> list[Mention]:
    """Names inside a hyphenated word ("Russia-Ukraine", "Oral-Aksay"): when every part is a name, or one part is a
    strong name and the others are names at all (two places joined by a dash: a route, a pair)."""
    start, _, value = word
    if "-" not in value:
        return []
    parts, offset = [], start
    for part in value.split("-"):
        found = matcher.match([part], lang, False) if part[:1].isupper() else None
        parts.append((offset, part, found))
        offset += len(part) + 1
    if not (any(found is not None and found.strong for _, _, found in parts) or all(found is not None for _, _, found in parts)):
        return []
    return [_mention(text, at, at + len(part), found) for at, part, found in parts if found is not None]


def _mention(text: str, start: int, end: int, found: NameMatch) -> Mention:
    source = "demonym" if found.kind == "demonym" else "gazetteer"
    notes = (["strong"] if found.strong else []) + ([COMMON_WORD] if found.common else [])
    return Mention(start, end, text[start:end], source, label=found.kind, lookup=found.lookup, country=found.country, notes=notes)


def _capitalised(word: str) -> bool:
    """Starts with an upper-case letter and is not an all-caps word of more than three letters (a shouted headline)."""
    return word[:1].isupper() and not (len(word) > 3 and word.isupper())


def _starts_sentence(text: str, start: int, span_start: int) -> bool:
    """True when nothing but quotes or brackets stands between the sentence start (or a full stop) and ``start``."""
    before = text[span_start:start].rstrip(" \"'“„«([")
    return not before or before[-1] in ".!?:…\n"
