"""Article text: content lines without page furniture, sentences with offsets, language, dates in three languages."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.extract.dates import DAY, MONTH, SPAN, YEAR, dateline, find_dates
from geo.extract.text import content_lines, detect_language, sentences

PASTED_PAGE = """twitter
youtube
instagram
search
WHAT ARE YOU LOOKING FOR ?
Any use of materials is allowed only with a hyperlink to Example.com
Example.com © 2025. .
June 22, 2025 – Markets: LIVE
REGION
A+
A-
Drones reported over the border region
14 May 2025 10:12
Officials said on Tuesday that several drones were seen over the border district near Oral.
They did not say where the drones came from.
By A. Reporter
Views: 1021
share-lineLiked the story? Share it on social media!
print
REGION
The most important news of Armenia, Georgia and Iran
loading
"""


def lines_of(text: str) -> list[str]:
    return [text[s.start : s.end] for s in content_lines(text)]


def test_page_furniture_is_left_out_and_offsets_still_index_the_text():
    kept = lines_of(PASTED_PAGE)
    assert kept[:2] == ["Drones reported over the border region", "14 May 2025 10:12"]
    assert "Officials said on Tuesday that several drones were seen over the border district near Oral." in kept
    for junk in ("twitter", "search", "REGION", "A+", "print", "loading", "Views: 1021", "June 22, 2025 – Markets: LIVE",
                 "The most important news of Armenia, Georgia and Iran", "Example.com © 2025. ."):  # fmt: skip
        assert junk not in kept, junk
    for span in content_lines(PASTED_PAGE):
        assert PASTED_PAGE[span.start : span.end].strip() == PASTED_PAGE[span.start : span.end]


@pytest.mark.parametrize("text, expected", [
    ("Am 29. Juli kam es zu Schüssen. Die Polizei ermittelt.", ["Am 29. Juli kam es zu Schüssen.", "Die Polizei ermittelt."]),
    ("Gen. J. Smith arrived in St. Louis. He left on Friday.", ["Gen. J. Smith arrived in St. Louis.", "He left on Friday."]),
    ("“We will not leave,” she said. “Never.” Then she left.", ["“We will not leave,” she said.", "“Never.”", "Then she left."]),
    ("В 2023 г. было тихо. Теперь нет.", ["В 2023 г. было тихо.", "Теперь нет."]),
])  # fmt: skip
def test_sentences(text, expected):
    assert [text[s.start : s.end] for s in sentences(text, content_lines(text))] == expected


@pytest.mark.parametrize("text, lang", [
    ("The army said on Tuesday that drones had crossed the border overnight and were shot down.", "en"),
    ("Die Armee teilte am Dienstag mit, dass Drohnen in der Nacht die Grenze überquert hätten.", "de"),
    ("Армия сообщила во вторник, что ночью беспилотники пересекли границу и были сбиты.", "ru"),
])  # fmt: skip
def test_language_is_detected(text, lang):
    assert detect_language(text) == lang


REFERENCE = dt.date(2025, 6, 22)


@pytest.mark.parametrize("lang, text, iso, end, precision", [
    ("en", "On June 19 and 20, drones flew over", "2025-06-19", "2025-06-20", SPAN),
    ("en", "the crash on December 25, 2024, killed", "2024-12-25", None, DAY),
    ("en", "after the December 2024 crash", "2024-12-01", "2024-12-31", MONTH),
    ("en", "between 19-20 June the border", "2025-06-19", "2025-06-20", SPAN),
    ("en", "it happened on 3 January", "2025-01-03", None, DAY),  # no year: the dateline's, or the year before
    ("de", "am Samstag, 29. Juli", "2023-07-29", None, DAY),  # the last year in which 29 July was a Saturday
    ("de", "dass sie am 28. Februar ankamen", "2025-02-28", None, DAY),
    ("de", "stiegen im Jahr 2023 auf", "2023-01-01", "2023-12-31", YEAR),
    ("ru", "21 ноября Россия нанесла удар", "2024-11-21", None, DAY),
    ("ru", "вчера вечером", "2025-06-21", None, DAY),
    ("en", "the report of 2024-11-22 said", "2024-11-22", None, DAY),
    ("de", "Am 03.05.2024 wurde", "2024-05-03", None, DAY),
])  # fmt: skip
def test_dates_in_three_languages(lang, text, iso, end, precision):
    ref = dt.date(2024, 11, 22) if "ноября" in text else REFERENCE
    found = find_dates(text, lang, ref)
    assert len(found) == 1, found
    assert found[0].start.isoformat() == iso and found[0].precision == precision
    assert found[0].end.isoformat() == (end or iso)
    assert text[found[0].offset : found[0].offset + len(found[0].text)] == found[0].text


def test_no_dates_in_plain_words():
    assert find_dates("You may march on. The 7,600-kilometre border and 35 people.", "en", REFERENCE) == []


def test_a_date_without_year_needs_a_reference():
    assert find_dates("on 3 January", "en", None) == []


def test_dateline_is_a_full_date_at_the_start_of_an_early_line():
    text = "Headline about drones\nSTANISLAV REPORTER Friday, 22 November 2024, 10:20\nOn 21 November the strike hit."
    found = dateline(text, [(s.start, s.end) for s in content_lines(text)], "en")
    assert found is not None and found.start == dt.date(2024, 11, 22)
    body = "Headline\nThe incident, which occurred long before the report, was on December 25, 2024, at dawn, according to officials."
    assert dateline(body, [(s.start, s.end) for s in content_lines(body)], "en") is None
