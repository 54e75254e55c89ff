"""The dask engine gives the single-machine engine's rows, row for row: inputs cut into partitions (CSV with quoted
line breaks, JSON Lines, Parquet row groups, folders of files), bad and unresolved rows, whole-file decisions (the
slash-date order, numbered duplicate ids); on a 2-worker local cluster on loopback, one worker killed midway."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from geo._errors import InputError, RecordError
from geo.io.export import write_records
from geo.pipeline import QuerySpec, load_incidents, query_incidents
from geo.scale.engine import choose_engine, run_dask
from geo.scale.partitions import plan_partitions

distributed = pytest.importorskip("distributed")
dask_geopandas = pytest.importorskip("dask_geopandas")

ROOT = Path(__file__).resolve().parent.parent
FIELDS = ["id", "date", "type", "place", "lat", "lon", "title"]


@pytest.fixture(scope="module")
def cluster():
    """A small dask cluster: 2 worker processes, one thread each, loopback only (its status page too, on a free port)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0") as c:
        yield c


def _records(cities: dict, n: int, seed: int) -> list[dict]:
    """Incident records of every kind: GeoNames place names (some with their region), coordinates, names that are no
    place, bad coordinates and dates, id-less rows with duplicate content far apart, quoted line breaks and quotes."""
    rng = random.Random(seed)
    names = sorted(c["name"] for c in cities.values() if c["countrycode"] in ("KZ", "RU", "UA", "GE"))
    rows = []
    for i in range(n):
        row = {"id": f"r{i}", "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", "type": rng.choice(["armed_clash", "drone_overflight"]),
               "place": "", "lat": "", "lon": "", "title": f"incident {i}"}  # fmt: skip
        kind = i % 6
        if kind in (0, 1):
            row["place"] = rng.choice(names)
        elif kind == 2:
            row["place"] = "".join(rng.choice("qxzvkw") for _ in range(9))  # no place: unresolved
        else:
            row["lat"], row["lon"] = f"{rng.uniform(40, 56):.5f}", f"{rng.uniform(45, 90):.5f}"
        if i % 37 == 0:
            row["lat"], row["lon"], row["place"] = "95", "50", ""  # bad coordinates: reported, kept
        if i % 41 == 0:
            row["date"] = "not a date"
        if i % 9 == 0:
            row["date"] = "03/05/2024"  # undecided until a later row shows the column is day-first
        if i % 10 == 0:
            row["id"] = ""
        if i % 13 == 0:
            row["title"] = 'a "quoted"\ntitle over two lines'
        rows.append(row)
    rows[-1]["date"] = "25/05/2024"
    for i in (3, n // 2, n - 3):  # the same id-less content three times, in different partitions
        rows[i] = {"id": "", "date": "2024-02-02", "type": "protest", "place": names[0], "lat": "", "lon": "", "title": "same"}
    return rows


def _write_csv(path: Path, rows: list[dict], delimiter: str = ",") -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _comparable(frame: gpd.GeoDataFrame, tmp: Path) -> gpd.GeoDataFrame:
    """A frame as written to GeoParquet and read back (the form the dask engine's output has)."""
    path = tmp / f"single-{id(frame)}.parquet"
    write_records(frame, path, "parquet")
    return gpd.read_parquet(path)


def assert_same_rows(single: gpd.GeoDataFrame, dask_out: gpd.GeoDataFrame) -> None:
    """Same columns in the same order, same number of rows, every value equal (missing is missing), same footprints."""
    assert list(dask_out.columns) == list(single.columns)
    assert len(dask_out) == len(single)
    for column in single.columns:
        if column == "geometry":
            same = single.geometry.geom_equals_exact(dask_out.geometry, 0) | (single.geometry.isna() & dask_out.geometry.isna())
            assert same.all(), f"footprints differ in rows {list(same[~same].index[:5])}"
            continue
        a = single[column].astype(object).where(single[column].notna(), None).tolist()
        b = dask_out[column].astype(object).where(dask_out[column].notna(), None).tolist()
        diff = [(i, x, y) for i, (x, y) in enumerate(zip(a, b)) if x != y]
        assert not diff, f"column {column}: {diff[:3]}"


def _inputs(kind: str, rows: list[dict], tmp: Path) -> Path:
    """The rows as a ``kind`` input that the planner cuts into several partitions."""
    if kind == "csv":
        return _write_csv(tmp / "events.csv", rows)
    if kind == "csv-unquoted":
        plain = [{**r, "title": r["title"].replace('"', "").replace("\n", " ")} for r in rows]
        return _write_csv(tmp / "events.csv", plain)
    if kind == "tsv":
        return _write_csv(tmp / "events.tsv", rows, delimiter="\t")
    if kind == "jsonl":
        path = tmp / "events.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        return path
    if kind == "parquet":
        path = tmp / "events.parquet"
        pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=len(rows) // 5)
        return path
    folder = tmp / "exports"  # a folder of two files: rows in file order
    folder.mkdir()
    _write_csv(folder / "a.csv", rows[: len(rows) // 2])
    _write_csv(folder / "b.csv", rows[len(rows) // 2 :])
    return folder


@pytest.mark.parametrize("kind", ["csv", "csv-unquoted", "tsv", "jsonl", "parquet", "folder"])
def test_dask_geocode_gives_the_single_engine_rows(kind, cities15000, cluster, tmp_path):
    rows = _records(cities15000, 600, seed=7)
    source = _inputs(kind, rows, tmp_path)
    parts = plan_partitions(sorted(map(str, source.iterdir())) if source.is_dir() else [str(source)], part_bytes=12_000, part_rows=100)
    assert len(parts) >= 4, "the input must be cut into several partitions"
    single = load_incidents(str(source), progress=False)
    run = run_dask("geocode", str(source), tmp_path / "out", scheduler=cluster.scheduler_address, part_bytes=12_000, part_rows=100,
                   progress=False)  # fmt: skip
    out = gpd.read_parquet(tmp_path / "out")
    assert_same_rows(_comparable(single.frame, tmp_path), out)
    assert run.rows_in == len(rows) and run.parts == len(parts)
    assert run.problem_count == len(single.problems) > 0
    shown = [str(p) for p in run.problems[:10]]
    assert shown == [str(p) for p in single.problems[:10]]  # file:line: field, in input order
    assert sorted(out["status"].unique()) == ["given", "resolved", "unresolved"] or "unresolved" in set(out["status"])
    same = out[out["title"] == "same"]["id"].tolist()
    assert len(same) == 3 and len(set(same)) == 3 and same[1:] == [f"{same[0]}-2", f"{same[0]}-3"]
    assert not any(p.name.startswith(".") for p in (tmp_path / "out").iterdir()), "no temporary files left"
    lazy = dask_geopandas.read_parquet(tmp_path / "out")  # the output is a dask-geopandas dataset, one partition per part
    assert lazy.npartitions == run.parts and lazy.crs.to_epsg() == 4326
    assert_same_rows(out, lazy.compute().reset_index(drop=True))


def test_dask_query_gives_the_single_engine_matches(cities15000, cluster, tmp_path):
    rows = _records(cities15000, 600, seed=11)
    source = _inputs("folder", rows, tmp_path)
    spec = QuerySpec(within_km=400.0, border="KAZ-RUS", types=("armed_clash",))
    single = query_incidents(load_incidents(str(source), border="KAZ-RUS", measure=False, progress=False), spec)
    run = run_dask("query", str(source), tmp_path / "matches", spec=spec, border="KAZ-RUS", scheduler=cluster.scheduler_address,
                   part_bytes=12_000, progress=False)  # fmt: skip
    out = gpd.read_parquet(tmp_path / "matches")
    assert 0 < len(out) < len(rows)
    assert_same_rows(_comparable(single.frame.reset_index(drop=True), tmp_path), out)
    assert run.excluded == single.excluded and run.rows_out == len(single.frame) and run.rows_in == len(rows)


def test_layers_and_geocoder_reach_each_worker_once(cities15000, cluster, tmp_path):
    source = _write_csv(tmp_path / "events.csv", _records(cities15000, 400, seed=3))
    run = run_dask("geocode", str(source), tmp_path / "out", scheduler=cluster.scheduler_address, part_bytes=3_000, progress=False)
    assert run.parts >= 8
    assert 1 <= len(run.loads) <= 2 and set(run.loads.values()) == {1}  # worker process -> geocoder loads


def test_strict_stops_at_the_first_bad_row_as_on_one_machine(cities15000, cluster, tmp_path):
    rows = _records(cities15000, 300, seed=5)
    source = _write_csv(tmp_path / "events.csv", rows)
    with pytest.raises(RecordError) as single:
        load_incidents(str(source), strict=True, progress=False)
    with pytest.raises(RecordError) as on_dask:
        run_dask("geocode", str(source), tmp_path / "out", strict=True, scheduler=cluster.scheduler_address, part_bytes=4_000, progress=False)
    assert str(on_dask.value) == str(single.value)
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out*")), "nothing written, nothing left over"


def test_an_unusable_file_is_one_line_error(cluster, tmp_path):
    bad = tmp_path / "exports"
    bad.mkdir()
    (bad / "a.csv").write_text("name,value\nx,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="no 'place' column"):
        run_dask("geocode", str(bad), tmp_path / "out", scheduler=cluster.scheduler_address, progress=False)
    with pytest.raises(InputError, match="no record files"):
        run_dask("geocode", str(tmp_path / "none-*.csv"), tmp_path / "out", scheduler=cluster.scheduler_address, progress=False)


def test_a_worker_lost_midway_loses_and_duplicates_no_row(cities15000, tmp_path):
    rows = [r for r in _records(cities15000, 4000, seed=13)]
    source = _write_csv(tmp_path / "events.csv", rows)
    single = _comparable(load_incidents(str(source), progress=False).frame, tmp_path)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0") as lc:
        with distributed.Client(lc) as client:
            client.wait_for_workers(2, timeout=60)
            pids = list(client.run(os.getpid).values())
        outcome: dict = {}

        def work():
            try:
                outcome["run"] = run_dask("geocode", str(source), tmp_path / "out", scheduler=lc.scheduler_address, part_bytes=8_000,
                                          progress=False)  # fmt: skip
            except BaseException as exc:  # noqa: BLE001 - reported below
                outcome["error"] = exc

        thread = threading.Thread(target=work)
        thread.start()
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(".out.*/part.*.parquet")) and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert thread.is_alive(), "the run ended before a worker could be killed"
        os.kill(pids[0], signal.SIGKILL)  # one worker dies midway; its nanny starts another
        thread.join(300)
    assert "error" not in outcome, outcome.get("error")
    out = gpd.read_parquet(tmp_path / "out")
    assert out["id"].is_unique and len(out) == len(rows)
    assert_same_rows(single, out)


def test_the_cli_runs_a_query_on_an_existing_cluster(cities15000, cluster, tmp_path):
    source = _inputs("folder", _records(cities15000, 300, seed=17), tmp_path)
    cmd = [sys.executable, "-m", "geo", "query", str(source), "--within-km", "300", "--border", "KAZ-RUS",
           "--scheduler", cluster.scheduler_address, "-o", str(tmp_path / "near"), "-q"]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    summary = done.stderr.strip().splitlines()[-1]
    assert summary.startswith("summary: ") and "of 300 records match" in summary and "engine dask" in summary
    matched = int(summary.split("summary: ")[1].split(" of ")[0])
    assert len(gpd.read_parquet(tmp_path / "near")) == matched > 0
    single = subprocess.run([sys.executable, "-m", "geo", "query", str(tmp_path / "near"), "--within-km", "300", "--border", "KAZ-RUS",
                             "--engine", "single", "-q"], capture_output=True, text=True, timeout=300, cwd=ROOT)  # fmt: skip
    assert f"{matched} of {matched} records match" in single.stderr + single.stdout  # the folder reads back on one machine


def test_engine_choice_and_usage_errors(tmp_path, monkeypatch):
    small = _write_csv(tmp_path / "a.csv", [{"id": "1", "place": "x"}])
    assert choose_engine("auto", str(small)) == "single"
    assert choose_engine("auto", str(small), scheduler="tcp://127.0.0.1:1") == "dask"
    assert choose_engine("auto", "-") == "single"
    monkeypatch.setattr("geo.scale.engine.AUTO_DASK_BYTES", 10)
    assert choose_engine("auto", str(small)) == "dask"
    for args, message in ((["--engine", "dask"], "give -o FOLDER"), (["--engine", "dask", "-o", str(tmp_path / "x.csv")], "use a folder name")):
        done = subprocess.run([sys.executable, "-m", "geo", "geocode", str(small), *args], capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_single_engine_reads_a_folder_in_file_order(cities15000, tmp_path):
    rows = _records(cities15000, 120, seed=19)
    folder = _inputs("folder", rows, tmp_path)
    incidents = load_incidents(str(folder), progress=False)
    assert incidents.frame["title"].tolist()[:5] == [r["title"] for r in rows[:5]]
    assert len(incidents.frame) == len(rows)
    files = {str(p).split(":")[0] for p in incidents.problems}
    assert files == {str(folder / "a.csv"), str(folder / "b.csv")}
    assert pd.Series(incidents.frame["id"]).is_unique
