"""incmap maps in Debian's Chromium (Playwright, no downloaded browser): the bundled incidents rendered by
``incmap map --offline --border KAZ-RUS`` and opened from file:// with every other request aborted and
recorded; popups, the layer control, the date filter, a screenshot, injected markup, a canvas-mode map,
the embeddable fragment and an empty map; and the default map (no --border) with the borders near incidents.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CHROMIUM  # noqa: E402
from page_probes import CANVAS_TARGET
from test_maps import bundled_frame, bundled_records, geocoded, geocoder, synthetic_records
from test_offline import Watched, png_colours, watched_page

from geo.cli.main import cli
from geo.io.dates import date_range
from geo.maps import CLUSTER_MAX, MapOptions, fragment_html, map_html, save_html

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (Debian package chromium)")

MARKERS = ".leaflet-marker-pane .awesome-marker"  # awesome-markers' icons (their shadows share the class in the shadow pane)
SCRIPT_PWN = "<script>window.__pwned=1</script>"
IMG_PWN = '"><img src=x onerror="window.__pwned=2">'

#: JS: (map id) -> [incident paths on the map, international-border features on the map]
COUNT_LAYERS = """(id) => { let paths = 0, borders = 0;
    window[id].eachLayer(l => {
        if (l.options && l.options.className === 'incmap-incident') paths++;
        if (l.feature && l.feature.properties && 'length_km' in l.feature.properties) borders++;
    });
    return [paths, borders]; }"""


@pytest.fixture(scope="module")
def bundled_map(assets, tmp_path_factory) -> Path:  # noqa: F811
    """The bundled incidents through the CLI, offline, with the KAZ-RUS border and bands."""
    path = tmp_path_factory.mktemp("bundled") / "map.html"
    result = CliRunner().invoke(cli, ["map", "--offline", "--border", "KAZ-RUS", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def default_map(assets, tmp_path_factory) -> Path:  # noqa: F811
    """The bundled incidents through the CLI as ``make map`` runs it (no --border), offline."""
    path = tmp_path_factory.mktemp("default") / "incidents.html"
    result = CliRunner().invoke(cli, ["map", "--offline", "-q", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def open_map(watched: Watched, path: Path) -> str:
    """Open ``path`` and wait for the incident counter; returns the Leaflet map's variable name."""
    watched.page.goto(path.resolve().as_uri(), wait_until="load")
    watched.page.wait_for_function("window.incmapIncidentCount !== undefined", timeout=60_000)
    map_id = watched.page.evaluate("document.querySelector('.folium-map').id")
    settle(watched.page, map_id)
    return map_id


def settle(page, map_id: str) -> None:
    """Wait until the opening fitBounds zoom animation is over and a frame has been painted."""
    page.wait_for_function(f"!window['{map_id}']._animatingZoom && !document.querySelector('.leaflet-zoom-anim')")
    page.evaluate("() => document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r()))))")


def close_popup(page, map_id: str) -> None:
    page.evaluate(f"void window['{map_id}'].closePopup()")
    page.wait_for_selector(".leaflet-popup-content", state="detached")


def marker_popups(page, map_id: str, click_links: bool = False) -> list[str]:
    """Hover (tooltip) and click (popup) every marker; the popups' texts. ``click_links``: click every popup link too."""
    texts = []
    for i in range(page.locator(MARKERS).count()):
        page.locator(MARKERS).nth(i).hover()
        page.locator(MARKERS).nth(i).click()
        texts.append(page.inner_text(".leaflet-popup-content"))
        if click_links:
            for link in page.locator(".leaflet-popup-content a").all():
                link.click(modifiers=["Shift"])
        close_popup(page, map_id)
    return texts


def write_map(records: list[dict], path: Path, **options) -> Path:
    frame = geocoded(records)
    return save_html(map_html(frame, geocoder().layers, MapOptions(offline=True, **options)), path)


def point_titles() -> list[str]:
    frame = bundled_frame()
    return list(frame.loc[frame.geometry.geom_type == "Point", "title"])


# --------------------------------------------------------------------------- the bundled incidents


def test_bundled_map_loads_clean_and_counts_incidents(browser, bundled_map):
    frame = bundled_frame()
    with_footprint = int((frame.geometry.notna() & (frame["status"] != "unresolved")).sum())
    assert with_footprint == len(frame) == 10
    with watched_page(browser) as watched:
        map_id = open_map(watched, bundled_map)
        page = watched.page
        assert page.evaluate("window.incmapIncidentCount") == with_footprint
        assert page.locator(MARKERS).count() == len(point_titles()) == 2
        paths, borders = page.evaluate(COUNT_LAYERS, map_id)
        assert paths == with_footprint - len(point_titles()) and borders > 10
        summary = page.inner_text("#incmap-summary")
        assert "incmap: bundled incidents" in summary and "10 incidents, 10 located" in summary
        assert "Within 25 km of KAZ-RUS:" in summary and "Within 100 km of KAZ-RUS:" in summary
        page.evaluate("() => document.fonts.ready")


def test_marker_click_opens_popup_with_its_title(browser, bundled_map):
    with watched_page(browser) as watched:
        map_id = open_map(watched, bundled_map)
        page, texts = watched.page, []
        for i in range(page.locator(MARKERS).count()):
            page.locator(MARKERS).nth(i).click()
            texts.append(page.inner_text(".leaflet-popup-content"))
            close_popup(page, map_id)
        for title in point_titles():
            hits = [t for t in texts if f"Title\t{title}" in t]
            assert len(hits) == 1, (title, texts)
            assert "Precision\texact place" in hits[0] and " km to KAZ-RUS" in hits[0]


def test_layer_control_toggles_layers(browser, bundled_map):
    with watched_page(browser) as watched:
        map_id = open_map(watched, bundled_map)
        page = watched.page
        overlay = lambda name: page.locator(".leaflet-control-layers-overlays label", has_text=name).locator("input")  # noqa: E731
        page.hover(".leaflet-control-layers")
        assert page.locator(MARKERS).count() == 2
        overlay("Incidents: places").uncheck()
        assert page.locator(MARKERS).count() == 0
        overlay("Incidents: places").check()
        assert page.locator(MARKERS).count() == 2

        paths, borders = page.evaluate(COUNT_LAYERS, map_id)
        assert borders > 10
        overlay("International borders").uncheck()
        assert page.evaluate(COUNT_LAYERS, map_id) == [paths, 0]
        overlay("Incidents: regions, areas, routes").uncheck()
        assert page.evaluate(COUNT_LAYERS, map_id) == [0, 0]
        overlay("International borders").check()
        assert page.evaluate(COUNT_LAYERS, map_id) == [0, borders]


def test_date_filter_hides_incidents_outside_the_range(browser, bundled_map):
    frame = bundled_frame()
    lo, hi = "2025-01-01", "2025-12-31"

    def shown(geom_point: bool) -> int:
        rows = frame[(frame.geometry.geom_type == "Point") == geom_point]
        spans = [date_range(d) for d in rows["date"]]
        return sum(s is None or (s[1].isoformat() >= lo and s[0].isoformat() <= hi) for s in spans)

    expected_markers, expected_paths = shown(True), shown(False)
    assert (expected_markers, expected_paths) == (1, 5)  # the data must make this a real narrowing
    with watched_page(browser) as watched:
        map_id = open_map(watched, bundled_map)
        page = watched.page
        start = [page.input_value(".incmap-from"), page.input_value(".incmap-to")]
        assert start == ["2023-07-29", "2025-06-19"]
        before = [page.locator(MARKERS).count(), page.evaluate(COUNT_LAYERS, map_id)[0]]
        assert before == [2, 8]
        page.evaluate("""([lo, hi]) => {
            const from = document.querySelector('.incmap-from'), to = document.querySelector('.incmap-to');
            from.value = lo; from.dispatchEvent(new Event('change'));
            to.value = hi; to.dispatchEvent(new Event('change')); }""", [lo, hi])  # fmt: skip
        assert [page.locator(MARKERS).count(), page.evaluate(COUNT_LAYERS, map_id)[0]] == [expected_markers, expected_paths]
        page.fill(".incmap-from", start[0])  # widening again brings everything back
        page.fill(".incmap-to", start[1])
        page.locator(".incmap-to").dispatch_event("change")
        assert [page.locator(MARKERS).count(), page.evaluate(COUNT_LAYERS, map_id)[0]] == before


def search(page, text: str) -> list[str]:
    """Open the search control, type ``text``; the suggestions shown."""
    box = page.locator(".leaflet-control-search input.search-input")
    if not box.is_visible():
        page.click(".leaflet-control-search .search-button")
    box.fill("")
    page.locator(".leaflet-control-search input.search-input").press_sequentially(text)  # the control listens to keyup
    page.wait_for_timeout(600)  # the control waits 400 ms after the last key
    return page.locator(".leaflet-control-search .search-tip").all_inner_texts()


def test_search_finds_incident_places_and_regions(browser, bundled_map):
    frame = bundled_frame()
    point = frame[frame.geometry.geom_type == "Point"].iloc[0]
    name = point["matched_name"]
    with watched_page(browser) as watched:
        map_id = open_map(watched, bundled_map)
        page = watched.page
        tips = search(page, name[1:4].upper())  # inside the name, other case
        assert any(t.startswith(f"{name} · ") for t in tips), tips
        page.locator(".leaflet-control-search .search-tip", has_text=f"{name} · ").first.click()
        page.wait_for_timeout(400)
        settle(page, map_id)
        zoom, bounds = page.evaluate(f"[window['{map_id}'].getZoom(), window['{map_id}'].getBounds().toBBoxString()]")
        west, south, east, north = map(float, bounds.split(","))
        assert zoom >= 8 and west < point.geometry.x < east and south < point.geometry.y < north, (zoom, bounds)

        code = frame.loc[frame["where_prec"] == 4, "admin1_code"].iloc[0]  # a region-level incident: its region is searchable
        admin = geocoder().layers.admin1
        region = admin.loc[admin["iso_3166_2"] == code, "name_en"].iloc[0]
        tips = search(page, region.lower())
        assert f"{region} · region {code}" in tips, tips


def test_screenshot_is_not_blank(browser, bundled_map):
    with watched_page(browser) as watched:
        open_map(watched, bundled_map)
        colours = png_colours(watched.page.screenshot())
    total = sum(colours.values())
    assert len(colours) > 200, f"only {len(colours)} colours"
    assert colours.most_common(1)[0][1] < 0.8 * total
    assert colours[bytes((215, 25, 28))] > 200, "the queried border (#d7191c) is not drawn"
    assert colours[bytes((247, 245, 240))] > 0.2 * total, "little land (offline basemap #f7f5f0)"
    assert colours[bytes((219, 233, 244))] > 0.03 * total, "no sea (#dbe9f4)"


# --------------------------------------------------------------------------- the default map: borders near incidents

#: JS: (map id, colour) -> [properties.pair of the features drawn in that stroke colour], sorted.
PAIRS_DRAWN_IN = """([id, colour]) => { const pairs = [];
    window[id].eachLayer(l => { if (l.feature && l.options && l.options.color === colour) pairs.push(l.feature.properties.pair); });
    return pairs.sort(); }"""
#: JS: (map id, colour) -> how many polygon layers on the map are filled with that colour.
FILLED_WITH = """([id, colour]) => { let n = 0;
    window[id].eachLayer(l => { if (l.feature && l.options && l.options.fillColor === colour) n++; }); return n; }"""


def test_default_map_highlights_and_bands_the_borders_near_incidents(browser, default_map):
    """``incmap map`` with no --border: the incidents' nearest borders within 100 km (computed here from the measured
    incidents) are drawn in the highlight colour with three band layers, and the summary box counts them."""
    from geo.maps.borders import BAND_COLOURS, HIGHLIGHT_COLOUR
    from geo.spatial.query import within_border_km

    frame = geocoded([dict(r) for r in bundled_records()], border=None)
    locatable = (frame["where_prec"] < 6).to_numpy()
    near = frame[locatable & (frame["border_km"] <= 100).to_numpy()]
    expected = sorted(set(near["border"]))
    assert "KAZ-RUS" in expected and len(expected) == 4
    labels = ", ".join(expected)
    with watched_page(browser) as watched:
        map_id = open_map(watched, default_map)
        page = watched.page
        assert page.evaluate(PAIRS_DRAWN_IN, [map_id, HIGHLIGHT_COLOUR]) == expected
        page.hover(".leaflet-control-layers")
        overlays = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        bands = [f"Within {km} km of {labels}" for km in (100, 50, 25)]
        assert [t.strip() for t in overlays if t.strip().startswith(("Within", "Borders near"))] == [*bands, f"Borders near incidents: {labels}"]
        colours = {100: BAND_COLOURS[2], 50: BAND_COLOURS[1], 25: BAND_COLOURS[0]}
        assert all(page.evaluate(FILLED_WITH, [map_id, c]) == 1 for c in colours.values())
        toggle = page.locator(".leaflet-control-layers-overlays label", has_text=bands[0]).locator("input")
        toggle.uncheck()
        assert page.evaluate(FILLED_WITH, [map_id, colours[100]]) == 0 and page.evaluate(FILLED_WITH, [map_id, colours[25]]) == 1
        toggle.check()
        assert page.evaluate(FILLED_WITH, [map_id, colours[100]]) == 1

        summary = " ".join(page.inner_text("#incmap-summary").split())
        counts = ", ".join(f"{pair} ({n})" for pair, n in sorted(near["border"].value_counts().items(), key=lambda kv: (-kv[1], kv[0])))
        assert f"Borders near incidents (nearest land border within 100 km; incidents): {counts}" in summary
        assert counts.startswith("KAZ-RUS (4)")
        for km in (25, 50, 100):
            within = within_border_km(frame, km, labels.replace(" ", "")).frame["within"]  # measured afresh to those borders
            certain, possible = int((within == "certain").sum()), int((within == "possible").sum())
            assert f"Within {km} km of a highlighted border: {certain} certain, {possible} possible" in summary
        assert "Within 100 km of a highlighted border: 2 certain, 5 possible" in summary
        assert "1 country-level or unresolved not counted" in summary
        shot = png_colours(page.screenshot())
    assert shot[bytes((215, 25, 28))] > 200, "the highlighted borders (#d7191c) are not drawn"


# --------------------------------------------------------------------------- record text is data


def test_injected_markup_does_not_execute(browser, assets, tmp_path):
    a, b = synthetic_records(2, seed=21, prefix="pwn")
    records = [{**a, "title": SCRIPT_PWN, "description": IMG_PWN, "place": IMG_PWN},
               {**b, "title": IMG_PWN, "description": SCRIPT_PWN, "source": SCRIPT_PWN},
               {"id": "pwn-region", "place": "West Kazakhstan region", "country": "KAZ", "title": IMG_PWN, "description": SCRIPT_PWN}]  # fmt: skip
    path = write_map(records, tmp_path / "pwn.html", border="KAZ-RUS", title=SCRIPT_PWN)
    with watched_page(browser) as watched:
        map_id = open_map(watched, path)
        page = watched.page
        assert page.evaluate("window.incmapIncidentCount") == 3
        texts = marker_popups(page, map_id)
        page.evaluate(f"() => {{ window['{map_id}'].eachLayer(l => {{ if (l.incmapOpen && l.getLayers) l.incmapOpen(0); }}); }}")  # the region
        texts.append(page.inner_text(".leaflet-popup-content"))
        page.wait_for_timeout(200)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("document.querySelectorAll('img[src=\"x\"], .leaflet-popup-content img').length") == 0
        assert len(texts) == 3
        assert sum(f"Title\t{SCRIPT_PWN}" in t for t in texts) == 1 and sum(f"Title\t{IMG_PWN}" in t for t in texts) == 2
        assert page.inner_text("#incmap-summary").startswith(SCRIPT_PWN)
        assert any(t.startswith(IMG_PWN) for t in search(page, "img src"))  # a place name in the search list is text too
        page.wait_for_timeout(200)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0


CLOSE_SCRIPT_PWN = "</script><script>window.__pwned=6</script>"
JS_LINK_PWN = "javascript:window.__pwned=5"
TEMPLATE_PWN = "`;window.__pwned=7;`${window.__pwned=8} {{ 7*7 }}{% if true %}jinja{% endif %}{#"


def test_script_breakouts_and_javascript_links_do_not_run_in_the_map_or_its_fragment(browser, assets, tmp_path):
    a, b = synthetic_records(2, seed=22, prefix="brk")
    records = [{**a, "title": CLOSE_SCRIPT_PWN, "description": TEMPLATE_PWN, "url": JS_LINK_PWN, "type": CLOSE_SCRIPT_PWN},
               {**b, "id": CLOSE_SCRIPT_PWN, "place": CLOSE_SCRIPT_PWN, "title": TEMPLATE_PWN, "description": CLOSE_SCRIPT_PWN, "source": JS_LINK_PWN,
                "url": "  JaVaScRiPt:window.__pwned=9"}]  # fmt: skip
    path = write_map(records, tmp_path / "breakout.html", border="KAZ-RUS", title=CLOSE_SCRIPT_PWN)
    host = tmp_path / "report.html"
    host.write_text(f"<!DOCTYPE html><html><body>{fragment_html(path.read_text(encoding='utf-8'), 500)}</body></html>", encoding="utf-8")
    with watched_page(browser) as watched:
        map_id = open_map(watched, path)
        page = watched.page
        assert page.evaluate("window.incmapIncidentCount") == 2
        texts = marker_popups(page, map_id, click_links=True)  # a javascript: link would run when clicked
        page.wait_for_timeout(200)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("[...document.querySelectorAll('a[href]')].filter(a => /^\\s*javascript:/i.test(a.getAttribute('href'))).length") == 0
        assert sum(f"Title\t{CLOSE_SCRIPT_PWN}" in t for t in texts) == 1 and sum(f"Description\t{TEMPLATE_PWN}" in t for t in texts) == 1
        assert page.inner_text("#incmap-summary").startswith(CLOSE_SCRIPT_PWN)
        assert any(CLOSE_SCRIPT_PWN in t for t in search(page, "script"))  # a place in the search suggestions is text
        assert page.evaluate("typeof window.__pwned") == "undefined"
    with watched_page(browser) as watched:
        watched.page.goto(host.as_uri(), wait_until="load")
        inner_locator = watched.page.frame_locator("iframe.incmap-map")
        inner_locator.locator(".folium-map").wait_for()
        inner = next(f for f in watched.page.frames if f != watched.page.main_frame)
        inner.wait_for_function("window.incmapIncidentCount !== undefined")
        inner_locator.locator(MARKERS).first.click()
        watched.page.wait_for_timeout(200)
        assert inner.evaluate("typeof window.__pwned") == "undefined" and watched.page.evaluate("typeof window.__pwned") == "undefined"
        assert inner.evaluate("document.querySelectorAll('script').length") > 0  # the map's own scripts ran, ours did not


def _one_record_map(tmp_path: Path, **fields) -> Path:
    (record,) = synthetic_records(1, seed=5, prefix="one")
    return write_map([{**record, **fields}], tmp_path / "one.html")


@contextmanager
def single_map(browser, path: Path) -> Iterator[tuple[Watched, int | None]]:
    """``path`` opened in a watched page (closed afterwards), with the incident count (None if the page never set it).

    Unlike ``watched_page`` it does not assert a clean page: these tests check the errors they expect themselves."""
    watched = Watched(browser)
    try:
        watched.page.goto(path.resolve().as_uri(), wait_until="load")
        watched.page.wait_for_timeout(300)
        count = watched.page.evaluate("window.incmapIncidentCount === undefined ? null : window.incmapIncidentCount")
        if count is not None:
            settle(watched.page, watched.page.evaluate("document.querySelector('.folium-map').id"))
        yield watched, count
    finally:
        watched.page.close()


def test_backtick_in_title_keeps_the_map_working(browser, assets, tmp_path):
    with single_map(browser, _one_record_map(tmp_path, title="Crash at `Aktau` airport")) as (watched, count):
        assert watched.errors == [] and count == 1
        watched.page.locator(MARKERS).click()
        assert "Title\tCrash at `Aktau` airport" in watched.page.inner_text(".leaflet-popup-content")


def test_template_placeholder_in_description_does_not_execute(browser, assets, tmp_path):
    with single_map(browser, _one_record_map(tmp_path, description="${window.__pwned=4}")) as (watched, count):
        assert count == 1
        assert watched.page.evaluate("typeof window.__pwned") == "undefined"
        watched.page.locator(MARKERS).click()
        assert "Description\t${window.__pwned=4}" in watched.page.inner_text(".leaflet-popup-content")


def test_backslash_backtick_in_description_keeps_the_map_working(browser, assets, tmp_path):
    with single_map(browser, _one_record_map(tmp_path, description="path C:\\\\`temp`")) as (watched, count):
        assert watched.errors == [] and count == 1


# --------------------------------------------------------------------------- many points: the canvas layer

#: JS: painted pixels on the canvas point layer (-1 when the layer is not on the map).
PAINTED = """() => { const c = document.querySelector('.leaflet-incmapPoints-pane canvas'); if (!c) return -1;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"""


def test_canvas_map_counts_and_opens_popups(browser, assets, tmp_path):
    n = 6000
    assert n > CLUSTER_MAX
    records = synthetic_records(n - 1, seed=6000)
    (hostile,) = synthetic_records(1, seed=99, prefix="pwn")
    records.append({**hostile, "title": SCRIPT_PWN, "description": IMG_PWN})
    path = write_map(records, tmp_path / "canvas.html", border="KAZ-RUS")
    with watched_page(browser) as watched:
        map_id = open_map(watched, path)
        page = watched.page
        assert page.evaluate("window.incmapIncidentCount") == n
        assert page.evaluate("window.incmapCanvasCount") == n
        assert page.locator(MARKERS).count() == 0 and page.locator(".leaflet-overlay-pane canvas").count() >= 1
        x, y, _, near = page.evaluate(CANVAS_TARGET, map_id)
        page.mouse.click(x, y)
        page.wait_for_selector(".leaflet-popup-content", timeout=5000)
        text = page.inner_text(".leaflet-popup-content")
        assert any(f"Title\t{records[i]['title']}\n" in text for i in near), (text, [records[i]["title"] for i in near])
        assert "Border\t" in text and " km to KAZ-RUS" in text
        close_popup(page, map_id)
        page.mouse.move(x + 1, y)  # hover: the title as a tooltip, pointer cursor
        page.wait_for_selector(".incmap-point-tip", timeout=5000)
        assert page.inner_text(".incmap-point-tip") in {records[i]["title"] for i in near}
        assert page.locator(".leaflet-tooltip:visible").count() == 1  # the region's tooltip gives way to the point's
        assert page.evaluate(f"window['{map_id}'].getContainer().style.cursor") == "pointer"

        lo, hi = "2023-01-01", "2023-12-31"
        expected = sum(s is None or (s[1].isoformat() >= lo and s[0].isoformat() <= hi) for s in (date_range(r.get("date")) for r in records))
        assert 0 < expected < n
        page.evaluate("""([lo, hi]) => {
            const from = document.querySelector('.incmap-from'), to = document.querySelector('.incmap-to');
            from.value = lo; from.dispatchEvent(new Event('change'));
            to.value = hi; to.dispatchEvent(new Event('change')); }""", [lo, hi])  # fmt: skip
        shown = f"(() => {{ let c = 0; window['{map_id}'].eachLayer(l => {{ if (l.incmapCount) c += l.incmapCount(); }}); return c; }})()"
        assert page.evaluate(shown) == expected

        page.evaluate(f"() => {{ window['{map_id}'].eachLayer(l => {{ if (l.incmapOpen && l.incmapTargets) l.incmapOpen({n - 1}); }}); }}")
        text = page.inner_text(".leaflet-popup-content")
        assert f"Title\t{SCRIPT_PWN}" in text and f"Description\t{IMG_PWN}" in text
        assert page.evaluate("typeof window.__pwned") == "undefined"
        close_popup(page, map_id)

        painted = page.evaluate(PAINTED)
        assert painted > 1000
        page.evaluate(f"void window['{map_id}'].setZoom(window['{map_id}'].getZoom() + 1, {{animate: false}})")
        settle(page, map_id)
        assert page.evaluate(PAINTED) > 1000, "the points must be drawn again after a zoom"
        page.hover(".leaflet-control-layers")
        toggle = page.locator(".leaflet-control-layers-overlays label", has_text="Incidents: places").locator("input")
        toggle.uncheck()
        assert page.evaluate(PAINTED) == -1  # the layer's canvas is gone
        toggle.check()
        settle(page, map_id)
        assert page.evaluate(PAINTED) > 1000


# --------------------------------------------------------------------------- fragment and empty map


def test_fragment_renders_inside_its_iframe(browser, bundled_map, tmp_path):
    page_html = bundled_map.read_text(encoding="utf-8")
    host = tmp_path / "report.html"
    host.write_text(f"<!DOCTYPE html><html><body><h1>Report</h1>{fragment_html(page_html, 500)}</body></html>", encoding="utf-8")
    with watched_page(browser) as watched:
        watched.page.goto(host.as_uri(), wait_until="load")
        frame = watched.page.frame_locator("iframe.incmap-map")
        frame.locator(".folium-map").wait_for()
        inner = next(f for f in watched.page.frames if f != watched.page.main_frame)
        inner.wait_for_function("window.incmapIncidentCount !== undefined")
        assert inner.evaluate("window.incmapIncidentCount") == 10
        assert frame.locator(MARKERS).count() == 2
        assert watched.page.evaluate("typeof window.incmapIncidentCount") == "undefined"  # the page itself is untouched


def test_empty_map_opens_clean(browser, assets, tmp_path):
    path = write_map([], tmp_path / "empty.html", border="KAZ-RUS")
    with watched_page(browser) as watched:
        open_map(watched, path)
        assert watched.page.evaluate("window.incmapIncidentCount") == 0
        assert "No incidents in this record set." in watched.page.inner_text(".incmap-empty")
        assert watched.page.locator(".leaflet-control-layers").count() == 1


def test_html_escape_round_trip_in_popup_is_exact(browser, assets, tmp_path):
    """Characters HTML cares about come out in the popup exactly as written."""
    text = 'Tom & Jerry\'s "quote" <b>bold</b> 5 < 6 > 4 &amp;'
    with single_map(browser, _one_record_map(tmp_path, title=text)) as (watched, count):
        assert count == 1
        watched.page.locator(MARKERS).click()
        assert f"Title\t{text}\n" in watched.page.inner_text(".leaflet-popup-content")
        assert html_lib.escape(text) not in watched.page.inner_text(".leaflet-popup-content")
    watched.assert_clean()


def test_shared_footprint_counts_every_incident(browser, assets, tmp_path):
    from test_maps import shared_region_records

    records = shared_region_records(40)
    path = write_map(records, tmp_path / "shared.html")
    with watched_page(browser) as watched:
        map_id = open_map(watched, path)
        page = watched.page
        assert page.evaluate("window.incmapIncidentCount") == 41
        assert page.evaluate(COUNT_LAYERS, map_id)[0] == 2  # two drawings: the protests and the riot
        page.evaluate(f"() => {{ window['{map_id}'].eachLayer(l => {{ if (l.incmapOpen) l.incmapOpen(0); }}); }}")
        text = page.inner_text(".leaflet-popup-content")
        assert text.startswith("40 incidents here (protest)") and "Title\tProtest 19\n" in text and "Protest 20\n" not in text
        assert text.rstrip().endswith("… and 20 more")
        close_popup(page, map_id)
        page.evaluate("""() => {
            const from = document.querySelector('.incmap-from'), to = document.querySelector('.incmap-to');
            from.value = '2024-02-01'; from.dispatchEvent(new Event('change')); }""")
        assert page.evaluate(COUNT_LAYERS, map_id)[0] == 1  # only the riot is in range


def test_click_inside_a_region_level_incident_opens_its_popup(browser, assets, tmp_path):
    path = write_map([{"id": "r1", "place": "West Kazakhstan region", "type": "protest", "title": "Rally in the region"}], tmp_path / "region.html")
    with watched_page(browser) as watched:
        map_id = open_map(watched, path)
        page = watched.page
        x, y = page.evaluate(f"""() => {{ const m = window['{map_id}'], rect = m.getContainer().getBoundingClientRect(); let p = null;
            m.eachLayer(l => {{ if (l.feature && l.options.className === 'incmap-incident') p = m.latLngToContainerPoint(l.getCenter()); }});
            return [p.x + rect.left, p.y + rect.top]; }}""")  # fmt: skip
        page.mouse.move(x, y)
        page.wait_for_selector(".leaflet-tooltip:has-text('Rally in the region')", timeout=5000)
        page.mouse.click(x, y)
        page.wait_for_selector(".leaflet-popup-content", timeout=5000)
        text = page.inner_text(".leaflet-popup-content")
        assert "Title\tRally in the region" in text and "Precision\tregion (admin-1)" in text


@pytest.mark.parametrize("dates, shared", [(["2024-03", None, "2024-03-05", "2024-03"], True),
                                           (["2024-03", None, "not a date", "2024-03"], False)])  # fmt: skip
def test_popup_dates_read_back_whether_or_not_they_share_the_date_filter_codes(browser, dates, shared):
    """Dates as written send their codes once (the date filter's); the popups read them back either way."""
    import geopandas as gpd
    import shapely

    from geo.maps.incidents import type_names
    from geo.maps.popup import links, popup_columns
    from geo.maps.records import RECORDS_JS, record_table
    from geo.maps.style import type_styles

    frame = gpd.GeoDataFrame({"title": ["a", "b", "c", "d"], "type": ["x"] * 4, "date": dates},
                             geometry=[shapely.Point(50 + i, 50) for i in range(4)], crs="EPSG:4326")  # fmt: skip
    names = type_names(frame)
    table = record_table(frame, popup_columns(frame, names), links(frame), names, type_styles(names))
    date_row = next(row for row in table["columns"] if row["key"] == "date")
    assert (date_row["codes"] == "dates") is shared
    page = browser.new_page()
    try:
        page.set_content(f"<script>{RECORDS_JS}</script>")
        popups = page.evaluate("""t => { const r = incmapRecords(t);
            return [0, 1, 2, 3].map(i => Object.fromEntries([...r.popup(i).rows].map(row => [row.cells[0].textContent,
                                                                                              row.cells[1].textContent]))); }""", table)
    finally:
        page.close()
    assert [p.get("Date") for p in popups] == dates and [p["Title"] for p in popups] == ["a", "b", "c", "d"]
