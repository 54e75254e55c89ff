"""The words around a toponym that say what kind of place it is: "near Aktau", "Region Kaluga", "the Oral–Aksay
highway", "Kazakh airspace", "im Dorf Koryakovo in der Region Kaluga". A mention's ``phrase`` grows to take
them in, in the form :mod:`geo.geocoding.phrases` reads, so that the geocoder gives a region its polygon,
a route its line and "near X" its circle. The vocabulary is the geocoder's own (folded, so it covers English,
German and transliterated Russian at once).

Also a pattern recogniser for names the gazetteer lacks but the text types plainly: the name after
"village of", "im Dorf", "село", or before "region"/"oblast" is a place, known or not.
"""

from __future__ import annotations

import re

from geo.extract.mentions import Mention
from geo.extract.text import FoldedWords, Span
from geo.gazetteer.names import fold
from geo.geocoding.phrases import ADMIN_WORDS, AREA_WORDS, DISTRICT_WORDS, NEAR_PREFIX, PLACE_PREFIX, ROUTE_WORDS, WATER_WORDS

_ARTICLE = r"(?:\s+(?:the|der|die|das|dem|den|des))?"
_NEAR_BEFORE = re.compile(rf"(?:^|\s)((?:{NEAR_PREFIX})){_ARTICLE}$")
_ADMIN_BEFORE = re.compile(rf"(?:^|\s)((?:{ADMIN_WORDS}|{DISTRICT_WORDS})(?:\s+of)?)$")
_PLACE_BEFORE = re.compile(rf"(?:^|\s)((?:{PLACE_PREFIX}))$")
_KIND_AFTER = re.compile(rf"^((?:{ADMIN_WORDS}|{DISTRICT_WORDS}|{AREA_WORDS}|{WATER_WORDS}))\b")
_ROUTE_AFTER = re.compile(rf"^((?:{ROUTE_WORDS}))\b")
_ROUTE_BEFORE = re.compile(rf"(?:^|\s)((?:{ROUTE_WORDS}))$")
_DASH = re.compile(r"^\s*[-–—‒]\s*$")
#: What stands between names listed together.
LIST_JOINER = re.compile(r"\s*(?:,|,?\s*(?:and|und|и|or|oder|или|et|y))\s+(?:(?:northern|southern|eastern|western|central|north|south|east|"
                         r"west|nördliche[nms]?|südliche[nms]?|östliche[nms]?|westliche[nms]?)\s+)?", re.IGNORECASE)  # fmt: skip
#: Characters of context looked at on either side of a mention.
WINDOW = 60


def qualify(text: str, mentions: list[Mention], sentences: list[Span]) -> list[Mention]:
    """Each mention with its ``phrase`` (and phrase span) widened over the qualifiers next to it, and a following
    region or country ("Aktau, Kazakhstan"; "Koryakovo in der Region Kaluga") added as the phrase's hint."""
    bounds = _sentence_of(mentions, sentences)
    for i, m in enumerate(mentions):
        lo, hi = bounds[i]
        left = FoldedWords(text, max(lo, m.start - WINDOW), m.start)
        right = FoldedWords(text, m.end, min(hi, m.end + WINDOW))
        start, end = m.start, m.end
        route = _route(text, mentions, i, lo, hi)
        if route is not None:
            start, end = route
            m.route = True
        else:
            for pattern in (_NEAR_BEFORE, _ADMIN_BEFORE, _PLACE_BEFORE):
                found = pattern.search(left.folded)
                if found:
                    start = left.start_of(found.start(1))
                    break
            kind = _KIND_AFTER.match(right.folded)
            if kind:
                end = right.end_of(kind.end(1))
        m.phrase_start, m.phrase_end = start, end
        m.phrase = " ".join(text[start:end].split())
    _share_list_qualifiers(text, mentions)
    for i, m in enumerate(mentions):
        hint = None if m.route else _hint(text, mentions, i, bounds[i][1])
        if hint is not None:
            m.phrase = f"{m.phrase}, {hint.phrase}"
    return mentions


def _share_list_qualifiers(text: str, mentions: list[Mention]) -> None:
    """Names listed together share the list's admin word: "Regionen Odessa und Charkow", "Odesa and Kharkiv regions"."""
    groups: list[list[Mention]] = []
    joined: list[bool] = []  # whether a group has a conjunction ("A, B and C" is a list; "Aktau, Kazakhstan" is not)
    for i, m in enumerate(mentions):
        between = text[mentions[i - 1].phrase_end : m.phrase_start] if i else ""
        if i and LIST_JOINER.fullmatch(between) and not mentions[i - 1].route:
            groups[-1].append(m)
            joined[-1] = joined[-1] or "," not in between.strip() or len(between.strip()) > 1
        else:
            groups.append([m])
            joined.append(False)
    for number, group in enumerate(g for g, j in zip(groups, joined) if len(g) > 1 and j):
        for m in group:
            m.group = number
        prefix = next((text[m.phrase_start : m.start] for m in group if m.phrase_start < m.start
                       and _ADMIN_BEFORE.search(FoldedWords(text, m.phrase_start, m.start).folded)), "")  # fmt: skip
        suffix = next((text[m.end : m.phrase_end] for m in group if m.phrase_end > m.end and _is_admin(text[m.end : m.phrase_end])), "")
        for m in group:
            if prefix and m.phrase_start == m.start:
                m.phrase = " ".join(f"{prefix}{m.phrase}".split())
            if suffix and m.phrase_end == m.end:
                m.phrase = " ".join(f"{m.phrase}{suffix}".split())


def _is_admin(words: str) -> bool:
    folded = FoldedWords(words, 0, len(words)).folded
    return bool(re.fullmatch(rf"(?:{ADMIN_WORDS}|{DISTRICT_WORDS})", folded))


def pattern_mentions(text: str, spans: list[Span], known: list[Mention]) -> list[Mention]:
    """Capitalised names right after a settlement word ("im Dorf Koryakovo", "village of Nova Kakhovka", "селе X")
    or before an admin word ("Koryakovo district") that no recogniser found: places the gazetteer may lack."""
    taken = [(k.start, k.end) for k in known]
    out = []
    for span in spans:
        words = FoldedWords(text, span.start, span.end)
        for i, (start, end) in enumerate(words.spans):
            word = text[start:end]
            if not word[:1].isupper() or any(a < end and start < b for a, b in taken):
                continue
            settlement = _PLACE_BEFORE.search(" ".join(words.words[max(0, i - 3) : i]))
            named = i > 0 and _KIND_AFTER.match(" ".join(words.words[i + 1 : i + 3])) and not _starts(text, start, span.start)
            if settlement or named:
                out.append(Mention(start, end, word, "pattern", label="settlement" if settlement else "named"))
    return out


def _route(text: str, mentions: list[Mention], i: int, lo: int, hi: int) -> tuple[int, int] | None:
    """The span of "X–Y highway" / "Autobahn X-Y" when mention ``i`` is its first name, else None."""
    m = mentions[i]
    if i + 1 >= len(mentions) or not _DASH.match(text[m.end : mentions[i + 1].start]):
        return None
    other = mentions[i + 1]
    after = FoldedWords(text, other.end, min(hi, other.end + WINDOW))
    before = FoldedWords(text, max(lo, m.start - WINDOW), m.start)
    if (word := _ROUTE_AFTER.match(after.folded)) is not None:
        return m.start, after.end_of(word.end(1))
    if (word := _ROUTE_BEFORE.search(before.folded)) is not None:
        return before.start_of(word.start(1)), other.end
    return None


def _hint(text: str, mentions: list[Mention], i: int, hi: int):
    """The next mention when it names the region or country this one lies in: ", Y" or "in (the) Y region"."""
    if i + 1 >= len(mentions):
        return None
    m, nxt = mentions[i], mentions[i + 1]
    if nxt.start >= hi or m.phrase_end > nxt.phrase_start:
        return None
    between = text[m.phrase_end : nxt.phrase_start]
    if not re.fullmatch(r"\s*(?:,|,?\s*(?:in|im|in der|in the|in dem|в|во)\s)\s*(?:the\s+|der\s+|dem\s+)?", between, re.IGNORECASE):
        return None
    folded = fold(nxt.phrase)
    regional = nxt.label in ("country", "admin1") or re.search(rf"\b(?:{ADMIN_WORDS})\b", folded) or nxt.phrase != nxt.text
    return nxt if regional and not nxt.is_demonym and m.label not in ("country", "admin1") and not m.is_demonym else None


def _sentence_of(mentions: list[Mention], sentences: list[Span]) -> list[tuple[int, int]]:
    out = []
    for m in mentions:
        found = next((s for s in sentences if s.start <= m.start < s.end), None)
        out.append((found.start, found.end) if found else (m.start, m.end))
    return out


def _starts(text: str, start: int, span_start: int) -> bool:
    before = text[span_start:start].rstrip(" \"'“„«([")
    return not before or before[-1] in ".!?:…\n"
