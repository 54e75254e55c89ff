"""What a name-like word looks like in running text, and how common a word is (wordfreq).

Shared by the record-text context scanner and the article recogniser: both must tell a place's name
("Kramatorsk", "Frankfurt am Main") from a common word that some village also bears ("police", "Most").
"""

from __future__ import annotations

import contextlib
import math
import pickle
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources
from importlib.metadata import version
from pathlib import Path

from geo._errors import IncmapError

#: A word: letters, with inner hyphens, apostrophes or dots ("Rostov-on-Don", "Kassym-Jomart", "L'viv").
WORD = re.compile(r"[^\W\d_](?:[^\W_]|['’\-](?=[^\W\d_]))*")
#: Lower-case words allowed inside a multi-word name ("Frankfurt am Main", "Newcastle upon Tyne").
CONNECTORS = frozenset({"am", "an", "der", "de", "del", "da", "do", "la", "le", "les", "upon", "sur", "na", "al", "el"})
#: wordfreq's word list files: ``small_en.msgpack.gz``, ``large_de.msgpack.gz``.
_WORDLIST_FILE = re.compile(r"(?:small|large|best)_([A-Za-z_-]+)\.msgpack\.gz")
#: A lowercase ASCII word: its own single token.
_PLAIN_WORD = re.compile(r"[a-z]+")
#: Words rarer than this (zipf) are left out of the tables: every frequency threshold incmap uses is at least this.
KEEP_ZIPF = 2.5
#: Languages whose word frequencies decide whether record text (language unknown) uses a word as a common word.
RECORD_LANGUAGES = ("en", "de", "ru")


@lru_cache(maxsize=200_000)
def zipf(word: str, lang: str) -> float:
    """How common a word or phrase is in the language (wordfreq's zipf scale: 0 unknown .. 7 'the'), as wordfreq's
    ``zipf_frequency`` computes it (its tokens, a phrase's frequencies combined), from the words at least KEEP_ZIPF
    common; rarer words count as unknown (0), which no decision incmap makes can tell apart."""
    lang = lang if lang in _wordfreq_languages() else "en"
    if _PLAIN_WORD.fullmatch(word):
        tokens = [word]  # what wordfreq's tokenizer makes of a lowercase ASCII word, without importing it (0.3 s)
    else:
        from wordfreq import tokenize

        tokens = tokenize(word, lang)
    if not tokens:
        return 0.0
    table = _frequencies(lang)
    inverse = 0.0
    for token in tokens:
        frequency = table.get(token)
        if not frequency:
            return 0.0
        inverse += 1.0 / frequency
    frequency = 1.0 / inverse
    frequency = round(frequency, math.floor(-math.log10(frequency)) + 3)  # three significant digits, as wordfreq does
    return round(math.log10(frequency) + 9.0, 2)


@cache
def _frequencies(lang: str) -> dict[str, float]:
    """wordfreq's frequencies of the words at least KEEP_ZIPF common in ``lang``, built once from the installed
    package and kept in the user cache (the full lists cost 1.1 s and 220 MB for three languages; these 0.05 s)."""
    import wordfreq

    from geo import settings
    from geo.io.atomic import write_bytes

    path = Path(settings.CACHE_DIR) / f"wordfreq-{lang}-{version('wordfreq')}-{KEEP_ZIPF}.pkl"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    floor = 10 ** (KEEP_ZIPF - 9.0)
    kept = {w: f for w, f in wordfreq.get_frequency_dict(lang).items() if f >= floor}
    with contextlib.suppress(IncmapError, OSError):  # an unwritable cache only costs time
        write_bytes(path, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
    return kept


def max_zipf(word: str, languages: Iterable[str] = RECORD_LANGUAGES) -> float:
    """How common a word is in the most common-word-like of ``languages`` (text whose language is not known)."""
    return max(zipf(word, lang) for lang in languages)


def is_name_like(word: str) -> bool:
    """A word that may begin or end a name: capitalised, or in a script without letter case (Arabic, Chinese)."""
    first = word[:1]
    return first.isupper() or not first.islower()


@lru_cache(maxsize=1)
def _wordfreq_languages() -> frozenset[str]:
    """The languages wordfreq has word lists for, from its data file names (``wordfreq.available_languages`` gives
    the same set but takes 0.3 s)."""
    names = (f.name for f in resources.files("wordfreq").joinpath("data").iterdir())
    return frozenset(m.group(1) for name in names if (m := _WORDLIST_FILE.fullmatch(name)))
