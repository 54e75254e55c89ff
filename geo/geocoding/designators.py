"""Generic feature words ("village", "airfield", "raion", "село", "Dorf") in the languages incidents are reported in,
folded as :func:`geo.gazetteer.names.fold` writes them, grouped by the kind of feature they designate.

A designator next to a name is read as the feature's type, not as part of its name: "Lyman town" is the town
Lyman, "Kramatorsk airfield" a facility at Kramatorsk, "Bokey Orda district" a second-level unit. The type
decides which places may answer (a settlement is not a region) and the precision of the footprint.
Cyrillic words are listed in their folded (transliterated) forms, with the inflected forms news uses
after a preposition ("в селе X" -> "v sele x").
"""

from __future__ import annotations

import re


def alternation(*words: str) -> str:
    """Regex alternation of folded phrases, longest first (so "oil depot" wins over "depot")."""
    return "|".join(sorted((re.escape(w) for w in dict.fromkeys(words)), key=len, reverse=True))


#: Populated places: the name is a settlement's (a point, exact precision), never an admin unit's.
SETTLEMENT = (
    "village", "villages", "town", "city", "settlement", "hamlet", "township", "urban type settlement", "urban settlement",
    "dorf", "stadt", "ortschaft", "siedlung", "kleinstadt", "weiler", "ort",
    "selo", "sele", "sela", "poselok", "poselke", "poselka", "posiolok", "posyolok", "pgt", "derevnya", "derevnia", "derevne",
    "khutor", "khutore", "stanitsa", "stanitse", "gorod", "gorode", "aul", "aule", "auyl", "kishlak", "kyshlak",
    "selyshche", "selishche", "smt", "misto", "misti", "khutir", "stanytsia",
    "ville", "pueblo", "ciudad", "aldea", "localidad", "miasto", "wies", "wioska",
)  # fmt: skip
#: Facilities inside or beside a settlement: the place is near the named one, not at its centre point.
FACILITY = (
    "airfield", "aerodrome", "airstrip", "airport", "air base", "airbase", "air field", "heliport", "military base", "base",
    "military airfield", "naval base", "garrison", "barracks", "military unit", "checkpoint", "border crossing", "crossing",
    "border post", "border checkpoint", "oil depot", "fuel depot", "ammunition depot", "arms depot", "depot", "arsenal",
    "warehouse", "refinery", "oil refinery", "power plant", "power station", "thermal power plant", "nuclear power plant",
    "substation", "railway station", "train station", "railway junction", "bridge", "port", "seaport", "harbour", "harbor",
    "dam", "plant", "factory", "mine", "prison", "test site", "testing ground", "test range", "range", "polygon", "cosmodrome",
    "launch site", "radar station",
    "flugplatz", "flughafen", "militarflugplatz", "fliegerhorst", "luftwaffenstutzpunkt", "militarbasis", "stutzpunkt",
    "kaserne", "grenzubergang", "kontrollpunkt", "oldepot", "tanklager", "treibstofflager", "munitionsdepot", "munitionslager",
    "raffinerie", "olraffinerie", "kraftwerk", "umspannwerk", "bahnhof", "brucke", "hafen", "staudamm", "fabrik", "werk",
    "testgelande", "truppenubungsplatz", "kosmodrom",
    "aerodrom", "aerodrome", "aeroport", "aeroportu", "aviabaza", "aviabazu", "aviabaze", "neftebaza", "neftebazu",
    "neftebaze", "naftobaza", "naftobazu", "npz", "tes", "tets", "aes", "elektrostantsiya", "elektrostantsiia",
    "podstantsiya", "podstantsiia", "vokzal", "stantsiya", "stantsiia", "blokpost", "kpp", "poligon", "kosmodrom",
)  # fmt: skip
#: Second-level administrative units (districts, counties): a polygon no layer here draws.
DISTRICT = (
    "district", "districts", "raion", "rayon", "raioni", "rayoni", "raione", "rayone", "raionu", "rayonu", "audany", "audan",
    "audanynda", "county", "municipality", "municipal district", "hromada", "kreis", "landkreis", "bezirk", "okres", "powiat",
    "munitsipalitet", "gorodskoy okrug", "munitsipalnyy okrug",
)  # fmt: skip
#: First-level administrative units.
REGION = (
    "region", "regions", "oblast", "oblasts", "oblasti", "oblys", "oblysy", "oblysynda", "province", "provinces", "provinz",
    "gebiet", "gebiete", "regionen", "krai", "kray", "kraya", "governorate", "gouvernement", "voivodeship", "wojewodztwo",
    "state", "prefecture", "autonomous republic", "republic", "respublika", "respubliki", "okrug", "regione", "departement",
)  # fmt: skip
#: Natural areas named after a place or with a name of their own.
NATURAL_AREA = (
    "steppe", "desert", "plain", "plateau", "mountains", "hills", "forest", "nature reserve", "reserve", "valley",
    "peninsula", "oil field", "field", "steppe area", "wuste", "gebirge", "naturschutzgebiet", "steppe region", "step", "stepi",
)  # fmt: skip

SETTLEMENT_WORDS = alternation(*SETTLEMENT)
FACILITY_WORDS = alternation(*FACILITY)
DISTRICT_WORDS = alternation(*DISTRICT)
REGION_WORDS = alternation(*REGION)
NATURAL_AREA_WORDS = alternation(*NATURAL_AREA)
#: Any designator: what a name is stripped of before it is compared ("Bokey Orda District" -> "bokey orda").
ANY_WORDS = alternation(*SETTLEMENT, *FACILITY, *DISTRICT, *REGION, *NATURAL_AREA)

_FACILITY_SET = frozenset(FACILITY)
_SETTLEMENT_SET = frozenset(SETTLEMENT)


def is_facility(word: str) -> bool:
    """True for a facility designator (the event is at a site beside the named place)."""
    return word in _FACILITY_SET


def is_settlement(word: str) -> bool:
    """True for a settlement designator ("village", "село", "Dorf")."""
    return word in _SETTLEMENT_SET
