"""Demonyms and country adjectives ("Kazakh airspace", "kasachische Steppe", "казахстанский") as country mentions.

English and German adjectives come from the npm package i18n-nationality (geo/data/demonyms.json, built by
scripts/build_demonyms.py), plus the forms of "-stan" countries without the suffix ("Kazakh", "Uzbek",
"Tajik"), which English uses as much as the dictionary forms. German adjectives are matched with their
declension endings. Russian adjectives are derived from the Russian country names the layers carry and
kept only when pymorphy3's dictionary knows them as adjectives; words are matched by their lemma.
"""

from __future__ import annotations

import json
import re
from functools import cached_property
from pathlib import Path

from geo import settings
from geo.layers.load import Layers

DATA_FILE = settings.PACKAGE_DIR / "data" / "demonyms.json"
#: German adjective endings (strong and weak declension).
GERMAN_ENDINGS = ("em", "en", "er", "es", "e", "")
#: Russian adjective endings a stem may take, tried against the dictionary.
RUSSIAN_SUFFIXES = ("ский", "йский", "ийский", "инский", "анский", "ейский")


class DemonymTable:
    """Adjective (or demonym noun) -> ISO3 of the sovereign country, in English, German and Russian."""

    def __init__(self, layers: Layers, data_file: Path = DATA_FILE) -> None:
        self.layers = layers
        data = json.loads(Path(data_file).read_text(encoding="utf-8"))
        sovereign = set(layers.countries["iso3"])
        self.tables: dict[str, dict[str, str]] = {lang: {k: v for k, v in data.get(lang, {}).items() if v in sovereign} for lang in ("en", "de")}
        for adjective, iso3 in list(self.tables["de"].items()):
            if adjective.endswith("isch") and len(adjective) > 6:  # kasachisch -> Kasache, Kasachen; russisch -> Russe, Russen
                stem = adjective[: -len("isch")]
                for noun_ending in ("e", "en", "in", "innen"):
                    self.tables["de"].setdefault(stem + noun_ending, iso3)
        for row in layers.countries.itertuples(index=False):
            name = str(row.name)
            for suffix in ("istan", "stan"):
                if name.lower().endswith(suffix) and len(name) - len(suffix) >= 4:
                    self.tables["en"].setdefault(name[: -len(suffix)].lower(), row.iso3)
                    break

    def country(self, word: str, lang: str) -> str | None:
        """ISO3 of the country ``word`` is an adjective or demonym of, or None."""
        if lang == "ru":
            return self._russian(word)
        lower = word.lower()
        if lang == "de":
            table = self.tables["de"]
            for ending in GERMAN_ENDINGS:
                if lower.endswith(ending) and lower[: len(lower) - len(ending)] in table if ending else lower in table:
                    return table[lower[: len(lower) - len(ending)] if ending else lower]
            return None
        table = self.tables["en"]
        if lower in table:
            return table[lower]
        if lower.endswith("s") and lower[:-1] in table:  # "Kazakhs", "Russians"
            return table[lower[:-1]]
        return None

    def _russian(self, word: str) -> str | None:
        if not re.search(r"[а-яё]", word.lower()):
            return None
        from geo.extract.models import russian_morphology

        for parse in russian_morphology().parse(word.lower())[:3]:
            if parse.tag.POS in ("ADJF", "ADJS") and parse.normal_form in self.russian_table:
                return self.russian_table[parse.normal_form]
        return None

    @cached_property
    def russian_table(self) -> dict[str, str]:
        """Russian adjective lemma -> ISO3, derived from the Russian country names and checked against the dictionary."""
        from geo.extract.models import russian_morphology

        morph = russian_morphology()
        table: dict[str, str] = {}
        for row in self.layers.countries.itertuples(index=False):
            words = json.loads(row.names or "{}").get("ru", "").lower().split()
            if len(words) > 1:  # "Российская Федерация": the name's first word is the adjective, if any
                adjectives = [p.normal_form for p in morph.parse(words[0]) if p.tag.POS == "ADJF" and p.is_known]
                if adjectives:
                    table.setdefault(adjectives[0], row.iso3)
                continue
            for word in words:
                for stem in _russian_stems(word):
                    for suffix in RUSSIAN_SUFFIXES:
                        candidate = stem + suffix
                        if any(p.tag.POS == "ADJF" and p.is_known and p.normal_form == candidate for p in morph.parse(candidate)):
                            table.setdefault(candidate, row.iso3)
        return table


def _russian_stems(noun: str) -> list[str]:
    """Stems a Russian country name's adjective may be built on: Украина -> украин, Казахстан -> казахстан, казах."""
    stems = [noun, noun[:-1], noun[:-2]]
    for suffix in ("истан", "стан"):
        if noun.endswith(suffix):
            stems.append(noun[: -len(suffix)])
    return [s for s in dict.fromkeys(stems) if len(s) >= 3]
