#!/usr/bin/env python
"""Wall time and peak resident memory of ``incmap locate`` in fresh processes, from a warm cache.

One unmeasured run first fills the caches (gazetteer store, layer copies, admin-name indexes and, unless
PYTHONDONTWRITEBYTECODE is set, Python's bytecode). Then each run is a new process, as an analyst's quick check is.
Prints the median, best and worst wall time and the largest peak RSS, with and without Python's bytecode cache.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fresh_process import incmap_command, run_measured  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("place", nargs="?", default="Uralsk", help="the place name to locate")
    parser.add_argument("--runs", type=int, default=7, help="measured runs per setting")
    args = parser.parse_args()

    command = [incmap_command(), "locate", args.place]
    settings = {"bytecode cached": {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
                "sources compiled each run (PYTHONDONTWRITEBYTECODE=1)": {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}}  # fmt: skip
    for label, env in settings.items():
        run_measured(command, env)  # fills the caches
        runs = [run_measured(command, env) for _ in range(args.runs)]
        walls = [w for w, _ in runs]
        print(f"incmap locate {args.place!r}, {label}: median {statistics.median(walls):.2f} s "
              f"(best {min(walls):.2f}, worst {max(walls):.2f}, {args.runs} runs); peak RSS {max(m for _, m in runs):.0f} MB")
    print("aim: <= 0.6 s and <= 300 MB")


if __name__ == "__main__":
    main()
