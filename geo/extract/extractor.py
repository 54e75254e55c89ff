"""Articles to incident records (or to toponym mentions): the stages of extraction run in order on each article.

read (:mod:`~geo.extract.documents`) -> content lines, sentences, language (:mod:`~geo.extract.text`) ->
the article's date (:mod:`~geo.extract.dates`) -> toponyms (:mod:`~geo.extract.toponyms`) -> places, with
the article as context (:mod:`~geo.extract.resolve`) -> events, places and dates as incidents
(:mod:`~geo.extract.incidents`) -> records in incmap's format, already geocoded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from geo.extract.dates import PRECISION_LABELS, dateline, find_dates
from geo.extract.documents import Document
from geo.extract.incidents import Incident, find_incidents
from geo.extract.mentions import Mention
from geo.extract.resolve import Placed, coherent, resolve_mentions
from geo.extract.text import Span, content_lines, detect_language, sentences
from geo.extract.toponyms import ToponymRecogniser
from geo.geocoding import Geocoder

#: Languages the recognisers were built and tested for; others are read with the gazetteer recogniser alone.
TESTED_LANGUAGES = ("en", "de", "ru")


@dataclass
class Analysis:
    """One article taken apart: where its content is, its language and date, its toponyms and their places."""

    doc: Document
    lines: list[Span]
    sentences: list[Span]
    lang: str
    published: dt.date | None
    dateline: str | None
    dateline_at: int | None
    mentions: list[Mention]
    placed: list[Placed]


class Extractor:
    """Extraction over one geocoder (gazetteer and layers) and the language models, loaded once."""

    def __init__(self, geocoder: Geocoder | None = None) -> None:
        self.geocoder = geocoder or Geocoder()
        self.recogniser = ToponymRecogniser(self.geocoder.lookup)

    def load(self) -> None:
        """Load everything extraction uses (models, language identifier, gazetteer and its fuzzy index, word
        frequencies) now rather than on the first article; for timing, and for servers."""
        from geo.extract import models
        from geo.gazetteer.words import zipf

        models.english()
        models.russian()
        models.russian_morphology()
        self.recogniser.demonyms.country("российский", "ru")  # derives the Russian table
        self.geocoder.gaz.fuzzy_index()
        self.geocoder.lookup.admin1_index.find("warm up loading", 88.0)
        self.geocoder.lookup.country_index.find("warm up loading", 88.0)
        detect_language("load the language identifier")
        for lang in TESTED_LANGUAGES:
            zipf("load", lang)
            find_dates("1 January 2000", lang)

    def analyse(self, doc: Document, lang: str | None = None) -> Analysis:
        """Content, language, date, toponyms and their places of one article."""
        lines = content_lines(doc.text)
        sents = sentences(doc.text, lines)
        lang = lang or detect_language(doc.text, lines)
        found = dateline(doc.text, [(s.start, s.end) for s in lines], lang)
        published = doc.published or (found.start if found else None)
        mentions = self.recogniser.recognise(doc.text, lines, sents, lang)
        placed = resolve_mentions(mentions, self.geocoder)
        keep = coherent(mentions, placed, self.geocoder)
        mentions, placed = [m for m, k in zip(mentions, keep) if k], [p for p, k in zip(placed, keep) if k]
        return Analysis(doc, lines, sents, lang, published, found.text if found else None, found.offset if found else None, mentions, placed)

    def mentions(self, analysis: Analysis) -> list[dict]:
        """One record per toponym mention, in the format geoparsing evaluations use."""
        out = []
        for mention, placed in zip(analysis.mentions, analysis.placed):
            fields = self.geocoder.output_fields(placed.toponym)
            out.append({"doc": analysis.doc.name, "start": mention.start, "end": mention.end, "text": mention.text,
                        "lat": fields["lat"], "lon": fields["lon"], "country": fields["country"], "admin1_code": fields["admin1_code"],
                        "where_prec": fields["where_prec"], "gazetteer_id": placed.toponym.gazetteer_id,
                        "confidence": fields["confidence"], "kind": "demonym" if mention.is_demonym else "toponym",
                        "recogniser": mention.source})  # fmt: skip
        return out

    def incidents(self, analysis: Analysis) -> list[dict]:
        """Incident records (geocoded, with provenance) for one article."""
        found = find_incidents(analysis.doc.text, analysis.sentences, analysis.mentions, analysis.placed, analysis.lang, analysis.published,
                               analysis.dateline_at)  # fmt: skip
        return [self._record(analysis, incident, n) for n, incident in enumerate(found, 1)]

    def _record(self, analysis: Analysis, incident: Incident, number: int) -> dict:
        doc, text = analysis.doc, analysis.doc.text
        quote = incident.quotes[0]
        res = incident.resolution
        date = incident.date
        record = {
            "id": f"{Path(doc.name).stem}-{number}",
            "date": date.start.isoformat() if date else None,
            "date_end": date.end.isoformat() if date and date.end != date.start else None,
            "date_precision": PRECISION_LABELS[date.precision] if date else None,
            "date_prec": date.precision if date else None,
            "date_text": date.text if date else None,
            "type": incident.type.id,
            "event_type": incident.type.acled_event_type,
            "sub_event_type": incident.type.acled_sub_event_type,
            "triggers": incident.triggers,
            "place": incident.mention.phrase,
            "place_start": incident.mention.phrase_start,
            "place_end": incident.mention.phrase_end,
            "title": (doc.title or _headline(analysis))[:300],
            "description": text[quote.start : quote.end],
            "quote": text[quote.start : quote.end],
            "quote_start": quote.start,
            "quote_end": quote.end,
            "quotes": [[q.start, q.end] for q in incident.quotes],
            "source": doc.source,
            "publication": doc.publication,
            "url": doc.url,
            "published": analysis.published.isoformat() if analysis.published else None,
            "lang": analysis.lang,
            "extraction_confidence": incident.extraction_confidence,
        }
        record.update(self.geocoder.output_fields(res))
        record["geometry"] = res.geometry  # a shapely geometry: the writers serialise it
        return record


def _headline(analysis: Analysis) -> str:
    """The article's first content line (its headline, in pasted pages)."""
    first = analysis.lines[0] if analysis.lines else None
    return analysis.doc.text[first.start : first.end] if first else ""
