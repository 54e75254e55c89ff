"""Border distances against exact references, on geometry whose answer is known."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import LineString, Point

from geo.spatial.geodesy import geodesic_distance_km
from geo.spatial.proximity import border_distance, border_index, select_borders


def _aeqd_reference(lon: float, lat: float, lines) -> float:
    """Exact reference: distance from the centre of an azimuthal-equidistant projection (km)."""
    aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    to_local = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    dense = shapely.segmentize(lines, 0.002)
    local = shapely.transform(dense, lambda xy: np.column_stack(to_local.transform(xy[:, 0], xy[:, 1])))
    return shapely.distance(Point(0, 0), local) / 1000.0


@pytest.fixture(scope="module")
def kaz_rus(layers):
    return select_borders(layers.borders, "KAZ-RUS")


def test_points_near_kazakhstan_match_the_aeqd_reference_within_0_1_percent(kaz_rus):
    index = border_index("KAZ-RUS")
    rng = np.random.default_rng(42)
    lon, lat = rng.uniform(46, 62, 60), rng.uniform(46, 55, 60)
    dist, _, _, _ = index.nearest(lon, lat)
    line = kaz_rus.geometry.iloc[0]
    for i in range(len(lon)):
        window = shapely.intersection(line, shapely.box(lon[i] - 25, lat[i] - 15, lon[i] + 25, lat[i] + 15))
        ref = _aeqd_reference(lon[i], lat[i], window)
        assert dist[i] == pytest.approx(ref, rel=1e-3, abs=0.01)


def test_a_point_on_the_border_is_at_zero_and_both_sides_are_positive(kaz_rus, place):
    index = border_index("KAZ-RUS")
    vertex = shapely.get_coordinates(kaz_rus.geometry.iloc[0])[500]
    on, _, _, _ = index.nearest([vertex[0]], [vertex[1]])
    assert on[0] == pytest.approx(0.0, abs=1e-6)
    oral, samara = place("Oral", "KZ"), place("Samara", "RU")
    d, label, blon, blat = index.nearest([oral.x, samara.x], [oral.y, samara.y])
    assert (d > 10).all()
    # The nearest border point is where the distance says it is.
    assert geodesic_distance_km(oral.x, oral.y, blon[0], blat[0]) == pytest.approx(d[0], rel=1e-9)
    assert index.pairs[label[0]] == "KAZ-RUS"


def test_web_mercator_or_degrees_would_be_far_off(kaz_rus, place):
    """Guard the method: the exact answer differs from naive planar answers at these latitudes."""
    oral = place("Oral", "KZ")
    exact = border_distance(gpd.GeoDataFrame(geometry=[oral], crs="EPSG:4326"), "KAZ-RUS")["border_km"].iloc[0]
    mercator = gpd.GeoSeries([oral], crs="EPSG:4326").to_crs(3857).distance(kaz_rus.to_crs(3857).geometry.iloc[0]).iloc[0] / 1000
    assert mercator / exact > 1.3  # web-mercator inflates by ~1/cos(51°)
    assert exact == pytest.approx(_aeqd_reference(oral.x, oral.y, kaz_rus.geometry.iloc[0]), rel=1e-3)


def test_a_line_crossing_the_border_is_at_zero_and_its_far_end_sets_the_max(place):
    oral, samara = place("Oral", "KZ"), place("Samara", "RU")
    frame = gpd.GeoDataFrame(geometry=[LineString([oral, samara])], crs="EPSG:4326")
    out = border_distance(frame, "KAZ-RUS").iloc[0]
    assert out["border_km"] == 0.0
    index = border_index("KAZ-RUS")
    ends, _, _, _ = index.nearest([oral.x, samara.x], [oral.y, samara.y])
    assert out["border_km_max"] >= ends.max() - 1e-6
    assert out["border"] == "KAZ-RUS"


def test_a_region_touching_the_border_has_min_zero_and_a_large_max(layers):
    zap = layers.admin1[layers.admin1["iso_3166_2"] == "KZ-ZAP"]
    out = border_distance(zap[["geometry"]], "KAZ-RUS").iloc[0]
    assert out["border_km"] == 0.0
    assert 150 < out["border_km_max"] < 450


def test_far_away_point_and_restriction_to_one_country(place):
    astana = place("Astana", "KZ")
    frame = gpd.GeoDataFrame(geometry=[astana], crs="EPSG:4326")
    all_borders = border_distance(frame).iloc[0]
    russia_only = border_distance(frame, "KAZ-RUS").iloc[0]
    china_only = border_distance(frame, "CHN-KAZ").iloc[0]
    assert 100 < russia_only["border_km"] < 400
    assert all_borders["border_km"] <= min(russia_only["border_km"], china_only["border_km"]) + 1e-9
    assert china_only["border_km"] > russia_only["border_km"]


def test_antimeridian_and_high_latitudes_are_handled():
    # Borders of Russia only with the USA? none on land; use a synthetic line across the antimeridian.
    line = shapely.MultiLineString([[(179.5, 66.0), (180.0, 66.0)], [(-180.0, 66.0), (-179.5, 66.0)]])
    borders = gpd.GeoDataFrame({"pair": ["AAA-BBB"], "iso3_a": ["AAA"], "iso3_b": ["BBB"], "length_km": [0.0]}, geometry=[line], crs="EPSG:4326")
    index = border_index(None, borders)
    d, _, blon, blat = index.nearest([-179.9, 179.9, 0.0], [67.0, 65.0, 89.9])
    expected_north = geodesic_distance_km(-179.9, 67.0, -179.9, 66.0)
    assert d[0] == pytest.approx(float(expected_north), rel=1e-3)
    assert d[1] == pytest.approx(float(geodesic_distance_km(179.9, 65.0, 179.9, 66.0)), rel=1e-3)
    assert 2_500 < d[2] < 2_700  # from near the pole down to 66°N


def test_selection_errors_name_close_codes(layers):
    from geo._errors import IncmapError

    with pytest.raises(IncmapError, match="KAZ-RUS"):
        select_borders(layers.borders, "KAZ-RSU")
    with pytest.raises(IncmapError, match="unknown border or country code 'QQQ'"):
        select_borders(layers.borders, "QQQ")
    assert set(select_borders(layers.borders, "kz-ru")["pair"]) == {"KAZ-RUS"}
    assert len(select_borders(layers.borders, "KAZ")) == 5


def test_rows_without_geometry_get_missing_values(place):
    frame = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=[place("Oral", "KZ"), None], crs="EPSG:4326")
    out = border_distance(frame)
    assert np.isfinite(out["border_km"].iloc[0]) and np.isnan(out["border_km"].iloc[1])
    assert list(out["id"]) == ["a", "b"]


def test_a_country_footprint_names_the_border_it_shares_most(layers):
    kaz = layers.countries[layers.countries["iso3"] == "KAZ"][["geometry"]]
    out = border_distance(kaz).iloc[0]
    assert out["border_km"] == 0.0 and out["border"] == "KAZ-RUS"  # not a neighbour's border touching at a tripoint


def _brute_force_km(index, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Geodesic km to the closest chord-space point over every segment of the index, all in float64: the answer
    incmap's KD-tree search and float32 ranking must reproduce."""
    from geo.spatial.geodesy import wgs84
    from geo.spatial.proximity import _to_geodetic, ecef

    p = ecef(lon, lat)
    w = p[:, None, :] - index.xyz[None, :, :]
    t = np.clip(np.einsum("ijk,jk->ij", w, index.seg_ab) * index.seg_inv_len2, 0.0, 1.0)
    j = np.argmin(np.linalg.norm(w - t[..., None] * index.seg_ab[None, :, :], axis=2), axis=1)
    rows = np.arange(len(p))
    q = index.xyz[j] + t[rows, j][:, None] * index.seg_ab[j]
    qlon, qlat, _ = _to_geodetic().transform(q[:, 0], q[:, 1], q[:, 2])
    return wgs84().inv(lon, lat, qlon, qlat)[2] / 1000.0


def test_points_a_centimetre_to_ten_kilometres_from_the_border_find_the_nearest_segment_exactly(layers):
    """The float32 ranking and its float64 retry near the border, and the thread pool, give the float64 answer."""
    import geo.spatial.proximity as proximity

    index = border_index("KAZ-KGZ")
    rng = np.random.default_rng(7)
    at = rng.choice(len(index), 300)
    scale = np.repeat([1e-7, 1e-5, 1e-3, 1e-1], 75)  # degrees off a border vertex: 1 cm .. 10 km
    lon, lat = index.lon[at] + rng.normal(0, 1, 300) * scale, index.lat[at] + rng.normal(0, 1, 300) * scale
    truth = _brute_force_km(index, lon, lat)
    chunk, threads = proximity.CHUNK, proximity.THREADS
    try:
        proximity.CHUNK = 50
        answers = []
        for proximity.THREADS in (1, 2):
            answers.append(index.nearest(lon, lat)[0])
    finally:
        proximity.CHUNK, proximity.THREADS = chunk, threads
    np.testing.assert_array_equal(answers[0], answers[1])
    np.testing.assert_allclose(answers[0], truth, rtol=1e-9, atol=1e-9)  # km: a micrometre


def test_far_points_find_the_nearest_segment_exactly(layers):
    """Points up to 2,000 km from a border are proven with the Pythagorean bound (a segment's nearer end is within
    sqrt(d^2 + (L/2)^2)), which stops far sooner than the triangle bound: the answer must still be the brute force's."""
    index = border_index("KAZ-KGZ")
    rng = np.random.default_rng(11)
    lon, lat = rng.uniform(40, 110, 400), rng.uniform(25, 65, 400)
    truth = _brute_force_km(index, lon, lat)
    assert truth.max() > 1500 and np.median(truth) > 300  # mostly far from the border
    np.testing.assert_allclose(index.nearest(lon, lat)[0], truth, rtol=1e-9, atol=1e-9)


def test_search_goes_past_a_cluster_of_vertices_to_the_segment_it_hides():
    """A point faces the middle of a long segment (its ends ~1.4 km away) while a tight arc of vertices of another
    line sits ~1.3 km away: the k nearest vertices are all the arc's, so only the proof bound makes the search go on
    to the long segment, ~1.1 km away."""
    import geopandas as gpd
    from shapely.geometry import LineString

    from geo.spatial.proximity import BorderIndex

    angles = np.radians(np.linspace(60, 120, 40))
    arc = LineString(np.column_stack([10.01 + 0.012 * np.cos(angles), 0.01 + 0.012 * np.sin(angles)]))
    borders = gpd.GeoDataFrame({"pair": ["AAA-BBB", "CCC-DDD"]}, geometry=[LineString([(10.0, 0.0), (10.02, 0.0)]), arc], crs="EPSG:4326")
    index = BorderIndex(borders)
    d, label, qlon, qlat = index.nearest([10.01], [0.01])
    assert index.pairs[int(label[0])] == "AAA-BBB" and abs(qlon[0] - 10.01) < 1e-6 and abs(qlat[0]) < 1e-6
    assert d[0] == pytest.approx(_brute_force_km(index, np.array([10.01]), np.array([0.01]))[0], abs=1e-9)
