"""The pipeline every command runs: read, report bad rows, geocode, measure; and queries over its result."""

from __future__ import annotations

import pytest

from geo._errors import IncmapError
from geo.io.export import write_records
from geo.pipeline import QuerySpec, load_incidents, query_incidents
from geo.settings import DEFAULT_INCIDENTS


@pytest.fixture(scope="module")
def bundled():
    return load_incidents(DEFAULT_INCIDENTS, progress=False)


def test_records_are_geocoded_and_measured_in_input_order(bundled):
    frame = bundled.frame
    assert len(frame) == 10 and not bundled.already_geocoded and bundled.problems == []
    assert frame["id"].iloc[0] == "kz-2025-06-drones-west-kazakhstan"
    assert {"border_km", "border_km_max", "border"} <= set(frame.columns)
    assert frame["border_km"].notna().all()


def test_bad_rows_are_reported_before_geocoding(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,place,lat,lon\na,Aktau,,\nb,Oral,95,51\n", encoding="utf-8")
    seen = []
    incidents = load_incidents(path, progress=False, report=seen.extend)
    assert [str(p) for p in seen] == [f"{path}:3: field 'lat': '95' is outside -90..90 (are lat and lon swapped?); coordinates ignored"]
    assert list(incidents.frame["status"]) == ["resolved", "resolved"]


def test_geocoded_output_is_read_as_it_is(bundled, tmp_path):
    out = write_records(bundled.frame, tmp_path / "out.geojson")
    again = load_incidents(out, progress=False)
    assert again.already_geocoded and again.geocoder is None
    types = list(again.frame.geometry.geom_type)
    assert types == list(bundled.frame.geometry.geom_type)  # region polygons and the route line survive
    assert "LineString" in types and {"Polygon", "MultiPolygon"} & set(types)
    assert list(again.frame["border_km"].round(3)) == list(bundled.frame["border_km"].round(3))


def test_a_border_selection_measures_to_that_border(bundled):
    selected = load_incidents(DEFAULT_INCIDENTS, border="KAZ-RUS", progress=False)
    assert set(selected.frame["border"]) == {"KAZ-RUS"}
    assert (selected.frame["border_km"] >= bundled.frame["border_km"] - 1e-6).all()


def test_unknown_border_fails_before_reading(tmp_path):
    with pytest.raises(IncmapError, match="unknown border"):
        load_incidents(tmp_path / "not-read.csv", border="KAZ-QQQ")


def test_query_near_a_place_and_in_a_region(bundled):
    near = query_incidents(bundled, QuerySpec(near="Aktau", radius_km=100))
    assert list(near.frame["id"]) == ["kz-2024-12-azal-crash-aktau"]
    west = query_incidents(bundled, QuerySpec(area="West Kazakhstan"))
    assert "kz-2025-06-drones-west-kazakhstan" in set(west.frame["id"])
    with pytest.raises(IncmapError, match="no such region or country"):
        query_incidents(bundled, QuerySpec(area="Atlantis"))


@pytest.mark.parametrize("spec, message", [
    (QuerySpec(near="Aktau"), "go together"),
    (QuerySpec(within_km=-1), "non-negative"),
    (QuerySpec(radius_km=float("nan"), near="Aktau"), "non-negative"),
])  # fmt: skip
def test_query_spec_checks(spec, message):
    with pytest.raises(IncmapError, match=message):
        spec.check()


@pytest.mark.parametrize("args", [("layers",), ("map", "{src}", "-o", "{out}"), ("geocode", "{src}", "-o", "{out2}"),
                                  ("query", "{src}", "--within-km", "50")])  # fmt: skip
def test_commands_that_need_no_gazetteer_never_load_it(tmp_path, monkeypatch, args):
    """Records with coordinates (and the layers command) need only the layers: the gazetteer is never read."""
    from click.testing import CliRunner

    import geo.gazetteer.cache as gazetteer_cache
    from geo.cli.main import cli

    def forbidden(*a, **k):
        raise AssertionError("the gazetteer was loaded")

    monkeypatch.setattr(gazetteer_cache, "load_gazetteer", forbidden)
    src = tmp_path / "given.csv"
    src.write_text("id,lat,lon,title\na,51.2,51.4,one\nb,43.6,51.2,two\n", encoding="utf-8")
    filled = [a.format(src=src, out=tmp_path / "m.html", out2=tmp_path / "o.geojson") for a in args]
    result = CliRunner().invoke(cli, [*filled, "-q"] if args[0] != "layers" else filled, catch_exceptions=False)
    assert result.exit_code == 0, result.output
