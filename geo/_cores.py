"""Element-wise GEOS work spread over the cores: shapely's array functions release the GIL, so threads run at once."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

#: Geometries per thread below which the work stays on one core.
MIN_PER_THREAD = 64


def on_cores(run: Callable[[np.ndarray], np.ndarray], geoms: np.ndarray, min_per_thread: int = MIN_PER_THREAD) -> np.ndarray:
    """``run(geoms)`` for an element-wise ``run``, one thread per core on interleaved shares (every k-th geometry,
    so that a layer's large outlines, often neighbours, are shared out); the results in the order of ``geoms``."""
    k = min(os.cpu_count() or 1, len(geoms) // max(1, min_per_thread))
    if k <= 1:
        return run(geoms)
    out = np.empty(len(geoms), dtype=object)
    with ThreadPoolExecutor(k, thread_name_prefix="incmap-geos") as pool:
        for i, part in enumerate(pool.map(lambda i: run(geoms[i::k]), range(k))):
            out[i::k] = part
    return out
