"""Extraction from the seed articles finds the places and dates of the bundled incidents written from them.
Runs when ../shared/seeds is present (the articles are not part of the project)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from shapely.geometry import Point

from geo.extract.documents import read_document
from geo.settings import DEFAULT_INCIDENTS
from geo.spatial.geodesy import geodesic_distance_km

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not here")
#: An extracted place this close to the bundled one (km), or containing it, is the same place.
SAME_PLACE_KM = 30.0


@pytest.fixture(scope="module")
def extracted(extractor) -> dict[str, list[dict]]:
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        out[path.name] = extractor.incidents(extractor.analyse(read_document(str(path))))
    return out


@pytest.fixture(scope="module")
def bundled(extractor) -> list[dict]:
    rows = list(csv.DictReader(DEFAULT_INCIDENTS.open(encoding="utf-8")))
    frame = extractor.geocoder.geocode(rows)
    return [dict(row, geometry=geom) for row, geom in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry)]


def same_place(found: dict, wanted: dict) -> bool:
    if found["geometry"] is None or wanted["geometry"] is None:
        return False
    point = Point(wanted["lon"], wanted["lat"])
    if found["geometry"].geom_type in ("Polygon", "MultiPolygon") and wanted["geometry"].geom_type in ("Polygon", "MultiPolygon"):
        return found["geometry"].covers(point) and Point(found["lon"], found["lat"]).within(wanted["geometry"].buffer(0.05))
    return float(geodesic_distance_km(found["lon"], found["lat"], wanted["lon"], wanted["lat"])) <= SAME_PLACE_KM or (
        found["geometry"].geom_type != "Point" and found["geometry"].distance(point) < 0.01)


def test_every_bundled_incident_is_found(extracted, bundled):
    missing = []
    for wanted in bundled:
        found = [r for r in extracted[wanted["seed_file"]] if same_place(r, wanted)]
        if wanted["date"]:
            found = [r for r in found if r["date"] == wanted["date"]]
        if not found:
            missing.append(f"{wanted['id']} ({wanted['place']}, {wanted['date'] or 'undated'})")
    assert missing == []


def test_extracted_incidents_carry_provenance(extracted):
    for name, records in extracted.items():
        text = (SEEDS / name).read_text(encoding="utf-8")
        for r in records:
            assert text[r["quote_start"] : r["quote_end"]] == r["quote"]
            assert r["place"] and text[r["place_start"] : r["place_end"]].split()[-1] in r["place"]
            assert r["source"].endswith(name) and r["type"] and r["event_type"] and r["triggers"]
            assert 0 < r["extraction_confidence"] <= 1
