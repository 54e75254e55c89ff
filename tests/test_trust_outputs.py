"""Outputs users can trust: formula-safe CSV, GeoParquet, files written whole or not at all, and clean interruption."""

from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner

from geo._errors import InputError
from geo.cli.main import cli
from geo.io import atomic
from geo.io.csv_safety import neutralise, restore

#: The console command installed beside this Python.
INCMAP = str(Path(sys.executable).parent / "incmap")
PAYLOADS = ['=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "+cmd|' /C calc'!A0", "-2+3", "\tindented", "\rreturn"]


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write_csv(path: Path, rows: list[dict]) -> Path:
    keys = list(dict.fromkeys(k for r in rows for k in r))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, keys, lineterminator="\n", quoting=csv.QUOTE_ALL)  # a bare CR must be quoted
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture()
def hostile(tmp_path) -> Path:
    rows = [{"id": f"r{i}", "place": "Aktau", "title": p, "description": "plain", "score": "-12.5"} for i, p in enumerate(PAYLOADS)]
    return write_csv(tmp_path / "hostile.csv", rows)


# ------------------------------------------------------------------ formula-safe CSV


@pytest.mark.parametrize("value", PAYLOADS)
def test_formula_like_text_is_neutralised_and_restored(value):
    safe = neutralise(value)
    assert safe == "'" + value and restore(safe) == value


@pytest.mark.parametrize("value", ["-12.5", "+3", "1e5", "-0.25E-3", "Aktau", "", "'quoted", 42, None])
def test_numbers_and_plain_text_stay_as_they_are(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("command", [("geocode",), ("query",)])
def test_csv_outputs_are_formula_safe(tmp_path, hostile, command):
    out = tmp_path / "out.csv"
    result = run(*command, str(hostile), "-o", str(out), "-q")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert len(rows) == len(PAYLOADS)
    for row, payload in zip(rows, PAYLOADS):
        assert row["title"] == "'" + payload  # shown as text by spreadsheets, never run
        assert not any(v.startswith(("=", "+", "@", "\t", "\r")) for v in row.values())
        assert row["score"] == "-12.5" and float(row["lat"]) > 40  # numbers stay numbers


def test_raw_csv_writes_cells_exactly(tmp_path, hostile):
    out = tmp_path / "raw.csv"
    assert run("geocode", str(hostile), "-o", str(out), "--raw-csv", "-q").exit_code == 0
    assert [r["title"] for r in csv.DictReader(out.open(encoding="utf-8", newline=""))] == PAYLOADS


def test_safe_csv_reads_back_as_written(tmp_path, hostile):
    out, back = tmp_path / "out.csv", tmp_path / "back.geojson"
    assert run("geocode", str(hostile), "-o", str(out), "-q").exit_code == 0
    assert run("query", str(out), "-o", str(back), "-q").exit_code == 0
    features = json.loads(back.read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["title"] for f in features] == PAYLOADS
    assert all(f["properties"]["status"] == "resolved" and f["geometry"]["type"] == "Point" for f in features)


# ------------------------------------------------------------------ GeoParquet


def test_geoparquet_output_keeps_footprints_and_reads_back(tmp_path):
    rows = [{"id": "reg", "place": "West Kazakhstan region"}, {"id": "town", "place": "Aktau"}, {"id": "bad", "place": "Qxzvbl Wrrpt"}]
    src, out = write_csv(tmp_path / "in.csv", rows), tmp_path / "out.parquet"
    assert run("geocode", str(src), "-o", str(out), "-q").exit_code == 0
    frame = gpd.read_parquet(out)
    assert list(frame["id"]) == ["reg", "town", "bad"] and list(frame["status"]) == ["resolved", "resolved", "unresolved"]
    assert frame.geometry.iloc[0].geom_type in ("Polygon", "MultiPolygon") and frame.geometry.iloc[2] is None
    back = tmp_path / "back.geojson"
    result = run("query", str(out), "-o", str(back), "-q")
    assert result.exit_code == 0 and "3 of 3" in result.output
    assert json.loads(back.read_text(encoding="utf-8"))["features"][0]["geometry"]["type"] == frame.geometry.iloc[0].geom_type
    assert run("map", str(out), "-o", str(tmp_path / "m.html"), "-q").exit_code == 0


def test_geoparquet_cannot_go_to_stdout(tmp_path, hostile):
    result = CliRunner().invoke(cli, ["geocode", str(hostile), "--format", "parquet", "-q"])
    assert result.exit_code == 1 and "standard output" in result.output and "Traceback" not in result.output


# ------------------------------------------------------------------ atomic writes


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "map.html"
    target.write_text("OLD", encoding="utf-8")

    def broken_replace(src, dst):
        raise KeyboardInterrupt  # interrupted at the last moment

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_text(target, "NEW" * 1000)
    assert target.read_text(encoding="utf-8") == "OLD" and sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]


def test_a_full_disk_is_a_one_line_error(tmp_path, monkeypatch):
    def full(self, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(InputError, match="No space left on device"):
        atomic.write_text(tmp_path / "x.geojson", "{}")
    assert list(tmp_path.iterdir()) == []


def test_an_unusable_output_folder_is_a_one_line_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder", encoding="utf-8")  # its "subfolder" can never be made, even by root
    result = CliRunner().invoke(cli, ["geocode", "-", "-o", str(blocker / "x.geojson"), "-q"], input="place\nAktau\n")
    assert result.exit_code == 1 and "cannot write" in result.output and "Traceback" not in result.output
    assert result.output.count("\n") <= 2


@pytest.mark.parametrize("delay", [0.8, 2.0, 3.5, 5.0])
def test_sigterm_midway_keeps_the_old_map_and_leaves_no_temporary(tmp_path, delay):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    from synthetic import synthetic_records

    src = write_csv(tmp_path / "many.csv", synthetic_records(40_000, seed=1))
    out = tmp_path / "out" / "map.html"
    out.parent.mkdir()
    out.write_text("OLD", encoding="utf-8")
    proc = subprocess.Popen([INCMAP, "map", str(src), "-o", str(out), "-q"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    time.sleep(delay)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert [p.name for p in out.parent.iterdir()] == ["map.html"]  # no temporary file left behind
    text = out.read_text(encoding="utf-8")
    assert text == "OLD" or (text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>"))  # old, or new and whole
    if proc.returncode == 0:  # finished before the signal
        assert text != "OLD"
    elif proc.returncode == 143:  # our handler ran (perhaps just after the rename): one line, no traceback
        assert err.strip().splitlines()[-1].startswith("incmap: terminated") and "Traceback" not in err
    else:
        assert proc.returncode == -signal.SIGTERM  # before incmap installed its handler, or while Python shut down after it


def wait_until_reading_stdin(pid: int, timeout: float = 60.0) -> None:
    """Block until process ``pid`` sits in read(0, ...) (Linux: /proc/PID/syscall), or ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            fields = Path(f"/proc/{pid}/syscall").read_text().split()
        except OSError:
            fields = []
        if fields[:2] == ["0", "0x0"]:  # syscall 0 is read on x86-64, first argument fd 0
            return
        time.sleep(0.05)


def test_ctrl_c_is_one_line_and_exit_130(tmp_path):
    # A job a non-interactive shell starts in the background inherits SIGINT ignored (so does this test run then), and
    # Python keeps it ignored: incmap is started with it at its default, as a terminal's foreground command has it.
    proc = subprocess.Popen([INCMAP, "geocode", "-", "-q"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip
    wait_until_reading_stdin(proc.pid)  # past start-up, waiting for records
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "incmap: interrupted; no output was left half-written" and "Traceback" not in err
