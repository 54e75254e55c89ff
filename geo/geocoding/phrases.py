"""Read a place phrase as news writes it ("near Aktau", "Oral–Aksay highway", "Region Odessa")
into interpretations the geocoder can resolve: which names, what kind of footprint, which hints.

Works on folded text (see :mod:`geo.gazetteer.names`), so the keyword lists cover English, German,
and Russian/Kazakh/Ukrainian in transliteration at once. Dashes between words survive as the
token ``~`` so that route endpoints can be split. The parser only proposes; the geocoder
tries the interpretations in order and keeps the first that resolves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import Enum

from anyascii import anyascii

from geo.gazetteer.names import fold
from geo.geocoding.designators import (
    ANY_WORDS,
    DISTRICT_WORDS,
    FACILITY,
    FACILITY_WORDS,
    NATURAL_AREA,
    REGION_WORDS,
    SETTLEMENT,
    SETTLEMENT_WORDS,
    alternation,
    is_facility,
)

DASH = "~"
_DASH_RE = re.compile(r"\s*[\u2010-\u2015\u2212\-/]\s*")
_PAREN_RE = re.compile(r"\(([^)]*)\)")


class Kind(str, Enum):
    """What kind of footprint an interpretation asks for."""

    PLACE = "place"  # a named place: point (or whatever the name resolves to)
    SETTLEMENT = "settlement"  # a populated place said to be one ("X village", "село X"): never an admin unit
    ADMIN = "admin"  # a first-order region: polygon
    DISTRICT = "district"  # a district named after (or around) a place
    NEAR = "near"  # "near X": X, within ~25 km
    ROUTE = "route"  # a road or line between two places
    AREA = "area"  # a natural area named after a place ("X steppe")
    WATER = "water"  # a sea, lake, river or airspace


@dataclass(frozen=True)
class Interpretation:
    """One reading of a place phrase: names to resolve, the footprint kind, and context hints."""

    kind: Kind
    names: tuple[str, ...]
    hints: tuple[str, ...] = ()
    qualifier: str = ""
    notes: tuple[str, ...] = field(default=())
    offset_km: float | None = None  # "30 km north of X": the stated location is this far from X ...
    bearing: float | None = None  # ... in this direction (degrees clockwise from north)
    exact_only: bool = False  # answered only by a name as spelled (the whole phrase with its feature word)


_words = alternation
ADMIN_WORDS = REGION_WORDS
NEAR_SUFFIX = _words("area", "outskirts", "vicinity", "environs", "surroundings", "umgebung", "umland", "region area")
NEAR_PREFIX = _words(
    "near", "nearby", "close to", "outskirts of", "the outskirts of", "on the outskirts of", "vicinity of",
    "in the vicinity of", "around", "not far from", "in the area of", "the area of", "bei", "nahe", "nahe bei",
    "in der nahe von", "in der naehe von", "nahe von", "naehe von", "der nahe von", "unweit", "unweit von", "am stadtrand von", "umgebung von", "okolo",
    "vozle", "vblizi", "nedaleko ot", "riadom s", "poblizu", "pod", "bilia", "poblyzu",
)  # fmt: skip
DIRECTION = r"(?:\d+(?:\s*[.,]\s*\d+)?\s*(?:km|kilometers|kilometres|kilometer|miles)\s+)?(?:north|south|east|west|northeast|northwest|southeast|southwest|nordlich|sudlich|ostlich|westlich)(?:ern|ward|wards)?\s+(?:of|von)"
PLACE_PREFIX = _words("village of", "town of", "city of", "settlement of", "hamlet of", "the village of", "the town of", "the city of",
                      "im dorf", "in dem dorf", "in der stadt", "in der ortschaft", "v sele", "v poselke", "v derevne", "v gorode",
                      *SETTLEMENT)  # fmt: skip
PLACE_SUFFIX = SETTLEMENT_WORDS
ROUTE_WORDS = _words(
    "highway", "road", "motorway", "route", "railway", "rail line", "railroad", "autobahn", "fernstrasse", "strasse",
    "landstrasse", "trasse", "trassa", "avtodoroga", "doroga", "pipeline", "corridor", "expressway", "freeway",
)  # fmt: skip
AREA_WORDS = _words(*FACILITY, *NATURAL_AREA)
WATER_WORDS = _words("sea", "lake", "river", "gulf", "bay", "strait", "airspace", "waters", "reservoir", "ozero", "more", "reka", "see", "meer", "fluss")
LEADING = _words("in", "at", "on", "im", "in der", "in den", "the", "der", "die", "das", "v", "vo", "na")
AND = _words("and", "und", "i", "et", "y", "&", "or")

# The patterns below, compiled once: built and looked up in re's cache on every call, they took a third of parse().
_C = re.compile
_SPLIT_RE, _AND_RE, _SPLIT_AND_RE = _C(r"(?<!\d),|;|,(?!\d)"), _C(rf"\s(?:{AND})\s"), _C(rf"\s+(?:{AND})\s+")
_BARE_WORD_RE, _LEADING_RE = _C(rf"(?:the\s+)?(?:{ANY_WORDS})(?:\s+of)?"), _C(rf"^(?:{LEADING})\s+")
_NEAR_HEAD_RE, _NEAR_TAIL_RE = _C(rf"(?:{NEAR_PREFIX}|{DIRECTION})\s+(.+)"), _C(rf"(.+?)\s+(?:{NEAR_SUFFIX})")
_BETWEEN_RE = _C(rf"(?:the\s+)?(?:(?:{ROUTE_WORDS})\s+)?(?:between|zwischen|mezhdu)\s+(.+?)\s+(?:{AND})\s+(.+)")
_FROM_TO_RE = _C(rf"(?:the\s+)?(?:(?:{ROUTE_WORDS})\s+)?(?:from|von|ot)\s+(.+?)\s+(?:to|nach|bis|do)\s+(.+?)(?:\s+(?:{ROUTE_WORDS}))?")
_ROUTE_TAIL_RE, _ROUTE_HEAD_RE = _C(rf"(?:the\s+)?(.+?)\s+({ROUTE_WORDS})"), _C(rf"(?:the\s+)?({ROUTE_WORDS})\s+(.+)")
_ADMIN_TAIL_RE, _ADMIN_HEAD_RE = _C(rf"(.+?)\s+(?:{ADMIN_WORDS})"), _C(rf"(?:the\s+)?(?:{ADMIN_WORDS})\s+(?:of\s+)?(.+)")
_DISTRICT_TAIL_RE, _DISTRICT_HEAD_RE = _C(rf"(.+?)\s+(?:{DISTRICT_WORDS})"), _C(rf"(?:{DISTRICT_WORDS})\s+(?:of\s+)?(.+)")
_WATER_TAIL_RE, _WATER_HEAD_RE = _C(rf"(.+?)\s+({WATER_WORDS})"), _C(rf"({WATER_WORDS})\s+(?:of\s+)?(.+)")
_AREA_TAIL_RE = _C(rf"(.+?)\s+({AREA_WORDS})")
_FACILITY_HEAD_RE = _C(rf"(?:the\s+)?({FACILITY_WORDS})\s+(?:of\s+|at\s+|in\s+|near\s+|bei\s+|v\s+)?(.+)")
_PLACE_HEAD_RE, _PLACE_TAIL_RE = _C(rf"(?:{PLACE_PREFIX})\s+(.+)"), _C(rf"(.+?)\s+(?:{PLACE_SUFFIX})")
_TO_RE = _C(r"(.+?)\s+(?:to|bis|do)\s+(.+)")


def normalise(text: str) -> str:
    """Fold ``text`` but keep dashes and slashes between words as the token ``~``."""
    parts = _DASH_RE.split(text.replace("&", " and "))
    return f" {DASH} ".join(p for p in (fold(x) for x in parts) if p)


_BEARINGS = {"north": 0, "northeast": 45, "east": 90, "southeast": 135, "south": 180, "southwest": 225, "west": 270, "northwest": 315,
             "nordlich": 0, "nordostlich": 45, "ostlich": 90, "sudostlich": 135, "sudlich": 180, "sudwestlich": 225, "westlich": 270,
             "nordwestlich": 315}  # fmt: skip
_UNITS_KM = {"km": 1.0, "kilometer": 1.0, "kilometers": 1.0, "kilometre": 1.0, "kilometres": 1.0, "mile": 1.609344, "miles": 1.609344, "mi": 1.609344}
_OFFSET_RE = re.compile(
    r"^\s*(?:(\d+(?:[.,]\d+)?)\s*(" + "|".join(sorted(_UNITS_KM, key=len, reverse=True)) + r")\.?\s+)?"
    r"(" + "|".join(sorted(_BEARINGS, key=len, reverse=True)) + r")(?:ern|ward|wards)?\s+(?:of|von)\s+(.+)$"
)


def _offset(text: str) -> tuple[str, float | None, float] | None:
    """Split "30 km north of X" / "2,5 km östlich von X" into (X, 30.0, 0.0); None if not that form."""
    m = _OFFSET_RE.match(anyascii(text).lower().replace("-", ""))
    if not m:
        return None
    number, unit, direction, rest = m.groups()
    km = float(number.replace(",", ".")) * _UNITS_KM[unit] if number else None
    return rest, km, float(_BEARINGS[direction])


def parse(text: str) -> list[Interpretation]:
    """All plausible readings of ``text``, most specific first; empty for an empty phrase."""
    if not isinstance(text, str) or not text.strip():
        return []
    offset = _offset(text)
    if offset is not None:
        rest, km, bearing = offset
        return [replace(r, kind=Kind.NEAR, qualifier="offset", offset_km=km, bearing=bearing) if r.kind in (Kind.PLACE, Kind.NEAR) else r
                for r in parse(rest)]  # fmt: skip
    hints: list[str] = [h for h in (_PAREN_RE.findall(text)) if h.strip()]
    text = _PAREN_RE.sub(" ", text)
    parts = [p for p in _SPLIT_RE.split(text) if p.strip()] or [""]
    if len(parts) > 1 and _AND_RE.search(" " + fold(parts[-1]) + " "):
        parts = [" and ".join(parts)]  # "Odesa, Kharkiv and Kherson regions" is one list, not place + hints
    head, *rest = parts
    hints += rest
    phrase = _strip_leading(normalise(head))
    if _BARE_WORD_RE.fullmatch(phrase):
        phrase = ""  # "the city", "the village of": a feature word with no name names no place
    folded_hints = tuple(h for h in (_strip_leading(normalise(x)).replace(DASH, " ").strip() for x in hints) if h)
    readings = _readings(phrase)
    # "Koryakovo, Kaluga region": the tail is context, not an alternative, unless the head is empty.
    if not phrase and folded_hints:
        readings = _readings(folded_hints[0])
        folded_hints = folded_hints[1:]
    seen, out = set(), []
    for reading in readings:
        names = tuple(n for n in reading.names if n)
        key = (reading.kind, names)
        if names and key not in seen:
            seen.add(key)
            if names == reading.names and folded_hints == reading.hints:
                out.append(reading)  # as it is (frozen): a copy cost 1.5 us
            else:  # built as dataclasses.replace would, at a third of its cost
                out.append(Interpretation(reading.kind, names, folded_hints, reading.qualifier, reading.notes, reading.offset_km,
                                          reading.bearing, reading.exact_only))  # fmt: skip
    return out


def _strip_leading(phrase: str) -> str:
    """Drop prepositions and articles at the start ("in the", "im")."""
    previous = None
    while previous != phrase:
        previous = phrase
        phrase = _LEADING_RE.sub("", phrase).strip()
    return phrase


def _plain(name: str) -> str:
    """A name with dash tokens turned back into spaces (how names are indexed)."""
    return " ".join(name.replace(DASH, " ").split())


def _readings(phrase: str) -> list[Interpretation]:
    """Interpretations of one folded phrase without its comma hints."""
    if _KEYWORDS.isdisjoint(phrase.split()):  # no pattern of _all_readings can match: the phrase is a place's name
        return [Interpretation(Kind.PLACE, (_plain(phrase),))]
    return _all_readings(phrase)


#: Every word the patterns of :func:`_all_readings` spell out (and a few letters of their syntax, which only costs a
#: needless try). Each pattern needs one of its words as a whole word of the phrase (bounded by spaces or its ends):
#: a phrase with none of them reads as a place's name, and trying the ~20 patterns took about 20 us.
_KEYWORDS = frozenset(word for regex in (_NEAR_HEAD_RE, _NEAR_TAIL_RE, _BETWEEN_RE, _FROM_TO_RE, _ROUTE_TAIL_RE, _ROUTE_HEAD_RE,
                                         _ADMIN_TAIL_RE, _ADMIN_HEAD_RE, _DISTRICT_TAIL_RE, _DISTRICT_HEAD_RE, _WATER_TAIL_RE,
                                         _WATER_HEAD_RE, _AREA_TAIL_RE, _FACILITY_HEAD_RE, _PLACE_HEAD_RE, _PLACE_TAIL_RE, _TO_RE,
                                         _SPLIT_AND_RE) for word in re.findall(r"[a-z0-9]+", regex.pattern))  # fmt: skip


def _all_readings(phrase: str) -> list[Interpretation]:
    """:func:`_readings`, every pattern tried (about 20 us a phrase)."""
    out: list[Interpretation] = []
    if m := _NEAR_HEAD_RE.fullmatch(phrase):
        inner = _strip_leading(m.group(1))
        core = _core(inner)
        out += [replace(r, kind=Kind.NEAR, qualifier="near") for r in core if r.kind in (Kind.PLACE, Kind.SETTLEMENT)]
        out += [r for r in core if r.kind not in (Kind.PLACE, Kind.SETTLEMENT)]
        return out or [Interpretation(Kind.NEAR, (_plain(inner),), qualifier="near")]
    if m := _NEAR_TAIL_RE.fullmatch(phrase):
        out.append(Interpretation(Kind.NEAR, (_plain(m.group(1)),), qualifier="near"))
    out += _core(phrase)
    return out


def _core(phrase: str) -> list[Interpretation]:
    """Readings of a phrase with no "near" qualifier."""
    out: list[Interpretation] = []
    plain = _plain(phrase)
    # Routes: "oral ~ aksay highway", "highway oral ~ aksay", "between x and y", "from x to y".
    if m := _BETWEEN_RE.fullmatch(phrase):
        out.append(Interpretation(Kind.ROUTE, (_plain(m.group(1)), _plain(m.group(2))), qualifier="between"))
    if m := _FROM_TO_RE.fullmatch(phrase):
        out.append(Interpretation(Kind.ROUTE, (_plain(m.group(1)), _plain(m.group(2))), qualifier="route"))
    if m := _ROUTE_TAIL_RE.fullmatch(phrase):
        out += _route_splits(m.group(1), m.group(2))
    elif m := _ROUTE_HEAD_RE.fullmatch(phrase):
        out += _route_splits(m.group(2), m.group(1))
    # Lists: "odesa and kharkiv regions", "regionen odessa und charkow".
    admin_tail = _ADMIN_TAIL_RE.fullmatch(phrase)
    admin_head = _ADMIN_HEAD_RE.fullmatch(phrase)
    admin_body = (admin_tail or admin_head).group(1) if (admin_tail or admin_head) else None
    if admin_body is not None:
        items = _split_list(admin_body)
        if len(items) > 1:
            out.append(Interpretation(Kind.ADMIN, tuple(items), qualifier="regions"))
        out.append(Interpretation(Kind.ADMIN, (_plain(admin_body),), qualifier="region"))
    if m := _DISTRICT_TAIL_RE.fullmatch(phrase) or _DISTRICT_HEAD_RE.fullmatch(phrase):
        out.append(Interpretation(Kind.DISTRICT, (_plain(m.group(1)),), qualifier="district"))
    if m := _WATER_TAIL_RE.fullmatch(phrase) or _WATER_HEAD_RE.fullmatch(phrase):
        out.append(Interpretation(Kind.WATER, (plain,), qualifier="water"))
    designated = False  # a feature word was read off the name: the whole phrase is then only taken as spelled
    if m := _AREA_TAIL_RE.fullmatch(phrase) or _FACILITY_HEAD_RE.fullmatch(phrase):
        word, name = (m.group(2), m.group(1)) if m.re.pattern.startswith("(.+?)") else (m.group(1), m.group(2))
        facility = is_facility(word)
        out.append(Interpretation(Kind.PLACE if facility else Kind.AREA, (plain,), qualifier=word, exact_only=True))  # an extra gazetteer may have it
        out.append(Interpretation(Kind.NEAR if facility else Kind.AREA, (_plain(name),), qualifier=word))
        designated = True
    if m := _PLACE_HEAD_RE.fullmatch(phrase) or _PLACE_TAIL_RE.fullmatch(phrase):
        out.append(Interpretation(Kind.PLACE, (plain,), exact_only=True))  # "Mexico City" is a name; "Aktau city" is Aktau
        out.append(Interpretation(Kind.SETTLEMENT, (_plain(m.group(1)),), qualifier="settlement"))
        designated = True
    if not designated or admin_body is not None:
        out.append(Interpretation(Kind.PLACE, (plain,)))
    items = _split_list(phrase)
    if len(items) > 1:
        out.append(Interpretation(Kind.PLACE, tuple(items), qualifier="list"))
    return out


def _route_splits(body: str, word: str) -> list[Interpretation]:
    """Ways to split a route body into two endpoints, at each dash (or "to"); whole-name last."""
    tokens = body.split(f" {DASH} ")
    out = [
        Interpretation(Kind.ROUTE, (_plain(f" {DASH} ".join(tokens[:i])), _plain(f" {DASH} ".join(tokens[i:]))), qualifier=word)
        for i in range(1, len(tokens))
    ]
    if m := _TO_RE.fullmatch(body):
        out.append(Interpretation(Kind.ROUTE, (_plain(m.group(1)), _plain(m.group(2))), qualifier=word))
    # A road named after one place ("the Aktau road") is an area along it: near that place.
    if not out:
        out.append(Interpretation(Kind.NEAR, (_plain(body),), qualifier=word))
    return out


def _split_list(phrase: str) -> list[str]:
    """Split "a, b and c" into names; a single name gives a one-item list."""
    items = _SPLIT_AND_RE.split(phrase)
    return [_plain(i) for i in items if _plain(i)]
