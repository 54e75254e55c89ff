"""Query filters: certain vs possible, exclusions counted, dates, types, and the CLI."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest
from click.testing import CliRunner

from geo.cli.main import cli
from geo.geocoding.footprint import geodesic_circle
from geo.spatial import query as q


def _frame(layers, place):
    oral, astana = place("Oral", "KZ"), place("Astana", "KZ")
    zap = layers.admin1.loc[layers.admin1["iso_3166_2"] == "KZ-ZAP"].geometry.iloc[0]
    kaz = layers.countries.set_index("iso3").loc["KAZ"].geometry
    return gpd.GeoDataFrame({
        "id": ["oral", "astana", "zap", "kaz", "lost", "near-oral"],
        "date": ["2025-06-19", "2024", "2023-07", None, "2024-01-01", "2025-01-02"],
        "type": ["drone", "strike", "drone", "alert", "drone", "DRONE"],
        "where_prec": [1, 1, 4, 6, None, 2],
        "status": ["resolved"] * 4 + ["unresolved", "resolved"],
    }, geometry=[oral, astana, zap, kaz, None, geodesic_circle(oral.x, oral.y, 25)], crs="EPSG:4326")  # fmt: skip


def test_within_border_distinguishes_certain_from_possible_and_counts_exclusions(layers, place):
    result = q.within_border_km(_frame(layers, place), 100, "KAZ-RUS")
    within = dict(zip(result.frame["id"], result.frame["within"]))
    assert within == {"oral": "certain", "zap": "possible", "near-oral": "certain"}
    assert result.excluded == {"country-level or vaguer": 1, "unresolved": 1}
    certain = q.within_border_km(_frame(layers, place), 100, "KAZ-RUS", certain_only=True)
    assert set(certain.frame["id"]) == {"oral", "near-oral"}


def test_near_point_uses_exact_distances(layers, place):
    oral = place("Oral", "KZ")
    result = q.near_point(_frame(layers, place), oral.x, oral.y, 30)
    got = dict(zip(result.frame["id"], result.frame["within"]))
    assert got["oral"] == "certain" and got["near-oral"] == "certain" and got["zap"] == "possible"
    assert "astana" not in got
    assert result.frame.set_index("id").loc["near-oral", "near_km_max"] == pytest.approx(25, rel=0.01)


def test_dates_types_precision_and_bad_radius(layers, place):
    frame = _frame(layers, place)
    dated = q.between_dates(frame, dt.date(2024, 6, 1), dt.date(2025, 12, 31))
    assert set(dated.frame["id"]) == {"oral", "astana", "near-oral"}  # "2024" overlaps, "2023-07" does not
    assert dated.excluded == {"undated": 1}
    assert set(q.of_type(frame, ("drone",)).frame["id"]) == {"oral", "zap", "lost", "near-oral"}
    assert set(q.max_precision(frame, 2).frame["id"]) == {"oral", "astana", "near-oral"}
    with pytest.raises(Exception, match="non-negative"):
        q.check_radius(-1)


def test_query_cli_on_bundled_incidents_within_50_km_of_kaz_rus():
    from geo.settings import DEFAULT_INCIDENTS

    result = CliRunner().invoke(cli, ["query", str(DEFAULT_INCIDENTS), "--within-km", "50", "--border", "KAZ-RUS"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].split()[:3] == ["id", "date", "place"]
    ids = [line.split()[0] for line in lines[1:-1]]
    assert "kz-2025-06-drones-west-kazakhstan" in ids  # touches the border: possible
    assert any(i.startswith("kz-2023-07-military-trucks") for i in ids)  # route 24-39 km away: certain
    assert not any("aktau" in i for i in ids)
    assert "kz-bokey-orda-missile-impact" in ids  # the Bokey Orda district lies in West Kazakhstan, which touches the border
    assert "excluded: 1 country-level or vaguer" in lines[-1]


@pytest.mark.parametrize("args, message", [
    (["--within-km", "abc"], "abc"),
    (["--within-km", "-3"], "non-negative"),
    (["--border", "KZX-RUS", "--within-km", "5"], "close matches"),
    (["--in", "Atlantis"], "no such region or country"),
])  # fmt: skip
def test_query_cli_bad_options_are_one_line_errors(args, message):
    from geo.settings import DEFAULT_INCIDENTS

    result = CliRunner().invoke(cli, ["query", str(DEFAULT_INCIDENTS), *args])
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
