"""The ``incmap`` command as a whole: exit codes, ``-`` for stdin and stdout, shared options spelt once."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from geo.cli.main import cli
from geo.settings import DEFAULT_INCIDENTS


def run(*args: str, stdin: str | bytes | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin)


def bundled_csv() -> str:
    return DEFAULT_INCIDENTS.read_text(encoding="utf-8")


# ------------------------------------------------------------------ exit codes


def test_internal_error_says_so_and_how_to_see_the_traceback(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("something inside broke")

    monkeypatch.setattr("geo.pipeline.load_incidents", broken)
    result = run("geocode", str(DEFAULT_INCIDENTS))
    assert result.exit_code == 70
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith("incmap: error: internal error (RuntimeError: something inside broke)")
    assert "--debug" in lines[0]
    debug = run("--debug", "geocode", str(DEFAULT_INCIDENTS))
    assert isinstance(debug.exception, RuntimeError)  # --debug lets the traceback through


def test_ctrl_c_is_one_line_and_exit_130(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("geo.pipeline.load_incidents", interrupted)
    result = run("map", "-o", "unused.html")
    assert result.exit_code == 130 and result.output.strip() == "incmap: interrupted; no output was left half-written"


def test_user_error_is_exit_1_and_usage_error_exit_2(tmp_path):
    missing = run("geocode", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and missing.output.startswith("incmap: error: ") and "no such file" in missing.output
    usage = run("geocode", str(DEFAULT_INCIDENTS), "--format", "xml")
    assert usage.exit_code == 2 and "Invalid value for '--format'" in usage.output


# ------------------------------------------------------------------ stdin and stdout


def test_geocode_reads_stdin_and_writes_csv_to_stdout():
    result = run("geocode", "-", "--format", "csv", "-o", "-", stdin=bundled_csv())
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 10 and {r["status"] for r in rows} == {"resolved"}
    assert all(r["geometry_wkt"] for r in rows)
    assert result.stderr.strip().splitlines()[-1] == "summary: 10 records: 10 resolved, 0 ambiguous, 0 given, 0 unresolved; 0 bad rows reported"


def test_console_script_ends_with_every_byte_written_and_its_exit_code(tmp_path):
    """The console script ends a command that succeeded without the interpreter's teardown: what it wrote to a pipe
    (far more than a buffer) arrives whole, the summary too, and exit handlers still run; a failure exits as usual."""
    rows = "".join(f"r{i},{40 + i % 10}.5,{50 + i % 20}.25\n" for i in range(3000))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered streams, as a pipe has them
    script = Path(sys.executable).parent / "incmap"
    done = subprocess.run([str(script), "geocode", "-", "--format", "csv", "-o", "-"], input="id,lat,lon\n" + rows,
                          capture_output=True, text=True, timeout=120, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(out) == 3000 and out[-1]["id"] == "r2999" and out[-1]["lat"] == "49.5" and out[-1]["status"] == "given"
    assert done.stderr.strip().splitlines()[-1].startswith("summary: 3000 records: 0 resolved, 0 ambiguous, 3000 given")
    failed = subprocess.run([str(script), "geocode", str(tmp_path / "missing.csv")], capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1 and failed.stderr.strip().endswith("no such file")
    handler = ("import atexit, sys; from geo.cli.main import main; atexit.register(lambda: print('handled')); "
               "sys.argv = ['incmap', 'layers', '--borders', 'KAZ']; main()")  # fmt: skip
    ran = subprocess.run([sys.executable, "-c", handler], capture_output=True, text=True, timeout=120, env=env)
    assert ran.returncode == 0 and "KAZ-RUS" in ran.stdout and ran.stdout.strip().endswith("handled")  # run, then flushed


@pytest.mark.parametrize("text, place", [
    ('{"id": "a", "place": "Aktau"}\n{"id": "b", "place": "Kharkiv"}\n', "Aktau"),
    ("id\tplace\na\tAktau\nb\tKharkiv\n", "Aktau"),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null, "properties": {"id": "a", "place": "Aktau"}},'
     ' {"type": "Feature", "geometry": null, "properties": {"id": "b", "place": "Kharkiv"}}]}', "Aktau"),
])  # fmt: skip
def test_stdin_format_is_told_by_content(text, place):
    result = run("geocode", "-", stdin=text)
    assert result.exit_code == 0, result.output
    features = json.loads(result.stdout)["features"]
    assert [f["properties"]["id"] for f in features] == ["a", "b"]
    assert features[0]["properties"]["matched_name"] == place and features[0]["properties"]["country"] == "KAZ"
    assert features[1]["properties"]["country"] == "UKR"


def test_bad_rows_from_stdin_are_named_stdin():
    result = run("geocode", "-", "--format", "csv", stdin="id,place,lat,lon\na,Aktau,95,51\n")
    assert result.exit_code == 0
    assert "warning: <stdin>:2: field 'lat'" in result.stderr


def test_map_to_stdout_keeps_stdout_for_html():
    result = run("map", "-o", "-", "--offline")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!DOCTYPE html>") and result.stdout.rstrip().endswith("</html>")
    assert "summary: 10 records" in result.stderr and "written to standard output" in result.stderr


def test_query_reads_geocoded_geojson_from_stdin():
    geocoded = run("geocode", str(DEFAULT_INCIDENTS))
    result = run("query", "-", "--within-km", "50", "--border", "KAZ-RUS", stdin=geocoded.stdout)
    assert result.exit_code == 0, result.output
    ids = [line.split()[0] for line in result.stdout.strip().splitlines()[1:-1]]
    assert "kz-2025-06-drones-west-kazakhstan" in ids and not any("aktau" in i for i in ids)
    assert "kz-bokey-orda-missile-impact" in ids  # a district: its region's polygon touches the border
    assert "excluded: 1 country-level or vaguer" in result.stdout.strip().splitlines()[-1]


# ------------------------------------------------------------------ shared options


def test_format_and_output_extension_must_agree(tmp_path):
    result = run("geocode", str(DEFAULT_INCIDENTS), "-o", str(tmp_path / "out.csv"), "--format", "geojson")
    assert result.exit_code == 2 and "--format geojson disagrees with the extension" in result.output
    assert not (tmp_path / "out.csv").exists()


def test_format_names_the_file_kind_when_the_output_has_no_extension(tmp_path):
    out = tmp_path / "incidents"
    result = run("query", str(DEFAULT_INCIDENTS), "--in", "KAZ", "--format", "geojson", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.is_file() and not (tmp_path / "incidents.geojson").exists()
    assert json.loads(out.read_text(encoding="utf-8"))["type"] == "FeatureCollection"


def test_output_extension_gives_the_format(tmp_path):
    out = tmp_path / "west.csv"
    result = run("query", str(DEFAULT_INCIDENTS), "--in", "West Kazakhstan", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows and all(r["admin1_code"] == "KZ-ZAP" or r["where_prec"] in ("5", "6") for r in rows)


def test_quiet_prints_only_the_summary(tmp_path):
    result = run("map", "-q", "-o", str(tmp_path / "m.html"))
    assert result.exit_code == 0
    assert result.output.strip().splitlines() == [result.output.strip()] and result.output.startswith("summary: 10 records")


def test_shared_options_have_one_help_text():
    texts: dict[str, set[str]] = {}
    for command in cli.commands.values():
        for param in command.params:
            if command.name == "map" and param.name == "border_sel":
                assert "'none'" in param.help and "Default" in param.help  # the map's own: a default choice and 'none'
                continue
            if isinstance(param, click.Option) and param.name in ("output", "border_sel", "gazetteers", "fmt", "strict", "quiet", "encoding"):
                texts.setdefault(param.name, set()).add(param.help)
    assert set(texts) == {"output", "border_sel", "gazetteers", "fmt", "strict", "quiet", "encoding"}
    assert {name: len(helps) for name, helps in texts.items()} == dict.fromkeys(texts, 1)
