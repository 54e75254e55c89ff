#!/usr/bin/env python
"""Offline map size and speed for 10^3, 10^4, 10^5 synthetic point incidents.

Synthetic incidents are random points in a lon/lat box around Kazakhstan (benchmark input, not places)
with random days in 2022-2025, 8 event types and short titles; they are geocoded as given coordinates
and measured against a border, like ``incmap map`` does. For each size: the Python build time of
``map_html(offline=True)``, the HTML size, and in Debian's Chromium (file://, every other request
aborted and counted) the time from navigation start until ``window.incmapIncidentCount`` is set, until
the network went idle (last load finished), and until the opening fitBounds zoom has settled and a frame is
painted; for the largest
size, whether clicking a point's pixel opens its popup. The aim (issue): 10^5 interactive in < 2 s
with the HTML < 8 MB.

    .venv/bin/python scripts/bench_map.py [--sizes 1000,10000,100000] [--border KAZ-RUS] [--keep DIR] [--geo-precision 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from page_probes import CANVAS_TARGET  # noqa: E402
from synthetic import synthetic_records  # noqa: E402

from geo.geocoding import Geocoder  # noqa: E402
from geo.maps import MapOptions, map_html, save_html  # noqa: E402
from geo.maps.snapshot import CHROMIUM_ARGS, chromium_path  # noqa: E402
from geo.spatial.proximity import border_distance  # noqa: E402

AIM_SECONDS, AIM_MB, AIM_SIZE = 2.0, 8.0, 100_000

#: JS: when the network actually went idle (ms from navigation start): the later of the load event's end and the
#: last resource's response end (file: and data: loads included).
LAST_NETWORK = """() => { const nav = performance.getEntriesByType('navigation')[0];
    return Math.max(nav ? nav.loadEventEnd : 0, ...performance.getEntriesByType('resource').map(r => r.responseEnd)); }"""


def render(browser, path: Path, click: bool) -> dict:
    """Open ``path`` in a fresh page; times in seconds from navigation start (the page's performance clock)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    blocked, errors = [], []

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    out: dict = {}
    try:
        wall = time.perf_counter()
        page.goto(path.resolve().as_uri(), wait_until="commit", timeout=180_000)
        handle = page.wait_for_function("window.incmapIncidentCount !== undefined ? performance.now() : false", timeout=180_000)
        out["count_s"] = handle.json_value() / 1000
        page.wait_for_load_state("networkidle", timeout=180_000)  # resolves only after 500 ms without requests
        out["idle_s"] = page.evaluate(LAST_NETWORK) / 1000
        out["wall_s"] = time.perf_counter() - wall
        map_id = page.evaluate("document.querySelector('.folium-map').id")
        page.wait_for_function(f"!window['{map_id}']._animatingZoom && !document.querySelector('.leaflet-zoom-anim')", timeout=60_000)
        out["settled_s"] = page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))") / 1000
        out["count"] = page.evaluate("window.incmapIncidentCount")
        if click:
            target = page.evaluate(CANVAS_TARGET, map_id)
            if target is None:
                out["popup"] = "no clickable point found"
            else:
                start = time.perf_counter()
                page.mouse.click(target[0], target[1])
                try:
                    page.wait_for_selector(".leaflet-popup-content", timeout=10_000)
                    text = page.inner_text(".leaflet-popup-content").splitlines()[0]
                    out["popup"] = f"opened in {time.perf_counter() - start:.2f} s ({text!r})"
                except Exception:  # noqa: BLE001 - reported, not raised
                    out["popup"] = "did NOT open within 10 s"
    finally:
        page.close()
    out["blocked"], out["errors"] = len(blocked), errors
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--border", default="KAZ-RUS", help="border measured against and banded ('' for none)")
    parser.add_argument("--keep", type=Path, help="write the HTML maps into this directory (default: a temporary one)")
    parser.add_argument("--geo-precision", type=int, choices=(1, 2, 3), default=1,
                        help="ACLED geo_precision given with the synthetic coordinates: 2 makes every incident a distinct "
                             "25 km circle (the area layer), 3 the region around it (default 1: points)")  # fmt: skip
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    border = args.border or None

    from playwright.sync_api import sync_playwright

    t0 = time.perf_counter()
    geocoder = Geocoder()
    print(f"geocoder ready in {time.perf_counter() - t0:.2f} s; Chromium {chromium_path()}")
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="incmap-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            for n in sizes:
                t = time.perf_counter()
                records = [{**r, "geo_precision": args.geo_precision} for r in synthetic_records(n, seed=n, title="Incident")]
                frame = border_distance(geocoder.geocode(records), border)
                prep = time.perf_counter() - t
                t = time.perf_counter()
                page = map_html(frame, geocoder.layers, MapOptions(title=f"bench {n}", border=border, offline=True))
                build = time.perf_counter() - t
                path = save_html(page, workdir / f"bench_{n}.html")
                mb = path.stat().st_size / 1e6
                r = render(browser, path, click=n == max(sizes) and args.geo_precision == 1)  # the click probe finds canvas points
                rows.append((n, build, mb, r))
                print(f"n={n:>7,}: geocode+distances {prep:6.2f} s | map_html build {build:6.2f} s | HTML {mb:6.2f} MB | "
                      f"Chromium: count set {r['count_s']:5.2f} s, network idle {r['idle_s']:5.2f} s, zoom settled+painted {r['settled_s']:5.2f} s "
                      f"(wall {r['wall_s']:5.2f} s) | count {r['count']:,} | blocked requests {r['blocked']} | errors {len(r['errors'])}"
                      + (f" | popup {r['popup']}" if "popup" in r else ""), flush=True)  # fmt: skip
                for e in r["errors"][:3]:
                    print(f"    page error: {e}")
        finally:
            browser.close()
    print(f"maps in {workdir}")
    largest = [row for row in rows if row[0] == AIM_SIZE]
    if largest:
        n, build, mb, r = largest[0]
        interactive = max(r["count_s"], r["idle_s"])  # count set and network idle
        ok_time = interactive < AIM_SECONDS and str(r.get("popup", "")).startswith("opened")
        ok_size = mb < AIM_MB
        print(f"aim for {AIM_SIZE:,}: interactive (count set, network idle, popup opens on click) < {AIM_SECONDS:g} s -> "
              f"{interactive:.2f} s, opening zoom settled at {r['settled_s']:.2f} s ({'met' if ok_time else 'NOT met'}); "
              f"HTML < {AIM_MB:g} MB -> {mb:.2f} MB ({'met' if ok_size else 'NOT met'}); "
              f"overall {'MET' if ok_time and ok_size else 'NOT MET'}")  # fmt: skip
    else:
        print(f"aim not checked: {AIM_SIZE:,} not among --sizes")


if __name__ == "__main__":
    main()
