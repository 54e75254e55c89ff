"""The parts of an article's text worth reading: content lines (pasted pages carry navigation, share buttons and
banners), sentences with their offsets, and the article's language.

Nothing is removed from the text: junk lines are left out of the spans, so offsets still index the text read.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from geo.gazetteer.names import fold

#: Words of page furniture (menus, share bars, banners) in the languages incmap reads, lower case.
FURNITURE = re.compile(
    r"^(?:twitter|x\.com|youtube|instagram|facebook|telegram|vk|vkontakte|whatsapp|tiktok|linkedin|rss|apple store|app store|"
    r"google play|play market|night_theme|search|suche|поиск|print|drucken|печать|copy link|link kopieren|ads|advertisement|"
    r"anzeige|реклама|loading|share|teilen|поделиться|menu|menü|меню|home|login|log in|sign in|subscribe|abonnieren|"
    r"подписаться|read more|weiterlesen|читать далее|all sections|related|related news|most read|top stories)$",
    re.IGNORECASE,
)
#: Phrases that mark a whole line as page furniture wherever they stand in it.
FURNITURE_PHRASES = re.compile(
    r"©|\ball rights reserved\b|\balle rechte vorbehalten\b|\bвсе права защищены\b|\bcookies?\b|\bliked the story\b|"
    r"\bshare it on\b|\bviews?:\s*\d|\bany use of materials\b|\bhyperlink to\b|\bссылка скопирована\b|\bfollow us\b|"
    r"\bsubscribe to\b|\bnewsletter\b|\bwhat are you looking for\b",
    re.IGNORECASE,
)
#: Characters of an article's content its language is told from.
LANGUAGE_SAMPLE = 1500
#: A line of at most this many words without sentence punctuation may be furniture (decided by its neighbours).
SHORT_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?…:;\"'”»“)]\s*$")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)
#: A word for folding: letters and digits with inner apostrophes (hyphens split words: "Oral-Aksay" is two).
WORD = re.compile(r"[^\W_](?:[^\W_]|['’])*", re.UNICODE)
# A sentence ends at . ! ? … (and closing quotes or brackets) followed by space; not after an initial ("J."),
# a one- or two-digit ordinal ("29. Juli") or a common abbreviation.
_BOUNDARY = re.compile(r"(?<=[.!?…])([\"'”’»)\]]*)\s+(?=[\"'“‘„«(\[]?[A-ZÄÖÜА-ЯЁ0-9])")
_NO_SPLIT_BEFORE = re.compile(
    r"(?:\b[A-ZА-Я]|\b\d{1,2}|\b(?:Mr|Mrs|Ms|Dr|Prof|St|Gen|Col|Lt|Sgt|Capt|Maj|Rev|Sen|Rep|Gov|Pres|No|Nr|Vol|vs|etc|ca|bzw|vgl|Jan|Feb|Mar|Apr|Jun|Jul|"
    r"Aug|Sep|Sept|Oct|Okt|Nov|Dec|Dez|Inc|Ltd|Co|Corp|U\.S|U\.K|z\.B|d\.h|u\.a|т\.е|т\.д|т\.п|г|гг|ул|им|св))[.!?…]$"
)


@dataclass(frozen=True)
class Span:
    """A stretch of the text: [start, end) character offsets."""

    start: int
    end: int


def content_lines(text: str) -> list[Span]:
    """The lines that belong to the article (headline, dateline, paragraphs), as spans of ``text``.

    A line is furniture when it is a menu word, a share or copyright line, or at most two words;
    a short line without sentence punctuation (a headline, a dateline, a tagline) is content unless
    furniture stands on both sides of it."""
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    kinds = [_line_kind(text[a:b]) for a, b in lines]
    out, i = [], 0
    while i < len(lines):
        if kinds[i] != "short":
            if kinds[i] == "content":
                out.append(i)
            i += 1
            continue
        j = i
        while j < len(lines) and kinds[j] == "short":
            j += 1
        before = next((kinds[k] for k in range(i - 1, -1, -1) if kinds[k] != "blank"), "furniture")
        after = next((kinds[k] for k in range(j, len(lines)) if kinds[k] != "blank"), "furniture")
        if not (before == "furniture" and after == "furniture"):
            out.extend(range(i, j))
        i = j
    spans = []
    for k in out:
        a, b = lines[k]
        stripped = text[a:b]
        a += len(stripped) - len(stripped.lstrip())
        b -= len(stripped) - len(stripped.rstrip())
        if b > a:
            spans.append(Span(a, b))
    return spans


def _line_kind(line: str) -> str:
    """'blank', 'furniture', 'short' (decided by its neighbours) or 'content'."""
    stripped = line.strip()
    if not stripped:
        return "blank"
    words = _WORD.findall(stripped)
    if FURNITURE.match(stripped) or FURNITURE_PHRASES.search(stripped) or not words:
        return "furniture"
    if len(words) <= 2 and not any(ch.isdigit() for ch in stripped) and not _SENTENCE_END.search(stripped):
        return "furniture"
    if len(words) <= SHORT_WORDS and not _SENTENCE_END.search(stripped):
        return "short"
    return "content"


def sentences(text: str, spans: list[Span]) -> list[Span]:
    """Sentences inside the content spans (a line break always ends one), with offsets into ``text``."""
    out = []
    for span in spans:
        start = span.start
        for m in _BOUNDARY.finditer(text, span.start, span.end):
            if _NO_SPLIT_BEFORE.search(text, max(span.start, m.start() - 12), m.start()):
                continue
            out.append(Span(start, m.end(1)))
            start = m.end()
        if span.end > start:
            out.append(Span(start, span.end))
    return [s for s in out if text[s.start : s.end].strip()]


class FoldedWords:
    """Words of ``text[lo:hi]`` folded and joined by single spaces, with the way back to character offsets.

    A word cut by ``lo`` or ``hi`` is left out. The whole text's words are folded once (the last few texts
    are remembered), so the many small windows extraction looks at cost a lookup each."""

    def __init__(self, text: str, lo: int, hi: int) -> None:
        starts, ends, folded = _document_words(text)
        first, last = bisect_left(starts, lo), bisect_right(ends, hi)
        last = max(first, last)
        self.spans: list[tuple[int, int]] = list(zip(starts[first:last], ends[first:last]))
        self.words: list[str] = folded[first:last]  # each word folded
        self.starts: list[int] = []
        position = 0
        for word in self.words:
            self.starts.append(position)
            position += len(word) + 1
        self.folded = " ".join(self.words)

    def start_of(self, index: int) -> int:
        """Character offset in the text of the word that starts at folded ``index``."""
        return self.spans[bisect_right(self.starts, index) - 1][0]

    def end_of(self, index: int) -> int:
        """Character offset in the text where the word ending at folded ``index`` ends."""
        return self.spans[bisect_left(self.starts, index) - 1][1]


@lru_cache(maxsize=8)
def _document_words(text: str) -> tuple[list[int], list[int], list[str]]:
    """Start and end offsets and folded forms of every word in ``text`` (words that fold to nothing left out)."""
    starts, ends, folded = [], [], []
    for m in WORD.finditer(text):
        word = _fold_word(m.group())
        if word:
            starts.append(m.start())
            ends.append(m.end())
            folded.append(word)
    return starts, ends, folded


@lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    return fold(word)


def detect_language(text: str, spans: list[Span] | None = None) -> str:
    """ISO 639-1 code of the article's language (py3langid), from its content lines."""
    import py3langid

    sample = " ".join(text[s.start : s.end] for s in spans) if spans else text
    lang, _ = py3langid.classify(sample[:LANGUAGE_SAMPLE])
    return lang
