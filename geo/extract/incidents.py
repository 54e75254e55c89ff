"""From an article's sentences, toponyms and dates to incidents: what happened, where, when, and the quote.

1. Each sentence is matched against the event taxonomy (:mod:`geo.extract.events`); one sentence may
   describe several events ("drones crossed into Kazakhstan before strikes on Russia").
2. Each event takes the place named nearest its cue word, among the sentence's toponyms that can be an
   incident's place: not the speaker ("Moscow says"), not a demonym unless it qualifies a place noun
   ("Kazakh airspace"); a more specific place next to it and inside it wins ("Kazakhstan's West
   Kazakhstan Region"); places listed with it ("Odessa and Kharkiv regions") are incidents too.
3. A coarse place (a country) is narrowed by the following sentences when they name a place inside it
   and report no event of their own (the lead says "in Kazakhstan", the next sentence the highway).
4. The date is the one written nearest the cue in the sentence, else in the sentences around it; a month
   or a year is narrowed to a day written elsewhere in the article within it.
5. Mentions of the same event (same type, same or nested place) are merged: the most specific place,
   the most precise date, every quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from geo.extract.dates import DAY, WEEK, FoundDate, find_dates
from geo.extract.events import EventMatch, EventType, find_events
from geo.extract.mentions import Mention
from geo.extract.ner import IN_ORGANISATION
from geo.extract.resolve import Placed
from geo.extract.text import FoldedWords, Span
from geo.geocoding import Resolution
from geo.geocoding.footprint import uncertainty_km
from geo.io.precision import WherePrec

#: Words (folded) after which a toponym acts rather than is a place: "Moscow says", "Kyiv denied", "the Kyiv regime".
ACTOR = re.compile(
    r"^(?:say|said|says|claim|deni|deny|accus|warn|stat|announc|insist|report|respond|react|blam|call|urg|demand|"
    r"regime|government|authorit|official|forces|troops|army|military|ministry|leader|administration|president|"
    r"sagt|erklart|behaupt|bestreit|warnt|fordert|regierung|behorde|streitkraft|armee|"
    r"zaiav|soobshch|otrica|obvinia|trebu|rezhim|pravitelstv|vlast|vojsk|armi)"
)
#: Words (folded) before a toponym that make it a destination, not where something happened: "on the way to Russia".
DESTINATION = re.compile(r"(?:\btowards?|\bbound for|\bheading for|\ben route to|\bnach|\bin richtung|\bk|\bv storonu)$")
#: Nouns (folded prefixes) that make a demonym a place: "Kazakh airspace", "kasachische Steppe", "российской территории".
PLACE_NOUNS = re.compile(
    r"^(?:airspace|territor|steppe|soil|border|region|side|city|town|village|coast|waters|desert|mountain|"
    r"luftraum|territori|steppe|grenz|gebiet|region|seite|stadt|dorf|kuste|vozdushn|territori|granits|oblast|step|gorod|sel)"
)
#: A toponym this many characters or more from every cue word is too far to be the event's place.
MAX_DISTANCE = 250
#: Event types that describe what was said or done about events rather than events: reported only where no
#: other incident of the article is (a statement about the crash near Aktau is not a second incident there).
SECONDARY = frozenset({"diplomatic_statement"})
#: Words (folded) before a cue that make it a reference to an event already reported.
ANAPHORA = re.compile(r"(?:\bthe|\bthis|\bthat|\bder|\bdie|\bdas|\bdem|\bden|\bdieser|\bdiese|\betot|\beta|\beto)(?:\s+\w+)?$")
#: Extra distance (characters) of a destination from the cue word, and of each comma (clause boundary) between them.
DESTINATION_PENALTY, COMMA_PENALTY = 80, 60
#: Events in the first sentences (headline, lead) with no date of their own are dated by the article (to the week).
LEAD_SENTENCES = 3
#: How many following sentences may narrow a coarse place.
NARROWING_SENTENCES = 4
#: Confidence of the event type: a trigger with its cue, or a trigger alone (types without cues).
TYPE_CONFIDENCE = {True: 0.9, False: 0.75}


@dataclass
class Incident:
    """One event found in an article."""

    type: EventType
    triggers: list[str]
    mention: Mention
    placed: Placed
    sentence: Span
    date: FoundDate | None = None
    date_in_sentence: bool = False  # the date was written in the event's own sentence
    quotes: list[Span] = field(default_factory=list)
    type_confidence: float = 0.9
    anaphoric: bool = False  # "the crash": speaks of an event reported before

    @property
    def resolution(self) -> Resolution:
        return self.placed.place

    @property
    def extraction_confidence(self) -> float:
        """How sure the extraction is: the event type's, the place's and the date's (undated: lower), multiplied."""
        return round(self.type_confidence * max(self.resolution.confidence, 0.05) * (1.0 if self.date else 0.8), 3)


def find_incidents(text: str, sentences: list[Span], mentions: list[Mention], placed: list[Placed], lang: str,
                   published, dateline_at: int | None = None) -> list[Incident]:  # fmt: skip
    """The incidents an article reports, merged (see the module docstring). The dateline (at ``dateline_at``)
    dates the article, not an event."""
    located = [(m, p) for m, p in zip(mentions, placed) if p.place.status != "unresolved" or m.source == "pattern"]
    per_sentence = [find_events(text, s.start, s.end) for s in sentences]
    dates = [[d for d in find_dates(text[s.start : s.end], lang, published) if s.start + d.offset != dateline_at] for s in sentences]
    found: list[Incident] = []
    for k, (sentence, events) in enumerate(zip(sentences, per_sentence)):
        candidates = [(m, p) for m, p in located if sentence.start <= m.start < sentence.end and _can_be_place(text, m)
                      and not _part_of_another(m, mentions)]  # fmt: skip
        if any(e.type.id not in SECONDARY for e in events):
            events = [e for e in events if e.type.id not in SECONDARY]
        for event, choice in _assign(text, events, candidates):
            for mention, place in _listed_with(text, candidates, choice):
                incident = Incident(event.type, list(event.triggers), mention, place, sentence, quotes=[sentence],
                                    type_confidence=TYPE_CONFIDENCE[bool(event.type.cues)], anaphoric=_refers_back(text, event))  # fmt: skip
                narrowed_at = _narrow(incident, text, sentences, k, per_sentence, located, mentions)
                incident.date, incident.date_in_sentence = _date_for(event, dates, sentences, k, narrowed_at)
                if incident.date is None and k < LEAD_SENTENCES and published is not None:
                    incident.date = FoundDate(published, published, WEEK, "(the article's date)", -1)  # the news of the day
                found.append(incident)
    _refine_dates(found, dates, sentences)
    merged = _merge(found)
    return [i for i in merged if i.type.id not in SECONDARY or not any(
        o.type.id not in SECONDARY and _same_place(o.resolution, i.resolution) for o in merged)]  # fmt: skip


def _refers_back(text: str, event: EventMatch) -> bool:
    """True when every cue is a definite noun phrase ("the crash", "der Absturz"): the sentence speaks of an event
    already reported, not of a new one."""
    return all(ANAPHORA.search(FoldedWords(text, max(0, p - 25), p).folded) for p in event.positions)


def _can_be_place(text: str, mention: Mention) -> bool:
    """Not an actor ("Moscow says", "the Kyiv regime"), not inside an organisation's name, and not a demonym
    unless a place noun follows it ("Kazakh airspace")."""
    after = _folded_after(text, mention)
    if mention.is_demonym:
        return bool(PLACE_NOUNS.match(after))
    return IN_ORGANISATION not in mention.notes and not ACTOR.match(after)


def _folded_after(text: str, mention: Mention) -> str:
    """The folded words just after a mention (cached on it: every event of the sentence asks)."""
    if "after" not in mention.context:
        mention.context["after"] = FoldedWords(text, mention.end, min(len(text), mention.end + 40)).folded
    return mention.context["after"]


def _folded_before(text: str, mention: Mention) -> str:
    """The folded words just before a mention's phrase (cached on it)."""
    if "before" not in mention.context:
        mention.context["before"] = FoldedWords(text, max(0, mention.phrase_start - 30), mention.phrase_start).folded
    return mention.context["before"]


def _part_of_another(mention: Mention, mentions: list[Mention]) -> bool:
    """True for the second name of a route ("Aksay" in "Autobahn Oral-Aksay"): it is part of the other's place."""
    return any(o is not mention and o.route and o.phrase_start <= mention.start and mention.end <= o.phrase_end for o in mentions)


def _assign(text: str, events: list[EventMatch], candidates):
    """Each event of a sentence with the place nearest its cue words, nearest pairs first (two events never share a
    place); a destination ("on the way to Russia") counts as farther. Then the choice is narrowed to a more
    specific place right next to it and inside it, or to the named place it locates ("im Dorf Koryakovo in der Region Kaluga")."""
    pairs = []
    destination = {id(c[0]): bool(DESTINATION.search(_folded_before(text, c[0]))) for c in candidates}
    for i, event in enumerate(events):
        for c in candidates:
            nearest = min(event.positions, key=lambda p: abs(c[0].start - p))
            commas = text.count(",", min(nearest, c[0].start), max(nearest, c[0].start))
            distance = abs(c[0].start - nearest) + COMMA_PENALTY * commas + (DESTINATION_PENALTY if destination[id(c[0])] else 0)
            if distance <= MAX_DISTANCE:
                pairs.append((distance, i, c[0].start, c))
    done, taken, out = set(), set(), []
    for _, i, _, choice in sorted(pairs, key=lambda p: p[:3]):
        if i in done or id(choice[0]) in taken:
            continue
        specific = _specific(choice, candidates)
        choice = choice if id(specific[0]) in taken else specific
        done.add(i)
        taken.add(id(choice[0]))
        out.append((events[i], choice))
    return sorted(out, key=lambda pair: events.index(pair[0]))


def _specific(best, candidates):
    inner = [c for c in candidates if c is not best and abs(c[0].start - best[0].start) < 60 and _inside(c[1].place, best[1].place)]
    if inner:
        return min(inner, key=lambda c: _size(c[1].place))
    hinted = [c for c in candidates if c is not best and c[0].place_query.endswith(f", {best[0].phrase}")]
    return hinted[0] if hinted else best


def _listed_with(text: str, candidates, choice) -> list:
    """The chosen place and the places listed with it ("X and Y", "X, Y und Z")."""
    ordered = sorted(candidates, key=lambda c: c[0].start)
    i = ordered.index(choice)
    group = [choice]
    for step in (-1, 1):
        j = i
        while 0 <= j + step < len(ordered):
            a, b = (ordered[j], ordered[j + step]) if step == 1 else (ordered[j + step], ordered[j])
            between = text[a[0].phrase_end : b[0].phrase_start]
            if not re.fullmatch(r"\s*(?:,|,?\s*(?:and|und|и|or|oder|или|et|y))\s*", between, re.IGNORECASE):
                break
            j += step
            group.append(ordered[j])
    return group


def _narrow(incident: Incident, text: str, sentences: list[Span], k: int, per_sentence, located, mentions) -> int | None:
    """A country-level place narrowed to a place inside it named in the next sentences that report no event;
    the index of the sentence that narrowed it, or None."""
    if incident.resolution.where_prec is None or incident.resolution.where_prec < WherePrec.COUNTRY:
        return None
    for j in range(k + 1, min(len(sentences), k + 1 + NARROWING_SENTENCES)):
        if per_sentence[j]:
            break
        inside = [(m, p) for m, p in located if sentences[j].start <= m.start < sentences[j].end and not m.is_demonym
                  and _can_be_place(text, m) and not _part_of_another(m, mentions) and _inside(p.place, incident.resolution)]  # fmt: skip
        if inside:
            mention, placed = min(inside, key=lambda c: _size(c[1].place))
            incident.mention, incident.placed = mention, placed
            incident.quotes.append(sentences[j])
            return j
    return None


def _date_for(event: EventMatch, dates: list[list[FoundDate]], sentences: list[Span], k: int, narrowed_at: int | None) -> tuple[FoundDate | None, bool]:
    """The date written nearest the event's cue in its sentence; else, when a later sentence narrowed its place,
    a date written from there back to the event's sentence. Also whether it was the event's own sentence."""
    if dates[k]:
        offset = sentences[k].start
        return min(dates[k], key=lambda d: min(abs(offset + d.offset - p) for p in event.positions)), True
    if narrowed_at is not None:
        for j in range(narrowed_at, k, -1):
            if dates[j]:
                return dates[j][0], False
    return None, False


def _refine_dates(incidents: list[Incident], dates: list[list[FoundDate]], sentences: list[Span]) -> None:
    """A month or a year narrowed to the day the article gives within it ("December 2024" -> "December 25, 2024")."""
    days = [d for found in dates for d in found if d.precision == DAY]
    for incident in incidents:
        date = incident.date
        if date is None or date.precision <= DAY:
            continue
        within = [d for d in days if date.start <= d.start <= date.end]
        if within:
            incident.date = within[0]


def _merge(incidents: list[Incident]) -> list[Incident]:
    """One incident per event: same type and the same or nested place; keeps the most specific place and date.
    A definite reference ("the attack on Dnipro") to an event of a type already reported joins it or is dropped."""
    merged: list[Incident] = []
    for incident in incidents:
        same = next((m for m in merged if m.type.id == incident.type.id and _same_place(m.resolution, incident.resolution)), None)
        if same is None:
            if not (incident.anaphoric and any(m.type.id == incident.type.id for m in merged)):
                merged.append(incident)  # "the crash" elsewhere than the crash reported: a mention, not a second crash
            continue
        coarse = same.resolution.where_prec is None or same.resolution.where_prec >= WherePrec.ADMIN1
        if coarse and _size(incident.resolution) < _size(same.resolution):
            same.mention, same.placed = incident.mention, incident.placed  # a region or country narrowed; a town stays
        if incident.date is not None and (same.date is None or (incident.date_in_sentence, -incident.date.precision)
                                          > (same.date_in_sentence, -same.date.precision)):  # fmt: skip
            same.date, same.date_in_sentence = incident.date, incident.date_in_sentence
        same.quotes += [q for q in incident.quotes if q not in same.quotes]
        same.triggers += [t for t in incident.triggers if t not in same.triggers]
        same.type_confidence = max(same.type_confidence, incident.type_confidence)
    return merged


def _same_place(a: Resolution, b: Resolution) -> bool:
    """The same place, or one inside the other."""
    if a.gazetteer_id and a.gazetteer_id == b.gazetteer_id:
        return True
    return _inside(a, b) or _inside(b, a)


def _inside(inner: Resolution, outer: Resolution) -> bool:
    """True when ``inner``'s point lies in ``outer``'s area (and ``outer`` is the larger footprint)."""
    if inner.point is None or outer.geometry is None or outer.geometry.geom_type not in ("Polygon", "MultiPolygon"):
        return False
    return _size(inner) < _size(outer) and outer.geometry.covers(inner.point)


def _size(res: Resolution) -> float:
    """A footprint's size for "more specific" comparisons: its uncertainty radius (km); no footprint last."""
    if res.uncertainty_km is not None:
        return float(res.uncertainty_km)
    if res.geometry is None or res.point is None:
        return float("inf")
    res.uncertainty_km = uncertainty_km(res.geometry, res.point)
    return res.uncertainty_km
