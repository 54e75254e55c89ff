"""Fold place names to a comparable ASCII form, and to a coarser key that merges romanisation variants."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

# Characters that vanish rather than split a word: apostrophes, quotes, primes, soft/hard-sign marks.
# After transliteration these are the ASCII forms ' " ` (anyascii writes Cyrillic ь/ъ and the
# modifier letters ʼ ʻ as '), plus a few that anyascii may leave or emit as themselves.
_VANISH_RE = re.compile(r"['\"`\u00b4\u02b9-\u02bf\u2018-\u201f\u2032-\u2037]+")
# Everything that is not a lowercase ASCII letter or digit separates words.
_SEPARATOR_RE = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Reduce a name in any script to lowercase ASCII words, so spellings compare by content not by form."""
    if not isinstance(text, str):
        raise TypeError(f"fold() expects str, got {type(text).__name__}")
    if not text:
        return ""
    if text.isascii():  # NFKC, casefold and anyascii are identities on ASCII apart from case
        text = text.lower()
    else:  # anyascii drops combining marks itself; decomposing first would turn Cyrillic й into и
        text = anyascii(unicodedata.normalize("NFKC", text).casefold()).lower()
    text = _VANISH_RE.sub("", text)
    return _SEPARATOR_RE.sub(" ", text).strip()


# Ordered rewrites from folded text to a variant key.  Each merges spellings that transliteration
# systems (English BGN/PCGN, German Duden, scholarly/ISO 9, Kazakh and Uzbek Latin alphabets) use for
# the same Cyrillic letter; order matters because later rules see the output of earlier ones.
VARIANT_RULES: tuple[tuple[str, str, str], ...] = (
    # Doubled letters never tell names apart; collapsing first also keeps the rules idempotent.
    (r"([a-z])(?=\1)", "", "doubled letters, before rewriting"),
    # German tsch = English ch (Ч):      "tscheljabinsk" -> "cheljabinsk"
    (r"tsch", "ch", "German tsch for Ч"),
    # German sch = English sh (Ш):       "schymkent" -> "shymkent"
    (r"sch", "sh", "German sch for Ш"),
    # German word-initial ch = kh (Х):   "charkow" -> "kharkow" (English ch- collides; accepted)
    (r"\bch", "kh", "German word-initial ch for Х"),
    # German/Polish w = v (В):           "charkow" -> "kharkov"
    (r"w", "v", "German/Polish w for В"),
    # Kazakh Latin q = k (Қ):            "aqtobe" -> "aktobe"
    (r"q", "k", "Kazakh Latin q for Қ"),
    # Kazakh/Uzbek gh = g (Ғ):           "qaraghandy" -> "karagandy"
    (r"gh", "g", "Kazakh/Uzbek gh for Ғ"),
    # German/scholarly j = y (Й, Я=ja):  "kapustin jar" -> "kapustin yar"; Kazakh j = zh is NOT merged
    (r"j", "y", "German/scholarly j for Й and iotated vowels"),
    # Word-initial Е as ye or e:         "yekaterinburg" -> "ekaterinburg"
    (r"\bye", "e", "word-initial ye/e for Е"),
    # y and i as vowel or glide (Й, Ы, И, Ukrainian И/І): "aksay" -> "aksai", "-skiy" -> "-skii"
    (r"y", "i", "y/i for Й, Ы, И, І"),
    # Doubled letters the rewrites made: "-skii" -> "-ski", "ussuriisk" -> "usurisk"
    (r"([a-z])(?=\1)", "", "doubled letters, after rewriting"),
)

def _needle(pattern: str) -> str | None:
    """The literal text a rule's pattern cannot match without ("\\bch" needs "ch"), or None."""
    bare = pattern.removeprefix(r"\b")
    return bare if re.escape(bare) == bare else None


# Literal rules run as str.replace (several times faster than re.sub over a million keys); a word-start rule runs only
# when its letters occur at all.
_COMPILED_RULES = tuple(
    (pattern, repl, None if re.escape(pattern) == pattern else re.compile(pattern), _needle(pattern))
    for pattern, repl, _ in VARIANT_RULES
)


def variant_key(folded: str) -> str:
    """Map folded text to a coarser key shared by common Russian/Kazakh/Ukrainian/German romanisations."""
    key = folded
    for literal, repl, regex, needle in _COMPILED_RULES:
        if regex is None:
            key = key.replace(literal, repl)
        elif needle is None or needle in key:
            key = regex.sub(repl, key)
    return key


#: :func:`variant_key` remembered for the names of a batch being looked up (the gazetteer, admin-1 and country lookups
#: of one name each need it: computed once, 1-2% of bulk geocoding).
cached_variant_key = lru_cache(maxsize=1 << 16)(variant_key)
