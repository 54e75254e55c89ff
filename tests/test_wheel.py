"""A wheel that works anywhere: built from this checkout, installed (not editable) into a fresh venv, and run from
an empty directory far from the checkout, with a fresh gazetteer cache.

Slow (a build and a venv with every dependency, from pip's cache): about two minutes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from geo.maps import assets as oa
from geo.maps.offline import assert_offline

ROOT = Path(__file__).resolve().parent.parent


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(command)}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory, assets) -> dict:
    """The wheel (seeded from the developer's asset cache), a fresh venv with it installed, and where to run it."""
    base = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", oa.ASSETS_DIR_ENV, "INCMAP_LAYERS_DIR", "VIRTUAL_ENV")}
    build_env = {**env, "INCMAP_ASSETS_SEED": str(assets)}
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(base / "dist"), str(ROOT)], base, build_env)
    wheel = next((base / "dist").glob("incmap-*.whl"))
    run([sys.executable, "-m", "venv", str(base / "venv")], base, env)
    run([str(base / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], base, env)
    workdir = base / "somewhere" / "else"
    workdir.mkdir(parents=True)
    run_env = {**env, "INCMAP_CACHE_DIR": str(base / "cache"), "PATH": f"{base / 'venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"}
    return {"wheel": wheel, "bin": base / "venv" / "bin", "cwd": workdir, "env": run_env}


def test_the_wheel_carries_layers_assets_and_data_but_no_test_helpers(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    for layer in ("admin1.parquet", "countries.parquet", "borders.parquet", "bands.parquet", "provenance.json", "PROVENANCE.md"):
        assert f"geo/layers/data/{layer}" in names
    assert "geo/data/incidents.csv" in names
    manifest = json.loads(zipfile.ZipFile(installed["wheel"]).read(f"geo/maps/static/{oa.MANIFEST_NAME}"))
    assert {a.key for a in oa.unique_assets()} <= set(manifest["files"])
    assert all(f"geo/maps/static/{key}" in names for key in manifest["files"])
    assert not [n for n in names if n.startswith(("tests/", "scripts/")) or n.endswith(("synthetic.py", "page_probes.py"))]


def test_installed_package_is_not_the_checkout(installed):
    proc = run([str(installed["bin"] / "python"), "-c", "import geo, geo.settings as s; print(geo.__file__); print(s.LAYERS_DIR)"],
               installed["cwd"], installed["env"])  # fmt: skip
    module, layers_dir = proc.stdout.split()
    assert str(ROOT) not in module and str(ROOT) not in layers_dir
    assert layers_dir.endswith("geo/layers/data")


def test_layers_command(installed):
    proc = run(["incmap", "layers", "--borders", "KAZ"], installed["cwd"], installed["env"])
    assert "KAZ-RUS      6,657.6" in proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "5 borders of KAZ, 11,734.5 km in all"


def test_map_commands_online_and_offline(installed):
    cwd, env = installed["cwd"], installed["env"]
    online = run(["incmap", "map", "-o", "x.html"], cwd, env)
    assert online.stdout.strip().splitlines()[-1].startswith("summary: 10 records: 10 resolved")
    offline = run(["incmap", "map", "--offline", "-o", "y.html"], cwd, env)
    assert "map (offline, self-contained) written to y.html" in offline.stdout.strip().splitlines()[-1]
    page = (cwd / "y.html").read_text(encoding="utf-8")
    assert assert_offline(page) == []
    assert 'data-incmap-asset="leaflet@1.9.3/dist/leaflet.js"' in page
    assert "tile.openstreetmap.org" in (cwd / "x.html").read_text(encoding="utf-8")
    assert list(Path(env["INCMAP_CACHE_DIR"]).glob("gazetteer-*"))  # its own gazetteer index, not the user's
