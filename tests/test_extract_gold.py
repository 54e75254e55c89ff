"""Recognition and resolution scored on the gold set in tests/data/gold (texts written for it, toponyms marked
inline), and the scorer itself on cases whose scores are known."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.extract.documents import Document
from geo.extract.scoring import Scores, parse_gold, score, target

GOLD = sorted((Path(__file__).resolve().parent / "data" / "gold").glob("*.txt"))
#: What the gold set must keep scoring (it scores higher: see the README's figures and scripts/bench_extract.py).
MIN_F1, MIN_ACC161 = 0.9, 0.9


def test_parse_gold_removes_marks_and_keeps_offsets():
    plain, spans = parse_gold("Shelling hit [[Kharkiv|place:Kharkiv,UA]] and the [[Sumy|admin:UA-59]] region.")
    assert plain == "Shelling hit Kharkiv and the Sumy region."
    assert [(plain[s.start : s.end], s.answer) for s in spans] == [("Kharkiv", "place:Kharkiv,UA"), ("Sumy", "admin:UA-59")]


def test_scorer_counts_overlaps_and_distances(extractor):
    lookup = extractor.geocoder.lookup
    plain, gold = parse_gold("In [[Aktau|place:Aktau,KZ]] and [[West Kazakhstan|admin:KZ-ZAP]] and [[Oral|place:Oral,KZ]].")
    aktau = target("place:Aktau,KZ", lookup).point
    right = {"start": 3, "end": 8, "text": "Aktau", "lat": aktau.y, "lon": aktau.x}
    far = {"start": 13, "end": 17, "text": "West", "lat": 0.0, "lon": 0.0}  # overlaps the gold span: a match, wrongly placed
    spurious = {"start": 0, "end": 2, "text": "In", "lat": 1.0, "lon": 1.0}
    result = score([right, far, spurious], gold, lookup)
    assert (result.tp, result.fp, result.fn) == (2, 1, 1)
    assert (result.correct, result.resolvable) == (1, 2)
    assert result.precision == pytest.approx(2 / 3) and result.recall == pytest.approx(2 / 3) and result.acc161 == 0.5


def test_unknown_gold_answers_are_errors(extractor):
    with pytest.raises(ValueError):
        target("place:Nowhereville,KZ", extractor.geocoder.lookup)
    with pytest.raises(ValueError):
        target("admin:XX-99", extractor.geocoder.lookup)


@pytest.fixture(scope="module")
def gold_scores(extractor) -> dict[str, Scores]:
    out: dict[str, Scores] = {}
    for path in GOLD:
        plain, spans = parse_gold(path.read_text(encoding="utf-8"))
        analysis = extractor.analyse(Document(path.name, str(path), plain, "text"))
        lang = path.name[:2]
        out[lang] = out.get(lang, Scores()) + score(extractor.mentions(analysis), spans, extractor.geocoder.lookup, path.name)
    return out


def test_gold_set_covers_three_languages():
    assert {p.name[:2] for p in GOLD} == {"en", "de", "ru"} and len(GOLD) >= 15


@pytest.mark.parametrize("lang", ["en", "de", "ru"])
def test_gold_scores(gold_scores, lang):
    result = gold_scores[lang]
    assert result.f1 >= MIN_F1, result.line() + "\n" + "\n".join(result.errors)
    assert result.acc161 >= MIN_ACC161, result.line() + "\n" + "\n".join(result.errors)
