"""Toponyms found by the language models: spaCy's English NER and natasha's Russian NER.

English: GPE and LOC entities are toponyms; FAC, ORG, EVENT and PERSON entities are searched by the
gazetteer recogniser (about half the toponyms a spaCy geoparser misses sit inside such spans: "Kharkiv
Regional Administration"; spaCy also labels "Kyiv" a PERSON at times); NORP entities are demonyms
when the demonym table knows them. Russian: LOC entities, their inflected words brought to the
nominative with pymorphy3 ("Западно-Казахстанской области" -> "западно-казахстанская область");
ORG entities are searched by the gazetteer recogniser.
"""

from __future__ import annotations

from geo.extract import models
from geo.extract.demonyms import DemonymTable
from geo.extract.gazetteer_ner import NameMatcher, is_type_word, recognise
from geo.extract.mentions import Mention
from geo.extract.text import Span
from geo.gazetteer.words import CONNECTORS

#: spaCy labels that are toponyms, and those whose text may hold one.
EN_TOPONYM_LABELS = frozenset({"GPE", "LOC"})
EN_CONTAINER_LABELS = frozenset({"FAC", "ORG", "EVENT", "PERSON", "WORK_OF_ART", "PRODUCT", "LAW"})
#: Note on a toponym found inside an organisation's name ("Azerbaijan Airlines"): a mention, not an incident's place.
IN_ORGANISATION = "in-organisation"


def english(text: str, spans: list[Span], matcher: NameMatcher, demonyms: DemonymTable) -> tuple[list[Mention], list[Span]]:
    """Toponyms and demonyms spaCy finds in the content spans (each span one line of the article), and the spans
    of the persons it found (the gazetteer recogniser must not read "Zakharova" as a village there)."""
    nlp = models.english()
    out: list[Mention] = []
    entities: list[Span] = []
    for span, doc in zip(spans, nlp.pipe(text[s.start : s.end] for s in spans)):
        containers: dict[str, list[Span]] = {"org": [], "person": []}
        for ent in doc.ents:
            start, end = span.start + ent.start_char, span.start + ent.end_char
            start, end = _trim_article(text, start, end)
            if ent.label_ == "PERSON":
                entities.append(Span(start, end))
            if ent.label_ in EN_TOPONYM_LABELS:
                if not any(ch.isupper() for ch in text[start:end]):
                    continue  # "the east coast": a direction, not a name
                iso3 = demonyms.country(text[start:end], "en")
                if iso3:  # spaCy labels "Ukrainian" a GPE at times
                    out.append(Mention(start, end, text[start:end], "demonym", label=ent.label_, country=iso3))
                else:
                    out.append(Mention(start, end, text[start:end], "ner", label=ent.label_))
            elif ent.label_ == "NORP":
                iso3 = demonyms.country(text[start:end], "en")
                if iso3:
                    out.append(Mention(start, end, text[start:end], "demonym", label="NORP", country=iso3))
            elif ent.label_ in EN_CONTAINER_LABELS:
                containers["person" if ent.label_ == "PERSON" else "org"].append(Span(start, end))
        for kind, found in containers.items():
            inner = recognise(text, found, "en", matcher, inside=kind)
            if kind == "org":
                for mention in inner:
                    if _names_more(text, found, mention):
                        mention.notes.append(IN_ORGANISATION)
            out += inner
    return out, entities


def russian(text: str, spans: list[Span], matcher: NameMatcher) -> tuple[list[Mention], list[Span]]:
    """Toponyms natasha finds in the content spans, with their nominative forms to look up, and the persons' spans."""
    from natasha import Doc

    segmenter, tagger = models.russian()
    out: list[Mention] = []
    containers, entities = [], []
    for span in spans:
        doc = Doc(text[span.start : span.end])
        doc.segment(segmenter)
        doc.tag_ner(tagger)
        for found in doc.spans:
            start, end = span.start + found.start, span.start + found.stop
            if found.type == "PER":
                entities.append(Span(start, end))
            if found.type == "LOC":
                out.append(Mention(start, end, text[start:end], "ner", label="LOC", lookup=nominative(text[start:end])))
            else:
                containers.append(Span(start, end))
    inner = recognise(text, containers, "ru", matcher, inside="org")
    for mention in inner:
        if _names_more(text, containers, mention):
            mention.notes.append(IN_ORGANISATION)
    out += inner
    return out, entities


def _names_more(text: str, containers: list[Span], mention: Mention) -> bool:
    """True when the entity around a toponym has words besides it, place-type words and connectors: an
    organisation's name ("Azerbaijan Airlines"), not a mislabelled list ("the Odessa and Kharkiv regions")."""
    container = next((c for c in containers if c.start <= mention.start and mention.end <= c.end), None)
    if container is None:
        return False
    rest = (text[container.start : mention.start] + " " + text[mention.end : container.end]).split()
    return any(w[:1].isupper() and w.lower() not in CONNECTORS and not is_type_word(w, "en") for w in rest)


def nominative(phrase: str) -> str:
    """A Russian name phrase with each inflected word in the nominative, keeping gender and number (pymorphy3).
    A geographical name's reading is preferred ("Уральском" is Уральск, not уральский); words the dictionary
    does not know are left as written (the geocoder reads case endings itself)."""
    morph = models.russian_morphology()
    words = []
    for word in phrase.split():
        parses = morph.parse(word)
        parse = next((p for p in parses if "Geox" in p.tag), None) or next((p for p in parses if p.tag.POS == "NOUN"), parses[0])
        if not parse.is_known or parse.tag.POS not in ("NOUN", "ADJF", "PRTF") or parse.tag.case == "nomn":
            words.append(word)
            continue
        inflected = parse.inflect({"nomn"})
        form = inflected.word if inflected is not None else parse.normal_form
        words.append(form[:1].upper() + form[1:] if word[:1].isupper() else form)
    return " ".join(words)


def _trim_article(text: str, start: int, end: int) -> tuple[int, int]:
    """A span without a leading "the" (spaCy includes it: "the West Kazakhstan Region")."""
    for article in ("the ", "The "):
        if text.startswith(article, start) and end - start > len(article):
            return start + len(article), end
    return start, end
