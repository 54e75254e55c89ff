"""``incmap map`` and ``incmap snapshot`` end to end: output files, the summary line, one-line errors and usage errors."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli.main import cli
from geo.maps.offline import assert_offline

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (Debian package chromium)")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="incmap")


def one_line_error(result, exit_code: int = 1) -> str:
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("incmap: error: ")
    return lines[0]


def usage_error(result, *fragments: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "incmap: error:" not in result.output
    assert "Usage: incmap map" in result.output
    message = result.output.strip().splitlines()[-1]
    assert message.startswith("Error: Invalid value for '--bands'"), message
    for fragment in fragments:
        assert fragment in message
    return message


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def written_map(assets, tmp_path_factory) -> Path:  # noqa: F811
    path = tmp_path_factory.mktemp("cli") / "offline.html"
    result = run("map", "--offline", "--border", "KAZ-RUS", "-o", str(path))
    assert result.exit_code == 0, result.output
    return path


def test_map_writes_html_and_ends_with_summary(tmp_path):
    out = tmp_path / "deep" / "dir" / "incidents.html"
    result = run("map", "-o", str(out))
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("summary: 10 records: 10 resolved, 0 ambiguous, 0 given, 0 unresolved (")
    near = "KAZ-RUS (4 incidents), BLR-RUS (1 incident), MDA-UKR (1 incident), RUS-UKR (1 incident)"
    assert last.endswith(f"0 bad rows; borders near incidents highlighted (nearest land border within 100 km): {near}; "
                         f"map (online tiles) written to {out}")  # fmt: skip
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "incmap: bundled incidents" in page
    assert "Borders near incidents: BLR-RUS, KAZ-RUS, MDA-UKR, RUS-UKR" in page and "Within 25 km of BLR-RUS, KAZ-RUS" in page
    assert "Kapustin Yar test launches aimed toward Kazakhstan" in page
    assert any("leaflet" in url for url in assert_offline(page))  # online: the CDN


def test_map_offline_with_border(written_map):
    page = written_map.read_text(encoding="utf-8")
    assert assert_offline(page) == []
    assert "Within 25 km of KAZ-RUS" in page and "Queried border KAZ-RUS" in page
    assert "Borders near incidents" not in page and "BLR-RUS," not in page  # only the border asked for


def test_map_border_none_turns_highlighting_off(tmp_path):
    out = tmp_path / "plain.html"
    result = run("map", "--border", "None", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "0 bad rows; no border highlighted (border: none); map (online tiles)" in result.stdout.strip().splitlines()[-1]
    page = out.read_text(encoding="utf-8")
    assert "International borders" in page and "#d7191c" not in page
    assert "Within " not in page and "Borders near incidents" not in page and "Queried border" not in page
    assert "<th>Border</th><td>57.5 km to KAZ-RUS</td>" in page  # popups still give each incident's nearest border


def test_map_help_explains_the_default_borders():
    text = " ".join(run("map", "--help").output.split())
    assert "or 'none'. Default: the borders the incidents are near" in text


@needs_chromium
def test_map_png(assets, tmp_path):
    html_path, png = tmp_path / "m.html", tmp_path / "shots" / "m.png"
    result = run("map", "--offline", "-o", str(html_path), "--png", str(png))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].endswith(f"; PNG {png}")
    assert png_size(png) == (1400, 900)
    assert png.stat().st_size > 50_000  # a map, not a blank page


def test_unwritable_output_is_one_line_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    target = blocker / "map.html"
    line = one_line_error(run("map", "-o", str(target)))
    assert str(target) in line and "cannot write" in line
    assert not target.exists()


@pytest.mark.parametrize("value, fragment", [("0", "every band must be a positive number of km"),
                                             ("-5", "every band must be a positive number of km"),
                                             ("abc", "give distances in km separated by commas"),
                                             ("25,x", "give distances in km separated by commas"),
                                             (",", "every band must be a positive number of km")])  # fmt: skip
def test_bad_bands_are_usage_errors(tmp_path, value, fragment):
    out = tmp_path / "m.html"
    usage_error(run("map", "--border", "KAZ-RUS", f"--bands={value}", "-o", str(out)), repr(value), fragment)
    assert not out.exists()


@pytest.mark.parametrize("value", ["inf", "5000"])
def test_unbufferable_bands_are_usage_errors_or_work(tmp_path, value):
    out = tmp_path / "m.html"
    result = run("map", "--border", "KAZ-RUS", f"--bands={value}", "-o", str(out))
    assert "GEOSException" not in result.output and "Traceback" not in result.output
    if result.exit_code == 0:
        assert out.exists()
    else:
        usage_error(result)


def test_unknown_border_lists_close_codes(tmp_path):
    out = tmp_path / "m.html"
    line = one_line_error(run("map", "--border", "QQQ", "-o", str(out)))
    assert "unknown border or country code 'QQQ'" in line
    codes = line.split("close matches: ", 1)[1].split(", ")
    assert len(codes) >= 3 and all(len(c) == 3 and c.isupper() for c in codes), codes
    assert not out.exists()


def test_unknown_border_pair_lists_close_pairs(tmp_path):
    line = one_line_error(run("map", "--border", "KAZ-QQQ", "-o", str(tmp_path / "m.html")))
    assert "unknown border 'KAZ-QQQ'" in line and "close matches: " in line and "KAZ-" in line


def test_header_only_input_renders_empty_map(tmp_path):
    source = tmp_path / "none.csv"
    source.write_text("id,date,type,place,title,description\n", encoding="utf-8")
    out = tmp_path / "none.html"
    result = run("map", str(source), "--offline", "--border", "KAZ-RUS", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].startswith("summary: 0 records")
    page = out.read_text(encoding="utf-8")
    assert "<b>No incidents</b> in this record set." in page and "incmap: none.csv" in page
    assert assert_offline(page) == []


def test_fragment_output(tmp_path):
    out = tmp_path / "frag.html"
    result = run("map", "--fragment", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith('<iframe class="incmap-map"') and text.count("<") == 2
    assert "map (offline, self-contained)" in result.stdout  # a fragment is always self-contained


@needs_chromium
def test_snapshot_writes_png(written_map, tmp_path):
    png = tmp_path / "snap.png"
    result = run("snapshot", str(written_map), "-o", str(png), "--width", "800", "--height", "600")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].startswith(f"summary: {png} written (")
    assert png_size(png) == (800, 600) and png.stat().st_size > 20_000


def test_snapshot_of_missing_file_is_usage_error(tmp_path):
    result = run("snapshot", str(tmp_path / "nope.html"), "-o", str(tmp_path / "x.png"))
    assert result.exit_code == 2 and "does not exist" in result.output and "Traceback" not in result.output


def test_long_inputs_list_fifty_rows_then_the_unresolved_then_a_count(tmp_path):
    from synthetic import synthetic_records

    records = synthetic_records(60, seed=3)
    for i in (55, 58):
        records[i] = {"id": f"bad-{i}", "place": "Qxzvbl Wrrpt"}  # nonsense: stays unresolved
    path = tmp_path / "many.csv"
    keys = ["id", "place", "lat", "lon", "type", "date", "title"]
    path.write_text("\n".join([",".join(keys)] + [",".join(str(r.get(k, "")) for k in keys) for r in records]) + "\n", encoding="utf-8")
    result = run("map", str(path), "-o", str(tmp_path / "m.html"))
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 50 + 2 + 2  # 50 rows, the two unresolved, the "more" line, the summary
    assert lines[50].startswith("bad-55") and lines[51].startswith("bad-58") and "unresolved" in lines[50]
    assert lines[52] == "... 8 more records not listed (all are on the map; `incmap geocode INPUT -o out.csv` writes every one)"
    assert lines[53].startswith("summary: 60 records")


def test_commands_without_place_names_never_load_the_gazetteer(tmp_path, monkeypatch):
    """`incmap layers`, and `incmap map`/`query` of records that carry coordinates, need no gazetteer: it must stay
    unloaded (a lean process), while a record with a place name does load it."""
    from synthetic import synthetic_records

    import geo.gazetteer.cache as gazetteer_cache

    real, loads = gazetteer_cache.load_gazetteer, []

    def counting(*args, **kwargs):
        loads.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(gazetteer_cache, "load_gazetteer", counting)
    given = tmp_path / "given.csv"
    rows = synthetic_records(50, seed=4)
    given.write_text("id,lat,lon,date,type,title\n" + "".join(f"{r['id']},{r['lat']},{r['lon']},{r['date']},{r['type']},{r['title']}\n" for r in rows))
    for args in (["layers"], ["map", str(given), "-o", str(tmp_path / "m.html"), "--offline"], ["query", str(given), "--within-km", "100"]):
        result = run(*args)
        assert result.exit_code == 0, result.output
    assert loads == []
    named = tmp_path / "named.csv"
    named.write_text("id,place\na,Aktau\n")
    assert run("map", str(named), "-o", str(tmp_path / "n.html"), "--offline").exit_code == 0 and loads == [1]
