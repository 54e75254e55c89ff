"""Name indexes over the admin-1 and country layers, in every language and spelling they carry.

"Westkasachstan", "Западно-Казахстанская область", "West Kazakhstan" and "Ural'sk" (Natural
Earth's alternate name) all lead to the same admin-1 row. Type words ("oblast", "region") are
also stripped so that "Kaluga region" and "Калужская область" meet at the bare name.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

from shapely.geometry.base import BaseGeometry

from geo import settings
from geo._errors import IncmapError, close_matches
from geo.gazetteer.fuzzy import FuzzyIndex
from geo.gazetteer.names import cached_variant_key, fold, variant_key

if TYPE_CHECKING:
    from geo.layers.table import LayerTable

#: Bump when the index layout or the name rules change, to invalidate cached indexes.
INDEX_FORMAT = 3

#: Folded type words stripped from admin names to get their bare form.
_TYPE_WORDS = re.compile(
    r"\b(oblast|oblasti|oblys|oblysy|region|province|provinz|gebiet|krai|kray|respublika|republic|autonomous|"
    r"okrug|state|governorate|prefecture|voivodeship|wojewodztwo|county|district|city|federal city|avtonomnaia|"
    r"autonome|republik|of|the)\b"
)
#: Exact match on a key, on a variant key, or fuzzy (score below).
EXACT, VARIANT = 1.0, 0.93
#: Match quality of an admin-1 unit's alternate names relative to its official ones.
ALT_NAME_WEIGHT = 0.85


@dataclass(frozen=True)
class NameHit:
    """A row whose name matched, with how well (1 exact .. ~0.8 fuzzy) and which key matched."""

    row: int
    quality: float
    key: str


def _table() -> defaultdict:
    """An empty key -> {row: weight} table (a module-level factory, so indexes pickle)."""
    return defaultdict(dict)


class KeyRows(Mapping):
    """A frozen key -> {row: weight} table kept as flat arrays: ``incmap locate`` reads it on every start, and 70,000
    small dicts took 0.08 s to unpickle where these take about 0.02 s. A key's dict is made on its first lookup."""

    def __init__(self, table: Mapping[str, Mapping[int, float]]) -> None:
        self._keys = list(table)
        self._starts = array("l", accumulate((len(table[k]) for k in self._keys), initial=0))
        self._rows = array("l", (r for k in self._keys for r in table[k]))
        self._weights = array("d", (w for k in self._keys for w in table[k].values()))
        self._position = dict(zip(self._keys, range(len(self._keys))))
        self._made: dict[str, dict[int, float]] = {}  # each key's dict, made on its first lookup

    def __getstate__(self) -> tuple:
        return "\n".join(self._keys), self._starts, self._rows, self._weights  # keys as one string: one object to read

    def __setstate__(self, state: tuple) -> None:
        keys, self._starts, self._rows, self._weights = state
        self._keys = keys.split("\n") if keys else []
        self._position = dict(zip(self._keys, range(len(self._keys))))
        self._made = {}

    def __getitem__(self, key: str) -> dict[int, float]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: str, default: dict[int, float] | None = None) -> dict[int, float] | None:  # type: ignore[override]
        """Mapping.get without a KeyError per miss (most names asked about are no unit's)."""
        found = self._made.get(key)
        if found is None:
            i = self._position.get(key)
            if i is None:
                return default
            start, end = self._starts[i], self._starts[i + 1]
            found = self._made[key] = dict(zip(self._rows[start:end], self._weights[start:end]))
        return found

    def __contains__(self, key: object) -> bool:
        return key in self._position

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


@dataclass
class NameIndex:
    """Folded and variant-key lookups from names to row positions of one layer."""

    exact: Mapping[str, dict[int, float]] = field(default_factory=_table)  # KeyRows once built
    variant: Mapping[str, dict[int, float]] = field(default_factory=_table)
    primary: dict[int, str] = field(default_factory=dict)
    _fuzzy: FuzzyIndex | None = field(default=None, repr=False)

    def add(self, row: int, names: Iterable[str], weight: float = 1.0) -> None:
        """Index every spelling of one row; ``weight`` < 1 for weaker spellings (alternate names)."""
        for name in names:
            if not isinstance(name, str) or not name.strip():
                continue
            self.primary.setdefault(row, name)
            for key in {fold(name), bare(fold(name))}:
                if len(key) >= 2:
                    for table, k in ((self.exact, key), (self.variant, variant_key(key))):
                        entry = table.setdefault(k, {})
                        entry[row] = max(weight, entry.get(row, 0.0))

    def find(self, folded: str, fuzzy_cutoff: float = 88.0) -> list[NameHit]:
        """Rows matching ``folded`` exactly, by variant key, or else fuzzily (best first)."""
        hits: dict[int, NameHit] = {}
        vkey = cached_variant_key(folded)
        offers = [(self.exact, folded, EXACT), (self.exact, _bare(folded), EXACT * 0.98)] + ([(self.variant, vkey, VARIANT)] if len(vkey) >= 3 else [])
        found = [(key, factor, table[key]) for table, key, factor in offers if key in table]  # most names are no unit's
        for key, factor, entry in found:
            for r, weight in entry.items():
                quality = factor * weight
                if r not in hits or hits[r].quality < quality:
                    hits[r] = NameHit(r, quality, key)
        if hits or len(folded) < 4 or fuzzy_cutoff > 100:
            return sorted(hits.values(), key=lambda h: -h.quality)
        for key, score in self.fuzzy_index().extract(folded, fuzzy_cutoff):
            for r, weight in self.exact[key].items():
                quality = 0.8 * weight * score / 100.0
                if r not in hits or hits[r].quality < quality:
                    hits[r] = NameHit(r, quality, key)
        return sorted(hits.values(), key=lambda h: -h.quality)

    def fuzzy_index(self) -> FuzzyIndex:
        """The fuzzy index over every exact key, made on first use."""
        if self._fuzzy is None:
            self._fuzzy = FuzzyIndex(self.exact.keys())
        return self._fuzzy

    def prefetch_fuzzy(self, names: Iterable[str], cutoff: float = 88.0) -> None:
        """Ready :meth:`find`'s fuzzy matches for many names in one batched pass (see :meth:`FuzzyIndex.prefetch`):
        one rapidfuzz scan per misspelt name took 4 s of 10^5 bench records."""
        todo = [n for n in names if len(n) >= 4]
        if todo:
            self.fuzzy_index().prefetch(todo, cutoff)


def bare(folded: str) -> str:
    """A folded admin name without its type words: "kaluzhskaia oblast" -> "kaluzhskaia"."""
    return " ".join(_TYPE_WORDS.sub(" ", folded).split()) or folded


#: The admin-1 and country indexes look up the same name in turn: its bare form is made once (its variant key too).
_bare = lru_cache(maxsize=1 << 16)(bare)


def admin1_index(admin1: LayerTable) -> NameIndex:
    """Index admin-1 units by English, local, alternate and multilingual names and ISO 3166-2 code."""
    index = NameIndex()
    columns = (admin1[c].tolist() for c in ("name_en", "name", "names", "alt_names"))
    for row, (name_en, name, names, alt_names) in enumerate(zip(*columns)):
        # "alt" in the names JSON is Natural Earth's name_alt (old names, the capital's name): indexed below, weaker.
        index.add(row, [name_en, name, *(v for k, v in json.loads(names or "{}").items() if k != "alt")])
        # Natural Earth's alternate names mix old names with the capital's name ("Ural'sk"): weaker.
        index.add(row, (alt_names or "").split("|"), weight=ALT_NAME_WEIGHT)
    return index


def country_index(countries: LayerTable) -> NameIndex:
    """Index countries by their short English name and every i18n name the layer carries."""
    index = NameIndex()
    for row, (name, names) in enumerate(zip(countries["name"].tolist(), countries["names"].tolist())):
        index.add(row, [name, *json.loads(names or "{}").values()])
    return index


def name_indexes(layers, cache_dir: Path | None = None) -> tuple[NameIndex, NameIndex]:
    """(admin-1 index, country index) for ``layers``, cached in the user cache keyed by the layer files' hashes."""
    files = layers.provenance.get("files", {})
    identity = json.dumps([INDEX_FORMAT, {k: v.get("sha256") for k, v in files.items()}, metadata.version("anyascii")], sort_keys=True)
    path = Path(cache_dir or settings.CACHE_DIR) / f"admin-names-{hashlib.sha256(identity.encode()).hexdigest()[:20]}.pkl"
    try:
        with open(path, "rb") as handle:
            admin, country = pickle.load(handle)
        return admin, country
    except Exception:  # missing, torn or foreign cache: rebuild  # noqa: BLE001
        pass
    admin, country = admin1_index(layers.admin1_table), country_index(layers.countries_table)
    for index in (admin, country):
        index.exact, index.variant = KeyRows(index.exact), KeyRows(index.variant)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            pickle.dump((admin, country), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache only costs time
    return admin, country


def country_code_lookup(countries: LayerTable) -> dict[str, int]:
    """Row of each country by ISO3 and ISO2 code (upper case), for explicit ``country`` hints."""
    lookup: dict[str, int] = {}
    for row, (iso3, iso2) in enumerate(zip(countries["iso3"].tolist(), countries["iso2"].tolist())):
        lookup[iso3] = row
        if isinstance(iso2, str) and len(iso2) == 2:
            lookup.setdefault(iso2, row)
    return lookup


def admin_area(text: str, layers) -> BaseGeometry:
    """Geometry of the admin-1 unit or country ``text`` names (ISO 3166-2, ISO3/ISO2 code, or a name in any
    language the layers carry); a one-line error listing close names when there is none."""
    code = text.strip().upper()
    admin1, countries = layers.admin1, layers.countries
    if code in set(admin1["iso_3166_2"].dropna()):
        return admin1.loc[admin1["iso_3166_2"] == code].geometry.union_all()
    if code in set(countries["iso3"]) or code in set(countries["iso2"].dropna()):
        return countries.loc[(countries["iso3"] == code) | (countries["iso2"] == code)].geometry.union_all()
    admin_index, country_index = name_indexes(layers)
    for index, frame in ((admin_index, admin1), (country_index, countries)):
        hits = [h for h in index.find(fold(text), fuzzy_cutoff=101) if h.quality >= 0.9]
        if hits:
            return frame.geometry.iloc[[h.row for h in hits]].union_all()
    names = list(admin1["name_en"].dropna()) + list(countries["name"])
    raise IncmapError(f"--in {text!r}: no such region or country; close names: {', '.join(close_matches(text, names))}")
