"""One command in a fresh process, measured: wall time and the child's own peak resident memory (wait4's rusage)."""

from __future__ import annotations

import os
import subprocess
import time


def run_measured(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one run of ``command``; a failed run stops the benchmark with its stderr."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(command)} failed: {proc.stderr.read().decode()[-500:]}")
    return wall, usage.ru_maxrss / 1024


def incmap_command() -> str:
    """The ``incmap`` console script of this environment."""
    import shutil
    import sys

    found = shutil.which("incmap", path=os.path.dirname(sys.executable)) or shutil.which("incmap")
    if not found:
        raise SystemExit("incmap is not installed in this environment")
    return found
