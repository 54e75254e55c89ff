#!/usr/bin/env python
"""Border distances for 10^4, 10^5, 10^6 random points in a box around Kazakhstan.

Compares incmap's exact engine with the straightforward geopandas approach (project everything
to one equidistant CRS and take GeoSeries.distance to the unioned borders), and measures the
max relative error of each against an exact reference (an azimuthal-equidistant projection
centred on each of 200 sample points).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.layers import load_layers  # noqa: E402
from geo.spatial.proximity import border_index  # noqa: E402

BOX = (45.0, 39.0, 90.0, 56.0)  # lon/lat box around Kazakhstan: benchmark input, not a place
#: One equidistant CRS for the whole box (what a hurried analyst would use).
NAIVE_CRS = "+proj=eqdc +lat_1=42 +lat_2=53 +lat_0=47 +lon_0=67 +datum=WGS84 +units=m"


def reference_km(lon: float, lat: float, lines) -> float:
    """Exact distance: from the centre of an AEQD projection centred on the point."""
    aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    tr = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    window = shapely.intersection(lines, shapely.box(lon - 40, lat - 25, lon + 40, lat + 25))
    local = shapely.transform(shapely.segmentize(window, 0.005), lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
    return shapely.distance(shapely.Point(0, 0), local) / 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--naive-max", type=int, default=100_000, help="largest size also run the straightforward way")
    args = parser.parse_args()
    layers = load_layers()
    t0 = time.perf_counter()
    index = border_index()
    print(f"border index: {len(index):,} vertices, built in {time.perf_counter() - t0:.2f} s")
    unioned = shapely.union_all(layers.borders.geometry.values)
    naive_lines = gpd.GeoSeries([unioned], crs="EPSG:4326").to_crs(NAIVE_CRS).iloc[0]
    rng = np.random.default_rng(0)
    # One small run of each approach first, so neither timing includes one-time set-up (PROJ objects, thread pools).
    warm = np.random.default_rng(1)
    wlon, wlat = warm.uniform(BOX[0], BOX[2], 1000), warm.uniform(BOX[1], BOX[3], 1000)
    index.nearest(wlon, wlat)
    gpd.GeoSeries(gpd.points_from_xy(wlon, wlat), crs="EPSG:4326").to_crs(NAIVE_CRS).distance(naive_lines)
    for n in (int(s) for s in args.sizes.split(",")):
        lon, lat = rng.uniform(BOX[0], BOX[2], n), rng.uniform(BOX[1], BOX[3], n)
        t0 = time.perf_counter()
        exact, _, _, _ = index.nearest(lon, lat)
        t_exact = time.perf_counter() - t0
        again = np.random.default_rng(n)  # the same size again on other points: the process's allocator and threads now warm
        t0 = time.perf_counter()
        index.nearest(again.uniform(BOX[0], BOX[2], n), again.uniform(BOX[1], BOX[3], n))
        t_again = time.perf_counter() - t0
        line = f"n={n:>9,}: incmap {t_exact:6.2f} s ({n / t_exact:>10,.0f} points/s; again {t_again:.2f} s)"
        naive = None
        if n <= args.naive_max:
            t0 = time.perf_counter()
            pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs(NAIVE_CRS)
            naive = pts.distance(naive_lines).to_numpy() / 1000.0
            t_naive = time.perf_counter() - t0
            line += (f" | straightforward {t_naive:7.2f} s ({n / t_naive:>9,.0f} points/s), incmap is {t_naive / t_exact:5.1f}x faster"
                     f" ({t_naive / t_again:.1f}x again)")  # fmt: skip
        sample = rng.choice(n, size=min(200, n), replace=False)
        ref = np.array([reference_km(lon[i], lat[i], unioned) for i in sample])
        err = np.abs(exact[sample] - ref) / np.maximum(ref, 1e-6)
        line += f" | max rel error incmap {err.max():.2e} (abs {np.abs(exact[sample] - ref).max() * 1000:.3f} m)"
        if naive is not None:
            nerr = np.abs(naive[sample] - ref) / np.maximum(ref, 1e-6)
            line += f", straightforward {nerr.max():.2e}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
