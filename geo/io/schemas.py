"""Column names of common incident datasets read as incmap's fields, so their exports load as they are.

ACLED (``location``, ``latitude``, ``event_date``, ``notes``, ``geo_precision``), UCDP GED
(``where_coordinates``, ``date_start``, ``adm_1``, ``where_prec``), GDELT events (``ActionGeo_FullName``,
``SQLDATE``) and common spellings (``latitude``/``lng``, ``location_name``...). An alias fills an incmap
field only when the file does not have that field itself; the original column passes through unchanged.
Also how a dataset writes its slash dates, and the ``src_<name>`` column that keeps an input value incmap would overwrite.
"""

from __future__ import annotations

from collections.abc import Container

from geo.io.dates import SlashOrder

#: incmap field -> dataset column names (lower case), first present wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "place": ("location", "where_coordinates", "location_name", "placename", "place_name", "locality", "toponym",
              "actiongeo_fullname", "where_description"),
    "lat": ("latitude", "lat_dd", "actiongeo_lat"),
    "lon": ("longitude", "long", "lng", "lon_dd", "actiongeo_long"),
    "date": ("event_date", "date_start", "sqldate"),
    "type": ("event_type", "sub_event_type"),
    "description": ("notes", "summary_text"),
    "region": ("admin1", "adm_1", "actiongeo_adm1code"),
    "id": ("event_id_cnty", "event_id", "globaleventid"),
    "source": ("source_article", "sourceurl"),
    "title": ("headline",),
}  # fmt: skip

#: Location precision columns of datasets, and how their codes map to UCDP ``where_prec`` (1 exact .. 6 country).
PRECISION_COLUMNS: dict[str, dict[str, int]] = {
    "where_prec": {str(k): k for k in range(1, 8)},  # UCDP GED (and incmap's own output)
    "geo_precision": {"1": 1, "2": 2, "3": 4},  # ACLED: 1 the place, 2 near it / part of a region, 3 a province (admin-1)
}

#: How a dataset's date column writes ``A/B/YYYY`` when none of its dates has a number over 12 to decide it.
DATE_ORDERS: dict[str, SlashOrder] = {
    "date_start": SlashOrder.MDY,  # UCDP GED's CSV export: "1/22/2014 12:00:00 AM"
    "date_end": SlashOrder.MDY,
}
#: Prefix of the column that keeps an input value under a name incmap writes.
SOURCE_PREFIX = "src_"


def date_order(column: str) -> SlashOrder | None:
    """The slash-date order the dataset column ``column`` is known to use, or None when no schema says."""
    return DATE_ORDERS.get(column.lower())


def source_column(name: str, taken: Container[str]) -> str:
    """Where an input column ``name`` is kept when incmap writes that name: ``src_<name>``, or ``src_src_<name>``
    (and so on) when the input already has a column of that name, so that no input column is overwritten."""
    column = SOURCE_PREFIX + name
    while column in taken:
        column = SOURCE_PREFIX + column
    return column


def alias_columns(columns: list[str]) -> dict[str, str]:
    """{incmap field: source column} for the fields ``columns`` lack but hold under a dataset's name."""
    present = {c.lower(): c for c in columns}
    out = {}
    for fieldname, names in ALIASES.items():
        if fieldname in present:
            continue
        source = next((present[n] for n in names if n in present), None)
        if source is not None:
            out[fieldname] = source
    return out


def apply_aliases(record: dict, aliases: dict[str, str]) -> dict:
    """The record with aliased fields filled from their source columns (originals kept)."""
    for fieldname, source in aliases.items():
        if record.get(fieldname) in (None, "") and record.get(source) not in (None, ""):
            record[fieldname] = record[source]
    return record


def given_precision(record: dict) -> int | None:
    """The input's own location precision as a UCDP ``where_prec`` code (1..7), or None when it gives none."""
    for column, codes in PRECISION_COLUMNS.items():
        value = record.get(column)
        if value in (None, ""):
            continue
        text = str(value).strip()
        text = text[:-2] if text.endswith(".0") else text
        if text in codes:
            return codes[text]
    return None
