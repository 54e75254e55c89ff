"""The event taxonomy: triggers in three languages, cues, ACLED mapping, and the README's table of it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.extract.events import TAXONOMY, find_events

README = Path(__file__).resolve().parent.parent / "README.md"


def types(sentence: str) -> list[str]:
    return [e.type.id for e in find_events(sentence, 0, len(sentence))]


@pytest.mark.parametrize("sentence, expected", [
    ("Several dozen UAVs were recorded flying over the territory of the region.", "drone_overflight"),
    ("Drohnen überflogen in der Nacht den Luftraum des Landes.", "drone_overflight"),
    ("Беспилотники пролетели над областью.", "drone_overflight"),
    ("A drone strike hit a fuel depot.", "drone_strike"),
    ("Ballistische Raketen werden auf dem Testgelände getestet.", "missile_test"),
    ("Russian forces launched a missile attack on the city.", "missile_strike"),
    ("Обломки ракеты упали в степи.", "missile_impact"),
    ("The plane crashed shortly after an emergency landing was requested.", "air_crash"),
    ("Im Dorf kam es zu einer Schießerei.", "armed_clash"),
    ("В селе произошла перестрелка.", "armed_clash"),
    ("Trucks carrying military equipment were seen on the highway.", "military_transport"),
    ("The president ordered urgent measures to ensure security.", "security_measure"),
    ("Die Botschaft forderte ihre Bürger auf, das Gebiet zu verlassen.", "travel_advisory"),
    ("Police detained three men.", "arrest"),
    ("Thousands joined a protest in the capital.", "protest"),
])  # fmt: skip
def test_triggers_in_three_languages(sentence, expected):
    assert types(sentence)[0] == expected


def test_a_trigger_without_its_cue_is_no_event():
    assert "drone_overflight" not in types("The company makes drones.")
    assert types("The weather was fine and nothing happened.") == []


def test_whole_word_triggers_and_compounds():
    assert "armed_clash" not in types("The war is not confined to the battlefield.")  # battle$, not battlefield
    assert types("Flugabwehrraketen wurden auf dem Testgelände getestet.")[0] == "missile_test"  # *rakete inside a compound


def test_trigger_words_are_reported_as_written_with_positions():
    sentence = "Several dozen UAVs were recorded flying over the region."
    event = find_events(sentence, 0, len(sentence))[0]
    assert "UAVs" in event.triggers and "flying" in event.triggers
    assert all(sentence[p:].split()[0] in ("flying", "over") for p in event.positions)


def test_every_type_maps_onto_acled():
    acled = {"Battles", "Protests", "Riots", "Explosions/Remote violence", "Violence against civilians", "Strategic developments"}
    assert len({t.id for t in TAXONOMY}) == len(TAXONOMY)
    assert all(t.acled_event_type in acled and t.acled_sub_event_type for t in TAXONOMY)


def test_readme_lists_the_taxonomy_as_the_code_has_it():
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$", README.read_text(encoding="utf-8"), re.MULTILINE)
    assert [(r[0], r[2].strip(), r[3].strip()) for r in rows] == [(t.id, t.acled_event_type, t.acled_sub_event_type) for t in TAXONOMY]
