"""Time a cold gazetteer build and warm cache loads in a throwaway cache dir, to keep start-up fast."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from geo.gazetteer import load_gazetteer


def main() -> None:
    """Build once (cold), load from cache a few times (warm), print times and sizes."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("extra", nargs="*", type=Path, help="extra GeoNames dumps or place CSVs")
    parser.add_argument("--warm-runs", type=int, default=3, help="warm loads to time (best is reported)")
    parser.add_argument("--no-progress", action="store_true", help="hide the build progress bar")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="incmap-bench-") as tmp:
        start = time.perf_counter()
        gaz = load_gazetteer(args.extra, cache_dir=tmp, progress=not args.no_progress)
        cold = time.perf_counter() - start
        assert not gaz.from_cache

        warm_times = []
        for _ in range(max(1, args.warm_runs)):
            start = time.perf_counter()
            warm = load_gazetteer(args.extra, cache_dir=tmp, progress=False)
            warm_times.append(time.perf_counter() - start)
            assert warm.from_cache and len(warm) == len(gaz)
        cache_bytes = sum(p.stat().st_size for p in Path(tmp).glob("gazetteer-*.pkl"))

    print(f"cold build   {cold:8.2f} s")
    print(f"warm load    {min(warm_times):8.3f} s  (best of {len(warm_times)}; all: "
          f"{', '.join(f'{t:.3f}' for t in warm_times)})")  # fmt: skip
    print(f"rows         {len(gaz):>10,}")
    print(f"name keys    {len(gaz.all_keys()):>10,}")
    print(f"variant keys {len(gaz.all_variant_keys()):>10,}")
    print(f"problems     {len(gaz.problems):>10,}")
    print(f"cache file   {cache_bytes / 1e6:8.1f} MB")


if __name__ == "__main__":
    main()
