#!/usr/bin/env python
"""Extraction quality and speed: the gold set's precision, recall, F1 (lenient) and acc@161 per language, and
articles per second on one core once the models and the gazetteer are loaded (load time reported apart).

Speed is measured on every gold text and seed article (../shared/seeds, when present) and any article files
or folders given, each read once, in one process, after one warm-up pass over a different text, before the quality is scored
(so that no name has been looked up before).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core: numpy's BLAS would use both
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:
    from geo.extract.scoring import Scores

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOLD = ROOT / "tests" / "data" / "gold"
#: Articles annotated by someone who never saw incmap's code or output (tests/data/gold_blind/README.md): scored apart,
#: never tuned on; the nearest thing here to the held-out corpora incmap is checked on.
BLIND = ROOT / "tests" / "data" / "gold_blind"
#: Articles at least this long are reported apart (news articles run to a few thousand characters).
NEWS_LENGTH = 2000
SEEDS = ROOT.parent / "shared" / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", nargs="*", help="more article files or folders to time")
    parser.add_argument("--errors", action="store_true", help="list every recognition and resolution error")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes, each with fresh caches (the median is reported)")
    args = parser.parse_args()

    from geo.extract.documents import Document, Skipped, read_documents
    from geo.extract.extractor import Extractor
    from geo.extract.scoring import Scores, parse_gold

    start = time.perf_counter()
    extractor = Extractor()
    extractor.load()
    print(f"load: {time.perf_counter() - start:.2f} s (models, language identifier, gazetteer, fuzzy index, word frequencies)")

    # Speed first: every article is new to the process (no name looked up before).
    gold = [(path, *parse_gold(path.read_text(encoding="utf-8"))) for path in sorted(GOLD.glob("*.txt"))]
    timed = [Document(path.name, str(path), plain, "text") for path, plain, _ in gold]
    extra = [str(SEEDS)] if SEEDS.is_dir() else []
    timed += [d for d in read_documents([*extra, *args.articles]) if not isinstance(d, Skipped)]
    warm = Document("warm-up", "-", "A warm-up text about Paris, Lagos and Lima, written on 1 May 2020.", "text")
    extractor.incidents(extractor.analyse(warm))
    chars = sum(len(d.text) for d in timed)
    runs = [_timed_pass(extractor, timed) for _ in range(args.repeat)]
    rates = sorted(len(timed) / sum(seconds.values()) for seconds, _, _ in runs)
    seconds, mentions, incidents = runs[0]
    print(f"speed: {len(timed)} articles ({chars / len(timed):,.0f} characters on average, {mentions} toponyms, {incidents} incidents): "
          f"median {rates[len(rates) // 2]:.1f} articles/s on one core over {len(runs)} passes (range {rates[0]:.1f}-{rates[-1]:.1f})")  # fmt: skip
    long = [d for d in timed if len(d.text) >= NEWS_LENGTH]
    if long:
        long_rates = sorted(len(long) / sum(s[d.source] for d in long) for s, _, _ in runs)
        print(f"speed, articles of {NEWS_LENGTH:,}+ characters: {len(long)} ({sum(len(d.text) for d in long) / len(long):,.0f} on average): "
              f"median {long_rates[len(long_rates) // 2]:.1f} articles/s (range {long_rates[0]:.1f}-{long_rates[-1]:.1f})")  # fmt: skip

    scores: dict[str, Scores] = {}
    for path, plain, spans in gold:
        scores[path.name[:2]] = scores.get(path.name[:2], Scores()) + _scored(extractor, path, plain, spans)
    total = sum(scores.values(), Scores())
    for lang, result in sorted(scores.items()):
        print(f"gold {lang}: {result.line()}")
    print(f"gold all: {total.line()}")
    blind_files = sorted(BLIND.glob("*.txt"))
    blind = sum((_scored(extractor, path, *parse_gold(path.read_text(encoding="utf-8"))) for path in blind_files), Scores())
    if blind_files:
        print(f"blind set ({len(blind_files)} articles, annotated without seeing incmap): {blind.line()}")
    if args.errors:
        print("\n".join(total.errors + blind.errors))


def _scored(extractor, path: Path, plain: str, spans) -> Scores:
    """One gold file's scores: its plain text extracted as an article, its mentions against its gold spans."""
    from geo.extract.documents import Document
    from geo.extract.scoring import score

    doc = Document(path.name, str(path), plain, "text")
    return score(extractor.mentions(extractor.analyse(doc)), spans, extractor.geocoder.lookup, path.name)


def _timed_pass(extractor, docs) -> tuple[dict[str, float], int, int]:
    """Seconds per article for one pass with every cache emptied (as in a new process, models kept loaded)."""
    from geo.extract import text
    from geo.geocoding import resolver
    from geo.geocoding.lookup import PlaceLookup

    geocoder = extractor.geocoder
    geocoder.lookup = PlaceLookup(geocoder.layers, geocoder.gaz)
    geocoder.resolver = resolver.PlaceResolver(geocoder.lookup)
    extractor.recogniser.matcher.lookup = geocoder.lookup
    for cached in (resolver._readings, text._fold_word, text._document_words):
        cached.cache_clear()
    seconds, mentions, incidents = {}, 0, 0
    for doc in docs:
        start = time.perf_counter()
        analysis = extractor.analyse(doc)
        mentions += len(analysis.mentions)
        incidents += len(extractor.incidents(analysis))
        seconds[doc.source] = time.perf_counter() - start
    return seconds, mentions, incidents


if __name__ == "__main__":
    main()
