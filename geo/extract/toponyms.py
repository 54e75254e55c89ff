"""Find the toponyms in an article: the recognisers of its language as stages of one pipeline.

English: spaCy NER (with a gazetteer pass inside organisation-like entities), then the gazetteer recogniser
for strong names outside any entity. Russian: natasha NER, then the same. German and every other language:
the gazetteer recogniser. In all languages: the pattern recogniser for names the gazetteer lacks ("im Dorf
Koryakovo"), one mention per stretch of text, and each mention's phrase widened over its qualifiers.
"""

from __future__ import annotations

import re

from geo.extract import ner, qualifiers
from geo.extract.demonyms import DemonymTable
from geo.extract.gazetteer_ner import NameMatcher, recognise
from geo.extract.mentions import Mention, merge
from geo.extract.text import Span
from geo.geocoding.lookup import PlaceLookup

#: A paragraph opening with a place name in capitals, then a comma, a bracket or a dash ("KYIV, 3 March -").
DATELINE = re.compile(r"([A-ZÄÖÜÀ-ÝА-ЯЁ][A-ZÄÖÜÀ-ÝА-ЯЁ'’.\-]+(?: [A-ZÄÖÜÀ-ÝА-ЯЁ][A-ZÄÖÜÀ-ÝА-ЯЁ'’.\-]+){0,3})(?=\s*(?:,|\(|[-–—]\s))")
#: Languages with a model-based recogniser; the others use the gazetteer recogniser alone.
MODEL_LANGUAGES = ("en", "ru")


class ToponymRecogniser:
    """Every recogniser, built once over the gazetteer and layers, applied per article."""

    def __init__(self, lookup: PlaceLookup) -> None:
        self.demonyms = DemonymTable(lookup.layers)
        self.matcher = NameMatcher(lookup, self.demonyms)

    def recognise(self, text: str, lines: list[Span], sentences: list[Span], lang: str) -> list[Mention]:
        """Mentions in the article's content lines, in text order, each with its place phrase."""
        found = self.candidates(text, lines, lang)
        found += self.dateline_places(text, lines, lang)
        found += qualifiers.pattern_mentions(text, lines, found)
        return qualifiers.qualify(text, merge(found), sentences)

    def candidates(self, text: str, lines: list[Span], lang: str) -> list[Mention]:
        """What the recognisers for ``lang`` propose, before merging."""
        if lang == "en":
            found, entities = ner.english(text, lines, self.matcher, self.demonyms)
        elif lang == "ru":
            found, entities = ner.russian(text, lines, self.matcher)
        else:
            return recognise(text, lines, lang, self.matcher)
        # Names the model passed over or labelled otherwise, but not inside a person's name.
        return found + recognise(text, lines, lang, self.matcher, skip=[*entities, *(Span(m.start, m.end) for m in found)])


    def dateline_places(self, text: str, lines: list[Span], lang: str) -> list[Mention]:
        """The place of a wire-style dateline in capitals at the start of a paragraph ("YEREVAN, April 2 -",
        "MEXICO CITY (Reuters) -"): models and the capitalised-run recogniser both pass over words in capitals."""
        out = []
        for line in lines:
            m = DATELINE.match(text, line.start, line.end)
            if not m:
                continue
            name = m.group(1).strip()
            found = self.matcher.match([w.capitalize() for w in name.split()], lang, False)
            if found is not None and found.kind != "demonym":
                start = m.start(1)
                out.append(Mention(start, start + len(name), text[start : start + len(name)], "pattern", label="dateline",
                                   lookup=" ".join(w.capitalize() for w in name.split())))  # fmt: skip
        return out
