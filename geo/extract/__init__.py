"""Extraction: news articles (text or HTML, English, German, Russian...) to incident records, already geocoded.

read (``documents``) -> content, sentences, language (``text``) -> dates (``dates``) -> toponyms (``toponyms``:
``ner`` for the models, ``gazetteer_ner``, ``demonyms``, ``qualifiers``) -> places with the article as context
(``resolve``) -> events (``events``) and incidents (``incidents``) -> records (``extractor``, ``output``).
``scoring`` measures recognition and resolution against a gold standard.
"""

from geo.extract.extractor import Extractor

__all__ = ["Extractor"]
