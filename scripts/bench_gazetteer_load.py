"""Time a cold gazetteer build and warm cache loads in a throwaway cache dir, to keep start-up fast and lean."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from geo.gazetteer import load_gazetteer

#: Run in a fresh interpreter: a warm load plus one exact lookup, as ``incmap locate`` does them.
FRESH_PROCESS = """
import json, resource, sys, time
from pathlib import Path
start = time.perf_counter()
from geo.gazetteer import load_gazetteer
from geo.gazetteer.names import fold
imported = time.perf_counter()
gaz = load_gazetteer([Path(p) for p in sys.argv[2:]], cache_dir=sys.argv[1], progress=False)
rows = gaz.lookup(fold("uralsk"))
done = time.perf_counter()
try:  # this process's own peak (ru_maxrss would carry over the parent's peak through fork and exec)
    peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
except OSError:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"from_cache": gaz.from_cache, "rows": len(rows), "import_s": imported - start, "load_s": done - imported,
                  "max_rss_mb": peak_kb / 1024}))
"""


def fresh_load(cache_dir: str, extra: list[Path]) -> dict:
    """Warm load and one lookup in a new process (nothing imported or mapped yet): its times and peak RSS."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", FRESH_PROCESS, cache_dir, *map(str, extra)], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Build once (cold), load from cache a few times (warm, in this process and in fresh ones), print times and sizes."""
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
        fresh = [fresh_load(tmp, args.extra) for _ in range(max(1, args.warm_runs))]
        assert all(f["from_cache"] for f in fresh)
        entries = list(Path(tmp).glob("gazetteer-*"))
        cache_bytes = sum(f.stat().st_size for e in entries for f in (e.iterdir() if e.is_dir() else [e]))

    best = min(fresh, key=lambda f: f["load_s"])
    print(f"cold build   {cold:8.2f} s")
    print(f"warm load    {min(warm_times):8.3f} s  (in this process, best of {len(warm_times)}; all: "
          f"{', '.join(f'{t:.3f}' for t in warm_times)})")  # fmt: skip
    print(f"fresh load   {best['load_s']:8.3f} s  (new process: load + one lookup, best of {len(fresh)}; "
          f"import {best['import_s']:.3f} s, peak RSS {max(f['max_rss_mb'] for f in fresh):.0f} MB)")  # fmt: skip
    print(f"rows         {len(gaz):>10,}")
    print(f"name keys    {len(gaz.all_keys()):>10,}")
    print(f"variant keys {len(gaz.all_variant_keys()):>10,}")
    print(f"problems     {len(gaz.problems):>10,}")
    print(f"cache        {cache_bytes / 1e6:8.1f} MB  ({len(entries)} entry)")


if __name__ == "__main__":
    main()
