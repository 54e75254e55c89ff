"""Readings of place phrases as news writes them, in English, German and Russian."""

from __future__ import annotations

import pytest

from geo.gazetteer.names import fold
from geo.geocoding.phrases import Interpretation, Kind, normalise, parse


def first(text: str) -> Interpretation:
    readings = parse(text)
    assert readings, f"no reading for {text!r}"
    return readings[0]


def kinds_names(text: str) -> list[tuple[Kind, tuple[str, ...]]]:
    return [(r.kind, r.names) for r in parse(text)]


@pytest.mark.parametrize("text", ["", "   ", "\t\n", None, 42])
def test_empty_or_non_text_has_no_reading(text):
    assert parse(text) == []


def test_plain_name_is_one_place_reading():
    assert kinds_names("Aktau") == [(Kind.PLACE, ("aktau",))]
    assert first("Aktau").hints == ()


@pytest.mark.parametrize("text", ["in Aktau", "at Aktau"])
def test_leading_prepositions_are_dropped(text):
    assert first(text).names == ("aktau",)
    assert first(text).kind == Kind.PLACE


@pytest.mark.parametrize(("text", "whole"), [("in the city of Aktau", "city of aktau"), ("im Dorf Aktau", "dorf aktau"),
                                             ("Lyman town", "lyman town"), ("село Троицкое", "selo troitskoe"),
                                             ("Oleksandrivka village", "oleksandrivka village")])
def test_settlement_words_are_a_feature_type_not_part_of_the_name(text, whole):
    readings = parse(text)
    # a name that really contains the word ("City of London") is tried as written, but only exactly
    assert (readings[0].kind, readings[0].names, readings[0].exact_only) == (Kind.PLACE, (whole,), True)
    assert (readings[1].kind, readings[1].qualifier, readings[1].exact_only) == (Kind.SETTLEMENT, "settlement", False)
    assert readings[1].names == (whole.split()[0] if whole.endswith(("village", "town")) else whole.split()[-1],)


def test_russian_name_is_folded():
    assert first("Уральск").names == (fold("Уральск"),) == ("uralsk",)


# ------------------------------------------------------------------ near


@pytest.mark.parametrize(
    "text",
    ["near Aktau", "Near Aktau", "outskirts of Aktau", "on the outskirts of Aktau", "in the vicinity of Aktau",
     "not far from Aktau", "around Aktau", "bei Aktau", "nahe Aktau", "unweit von Aktau", "am Stadtrand von Aktau",
     "около Актау", "вблизи Актау", "Aktau outskirts", "Aktau area"],
)  # fmt: skip
def test_near_forms(text):
    reading = first(text)
    assert reading.kind == Kind.NEAR
    assert reading.names == ("aktau",)
    assert reading.qualifier == "near"


@pytest.mark.parametrize("text", ["30 km north of Oral", "30 km nördlich von Oral", "15 kilometres southwest of Oral", "north of Oral", "5 miles westward of Oral"])
def test_distance_and_direction_of_a_place_is_near_it(text):
    reading = first(text)
    assert (reading.kind, reading.names) == (Kind.NEAR, ("oral",))


@pytest.mark.parametrize("text", ["2.5 km east of Oral", "2,5 km east of Oral"])
def test_decimal_distance_of_a_place_is_near_it(text):
    reading = first(text)
    assert (reading.kind, reading.names) == (Kind.NEAR, ("oral",))


def test_in_der_naehe_von():
    reading = first("in der Nähe von Uralsk")
    assert (reading.kind, reading.names) == (Kind.NEAR, ("uralsk",))


# ------------------------------------------------------------------ regions


@pytest.mark.parametrize(
    ("text", "name"),
    [("West Kazakhstan region", "west kazakhstan"), ("Region Odessa", "odessa"), ("Kaluga oblast", "kaluga"),
     ("Kharkiv Oblast", "kharkiv"), ("the region of Kaluga", "kaluga"), ("Gebiet Kaluga", "kaluga"),
     ("Mangystau oblysy", "mangystau"), ("Калужская область", fold("Калужская")),
     ("Западно-Казахстанская область", fold("Западно Казахстанская")), ("in the Aktau region", "aktau")],
)  # fmt: skip
def test_region_forms(text, name):
    reading = first(text)
    assert reading.kind == Kind.ADMIN
    assert reading.names == (name,)
    assert reading.qualifier == "region"


def test_region_reading_is_followed_by_the_whole_name_as_a_place():
    # a place called "... region" in an extra gazetteer is still reachable
    assert kinds_names("Kaluga oblast") == [(Kind.ADMIN, ("kaluga",)), (Kind.PLACE, ("kaluga oblast",))]


@pytest.mark.parametrize(
    ("text", "names"),
    [("Regionen Odessa und Charkow", ("odessa", "charkow")), ("Odesa and Kharkiv regions", ("odesa", "kharkiv")),
     ("Odesa, Kharkiv and Kherson regions", ("odesa", "kharkiv", "kherson")), ("Gebiete Odessa und Charkow", ("odessa", "charkow"))],
)  # fmt: skip
def test_lists_of_regions(text, names):
    reading = first(text)
    assert (reading.kind, reading.names, reading.qualifier) == (Kind.ADMIN, names, "regions")
    assert reading.hints == ()  # "A, B and C regions" is one list, not a place with hints


def test_ampersand_list_of_regions():
    reading = first("Odesa & Kharkiv oblasts")
    assert (reading.kind, reading.names) == (Kind.ADMIN, ("odesa", "kharkiv"))


# ------------------------------------------------------------------ routes


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [("Oral–Aksay highway", "highway"), ("Oral-Aksay highway", "highway"), ("Oral — Aksay road", "road"),
     ("Oral/Aksay railway", "railway"), ("the Oral-Aksay highway", "highway"), ("Autobahn Oral-Aksay", "autobahn"),
     ("Trasse Oral–Aksay", "trasse"), ("between Oral and Aksay", "between"), ("zwischen Oral und Aksay", "between"),
     ("highway between Oral and Aksay", "between"), ("from Oral to Aksay", "route"), ("von Oral nach Aksay", "route"),
     ("Oral to Aksay road", "road")],
)  # fmt: skip
def test_route_forms(text, qualifier):
    reading = first(text)
    assert reading.kind == Kind.ROUTE
    assert reading.names == ("oral", "aksay")
    assert reading.qualifier == qualifier


def test_route_with_hyphenated_endpoint_offers_every_split():
    routes = [r.names for r in parse("Ust-Kamenogorsk–Semey highway") if r.kind == Kind.ROUTE]
    assert routes == [("ust", "kamenogorsk semey"), ("ust kamenogorsk", "semey")]


def test_road_named_after_one_place_is_near_it():
    reading = first("the Aktau road")
    assert (reading.kind, reading.names, reading.qualifier) == (Kind.NEAR, ("aktau",), "road")


def test_normalise_keeps_dashes_as_tokens():
    assert normalise("Oral–Aksay  highway") == "oral ~ aksay highway"
    assert normalise("Ust-Kamenogorsk") == "ust ~ kamenogorsk"


# ------------------------------------------------------------------ hints


def test_comma_tail_is_a_hint():
    reading = first("Koryakovo, Kaluga region")
    assert (reading.kind, reading.names, reading.hints) == (Kind.PLACE, ("koryakovo",), ("kaluga region",))
    assert len(parse("Koryakovo, Kaluga region")) == 1  # the tail is context, not an alternative


def test_several_comma_hints():
    reading = first("Aksay; Burlin district, West Kazakhstan")
    assert reading.names == ("aksay",)
    assert reading.hints == ("burlin district", "west kazakhstan")


def test_parenthesis_is_a_hint():
    reading = first("Aksay (West Kazakhstan)")
    assert (reading.kind, reading.names, reading.hints) == (Kind.PLACE, ("aksay",), ("west kazakhstan",))


def test_hints_apply_to_every_reading():
    readings = parse("near Aktau, Mangystau region")
    assert readings[0].kind == Kind.NEAR and readings[0].names == ("aktau",)
    assert all(r.hints == ("mangystau region",) for r in readings)


def test_hint_alone_becomes_the_phrase():
    reading = first(", West Kazakhstan region")
    assert (reading.kind, reading.names, reading.hints) == (Kind.ADMIN, ("west kazakhstan",), ())


# ------------------------------------------------------------------ districts, areas, water


@pytest.mark.parametrize(("text", "name"), [("Burlin district", "burlin"), ("Burlinsky raion", "burlinsky"), ("Landkreis Aksay", "aksay"), ("Burlin audany", "burlin")])
def test_district_forms(text, name):
    reading = first(text)
    assert (reading.kind, reading.names, reading.qualifier) == (Kind.DISTRICT, (name,), "district")


def test_steppe_is_an_area_whole_name_first():
    assert kinds_names("Ryn steppe")[:2] == [(Kind.AREA, ("ryn steppe",)), (Kind.AREA, ("ryn",))]
    assert first("Ryn steppe").qualifier == "steppe"


@pytest.mark.parametrize(("text", "place"), [("Aktau airport", "aktau"), ("Kramatorsk airfield", "kramatorsk")])
def test_facility_is_near_its_place(text, place):
    # the facility's own name exactly (a gazetteer may hold it), else near the place it is named after
    assert kinds_names(text)[:2] == [(Kind.PLACE, (text.lower(),)), (Kind.NEAR, (place,))]
    assert parse(text)[0].exact_only


@pytest.mark.parametrize(("text", "name"), [("Caspian Sea", "caspian sea"), ("the Caspian Sea", "caspian sea"), ("Lake Balkhash", "lake balkhash"), ("Kaspisches Meer", "kaspisches meer")])
def test_water_forms(text, name):
    reading = first(text)
    assert (reading.kind, reading.names, reading.qualifier) == (Kind.WATER, (name,), "water")
    assert (Kind.PLACE, (name,)) in kinds_names(text)  # a town named like the water is still tried


def test_readings_are_unique():
    readings = parse("Aktau")
    assert len({(r.kind, r.names) for r in readings}) == len(readings)


def test_phrases_without_a_keyword_skip_the_patterns_and_read_alike(geocoder):
    """A phrase with none of the patterns' words cannot match any pattern: the short cut gives what trying them all
    gives, for gazetteer keys of one and more words, for every keyword standing alone, leading or trailing a name,
    and for phrases the bench and the news write."""
    import random

    from geo.geocoding.phrases import _KEYWORDS, _all_readings, _readings

    keys = geocoder.gaz.all_keys()
    rng = random.Random(4)
    names = [keys[i] for i in range(0, len(keys), 97)]
    phrases = names + [k for k in names if " " in k][:3000]
    phrases += [f"near {n}" for n in names[:500]] + [f"{n} region" for n in names[500:1000]] + [f"{a} ~ {b} highway" for a, b in zip(names[:300], names[300:600])]
    phrases += [f"{w} {n}" for w, n in zip(sorted(_KEYWORDS), names)] + [f"{n} {w}" for w, n in zip(sorted(_KEYWORDS), names[400:])]
    phrases += sorted(_KEYWORDS) + ["".join(rng.choice("abcdefgh ") for _ in range(rng.randint(5, 20))) for _ in range(2000)]
    phrases += ["the", "~", "a~b", "uralsk\u00a0region", "near\u00a0uralsk", "aksay\tregion", "30 km north of oral", "oral and aksay", ""]
    assert len(phrases) > 10_000 and sum(1 for p in phrases if _KEYWORDS.isdisjoint(p.split())) > 5_000
    for phrase in phrases:
        assert _readings(phrase) == _all_readings(phrase), phrase
    assert len(_all_readings("uralsk\u00a0region")) > 1  # a non-breaking space is a space to the patterns too
