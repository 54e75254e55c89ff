"""The borders a map highlights by default (geo.maps.borders) and the band counts against them (geo.spatial.query):
which borders incidents are near, ``none`` and explicit selections, counts once per band, and the page they give.

Incidents are points this file places at a known distance from a border (stepped at right angles from the border's
vertices and measured with the exact proximity engine), plus geocoded regions and routes.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from test_maps import geocoded, geocoder

from geo._errors import IncmapError
from geo.maps import MapOptions, map_html
from geo.maps.borders import NAMED_MAX, Highlight, choose_borders
from geo.spatial import query as q
from geo.spatial.proximity import border_index, select_borders

GEOD = Geod(ellps="WGS84")
BANDS = (25.0, 50.0, 100.0)
#: Central Kazakhstan: about 500 km from the nearest land border (KAZ-UZB).
FAR_LON_LAT = (67.0, 48.0)


def borders():
    return geocoder().layers.borders


@functools.cache
def point_near(pair: str, km: float, tol_km: float = 1.0) -> tuple[float, float]:
    """A point ``km`` (within ``tol_km``) from border ``pair`` whose nearest land border it is, stepped at right angles
    from one of the border's middle vertices (either side) and measured against every border."""
    everything = border_index()
    line = select_borders(borders(), pair).geometry.iloc[0]
    for part in sorted(shapely.get_parts(line), key=lambda p: -p.length):
        xy = shapely.get_coordinates(part)
        for i in range(len(xy) // 4, 3 * len(xy) // 4, max(1, len(xy) // 100)):
            az = GEOD.inv(xy[i - 3, 0], xy[i - 3, 1], xy[i + 3, 0], xy[i + 3, 1])[0]
            for side in (90.0, -90.0):
                lon, lat, _ = GEOD.fwd(xy[i, 0], xy[i, 1], az + side, km * 1000.0)
                dist, label, _, _ = everything.nearest([lon], [lat])
                if everything.pairs[int(label[0])] == pair and abs(dist[0] - km) <= tol_km:
                    return float(lon), float(lat)
    pytest.fail(f"no point {km} km from {pair}")


def near_tripoint(a: str, b: str, lo_km: float = 5.0, hi_km: float = 20.0) -> tuple[float, float]:
    """A point between ``lo_km`` and ``hi_km`` from both borders ``a`` and ``b`` (near where they meet) whose nearest
    land border is one of them (not a third border meeting there)."""
    meet = shapely.intersection(select_borders(borders(), a).geometry.iloc[0], select_borders(borders(), b).geometry.iloc[0])
    x0, y0 = shapely.get_coordinates(meet)[0]
    gx, gy = np.meshgrid(np.linspace(x0 - 0.4, x0 + 0.4, 17), np.linspace(y0 - 0.3, y0 + 0.3, 13))
    da = border_index(a).nearest(gx.ravel(), gy.ravel())[0]
    db = border_index(b).nearest(gx.ravel(), gy.ravel())[0]
    everything = border_index()
    nearest = np.array([everything.pairs[i] for i in everything.nearest(gx.ravel(), gy.ravel())[1]])
    ok = np.flatnonzero((da >= lo_km) & (da <= hi_km) & (db >= lo_km) & (db <= hi_km) & np.isin(nearest, [a, b]))
    assert len(ok), f"no point {lo_km}-{hi_km} km from both {a} and {b} whose nearest border is one of them"
    return float(gx.ravel()[ok[0]]), float(gy.ravel()[ok[0]])


def records(*points: tuple[str, tuple[float, float]]) -> list[dict]:
    """Point incidents with given coordinates, one per (id, (lon, lat))."""
    return [{"id": name, "lon": lon, "lat": lat, "date": "2024-05-01", "type": "protest", "title": name} for name, (lon, lat) in points]


def frame_of(*points: tuple[str, tuple[float, float]]):
    """The incidents geocoded and measured against every land border, as ``incmap map`` does by default."""
    return geocoded(records(*points), border=None)


# --------------------------------------------------------------------------- which borders are chosen


def test_nearest_borders_within_the_widest_band_are_chosen():
    frame = frame_of(("kaz", point_near("KAZ-RUS", 10.0)), ("ukr", point_near("RUS-UKR", 30.0)))
    assert list(frame["border"]) == ["KAZ-RUS", "RUS-UKR"]
    assert abs(frame["border_km"].iloc[0] - 10.0) <= 1.0 and abs(frame["border_km"].iloc[1] - 30.0) <= 1.0
    chosen = choose_borders(frame, borders(), None, BANDS)
    assert chosen.pairs == ("KAZ-RUS", "RUS-UKR") and chosen.near == (("KAZ-RUS", 1), ("RUS-UKR", 1))
    assert chosen.describe() == ("borders near incidents highlighted (nearest land border within 100 km): "
                                 "KAZ-RUS (1 incident), RUS-UKR (1 incident)")  # fmt: skip
    narrow = choose_borders(frame, borders(), None, (5.0, 20.0))  # the 30 km incident is beyond the widest band
    assert narrow.pairs == ("KAZ-RUS",) and narrow.within_km == 20.0


def test_an_incident_far_from_every_border_chooses_none():
    frame = frame_of(("far", FAR_LON_LAT))
    assert frame["border_km"].iloc[0] > 450
    chosen = choose_borders(frame, borders(), None, BANDS)
    assert chosen.pairs == () and not chosen.off
    assert chosen.describe() == "no border highlighted (no incident within 100 km of a land border)"
    page = map_html(frame, geocoder().layers, MapOptions())
    assert "No incident within 100 km of a land border: no border highlighted" in page
    assert "Within " not in page and "#d7191c" not in page


def test_country_level_and_unresolved_incidents_choose_no_border():
    frame = geocoded([{"id": "country", "place": "Kazakhstan"}, {"id": "lost", "place": "xqzzyv blorf"}], border=None)
    assert frame["where_prec"].iloc[0] == 6 and frame["border_km"].iloc[0] == 0.0  # touches every Kazakh border
    assert frame["status"].iloc[1] == "unresolved"
    assert choose_borders(frame, borders(), None, BANDS).pairs == ()


def test_regions_and_routes_are_near_the_border_they_reach():
    frame = geocoded([{"id": "zap", "place": "West Kazakhstan region", "country": "KAZ"},
                      {"id": "route", "place": "Oral–Aksay highway", "country": "KAZ"}], border=None)  # fmt: skip
    assert list(frame["where_prec"]) == [4, 5]
    assert choose_borders(frame, borders(), None, BANDS).near == (("KAZ-RUS", 2),)


def test_explicit_selection_and_none():
    frame = frame_of(("kaz", point_near("KAZ-RUS", 10.0)))
    assert choose_borders(frame, borders(), " None ", BANDS) == Highlight(off=True)
    assert choose_borders(frame, borders(), "none", BANDS).describe() == "no border highlighted (border: none)"
    pair = choose_borders(frame, borders(), "rus-kaz", BANDS)
    assert (pair.pairs, pair.selection, pair.label, pair.describe()) == (("KAZ-RUS",), "RUS-KAZ", "RUS-KAZ", "border highlighted: KAZ-RUS (RUS-KAZ)")
    country = choose_borders(frame, borders(), "KAZ", BANDS)
    assert country.pairs == ("CHN-KAZ", "KAZ-KGZ", "KAZ-RUS", "KAZ-TKM", "KAZ-UZB") and country.label == "KAZ"
    with pytest.raises(IncmapError, match="unknown border or country code 'QQQ'"):
        choose_borders(frame, borders(), "QQQ", BANDS)


def test_many_borders_are_named_then_counted():
    pairs = tuple(f"AA{i}-BB{i}" for i in range(NAMED_MAX + 3))
    many = Highlight(pairs, near=tuple((p, 1) for p in pairs), within_km=100.0)
    assert many.names == ", ".join(pairs[: NAMED_MAX - 1]) + " and 4 more"
    assert many.label == "a highlighted border" and Highlight(pairs[:1], near=((pairs[0], 2),)).label == pairs[0]


# --------------------------------------------------------------------------- band counts


def test_an_incident_near_two_highlighted_borders_counts_once_per_band():
    tri = near_tripoint("BLR-RUS", "RUS-UKR")
    frame = frame_of(("tri", tri), ("blr", point_near("BLR-RUS", 15.0)), ("ukr", point_near("RUS-UKR", 30.0)))
    chosen = choose_borders(frame, borders(), None, BANDS)
    assert chosen.pairs == ("BLR-RUS", "RUS-UKR")
    counts = q.band_counts(frame, BANDS, ",".join(chosen.pairs), borders())
    assert counts.rows == ((25.0, 2, 0), (50.0, 3, 0), (100.0, 3, 0)) and counts.not_counted == 0


def test_band_counts_reuse_measured_distances_only_where_exact():
    """Counts from the frame's own distances (measured to every border) equal a fresh measurement to the highlighted
    borders, for points, a region, a route and a "near X" circle, and equal ``within_border_km`` band by band."""
    points = frame_of(("kaz", point_near("KAZ-RUS", 10.0)), ("ukr", point_near("RUS-UKR", 30.0)), ("far", FAR_LON_LAT))
    areas = geocoded([{"id": "zap", "place": "West Kazakhstan region", "country": "KAZ"},
                      {"id": "route", "place": "Oral–Aksay highway", "country": "KAZ"},
                      {"id": "circle", "place": "near Aktau"}, {"id": "kharkiv", "place": "Kharkiv region", "country": "UKR"},
                      {"id": "country", "place": "Kazakhstan"}], border=None)  # fmt: skip
    frame = pd.concat([points, areas], ignore_index=True)
    chosen = choose_borders(frame, borders(), None, BANDS)
    assert set(chosen.pairs) == {"KAZ-RUS", "RUS-UKR"}
    selection = ",".join(chosen.pairs)
    reused = q.band_counts(frame, BANDS, selection, borders())
    fresh = q.band_counts(frame.drop(columns=["border", "border_km", "border_km_max"]), BANDS, selection, borders())
    assert reused == fresh and reused.not_counted == 1
    for km, certain, possible in reused.rows:
        within = q.within_border_km(frame, km, selection).frame["within"]
        assert (certain, possible) == (int((within == "certain").sum()), int((within == "possible").sum())), km
    assert reused.rows[0][1] + reused.rows[0][2] >= 3  # the 10 km point, the region and the route reach 25 km


# --------------------------------------------------------------------------- the map


def _layer_names(page: str) -> list[str]:
    """Overlay names in the page's layer control."""
    found = re.search(r"overlays :\s*\{(.*?)\},", page, re.DOTALL)
    assert found, "no layer control"
    return re.findall(r'"([^"]+)" :', found.group(1))


def test_default_map_highlights_bands_and_counts_the_borders_near_incidents():
    frame = frame_of(("kaz", point_near("KAZ-RUS", 10.0)), ("ukr", point_near("RUS-UKR", 30.0)), ("far", FAR_LON_LAT))
    page = map_html(frame, geocoder().layers, MapOptions(offline=True))
    names = _layer_names(page)
    assert [n for n in names if n.startswith(("Within", "Borders near", "Queried"))] == [
        "Within 100 km of KAZ-RUS, RUS-UKR", "Within 50 km of KAZ-RUS, RUS-UKR", "Within 25 km of KAZ-RUS, RUS-UKR",
        "Borders near incidents: KAZ-RUS, RUS-UKR"]  # fmt: skip
    assert "<b>Borders near incidents</b> (nearest land border within 100 km; incidents): KAZ-RUS (1), RUS-UKR (1)" in page
    lines = re.findall(r"<div>Within ([\d.]+) km of a highlighted border: (\d+) certain, (\d+) possible</div>", page)
    assert lines == [("25", "1", "0"), ("50", "2", "0"), ("100", "2", "0")]
    assert "0 country-level or unresolved not counted" in page
    assert page == map_html(frame.copy(), geocoder().layers, MapOptions(offline=True))  # byte-identical


def test_border_none_map_has_plain_borders_only():
    frame = frame_of(("kaz", point_near("KAZ-RUS", 10.0)))
    page = map_html(frame, geocoder().layers, MapOptions(border="none"))
    names = _layer_names(page)
    assert "International borders" in names and not [n for n in names if n.startswith(("Within", "Borders near", "Queried"))]
    assert "#d7191c" not in page and "Within " not in page and "incmap-borders" not in page
    assert page != map_html(frame, geocoder().layers, MapOptions())


def test_one_border_near_incidents_is_named_in_the_counts():
    frame = frame_of(("kaz", point_near("KAZ-RUS", 10.0)))
    page = map_html(frame, geocoder().layers, MapOptions())
    assert "<div>Within 25 km of KAZ-RUS: 1 certain, 0 possible</div>" in page and "Borders near incidents: KAZ-RUS" in page
