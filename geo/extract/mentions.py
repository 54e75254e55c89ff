"""Toponym mentions: where in the text a place is named, how it was found, and what to look up.

Recognisers (spaCy, natasha, the gazetteer recogniser) each propose mentions; :func:`merge` keeps one
mention per stretch of text, preferring the recogniser that knows the language best.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

#: Which recogniser wins when two propose overlapping spans (lower wins).
SOURCE_RANK = {"ner": 0, "pattern": 1, "gazetteer": 2, "demonym": 3}


@dataclass
class Mention:
    """One toponym (or demonym) in a text: its span, how it was found, and the phrase the geocoder reads."""

    start: int
    end: int
    text: str  # the text of the span, as written
    source: str  # "ner" (a model's entity), "pattern" ("Region X", "im Dorf X"), "gazetteer", "demonym"
    label: str = ""  # the model's entity label (GPE, LOC, FAC, NORP...) or the pattern's kind
    lookup: str = ""  # what to look up: a normal form ("Уральске" -> "уральск"), a demonym's country, or the text
    country: str | None = None  # a demonym's country (ISO3), known without geocoding
    phrase: str = ""  # the place phrase with its qualifiers ("near Aktau", "Region Kaluga") for incidents
    phrase_start: int = -1
    phrase_end: int = -1
    route: bool = False  # the phrase is a route between this toponym and the next ("Autobahn Oral-Aksay")
    group: int = -1  # mentions listed together ("Arizona and California") share a group number
    notes: list[str] = field(default_factory=list)
    context: dict[str, str] = field(default_factory=dict, repr=False, compare=False)  # words around it, folded (a cache)

    def __post_init__(self) -> None:
        self.lookup = self.lookup or self.text
        if self.phrase_start < 0:
            self.phrase, self.phrase_start, self.phrase_end = self.phrase or self.text, self.start, self.end

    @property
    def is_demonym(self) -> bool:
        return self.source == "demonym"

    @property
    def place_query(self) -> str:
        """What the geocoder reads for an incident's place: the phrase, with the toponym in its normal form."""
        return self.phrase.replace(self.text, self.lookup, 1) if self.lookup != self.text else self.phrase

    @property
    def query(self) -> str:
        """What the geocoder reads for the toponym itself: its phrase, unless that is a route (then the name alone)."""
        return self.lookup if self.route else self.place_query

    def shifted(self, offset: int) -> Mention:
        """The same mention in a text that starts ``offset`` characters later."""
        return replace(self, start=self.start + offset, end=self.end + offset, phrase_start=self.phrase_start + offset,
                       phrase_end=self.phrase_end + offset, notes=list(self.notes))  # fmt: skip


def merge(mentions: list[Mention]) -> list[Mention]:
    """One mention per stretch of text, in text order: of overlapping proposals the best-ranked source wins,
    then the longer span."""
    ranked = sorted(mentions, key=lambda m: (SOURCE_RANK.get(m.source, 9), -(m.end - m.start), m.start))
    kept: list[Mention] = []
    for mention in ranked:
        if all(mention.end <= k.start or mention.start >= k.end for k in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)
