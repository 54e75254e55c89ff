"""``incmap extract`` end to end: files, directories, HTML, stdin, skipped files, --mentions, and the output read back by map."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from geo.cli.main import cli
from geo.extract.documents import read_document

ARTICLE = """Drones reported over western Kazakhstan

Oral, 22 June 2025 - On June 19 and 20, several dozen drones were seen flying over the West Kazakhstan Region, the
regional akimat said on Sunday. Residents of Aksay reported loud explosions near the town.
"""
HTML = """<!doctype html><html><head><title>Shootout in Kaluga region</title>
<meta property="og:site_name" content="Example Wire"><meta name="date" content="2025-03-01"></head>
<body><nav>twitter youtube instagram search</nav><div id="cookie-banner">We use cookies. Accept all</div>
<article><h1>Shootout in Kaluga region</h1><p>A shootout broke out on 28 February in the village of Koryakovo in the
Kaluga region, officials said. Two men were killed.</p></article><footer>© Example Wire 2025</footer></body></html>"""


def run(*args: str, stdin: str | bytes | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin)


@pytest.fixture
def articles(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "kz.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "ru.html").write_text(HTML, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PNG" * 50)
    (folder / "notes.csv").write_text("not,an,article\n", encoding="utf-8")  # not an article file: ignored in a folder
    return folder


def test_extract_a_folder_to_jsonl_and_map_it(tmp_path, articles):
    out = tmp_path / "incidents.jsonl"
    result = run("extract", str(articles), "-o", str(out))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    kz = [r for r in records if r["source"].endswith("kz.txt")]
    overflight = next(r for r in kz if r["type"] == "drone_overflight")
    assert overflight["admin1_code"] == "KZ-ZAP" and overflight["where_prec"] == 4
    assert (overflight["date"], overflight["date_end"], overflight["date_prec"]) == ("2025-06-19", "2025-06-20", 2)
    assert overflight["published"] == "2025-06-22" and overflight["geometry"]["type"] in ("Polygon", "MultiPolygon")
    html = next(r for r in records if r["source"].endswith("ru.html"))
    assert html["type"] == "armed_clash" and html["admin1_code"] == "RU-KLU" and html["date"] == "2025-02-28"
    assert html["publication"] == "Example Wire" and "cookies" not in html["quote"]
    stderr = result.stderr.strip().splitlines()
    assert any("empty.txt: skipped: empty file" in line for line in stderr)
    assert any("binary.txt: skipped: binary file" in line for line in stderr)
    assert stderr[-1].startswith("summary: 2 articles read, 2 skipped (1 binary file, 1 empty file); ")
    mapped = run("map", str(out), "-o", str(tmp_path / "m.html"), "-q")
    assert mapped.exit_code == 0, mapped.output
    assert f"summary: {len(records)} records: {len(records)} resolved" in mapped.output  # read as extracted, not geocoded again


def test_mentions_format(tmp_path, articles):
    out = tmp_path / "mentions.jsonl"
    result = run("extract", str(articles / "kz.txt"), "--mentions", "-o", str(out))
    assert result.exit_code == 0, result.output
    mentions = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    text = (articles / "kz.txt").read_text(encoding="utf-8")
    assert {"doc", "start", "end", "text", "lat", "lon", "country", "admin1_code", "where_prec", "gazetteer_id", "confidence"} <= mentions[0].keys()
    assert all(m["doc"] == "kz.txt" and text[m["start"] : m["end"]] == m["text"] for m in mentions)
    aksay = next(m for m in mentions if m["text"] == "Aksay")
    assert aksay["country"] == "KAZ" and aksay["admin1_code"] == "KZ-ZAP"  # the article's Aksay, not Rostov's


def test_stdin_with_date_and_source():
    text = "Police said a shootout broke out on Saturday in the village of Koryakovo in the Kaluga region."
    result = run("extract", "-", "--date", "2025-03-03", "--source", "Desk", "--lang", "en", stdin=text)
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.splitlines()[0])
    assert record["date"] == "2025-03-01" and record["publication"] == "Desk" and record["source"] == "-"


def test_too_large_and_missing_files_are_skipped_and_the_rest_goes_on(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Drones flew over Oral. " * 100, encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    result = run("extract", str(big), str(tmp_path / "missing.txt"), str(good), "--max-bytes", "1000", "-o", str(tmp_path / "o.jsonl"))
    assert result.exit_code == 0, result.output
    assert "big.txt: skipped: too large" in result.stderr and "missing.txt: skipped: no such file" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("summary: 1 articles read, 2 skipped")


def test_html_is_reduced_to_its_article(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    doc = read_document(str(path))
    assert doc.fmt == "html" and doc.title == "Shootout in Kaluga region" and doc.publication == "Example Wire"
    assert "twitter" not in doc.text and "cookies" not in doc.text and "Koryakovo" in doc.text
    assert str(doc.published) == "2025-03-01"


def test_other_languages_are_read_with_the_gazetteer_recogniser(tmp_path):
    path = tmp_path / "fr.txt"
    path.write_text("Des drones ont survolé la région de Kharkiv et la ville de Soumy mardi, selon les autorités ukrainiennes.", encoding="utf-8")
    result = run("extract", str(path), "--mentions")
    assert result.exit_code == 0, result.output
    assert "language 'fr': read with the gazetteer recogniser only" in result.stderr
    mentions = [json.loads(line) for line in result.stdout.splitlines()]
    assert {m["text"] for m in mentions} >= {"Kharkiv"} and all(m["country"] == "UKR" for m in mentions)
