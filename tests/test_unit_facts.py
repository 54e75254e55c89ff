"""Places' admin-1 units and units' uncertainty radii read from the user cache give the answers found one by one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bench_geocode import make_places

from geo import settings
from geo.geocoding import Geocoder, unit_facts


@pytest.fixture()
def cache(geocoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty user cache for the facts, the gazetteer being mapped from the usual one first (not rebuilt)."""
    assert geocoder.gaz.store is not None
    monkeypatch.setattr(settings, "CACHE_DIR", tmp_path)
    return tmp_path


def test_facts_are_what_the_lookups_find(geocoder, cache):
    lookup = geocoder.lookup
    facts = unit_facts.load(lookup)
    assert facts is not None and len(list(cache.glob("unit-facts-*.npz"))) == 1
    rows = np.random.default_rng(4).choice(len(geocoder.gaz), 3000, replace=False)
    assert facts.place_admin1[rows].tolist() == lookup.admin1_of(geocoder.gaz.lon[rows], geocoder.gaz.lat[rows]).tolist()
    assert (facts.place_admin1 >= 0).mean() > 0.95  # most places lie in a unit
    kaz = lookup.country_codes["KAZ"]
    assert 800 < facts.uncertainty["country"][kaz] < 2000  # Kazakhstan: ~1,500 km from its point to its far corner
    assert np.all(facts.uncertainty["admin1"] > 0)
    for source, count in (("admin1", len(lookup.admin1_names)), ("country", len(lookup.country_iso3))):
        for row in range(0, count, 7):
            point = lookup.unit_footprint(source, row)[1]
            assert facts.point_admin1[source][row] == lookup.admin1_at(point.x, point.y), (source, row)


def test_facts_are_read_back_and_rebuilt_when_torn(geocoder, cache, monkeypatch: pytest.MonkeyPatch):
    first = unit_facts.load(geocoder.lookup)
    monkeypatch.setattr(unit_facts, "compute", lambda lookup: pytest.fail("computed again"))
    again = unit_facts.load(geocoder.lookup)
    assert np.array_equal(again.place_admin1, first.place_admin1)
    assert np.array_equal(again.uncertainty["admin1"], first.uncertainty["admin1"])
    assert np.array_equal(again.point_admin1["country"], first.point_admin1["country"])
    monkeypatch.undo()
    (path,) = cache.glob("unit-facts-*.npz")
    path.write_bytes(path.read_bytes()[:1000])
    torn = unit_facts.load(geocoder.lookup)
    assert np.array_equal(torn.place_admin1, first.place_admin1)


def test_no_facts_for_a_gazetteer_built_in_memory(layers, cache):
    from geo.gazetteer.index import build_gazetteer
    from geo.gazetteer.sources import PlaceRow

    rows = [PlaceRow("user:t:1", "Testovo", (), 51.2, 51.4, "KZ", "", "P", "PPL", 100)]
    geocoder = Geocoder(layers, gazetteer=build_gazetteer([("t", rows)], progress=False))
    assert unit_facts.load(geocoder.lookup) is None and not list(cache.glob("unit-facts-*"))


def test_bulk_answers_with_facts_equal_those_without(geocoder, layers, cache, monkeypatch: pytest.MonkeyPatch):
    gaz = geocoder.gaz
    places = make_places(Geocoder(layers, gazetteer=gaz), 1500, seed=17) + ["Kazakhstan", "near Aktau", "Mangystau region"]
    records = [{"id": i, "place": p} for i, p in enumerate(places)]
    with_facts = Geocoder(layers, gazetteer=gaz)
    with_facts.lookup.ready_for_bulk()
    assert with_facts.lookup._facts is not None
    monkeypatch.setattr(unit_facts, "load", lambda lookup: None)
    without = Geocoder(layers, gazetteer=gaz)
    without.lookup.ready_for_bulk()
    assert without.lookup._facts is None
    a, b = with_facts.geocode(records, progress=False), without.geocode(records, progress=False)
    pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
    assert a.geometry.to_wkb().tolist() == b.geometry.to_wkb().tolist()
    assert (a["precision"] == "region (admin-1)").sum() > 50 and (a["uncertainty_km"] > 0).sum() > 300
