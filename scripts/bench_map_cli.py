#!/usr/bin/env python
"""``incmap map`` end to end on N synthetic incidents with given coordinates, in fresh processes.

The input is ``synthetic_records(N)`` (scripts/synthetic.py: random points around Kazakhstan, random days, 8 types)
written as CSV; each run reads it, geocodes it (given points), measures border distances and writes the offline page,
as an analyst's command does. One unmeasured run first fills the caches. Prints the median, best and worst wall
time, the peak RSS and the page size; then the same for runs that find no distance bands in the user cache (each
removes them first: a machine's first map, whose bands come from the layers' ``bands.parquet``), and for runs at
band widths the layers do not carry (``--bands 30,60,120``, the user cache's bands removed first: every band is
buffered, as a first map at custom widths is). The aim (issue 13): 10^5 records in <= 4 s, the page under 8 MB.

    .venv/bin/python scripts/bench_map_cli.py [-n 100000] [--runs 5] [--cold-runs 3] [--buffer-runs 3]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fresh_process import incmap_command, run_measured  # noqa: E402
from synthetic import synthetic_records  # noqa: E402

#: Band widths (km) the layers carry no bands for.
CUSTOM_BANDS = "30,60,120"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=100_000, help="incidents in the CSV")
    parser.add_argument("--runs", type=int, default=5, help="measured runs")
    parser.add_argument("--cold-runs", type=int, default=3, help="measured runs with no bands in the user cache")
    parser.add_argument("--buffer-runs", type=int, default=3, help="measured runs at widths whose bands are all buffered")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="incmap-bench-map-") as tmp:
        source, page = Path(tmp) / f"synthetic-{args.n}.csv", Path(tmp) / "map.html"
        records = synthetic_records(args.n)
        with open(source, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(records[0]))
            writer.writeheader()
            writer.writerows(records)
        command = [incmap_command(), "map", str(source), "-o", str(page), "--offline", "-q"]
        run_measured(command)  # fills the caches
        runs = [run_measured(command) for _ in range(args.runs)]
        size = page.stat().st_size
        cold = [run_measured(command) for _ in range(args.cold_runs) if _forget_bands()]
        buffered = [run_measured([*command, "--bands", CUSTOM_BANDS]) for _ in range(args.buffer_runs) if _forget_bands()]
    print(f"incmap map of {args.n:,} given points (CSV -> offline page): {_figures(runs)}; page {size:,} bytes ({size / 1e6:.2f} MB)")
    if cold:
        print(f"  no bands in the user cache (read from the layers): {_figures(cold)}")
    if buffered:
        print(f"  bands at {CUSTOM_BANDS} km, all buffered: {_figures(buffered)}")
    print("aim: <= 4 s and a page under 8 MB")


def _figures(runs: list[tuple[float, float]]) -> str:
    walls = [w for w, _ in runs]
    return (f"median {statistics.median(walls):.2f} s (best {min(walls):.2f}, worst {max(walls):.2f}, {len(runs)} runs); "
            f"peak RSS {max(m for _, m in runs):.0f} MB")  # fmt: skip


def _forget_bands() -> bool:
    """Remove the distance bands in the user cache (geo.maps.band_store): the next run reads or buffers them again."""
    from geo import settings
    from geo.maps.band_store import PREFIX

    for path in Path(settings.CACHE_DIR).glob(f"{PREFIX}*"):
        path.unlink(missing_ok=True)
    return True


if __name__ == "__main__":
    main()
