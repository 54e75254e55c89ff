#!/usr/bin/env python
"""Geocoding throughput on N place strings drawn from the gazetteer and layers themselves.

Mix: GeoNames primary and alternate names (any script), "near X", "X region" with admin-1
names, misspellings (one random edit) and nonsense. Prints records/s of ``Geocoder.geocode`` (as
``incmap geocode`` runs) for a cold pass (every string new to the process) and a warm pass (the
same records again: memoised), then for records repeating a few names (N records drawn from N/100 new
strings, as a dataset names its places again and again; two calls), and the cold start time of a Geocoder
whose indexes are already cached.
"""

from __future__ import annotations

import argparse
import random
import string
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def make_places(geocoder, n: int, seed: int = 7) -> list[str]:
    """N place strings in a realistic mix, drawn from the gazetteer and admin-1 names."""
    rng = random.Random(seed)
    gaz, admin_names = geocoder.gaz, geocoder.lookup.admin1_names
    keys = gaz.all_keys()
    out = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.45:
            out.append(str(gaz.names[rng.randrange(len(gaz))]))
        elif kind < 0.6:
            out.append(keys[rng.randrange(len(keys))])
        elif kind < 0.7:
            out.append("near " + str(gaz.names[rng.randrange(len(gaz))]))
        elif kind < 0.8:
            out.append(admin_names[rng.randrange(len(admin_names))] + " region")
        elif kind < 0.93:
            name = list(str(gaz.names[rng.randrange(len(gaz))]))
            pos = rng.randrange(len(name))
            name[pos] = rng.choice(string.ascii_lowercase)
            out.append("".join(name))
        else:
            out.append("".join(rng.choice(string.ascii_lowercase + " ") for _ in range(rng.randint(5, 20))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=100_000, help="number of place strings")
    args = parser.parse_args()


    from geo.geocoding import Geocoder

    start = time.perf_counter()
    geocoder = Geocoder(progress=True)
    print(f"geocoder ready in {time.perf_counter() - start:.2f} s (in-process, includes imports after the first)")
    places = make_places(geocoder, args.n)
    print(f"{len(places):,} place strings, {len(set(places)):,} distinct")
    records = [{"id": f"b{i}", "place": place} for i, place in enumerate(places)]
    for label in ("cold pass (new strings)", "warm pass (same strings)"):
        t0 = time.perf_counter()
        frame = geocoder.geocode(records, progress=True)  # as `incmap geocode` does: lookups made in bulk per chunk
        elapsed = time.perf_counter() - t0
        statuses = frame["status"].value_counts().to_dict()
        print(f"{label}: {len(places) / elapsed:,.0f} records/s ({elapsed:.1f} s); {statuses}")
    pool = make_places(geocoder, args.n // 100, seed=21)  # a dataset's usual shape: few names, many records
    pick = random.Random(5)
    repeated = [{"id": f"r{i}", "place": pick.choice(pool)} for i in range(args.n)]
    for label in ("first call", "second call"):
        t0 = time.perf_counter()
        geocoder.geocode(repeated, progress=False)
        elapsed = time.perf_counter() - t0
        print(f"repeated strings ({len(repeated):,} records naming {len(set(pool)):,} places), {label}: "
              f"{len(repeated) / elapsed:,.0f} records/s ({elapsed:.1f} s)")
    coarse = random.Random(8)  # a dataset's rows with coordinates and a coarse stated precision (ACLED geo_precision 2-3, UCDP 4-6)
    given = [{"id": f"g{i}", "lat": coarse.uniform(40, 55), "lon": coarse.uniform(45, 85), "where_prec": coarse.choice([1, 2, 3, 4, 5, 6])}
             for i in range(args.n)]  # fmt: skip
    t0 = time.perf_counter()
    frame = geocoder.geocode(given, progress=False)
    elapsed = time.perf_counter() - t0
    print(f"given coordinates at stated precisions 1-6 ({args.n:,} records): {args.n / elapsed:,.0f} records/s ({elapsed:.1f} s); "
          f"{frame['geometry'].geom_type.value_counts().to_dict()}")
    code = "import time; t=time.perf_counter(); from geo.geocoding.geocoder import Geocoder; Geocoder(); print(time.perf_counter()-t)"
    cold = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout) for _ in range(3)]
    print(f"cold start (new process, indexes cached): best {min(cold):.2f} s of {', '.join(f'{c:.2f}' for c in cold)}")


if __name__ == "__main__":
    main()
