"""Map HTML without a browser: determinism, offline/online assets, escaping, empty input, fragments,
geodesic bands, the point-drawing mode chosen by size, and the summary box's band counts.

Synthetic incidents are random points in a box around Kazakhstan (benchmark-style data, not places);
points at a known distance from the KAZ-RUS border are derived from the border's own vertices and
their distance is measured with the exact proximity engine. The helpers here are also used by
``test_maps_browser.py``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html as html_lib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from synthetic import BOX, TYPES, synthetic_records  # noqa: F401  (re-exported for the browser tests)

from geo import settings
from geo.geocoding import Geocoder
from geo.io import read_records
from geo.maps import CLUSTER_MAX, MARKERS_MAX, MapOptions, build_map, fragment_html, map_html
from geo.maps.bands import geodesic_buffer
from geo.maps.offline import assert_offline
from geo.spatial.proximity import border_distance, border_index, select_borders

ROOT = Path(__file__).resolve().parent.parent
GEOD = Geod(ellps="WGS84")
SCRIPT_PAYLOAD = "<script>alert(1)</script>"
IMG_PAYLOAD = '"><img src=x onerror=alert(1)>'


# --------------------------------------------------------------------------- shared helpers


@functools.lru_cache(maxsize=1)
def geocoder() -> Geocoder:
    return Geocoder()


def geocoded(records: list[dict], border: str | None = "KAZ-RUS") -> gpd.GeoDataFrame:
    """Records geocoded the way ``incmap map`` does it, with border distances."""
    return border_distance(geocoder().geocode(records), border)


@functools.lru_cache(maxsize=1)
def bundled_records() -> tuple[dict, ...]:
    return tuple(read_records(settings.DEFAULT_INCIDENTS).records)


@functools.lru_cache(maxsize=1)
def bundled_frame() -> gpd.GeoDataFrame:
    return geocoded([dict(r) for r in bundled_records()])


def kaz_rus_line():
    return shapely.union_all(select_borders(geocoder().layers.borders, "KAZ-RUS").geometry.values)


def exact_border_km(lon, lat) -> np.ndarray:
    """Distance (km) to the KAZ-RUS border from the exact proximity engine."""
    return border_index("KAZ-RUS").nearest(np.atleast_1d(lon), np.atleast_1d(lat))[0]


def perpendicular_points(distances_km: tuple[float, ...], count: int, tol_km: float = 0.5) -> list[list[tuple[float, float, float]]]:
    """``count`` sets of points, each set stepping away from one border vertex at right angles to the border (either
    side), the step lengths adjusted (a few secant steps) until the exact distance of each point is its target; a set
    is kept only if every point ends within ``tol_km`` of its target. Returns [[(lon, lat, exact_km) per distance], ...]."""
    targets = np.asarray(distances_km, dtype=float)
    found = []
    for part in shapely.get_parts(kaz_rus_line()):
        xy = shapely.get_coordinates(part)
        for i in range(10, len(xy) - 10, max(1, len(xy) // 200)):
            az = GEOD.inv(xy[i - 5, 0], xy[i - 5, 1], xy[i + 5, 0], xy[i + 5, 1])[0]
            for side in (90.0, -90.0):
                step = targets.copy()
                for _ in range(4):
                    lons, lats, _ = GEOD.fwd(np.full(len(targets), xy[i, 0]), np.full(len(targets), xy[i, 1]),
                                             np.full(len(targets), az + side), step * 1000.0)  # fmt: skip
                    exact = exact_border_km(lons, lats)
                    step = step + (targets - exact)
                if np.all(np.abs(exact - targets) <= tol_km):
                    found.append([(float(a), float(b), float(c)) for a, b, c in zip(lons, lats, exact)])
                if len(found) >= count:
                    return found
    assert len(found) >= count, f"only {len(found)} usable border vertices for {distances_km}"
    return found


# --------------------------------------------------------------------------- determinism


def test_map_html_is_byte_identical_for_same_input():
    frame = bundled_frame()
    options = MapOptions(title="t", border="KAZ-RUS", offline=True)
    first = map_html(frame, geocoder().layers, options)
    second = map_html(frame.copy(), geocoder().layers, MapOptions(title="t", border="KAZ-RUS", offline=True))
    assert first == second
    assert len(first) > 100_000


_SUBPROCESS = """
import hashlib, sys
from geo import settings
from geo.geocoding import Geocoder
from geo.maps import MapOptions, map_html
from geo.spatial.proximity import border_distance
from geo.io import read_records
g = Geocoder()
records = read_records(settings.DEFAULT_INCIDENTS).records
frame = border_distance(g.geocode(records), "KAZ-RUS")
page = map_html(frame, g.layers, MapOptions(title="t", border="KAZ-RUS", offline=True))
default = map_html(border_distance(g.geocode(records)), g.layers, MapOptions(title="t", offline=True))
sys.stdout.write(hashlib.sha256(page.encode()).hexdigest() + " " + hashlib.sha256(default.encode()).hexdigest())
"""


def test_map_html_is_byte_identical_across_processes():
    """With the border asked for, and with the default borders (chosen from the incidents)."""
    digests = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        proc = subprocess.run([sys.executable, "-c", _SUBPROCESS], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
        assert proc.returncode == 0, proc.stderr
        digests.append(proc.stdout.strip())
    here = hashlib.sha256(map_html(bundled_frame(), geocoder().layers, MapOptions(title="t", border="KAZ-RUS", offline=True)).encode())
    default = map_html(geocoded([dict(r) for r in bundled_records()], border=None), geocoder().layers, MapOptions(title="t", offline=True))
    assert "Borders near incidents: BLR-RUS, KAZ-RUS, MDA-UKR, RUS-UKR" in default
    assert digests[0] == digests[1] == f"{here.hexdigest()} {hashlib.sha256(default.encode()).hexdigest()}"


@pytest.mark.parametrize(
    "changed",
    [
        MapOptions(title="other", border="KAZ-RUS"),
        MapOptions(title="t", border=None),
        MapOptions(title="t", border="none"),
        MapOptions(title="t", border="KAZ-RUS", bands=(10.0, 20.0)),
        MapOptions(title="t", border="KAZ-RUS", offline=True),
    ],  # fmt: skip
    ids=["title", "border", "no-border", "bands", "offline"],
)
def test_map_html_differs_when_options_differ(changed):
    frame = bundled_frame()
    base = map_html(frame, geocoder().layers, MapOptions(title="t", border="KAZ-RUS"))
    assert map_html(frame, geocoder().layers, changed) != base


def test_map_html_differs_when_data_differ():
    frame = bundled_frame()
    other = frame.copy()
    other.loc[other.index[0], "title"] = "A different title"
    options = MapOptions(title="t", border="KAZ-RUS")
    first, second = map_html(frame, geocoder().layers, options), map_html(other, geocoder().layers, options)
    assert "A different title" in second and "A different title" not in first


# --------------------------------------------------------------------------- offline / online


def test_offline_html_fetches_nothing():
    page = map_html(bundled_frame(), geocoder().layers, MapOptions(border="KAZ-RUS", offline=True))
    assert assert_offline(page) == []
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", page, re.IGNORECASE)
    assert not re.search(r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//", page, re.IGNORECASE)
    assert "openstreetmap" not in page.lower()
    assert 'data-incmap-asset="leaflet@' in page  # leaflet itself is inlined


def test_online_html_uses_cdn_leaflet_and_tiles():
    page = map_html(bundled_frame(), geocoder().layers, MapOptions(border="KAZ-RUS"))
    assert re.search(r'<script src="https://cdn\.jsdelivr\.net/npm/leaflet@[\d.]+/dist/leaflet\.js"></script>', page)
    assert re.search(r'<link rel="stylesheet" href="https://cdn\.jsdelivr\.net/npm/leaflet@[\d.]+/dist/leaflet\.css"/>', page)
    external = assert_offline(page)
    assert any("leaflet.js" in u for u in external) and any("tile.openstreetmap.org/{z}/{x}/{y}" in u for u in external), external


# --------------------------------------------------------------------------- escaping


def _hostile_records() -> list[dict]:
    """Markup in every text field, on point footprints (given coordinates) and on a region footprint."""
    (a, b) = synthetic_records(2, seed=7, prefix="xss")
    return [
        {**a, "title": SCRIPT_PAYLOAD, "description": IMG_PAYLOAD, "place": f"{SCRIPT_PAYLOAD} {IMG_PAYLOAD}", "type": SCRIPT_PAYLOAD},
        {**b, "title": IMG_PAYLOAD, "description": SCRIPT_PAYLOAD, "place": IMG_PAYLOAD, "source": SCRIPT_PAYLOAD},
        {
            "id": "xss-region",
            "place": "West Kazakhstan region",
            "country": "KAZ",
            "title": SCRIPT_PAYLOAD,
            "description": IMG_PAYLOAD,
            "date": "2024-01-02",
            "type": "protest",
        },  # fmt: skip
    ]


def _benign(records: list[dict]) -> list[dict]:
    return [{k: ("plain text" if isinstance(v, str) and ("<" in v or ">" in v) else v) for k, v in r.items()} for r in records]


@pytest.mark.parametrize("filler", [0, CLUSTER_MAX + 1], ids=["markers", "canvas"])
def test_record_text_is_escaped(filler):
    hostile = _hostile_records() + synthetic_records(filler, seed=3)
    frame = geocoded(hostile)
    assert frame.loc[frame["id"] == "xss-region", "geometry"].iloc[0].geom_type in ("Polygon", "MultiPolygon")
    page = map_html(frame, geocoder().layers, MapOptions(title=SCRIPT_PAYLOAD, border="KAZ-RUS", offline=True))
    plain = map_html(geocoded(_benign(hostile)), geocoder().layers, MapOptions(title="plain text", border="KAZ-RUS", offline=True))
    assert SCRIPT_PAYLOAD not in page
    assert "<img src=x" not in page and "onerror=alert(1)>" not in page
    # the payloads add no element of their own: as many <script and <img tags as with plain text
    for tag in ("<script", "<img", "<iframe"):
        assert page.lower().count(tag) == plain.lower().count(tag), tag
    # ...and are there, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # summary box title and legend (type), region popup
    if filler:
        assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in page  # canvas popup columns (JSON)
        assert '\\"\\u003e\\u003cimg src=x onerror=alert(1)\\u003e' in page
    else:
        assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page  # marker popups


# --------------------------------------------------------------------------- empty input and fragments


def test_empty_record_set_renders_page_with_note():
    frame = geocoded([])
    assert len(frame) == 0
    page = map_html(frame, geocoder().layers, MapOptions(border="KAZ-RUS", offline=True))
    assert page.lstrip().startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<div class='incmap-empty'><b>No incidents</b> in this record set.</div>" in page
    assert "0 incidents, 0 located" in page
    assert "window.incmapIncidentCount" in page and "L.map(" in page
    assert assert_offline(page) == []


def test_fragment_is_iframe_whose_srcdoc_is_the_page():
    page = map_html(bundled_frame(), geocoder().layers, MapOptions(border="KAZ-RUS", offline=True))
    fragment = fragment_html(page, height_px=450)
    match = re.fullmatch(r'<iframe ([^>]*) srcdoc="([^"]*)"></iframe>\n', fragment)
    assert match, fragment[:300]
    assert html_lib.unescape(match.group(2)) == page
    assert 'sandbox="allow-scripts allow-popups"' in match.group(1) and "allow-same-origin" not in fragment
    assert "height:450px" in match.group(1)
    assert fragment.count("<") == 2 and fragment.count(">") == 2  # all of the page's markup is escaped


# --------------------------------------------------------------------------- layers drawn


@pytest.mark.parametrize("box", [(45.0, 40.0, 60.0, 52.0), (-20.0, -40.0, 150.0, 75.0), (60.5, 50.2, 60.9, 50.4),
                                 (-40.0, -30.0, -30.0, -20.0), (170.0, -20.0, 180.0, 0.0)])  # fmt: skip
@pytest.mark.parametrize("name", ["admin1", "countries", "borders"])
def test_layer_clipped_to_a_view_is_what_its_whole_frame_gives(layers, name, box):
    """The rows drawn over a view, found by their outlines' boxes, are those whose outlines meet it (as the whole
    frame tested outline by outline finds them), with the same ids, values and clipped outlines: a region, a wide
    view, a box inside one country, open sea (none) and one at the antimeridian."""
    from geo.maps.builder import _clip
    from geo.maps.geometry import clipped_for_display, display_tolerance

    table, columns = getattr(layers, f"{name}_table"), {"admin1": ["name_en", "iso3"], "countries": ["iso3", "name"], "borders": ["pair", "length_km"]}[name]
    extent = shapely.box(*box)
    frame = table.frame()
    inside = np.flatnonzero(frame.intersects(extent).to_numpy())
    shown = clipped_for_display(table.display_geometries(inside), extent, display_tolerance(extent))
    expected = inside[~shapely.is_empty(shown)]
    got = _clip(table, columns, extent)
    assert got.index.tolist() == expected.tolist()
    pd.testing.assert_frame_equal(got[columns], frame.loc[expected, columns], check_dtype=False, check_index_type=False)
    assert bool(shapely.equals_exact(got.geometry.values, shown[~shapely.is_empty(shown)], 0).all())
    if box[0] == -40.0:
        assert got.empty


# --------------------------------------------------------------------------- geodesic bands


def test_geodesic_buffer_50km_contains_40km_and_excludes_60km():
    band = geodesic_buffer(kaz_rus_line(), 50.0)
    for inside, outside in perpendicular_points((40.0, 60.0), count=12, tol_km=1.0):
        assert band.contains(shapely.Point(inside[:2])), f"{inside} ({inside[2]:.2f} km) should be inside the 50 km band"
        assert not band.contains(shapely.Point(outside[:2])), f"{outside} ({outside[2]:.2f} km) should be outside the 50 km band"


@pytest.mark.parametrize("km", [25.0, 50.0, 100.0])
def test_geodesic_buffer_edge_is_within_a_kilometre(km):
    """The band is for display, but its edge should sit within 1 km of the true line at ``km``."""
    band = geodesic_buffer(kaz_rus_line(), km)
    for inside, outside in perpendicular_points((km - 1.0, km + 1.0), count=25, tol_km=0.05):
        assert band.contains(shapely.Point(inside[:2])), inside
        assert not band.contains(shapely.Point(outside[:2])), outside


# --------------------------------------------------------------------------- drawing mode by size


def _mode(page: str) -> str:
    canvas = "incmapCanvasCount" in page
    cluster = "L.markerClusterGroup(" in page
    assert not (canvas and cluster)
    return "canvas" if canvas else "cluster" if cluster else "markers"


@pytest.mark.parametrize("n, mode", [(10, "markers"), (MARKERS_MAX, "markers"), (MARKERS_MAX + 1, "cluster"), (500, "cluster"),
                                     (CLUSTER_MAX, "cluster"), (CLUSTER_MAX + 1, "canvas"), (5000, "canvas")])  # fmt: skip
def test_point_mode_by_size(n, mode):
    frame = geocoded(synthetic_records(n, seed=n))
    assert (frame.geometry.geom_type == "Point").sum() == n
    page = map_html(frame, geocoder().layers, MapOptions(border="KAZ-RUS"))
    assert _mode(page) == mode
    assert page.count("L.marker(") == (0 if mode == "canvas" else n)
    if mode == "canvas":
        data = canvas_data(page)
        assert data["records"]["n"] == n
        lon, lat = unpack(data["lon"]) / data["scale"], unpack(data["lat"]) / data["scale"]
        assert np.abs(lon - frame.geometry.x.to_numpy()).max() <= 0.5e-5 and np.abs(lat - frame.geometry.y.to_numpy()).max() <= 0.5e-5
        assert "many points: drawn on a canvas" in page


def canvas_data(page: str) -> dict:
    """The canvas layer's data object as the page receives it."""
    found = re.search(r"var d = (\{[^\n]*?\}), map = \w+, R = ", page)
    assert found, "no canvas layer data in the page"
    return json.loads(found.group(1))


def unpack(column: dict) -> np.ndarray:
    """A packed integer column (base64, little-endian) as numbers."""
    return np.frombuffer(base64.b64decode(column["b64"]), dtype=np.dtype({"Int8": "i1", "Int16": "i2", "Int32": "i4"}[column["dtype"]]).newbyteorder("<"))


# --------------------------------------------------------------------------- summary box


def test_summary_box_counts_within_bands():
    sets = perpendicular_points((10.0, 30.0, 60.0, 150.0), count=4, tol_km=1.0)
    points = [sets[i][i] for i in range(4)]  # each distance from a different border vertex
    route_start, route_end = perpendicular_points((10.0, 40.0), count=3, tol_km=1.0)[2]
    records = [{"id": f"p{i}", "lat": lat, "lon": lon, "date": "2024-03-01", "type": "protest", "title": f"at {km:.1f} km"}
               for i, (lon, lat, km) in enumerate(points)]  # fmt: skip
    records += [{"id": "route", "lat": route_start[1], "lon": route_start[0], "title": "route"},
                {**synthetic_records(1, seed=11)[0], "id": "country", "title": "country-wide"},
                {"id": "lost", "place": "xqzzyv blorf", "title": "not found"}]  # fmt: skip
    frame = geocoder().geocode(records)
    geoms = list(frame.geometry)
    geoms[4] = shapely.LineString([route_start[:2], route_end[:2]])
    kaz = geocoder().layers.countries
    geoms[5] = kaz.loc[kaz["iso3"] == "KAZ", "geometry"].iloc[0]
    frame = frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs="EPSG:4326"))
    frame["where_prec"] = frame["where_prec"].astype("Int64")
    frame.loc[frame.index[4], "where_prec"], frame.loc[frame.index[5], "where_prec"] = 5, 6
    frame = border_distance(frame, "KAZ-RUS")
    assert frame.loc[frame.index[6], "status"] == "unresolved"
    route = frame.iloc[4]
    assert 8.5 < route["border_km"] < 11 and 38.5 < route["border_km_max"] < 41, (route["border_km"], route["border_km_max"])

    page = map_html(frame, geocoder().layers, MapOptions(border="KAZ-RUS", bands=(100.0, 25.0, 50.0)))
    lines = re.findall(r"<div>Within ([\d.]+) km of KAZ-RUS: (\d+) certain, (\d+) possible</div>", page)
    # 25 km: the 10 km point; the 10-40 km route only possibly. 50 km: + the 30 km point and the route. 100 km: + the 60 km point.
    assert lines == [("25", "1", "1"), ("50", "3", "0"), ("100", "4", "0")]
    assert "2 country-level or unresolved not counted" in page
    assert "7 incidents, 6 located" in page


# --------------------------------------------------------------------------- uncertainty


def test_point_with_uncertainty_gets_a_geodesic_circle_and_a_popup_row():
    frame = geocoded(synthetic_records(3, seed=17)).copy()
    frame["uncertainty_km"] = [0.0, 20.0, np.nan]
    fmap = build_map(frame, geocoder().layers, MapOptions())
    (group,) = [c for c in fmap._children.values() if getattr(c, "layer_name", None) == "Uncertainty circles"]
    (circle,) = list(group._children.values())
    ring = np.asarray(circle.data["coordinates"][0] if "coordinates" in circle.data else circle.data["features"][0]["geometry"]["coordinates"][0])
    point = frame.geometry.iloc[1]
    km = GEOD.inv(np.full(len(ring), point.x), np.full(len(ring), point.y), ring[:, 0], ring[:, 1])[2] / 1000
    assert np.allclose(km, 20.0, atol=0.05)
    page = map_html(frame, geocoder().layers, MapOptions())
    assert page.count("incmap-uncertainty") == 1 and "± 20.0 km" in page and "± 0.0 km" not in page


# --------------------------------------------------------------------------- shared footprints


def shared_region_records(n: int) -> list[dict]:
    """``n`` protests in one region (a region-level footprint each) and one riot there."""
    records = [{"id": f"r{i}", "place": "West Kazakhstan region", "type": "protest", "date": f"2024-01-{i % 28 + 1:02d}", "title": f"Protest {i}"}
               for i in range(n)]  # fmt: skip
    return [*records, {"id": "riot", "place": "West Kazakhstan region", "type": "riot", "title": "Riot", "date": "2024-02-01"}]


def test_incidents_sharing_a_footprint_and_type_share_one_drawing():
    records = shared_region_records(50)
    frame = geocoded(records)
    assert frame.geometry.iloc[0].equals(frame.geometry.iloc[49])
    page = map_html(frame, geocoder().layers, MapOptions())
    found = re.search(r"var d = (\{[^\n]*?\}), map = \w+, rec = incmapRecords", page)
    assert found, "no area layer data in the page"
    areas = json.loads(found.group(1))
    assert [len(m) for m in areas["members"]] == [50, 1] and len(areas["drawings"]["features"]) == 2  # the protests once, the riot once
    assert areas["records"]["n"] == 51
    one = map_html(geocoded(records[:1]), geocoder().layers, MapOptions())
    assert len(page) - len(one) < 20_000, "the region's polygon must not be written once per incident"


def test_record_text_is_never_a_jinja_template(layers):
    """folium renders each element's output again as a Jinja template: record text must not be evaluated there
    (``{{ 7*7 }}`` became "49", and Jinja expressions can reach Python)."""
    payload = "{{ 7*7 }}"
    fields = ("title", "description", "type", "source", "place", "id")
    records = [{**{f: f"Q{f}Q{payload}Q" for f in fields}, "place": f"Aktau {payload}", "lat": 43.65, "lon": 51.2},
               {"id": "r", "place": "West Kazakhstan region", "title": "{{" * 3000, "description": "{%" * 3000},
               {"id": "d", "place": "Aktau", "title": "{% for x in range(3) %}loop{% endfor %}", "description": "{#"}]  # fmt: skip
    frame = geocoded(records)
    for options in (MapOptions(offline=True, title=f"Qmap{payload}Q"), MapOptions(offline=True, border="none")):
        page = map_html(frame, layers, options)  # 3,000 "{{" once overflowed Jinja's parser
        assert re.findall(r"Q\w+Q49Q", page) == [] and "looploop" not in page
        assert "QtitleQ&#123;&#123; 7*7 &#125;&#125;Q" in page  # shown as written


def test_outputs_kept_as_text_give_the_page_branca_would(layers, monkeypatch):
    """Rendered outputs are kept as text instead of compiled again (a speed-up): the page must be byte for byte what
    branca's own rendering gives, line ends and trailing newlines included, for hostile record text too."""
    from contextlib import nullcontext

    import geo.maps.page as page_module

    records = [*bundled_records(), {"id": "crlf", "place": "Aktau", "title": "one\r\ntwo\rthree\n", "description": "{{ 7*7 }}\n"}]
    frame = geocoded(records)
    ours = [map_html(frame, layers, MapOptions(offline=offline)) for offline in (False, True)]
    monkeypatch.setattr(page_module, "outputs_as_text", nullcontext)
    theirs = [map_html(frame, layers, MapOptions(offline=offline)) for offline in (False, True)]
    assert ours == theirs
