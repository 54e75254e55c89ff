#!/usr/bin/env python
"""Wall time and peak resident memory of ``incmap locate`` in fresh processes, from a warm cache.

One unmeasured run first fills the caches (gazetteer store, layer copies, admin-name indexes and, unless
PYTHONDONTWRITEBYTECODE is set, Python's bytecode). Then each run is a new process, as an analyst's quick check is.
Prints the median, best and worst wall time and the largest peak RSS, with and without Python's bytecode cache.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one run of ``command``."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(command)} failed: {proc.stderr.read().decode()[-500:]}")
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("place", nargs="?", default="Uralsk", help="the place name to locate")
    parser.add_argument("--runs", type=int, default=7, help="measured runs per setting")
    args = parser.parse_args()

    incmap = shutil.which("incmap", path=os.path.dirname(sys.executable)) or shutil.which("incmap")
    if not incmap:
        raise SystemExit("incmap is not installed in this environment")
    command = [incmap, "locate", args.place]
    settings = {"bytecode cached": {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
                "sources compiled each run (PYTHONDONTWRITEBYTECODE=1)": {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}}  # fmt: skip
    for label, env in settings.items():
        run_once(command, env)  # fills the caches
        runs = [run_once(command, env) for _ in range(args.runs)]
        walls = [w for w, _ in runs]
        print(f"incmap locate {args.place!r}, {label}: median {statistics.median(walls):.2f} s "
              f"(best {min(walls):.2f}, worst {max(walls):.2f}, {args.runs} runs); peak RSS {max(m for _, m in runs):.0f} MB")
    print("aim: <= 0.6 s and <= 300 MB")


if __name__ == "__main__":
    main()
