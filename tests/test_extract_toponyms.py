"""Toponym recognition in English (spaCy), Russian (natasha) and German (the gazetteer recogniser), demonyms,
qualifiers that shape the place phrase, and the article as context for resolution."""

from __future__ import annotations

import pytest

from geo.extract.documents import Document
from geo.extract.text import content_lines, sentences


def analyse(extractor, text: str, lang: str | None = None):
    return extractor.analyse(Document("t.txt", "t.txt", text, "text"), lang)


def found(extractor, text: str, lang: str | None = None) -> dict[str, object]:
    """surface -> (phrase, the toponym's resolution)."""
    a = analyse(extractor, text, lang)
    return {m.text: (m.place_query, p.toponym) for m, p in zip(a.mentions, a.placed)}


def test_english_places_organisation_names_and_demonyms(extractor):
    text = ("Officials of the Kharkiv Regional Administration said Russian drones hit a depot near Izium on Tuesday, "
            "while Maria Zakharova, speaking for the Russian Foreign Ministry, blamed Kyiv.")  # fmt: skip
    got = found(extractor, text, "en")
    assert got["Kharkiv"][1].gazetteer_id in ("UA-63", "geonames:706483")  # found inside an organisation's name
    assert got["Russian"][1].gazetteer_id == "RUS"  # a demonym is its country
    assert got["Izium"][0] == "near Izium" and got["Izium"][1].where_prec == 2
    assert "Maria" not in got and "Zakharova" not in got and "Foreign" not in got
    assert got["Kyiv"][1].status == "resolved"


def test_person_names_are_not_places(extractor):
    got = found(extractor, "President Vladimir Putin met Volodymyr Zelenskyy's envoy in Istanbul.", "en")
    assert "Vladimir" not in got and "Volodymyr" not in got
    assert got["Istanbul"][1].gazetteer_id.startswith("geonames:")


def test_russian_inflected_names_are_resolved_by_their_nominative(extractor, layers):
    text = "Беспилотники пролетели над Западно-Казахстанской областью и упали под Уральском, сообщили в Актобе."
    a = analyse(extractor, text, "ru")
    by_text = {m.text: (m, p) for m, p in zip(a.mentions, a.placed)}
    region = next(p for m, p in by_text.values() if m.text.startswith("Западно-Казахстанской"))
    assert region.toponym.gazetteer_id == "KZ-ZAP"
    oral = next(p for m, p in by_text.values() if m.text.startswith("Уральск"))
    assert oral.toponym.matched_name == "Oral" and oral.toponym.where_prec in (1, 2)


def test_german_gazetteer_recogniser(extractor):
    text = ("Die ukrainische Hafenstadt Odessa wurde angegriffen. Auch in der Region Saporischschja und in Cherson gab es "
            "Einschläge. In Keller und Norden fiel der Strom aus, meldete das Ministerium in Kiew.")  # fmt: skip
    got = found(extractor, text, "de")
    assert got["ukrainische"][1].gazetteer_id == "UKR"  # a lower-case adjective of nationality
    assert got["Odessa"][1].matched_name in ("Odesa", "Odessa") and got["Odessa"][1].status == "resolved"
    assert got["Saporischschja"][0] == "Region Saporischschja" and got["Saporischschja"][1].gazetteer_id == "UA-23"
    assert got["Cherson"][1].matched_name == "Kherson"
    assert "Keller" not in got and "Norden" not in got  # common words that are also towns elsewhere
    assert "Ministerium" not in got and "Region" not in got


def test_routes_lists_hints_and_datelines(extractor, place):
    en = analyse(extractor, "MOORE, Okla. - A tornado damaged homes in Moore and Norman on Sunday, officials in Oklahoma City said.", "en")
    moore = next(p for m, p in zip(en.mentions, en.placed) if m.text == "MOORE")
    assert moore.toponym.point.distance(place("Moore", "US")) < 0.05  # a wire dateline in capitals
    de = analyse(extractor, "Lastwagen wurden an der Autobahn Oral-Aksay in der Region Westkasachstan gesehen. Die Botschaft "
                            "forderte die Bürger auf, die Regionen Odessa und Charkow zu verlassen. Im Dorf Koryakovo in der "
                            "Region Kaluga kam es zu einer Schießerei.", "de")  # fmt: skip
    phrases = {m.text: m.place_query for m in de.mentions}
    places = {m.text: p.place for m, p in zip(de.mentions, de.placed)}
    assert places["Oral"].where_prec == 5 and places["Oral"].geometry.geom_type == "LineString"  # the route
    assert places["Odessa"].where_prec == 4 and places["Charkow"].where_prec == 4  # "Regionen" shared by the list
    assert phrases["Koryakovo"].endswith("Region Kaluga")  # the region it lies in is its hint
    assert places["Koryakovo"].gazetteer_id == "RU-KLU"  # not in cities500: located by its region


def test_the_article_is_the_context(extractor, place):
    text = "A convoy left Oral for Aksay on Monday. Residents of West Kazakhstan said the road was closed."
    got = found(extractor, text, "en")
    aksay = got["Aksay"][1]
    assert aksay.point.distance(place("Aqsay", "KZ")) < 0.05  # the Kazakh town, not Rostov's Aksay


@pytest.mark.parametrize("text", ["", "   \n\n", "1234 5678", "the and of in"])
def test_texts_without_names_give_nothing(extractor, text):
    a = analyse(extractor, text, "en")
    assert a.mentions == [] and a.placed == []


def test_sentences_and_lines_cover_only_content():
    text = "share\nprint\nDrones seen over Oral. Officials confirmed it.\nViews: 12"
    lines = content_lines(text)
    assert [text[s.start : s.end] for s in sentences(text, lines)] == ["Drones seen over Oral.", "Officials confirmed it."]
