"""What a name-like word looks like in running text, and how common a word is (wordfreq).

Shared by the record-text context scanner and the article recogniser: both must tell a place's name
("Kramatorsk", "Frankfurt am Main") from a common word that some village also bears ("police", "Most").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

#: A word: letters, with inner hyphens, apostrophes or dots ("Rostov-on-Don", "Kassym-Jomart", "L'viv").
WORD = re.compile(r"[^\W\d_](?:[^\W_]|['’\-](?=[^\W\d_]))*")
#: Lower-case words allowed inside a multi-word name ("Frankfurt am Main", "Newcastle upon Tyne").
CONNECTORS = frozenset({"am", "an", "der", "de", "del", "da", "do", "la", "le", "les", "upon", "sur", "na", "al", "el"})
#: Languages whose word frequencies decide whether record text (language unknown) uses a word as a common word.
RECORD_LANGUAGES = ("en", "de", "ru")


@lru_cache(maxsize=200_000)
def zipf(word: str, lang: str) -> float:
    """How common a word is in the language (wordfreq's zipf scale: 0 unknown .. 7 'the'); 0 when unknown."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, lang if lang in _wordfreq_languages() else "en")


def max_zipf(word: str, languages: Iterable[str] = RECORD_LANGUAGES) -> float:
    """How common a word is in the most common-word-like of ``languages`` (text whose language is not known)."""
    return max(zipf(word, lang) for lang in languages)


def is_name_like(word: str) -> bool:
    """A word that may begin or end a name: capitalised, or in a script without letter case (Arabic, Chinese)."""
    first = word[:1]
    return first.isupper() or not first.islower()


@lru_cache(maxsize=1)
def _wordfreq_languages() -> frozenset[str]:
    from wordfreq import available_languages

    return frozenset(available_languages())
