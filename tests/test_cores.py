"""Element-wise GEOS work spread over the cores (geo._cores): the same results, in the same order, as one call."""

from __future__ import annotations

import threading

import numpy as np
import shapely

from geo import _cores as cores


def test_on_cores_gives_one_calls_results_in_order(monkeypatch):
    monkeypatch.setattr(cores.os, "cpu_count", lambda: 3)
    rng = np.random.default_rng(7)
    geoms = shapely.buffer(shapely.points(rng.uniform(-170, 170, 1000), rng.uniform(-80, 80, 1000)), rng.uniform(0.1, 3, 1000))
    calls: list[tuple[str, int]] = []

    def run(part: np.ndarray) -> np.ndarray:
        calls.append((threading.current_thread().name, len(part)))
        return shapely.simplify(part, 0.05)

    out = cores.on_cores(run, geoms)
    assert sorted(n for _, n in calls) == [333, 333, 334] and all(name.startswith("incmap-geos") for name, _ in calls)
    assert list(shapely.to_wkb(out)) == list(shapely.to_wkb(shapely.simplify(geoms, 0.05)))


def test_few_geometries_stay_on_the_calling_thread():
    seen: list[str] = []
    geoms = shapely.points(np.arange(100.0), np.zeros(100))
    out = cores.on_cores(lambda part: seen.append(threading.current_thread().name) or shapely.buffer(part, 1.0), geoms)
    assert seen == [threading.current_thread().name] and len(out) == 100  # 100 < 2 threads x 64
