"""Checks on the bundled default incident file ``geo/data/incidents.csv``.

The file is hand-written from the seed news articles in ``/work/shared/seeds``.
It must stay well-formed, keep places free of coordinates (the geocoder supplies
those), cover the incidents the seeds report, and never copy the articles' wording.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest

CSV_PATH = Path(__file__).parents[1] / "geo" / "data" / "incidents.csv"
SEEDS_DIR = Path(__file__).parents[2] / "shared" / "seeds"

COLUMNS = [
    "id", "date", "date_precision", "type", "place", "country", "region",
    "title", "summary", "source", "url", "seed_file",
]
PRECISIONS = {"day", "month", "year", "unknown"}
TYPES = {
    "drone_overflight",
    "missile_test",
    "missile_impact",
    "missile_strike",
    "armed_clash",
    "military_transport",
    "air_crash",
    "security_alert",
    "travel_advisory",
}
DATE_PATTERNS = {
    "day": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "month": re.compile(r"\d{4}-\d{2}"),
    "year": re.compile(r"\d{4}"),
}
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A decimal number (12.5, -51,37), a degree sign or a lat/lon pair all look like coordinates.
COORD_PATTERN = re.compile(r"-?\d{1,3}[.,]\d+|°|\d+\s*[NSEW]\b|\d+\s*,\s*-?\d+")
SHINGLE = 8


def _rows() -> list[dict[str, str]]:
    with CSV_PATH.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _header() -> list[str]:
    with CSV_PATH.open(newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


def _words(text: str) -> list[str]:
    """Lower-cased words with punctuation stripped."""
    return re.findall(r"\w+", text.casefold())


def _shingles(text: str, n: int = SHINGLE) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _seed_files() -> list[Path]:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed folder {SEEDS_DIR} is absent")
    files = sorted(SEEDS_DIR.glob("*.txt"))
    if not files:
        pytest.skip(f"no seed articles in {SEEDS_DIR}")
    return files


def _find(rows, type_, *place_parts, date=None):
    return [
        r
        for r in rows
        if r["type"] == type_
        and all(p.casefold() in r["place"].casefold() for p in place_parts)
        and (date is None or r["date"] == date)
    ]


def test_file_exists_and_is_utf8():
    assert CSV_PATH.is_file(), CSV_PATH
    CSV_PATH.read_bytes().decode("utf-8")


def test_exact_columns():
    assert _header() == COLUMNS


def test_every_row_has_all_columns():
    with CSV_PATH.open(newline="", encoding="utf-8") as f:
        lines = list(csv.reader(f))
    assert len(lines) > 1, "no incidents"
    for i, line in enumerate(lines[1:], start=2):
        assert len(line) == len(COLUMNS), f"row {i} has {len(line)} fields"


def test_ids_unique_and_well_formed():
    ids = [r["id"] for r in _rows()]
    assert all(ids), "empty id"
    assert len(ids) == len(set(ids)), "duplicate ids"
    for i in ids:
        assert ID_PATTERN.fullmatch(i), f"bad id slug {i!r}"


def test_date_precision_vocabulary():
    for r in _rows():
        assert r["date_precision"] in PRECISIONS, (r["id"], r["date_precision"])


def test_dates_match_precision():
    for r in _rows():
        prec, date = r["date_precision"], r["date"]
        if prec == "unknown":
            assert date == "", f"{r['id']}: unknown precision needs an empty date"
            continue
        assert DATE_PATTERNS[prec].fullmatch(date), f"{r['id']}: {date!r} is not a {prec} date"
        year, month, day = (date.split("-") + ["01", "01"])[:3]
        parsed = dt.date(int(year), int(month), int(day))  # raises on impossible dates
        assert 1990 <= parsed.year <= 2100, (r["id"], date)


def test_type_vocabulary():
    for r in _rows():
        assert r["type"] in TYPES, (r["id"], r["type"])


def test_places_present_and_not_coordinates():
    for r in _rows():
        assert r["place"].strip(), f"{r['id']}: empty place"
        assert not COORD_PATTERN.search(r["place"]), f"{r['id']}: place looks like coordinates: {r['place']!r}"


def test_country_and_text_fields():
    for r in _rows():
        assert re.fullmatch(r"[A-Z]{3}", r["country"]), (r["id"], r["country"])
        for col in ("title", "summary", "source", "seed_file"):
            assert r[col].strip(), f"{r['id']}: empty {col}"
        for col in COLUMNS:
            assert "\n" not in r[col] and "\r" not in r[col], f"{r['id']}: multi-line {col}"
        assert r["url"] == "" or r["url"].startswith(("http://", "https://")), (r["id"], r["url"])
        assert re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", r["seed_file"]), (r["id"], r["seed_file"])


def test_seed_files_exist():
    _seed_files()
    for r in _rows():
        assert (SEEDS_DIR / r["seed_file"]).is_file(), f"{r['id']}: missing seed {r['seed_file']}"


def test_required_incidents_present():
    rows = _rows()
    required = {
        "drones over West Kazakhstan, 2025-06-19": _find(rows, "drone_overflight", "West Kazakhstan", date="2025-06-19"),
        "air crash near Aktau, 2024-12-25": _find(rows, "air_crash", "Aktau", date="2024-12-25"),
        "military trucks on Oral–Aksay highway, 2023-07-29": _find(
            rows, "military_transport", "Oral–Aksay", date="2023-07-29"
        ),
        "missile tests at Kapustin Yar": _find(rows, "missile_test", "Kapustin Yar"),
        "missile impacts in Bokey Orda": _find(rows, "missile_impact", "Bokey Orda"),
        "shootout in Koryakovo, Kaluga": [
            r for r in _find(rows, "armed_clash", "Koryakovo") if "Kaluga" in r["place"] + r["region"]
        ],
        "travel advisory for Odesa": _find(rows, "travel_advisory", "Odesa"),
        "travel advisory for Kharkiv": _find(rows, "travel_advisory", "Kharkiv"),
        "Oreshnik strike on Dnipro, 2024-11-21": _find(rows, "missile_strike", "Dnipro", date="2024-11-21"),
        "Kazakhstan security response, 2024-11-22": [
            r for r in _find(rows, "security_alert", "Kazakhstan", date="2024-11-22") if r["place"] == "Kazakhstan"
        ],
    }
    missing = [name for name, hits in required.items() if not hits]
    assert not missing, f"missing incidents: {missing}"


def test_kapustin_yar_and_koryakovo_region_hints():
    rows = _rows()
    assert all(r["region"] == "Astrakhan" and r["country"] == "RUS" for r in _find(rows, "missile_test", "Kapustin Yar"))
    assert all(r["region"] == "Kaluga" and r["country"] == "RUS" for r in _find(rows, "armed_clash", "Koryakovo"))


def test_no_eight_word_overlap_with_seeds():
    seed_shingles: set[tuple[str, ...]] = set()
    for path in _seed_files():
        seed_shingles |= _shingles(path.read_text(encoding="utf-8"))
    copied = []
    for r in _rows():
        for col in ("title", "summary"):
            shared = _shingles(r[col]) & seed_shingles
            if shared:
                copied.append((r["id"], col, " ".join(sorted(shared)[0])))
    assert not copied, f"text copied from seed articles: {copied}"


def test_overlap_check_can_fail():
    """The shingle check itself must catch a copied sentence."""
    seed = "She condemned these actions against Russia's ally and reminded that Kazakhstan is a member."
    copied = "Officials said she condemned these actions against Russia's ally and reminded everyone."
    assert _shingles(copied) & _shingles(seed)
    assert not _shingles("A wholly different sentence about drones over the steppe.") & _shingles(seed)
