"""Which sovereign state (ISO 3166-1 alpha-3) an admin-1 unit belongs to, for border purposes.

Natural Earth groups units under their sovereign with its own codes (``sov_a3``):
``KA1`` is Kazakhstan plus the Baikonur lease, ``CH1`` China plus Hong Kong and Macau,
and so on. Borders are drawn between sovereign states, so leases and dependencies are
merged into their sovereign; these rules map Natural Earth's codes to ISO 3166-1 alpha-3.

Point-of-view choices (documented in layers/PROVENANCE.md):

* De jure over de facto: a unit whose ISO 3166-2 code names another sovereign state is
  assigned to that state (Natural Earth 5 puts Crimea and Sevastopol, UA-43 and UA-40,
  under Russia; ISO 3166 and the UN General Assembly put them in Ukraine).
* Palestine (Natural Earth ``PSX``: West Bank and Gaza, grouped under Israel) is its own
  unit ``PSE``, as ISO 3166-1 and the ACLED conflict dataset code it.
* Units Natural Earth treats as sovereign but no ISO 3166-1 code does (Northern Cyprus,
  Somaliland, the Siachen glacier, the Spratlys) go to the state their ``iso_a2`` names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

#: Natural Earth's own sovereign-group codes -> ISO 3166-1 alpha-3 of the sovereign.
NE_SOVEREIGN_GROUPS: dict[str, str] = {
    "AU1": "AUS",
    "CH1": "CHN",
    "CU1": "CUB",
    "DN1": "DNK",
    "FI1": "FIN",
    "FR1": "FRA",
    "GB1": "GBR",
    "KA1": "KAZ",
    "NL1": "NLD",
    "NZ1": "NZL",
    "US1": "USA",
}

#: Natural Earth unit codes (``adm0_a3``) treated as a state of their own, with their ISO3.
SEPARATE_UNITS: dict[str, str] = {"PSX": "PSE"}


def group_iso3(sov_a3: str, adm0_a3: str, iso_a2: str, iso2_to_iso3: Mapping[str, str]) -> str:
    """ISO3 of the sovereign group Natural Earth puts a unit in (before the de jure rule)."""
    if adm0_a3 in SEPARATE_UNITS:
        return SEPARATE_UNITS[adm0_a3]
    if sov_a3 in NE_SOVEREIGN_GROUPS:
        return NE_SOVEREIGN_GROUPS[sov_a3]
    if sov_a3 in set(iso2_to_iso3.values()):
        return sov_a3
    return iso2_to_iso3.get(iso_a2, sov_a3)


def de_jure_state(iso_3166_2: str | None, iso2_to_iso3: Mapping[str, str]) -> str | None:
    """ISO3 of the country an ISO 3166-2 subdivision code names (``UA-43`` -> ``UKR``)."""
    if not iso_3166_2 or iso_3166_2.startswith("-"):
        return None
    return iso2_to_iso3.get(iso_3166_2.split("-", 1)[0])


def assign_sovereigns(units: Iterable[Mapping[str, str | None]], iso2_to_iso3: Mapping[str, str]) -> list[str]:
    """Sovereign ISO3 for each admin-1 unit (dicts with Natural Earth's ``sov_a3``, ``adm0_a3``,
    ``iso_a2`` and ``iso_3166_2``), applying the group, separate-unit and de jure rules."""
    rows = list(units)
    groups = [group_iso3(u["sov_a3"] or "", u["adm0_a3"] or "", u["iso_a2"] or "", iso2_to_iso3) for u in rows]
    sovereigns = set(groups)
    result = []
    for unit, group in zip(rows, groups):
        claimed = de_jure_state(unit["iso_3166_2"], iso2_to_iso3)
        result.append(claimed if claimed in sovereigns and claimed != group else group)
    return result
