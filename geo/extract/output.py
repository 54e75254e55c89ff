"""Extraction results in incmap's formats: incident records as a GeoDataFrame (any writer), mentions as JSON Lines."""

from __future__ import annotations

import json

import geopandas as gpd

from geo.geocoding import OUTPUT_FIELDS

#: Columns of an incident record, in order (the geocoding contract's fields follow the extraction's).
INCIDENT_FIELDS = ("id", "date", "date_end", "date_precision", "date_prec", "date_text", "type", "event_type", "sub_event_type",
                   "triggers", "place", "place_start", "place_end", "title", "description", "quote", "quote_start", "quote_end",
                   "quotes", "source", "publication", "url", "published", "lang", "extraction_confidence")  # fmt: skip


def records_frame(records: list[dict]) -> gpd.GeoDataFrame:
    """Incident records as a GeoDataFrame (EPSG:4326) with their footprints."""
    columns = list(dict.fromkeys([*INCIDENT_FIELDS, *(f for f in OUTPUT_FIELDS if f not in ("input_line", "problems"))]))
    rows = [{k: v for k, v in r.items() if k != "geometry"} for r in records]
    geoms = [r.get("geometry") for r in records]
    frame = gpd.GeoDataFrame(rows, columns=columns if not rows else list(dict.fromkeys([*columns, *(k for r in rows for k in r)])),
                             geometry=geoms, crs="EPSG:4326")  # fmt: skip
    for col in ("where_prec", "acled_geo_precision", "date_prec", "place_start", "place_end", "quote_start", "quote_end"):
        frame[col] = frame[col].astype("Int64")
    return frame


def mentions_jsonl(records: list[dict]) -> str:
    """One JSON object per line, in the order found."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
