"""Event types: a documented taxonomy mapped onto ACLED event types and sub-event types, and the words that
trigger each in English, German and Russian.

Triggers are matched on folded text (:func:`geo.gazetteer.names.fold`: Cyrillic transliterated, accents
dropped), as word prefixes ("drone" matches "drones", "bespilotnik" matches "беспилотников"); a trigger
written ``*x`` matches inside a word too, for German compounds ("Flugabwehrraketen", "Kampfdrohne"), and one
written ``x$`` only the whole word ("battle", not "battlefield").
A type with ``cues`` needs one cue in the same sentence as well ("drone" + "airspace" is an overflight,
"drone" + "strike" an attack). Types are tried in order; the first that matches a sentence wins, and a
sentence that matches none describes no incident. The README lists the taxonomy with its ACLED mapping
(a test keeps the two the same).
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.extract.text import FoldedWords


@dataclass(frozen=True)
class EventType:
    """One kind of incident, its ACLED equivalent and its trigger words."""

    id: str
    label: str
    acled_event_type: str
    acled_sub_event_type: str
    triggers: tuple[str, ...]
    cues: tuple[str, ...] = ()


REMOTE = "Explosions/Remote violence"
STRATEGIC = "Strategic developments"

#: The taxonomy, most specific first.
TAXONOMY: tuple[EventType, ...] = (
    EventType("missile_test", "missile test", STRATEGIC, "Other",
              ("missile", "rocket", "*rakete", "raketn", "ballistic", "ballistisch", "ballistichesk"),
              ("test", "getestet", "*testgelande", "launch site", "proving ground", "polygon", "poligon", "ispytan", "cosmodrome", "kosmodrom")),
    EventType("drone_strike", "drone strike", REMOTE, "Air/drone strike",
              ("drone", "uav", "unmanned aerial", "*drohne", "dron", "bespilotnik", "bpla"),
              ("strike", "struck", "attack", "hit ", "hit", "explod", "*angriff", "angegriffen", "getroffen", "einschlag", "udar", "atak",
               "porazh", "vzryv")),
    EventType("drone_overflight", "drone overflight", STRATEGIC, "Other",
              ("drone", "uav", "unmanned aerial", "*drohne", "dron", "bespilotnik", "bpla"),
              ("over", "overflew", "crossed", "flying", "flew", "airspace", "spotted", "sighted", "entered", "uberflog", "uberquer",
               "*luftraum", "flog", "gesichtet", "prolet", "nad ", "vozdushn", "zamechen")),
    EventType("missile_impact", "missile impact (fall, debris)", REMOTE, "Shelling/artillery/missile attack",
              ("missile", "rocket", "*rakete", "raket", "debris", "wreckage of the missile", "oblomk", "trummer"),
              ("fell", "fallen", "fall ", "landed", "crashed", "impact", "debris", "fallen", "fiel", "fallen in", "abgesturzt", "upal",
               "upala", "padeni", "oblomk")),
    EventType("missile_strike", "missile strike", REMOTE, "Shelling/artillery/missile attack",
              ("missile", "rocket", "*rakete", "raket", "shelling", "shelled", "artillery", "*beschuss", "obstrel", "artilleri"),
              ("strike", "struck", "attack", "hit", "launched", "fired", "shell", "artillery", "*angriff", "einschlag", "beschoss", "udar",
               "atak", "obstrel", "nanes", "vypust", "zapusk")),
    EventType("air_strike", "air strike", REMOTE, "Air/drone strike",
              ("airstrike", "air strike", "air raid", "bombing", "bombed", "*luftangriff", "bombardier", "aviaudar", "bombardirov")),
    EventType("air_crash", "aircraft incident", STRATEGIC, "Other",
              ("crash", "plane", "aircraft", "airliner", "helicopter", "jet ", "emergency landing", "*absturz", "abgesturzt", "*flugzeug",
               "hubschrauber", "krushen", "katastrof", "samolet", "vertolet", "avarijn"),
              ("crash", "crashed", "emergency landing", "wreckage", "shot down", "went down", "*absturz", "abgesturzt", "notlandung",
               "wrack", "abgeschossen", "krushen", "katastrof", "razbil", "avarijn", "sbit", "oblomk")),
    EventType("armed_clash", "armed clash", "Battles", "Armed clash",
              ("shootout", "shoot-out", "gunfight", "firefight", "clash", "exchange of fire", "fighting$", "battle$", "gun battle",
               "*schiesserei", "*gefecht", "kampfe$", "kampfen$", "schusswechsel", "perestrelk", "boi ", "boestolknoven", "stolknoven", "srazhen")),
    EventType("explosion", "explosion", REMOTE, "Remote explosive/landmine/IED",
              ("explosion", "blast", "exploded", "ied", "landmine", "car bomb", "*explosion", "*sprengsatz", "detoniert", "vzryv",
               "vzorval", "samodeln")),
    EventType("military_transport", "military transport", STRATEGIC, "Other",
              ("truck", "convoy", "train", "shipment", "transport", "deliver", "*lastwagen", "*lkw", "konvoi", "*transport", "geliefert",
               "lieferung", "kolonn", "gruzovik", "eshelon", "perebros", "dostavk", "postavk"),
              ("military", "equipment", "weapon", "armour", "armor", "tank", "*militar", "*ausrustung", "waffen", "panzer", "voenn",
               "tekhnik", "oruzhi", "boepripas")),
    EventType("security_measure", "security measure", STRATEGIC, "Other",
              ("security measures", "step up security", "stepped up security", "heightened security", "tighten", "state of emergency",
               "high alert", "on alert", "counter-terrorism", "urgent measures", "*sicherheitsmassnahm", "alarmbereitschaft", "notstand",
               "mery bezopasnost", "rezhim kto", "chrezvychain", "usilen", "povyshenn")),
    EventType("arrest", "arrest or detention", STRATEGIC, "Arrests",
              ("arrested", "detained", "detention", "apprehended", "festgenommen", "verhaftet", "*festnahme", "zaderzhan", "arestovan")),
    EventType("protest", "protest", "Protests", "Peaceful protest",
              ("protest", "demonstration", "rally", "rallies", "march ", "*kundgebung", "*demonstration", "miting", "aktsi protesta",
               "piket")),
    EventType("travel_advisory", "travel advisory", STRATEGIC, "Other",
              ("citizens", "nationals", "*burger", "staatsangehorig", "grazhdan"),
              ("leave", "avoid", "advis", "warn", "evacuat", "verlassen", "*reisewarnung", "evakuier", "pokinut", "rekomend", "evakuats",
               "vozderzhat")),
    EventType("diplomatic_statement", "diplomatic statement", STRATEGIC, "Other",
              ("foreign ministry", "spokesperson", "spokeswoman", "spokesman", "embassy", "ambassador", "condemned", "protest note",
               "*aussenministerium", "*botschaft", "sprecherin", "mid ", "ministerstvo inostrann", "posolstv", "ofitsialn predstavitel")),
)

#: ``EventType.id`` -> EventType.
BY_ID = {t.id: t for t in TAXONOMY}



@dataclass(frozen=True)
class EventMatch:
    """An event type a sentence describes: the words that triggered it (as written) and where they stand."""

    type: EventType
    triggers: tuple[str, ...]
    positions: tuple[int, ...]  # character offsets of the cue words (of the triggers when the type has no cues)


class _TriggerIndex:
    """Every type's triggers and cues, matched against a sentence's folded words in one pass of dictionary
    lookups: word prefixes, whole words (``x$``), parts of words (``*x``) and sequences ("emergency landing")."""

    def __init__(self, taxonomy: tuple[EventType, ...]) -> None:
        self.prefixes: dict[int, dict[str, set[tuple[str, str]]]] = {}
        self.whole: dict[str, set[tuple[str, str]]] = {}
        self.inner: list[tuple[str, tuple[str, str]]] = []
        self.sequences: dict[str, list[tuple[tuple[str, ...], tuple[str, str]]]] = {}
        for event in taxonomy:
            for role, words in (("trigger", event.triggers), ("cue", event.cues)):
                for word in words:
                    tag = (event.id, role)
                    body = word.lstrip("*").rstrip("$").strip()
                    if " " in body:
                        seq = tuple(body.split())
                        self.sequences.setdefault(seq[0], []).append((seq, tag))
                    elif word.startswith("*"):
                        self.inner.append((body, tag))
                    elif word.endswith("$"):
                        for form in (body, body + "s"):
                            self.whole.setdefault(form, set()).add(tag)
                    else:
                        self.prefixes.setdefault(len(body), {}).setdefault(body, set()).add(tag)
        self.lengths = sorted(self.prefixes)

    def find(self, words: list[str]) -> dict[tuple[str, str], list[tuple[int, int]]]:
        """(type, role) -> (first, last + 1) word indices of its matches."""
        found: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for i, word in enumerate(words):
            tags = set(self.whole.get(word, ()))
            for n in self.lengths:
                if n > len(word):
                    break
                tags |= self.prefixes[n].get(word[:n], set())
            tags |= {tag for part, tag in self.inner if part in word}
            for tag in tags:
                found.setdefault(tag, []).append((i, i + 1))
            for first in {word[:n] for n in range(1, len(word) + 1)} & self.sequences.keys():
                for seq, tag in self.sequences[first]:
                    n = len(seq)
                    if i + n <= len(words) and all(words[i + k].startswith(seq[k]) for k in range(n)):
                        found.setdefault(tag, []).append((i, i + n))
        return found


_INDEX = _TriggerIndex(TAXONOMY)


def find_events(text: str, start: int, end: int) -> list[EventMatch]:
    """Every event type ``text[start:end]`` (a sentence) describes, in TAXONOMY order: its trigger and, when it
    has cues, a cue occur in the sentence."""
    folded = FoldedWords(text, start, end)
    found = _INDEX.find(folded.words)
    out = []
    for event in TAXONOMY:
        triggers = found.get((event.id, "trigger"), [])
        cues = found.get((event.id, "cue"), [])
        if not triggers or (event.cues and not cues):
            continue
        matches = sorted(triggers + cues)
        surface = tuple(dict.fromkeys(text[folded.spans[a][0] : folded.spans[b - 1][1]] for a, b in matches))
        positions = tuple(folded.spans[a][0] for a, _ in sorted(cues or triggers))
        out.append(EventMatch(event, surface, positions))
    return out


def classify(sentence: str) -> EventMatch | None:
    """The first event type a sentence describes, or None."""
    found = find_events(sentence, 0, len(sentence))
    return found[0] if found else None
