"""Location precision codes: UCDP GED ``where_prec`` (1-7) with labels, and ACLED ``geo_precision`` (1-3)."""

from __future__ import annotations

from enum import IntEnum


class WherePrec(IntEnum):
    """UCDP GED location precision: how well the footprint pins down where the event happened."""

    EXACT = 1  # the exact place is known
    NEAR = 2  # within ~25 km of a named place
    ADMIN2 = 3  # only the second-order administrative unit is known
    ADMIN1 = 4  # only the first-order administrative unit is known
    AREA = 5  # a route, a line or an area between places (border area, stretch of road)
    COUNTRY = 6  # only the country is known
    WATER = 7  # international waters or airspace

    @property
    def label(self) -> str:
        """Short label for tables and popups."""
        return _LABELS[self]

    @property
    def acled(self) -> int:
        """The ACLED ``geo_precision`` equivalent: 1 town, 2 near a town / part of a region, 3 region or larger."""
        return 1 if self == WherePrec.EXACT else 2 if self in (WherePrec.NEAR, WherePrec.ADMIN2) else 3


_LABELS = {
    WherePrec.EXACT: "exact place",
    WherePrec.NEAR: "near place (~25 km)",
    WherePrec.ADMIN2: "district",
    WherePrec.ADMIN1: "region (admin-1)",
    WherePrec.AREA: "route or area",
    WherePrec.COUNTRY: "country",
    WherePrec.WATER: "water or airspace",
}

#: Radius (km) UCDP's definition implies for "near X": the event is within about 25 km.
NEAR_RADIUS_KM = 25.0

#: Radius (km) assumed for a district-level place when no district polygon is available.
DISTRICT_RADIUS_KM = 40.0
