"""Synthetic point incidents for benchmarks and tests: random coordinates in a lon/lat box, not places."""

from __future__ import annotations

import datetime as dt

import numpy as np

#: Lon/lat box around Kazakhstan (min lon, min lat, max lon, max lat): benchmark input, not a place.
BOX = (45.0, 39.0, 90.0, 56.0)
#: Event types the synthetic incidents cycle through.
TYPES = ("drone_overflight", "missile_test", "armed_clash", "military_transport", "security_alert", "travel_advisory", "protest",
         "air_crash")  # fmt: skip


def synthetic_records(n: int, seed: int = 0, prefix: str = "syn", title: str = "Synthetic incident") -> list[dict]:
    """``n`` incidents with given coordinates in BOX, random days in 2022-2025, the 8 TYPES and short titles."""
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(BOX[0], BOX[2], n), rng.uniform(BOX[1], BOX[3], n)
    day, kind = rng.integers(0, 4 * 365, n), rng.integers(0, len(TYPES), n)
    start = dt.date(2022, 1, 1)
    return [{"id": f"{prefix}-{i:06d}", "lat": round(float(lat[i]), 5), "lon": round(float(lon[i]), 5),
             "date": (start + dt.timedelta(days=int(day[i]))).isoformat(), "type": TYPES[kind[i]], "title": f"{title} {i}"}
            for i in range(n)]  # fmt: skip
