"""Read incident records (CSV, TSV, JSON Lines, GeoJSON, GeoPackage, (Geo)Parquet; a file or standard input) into
plain dicts, keeping every row and every value.

A file that cannot be used at all raises :class:`InputError` (one line). A bad row inside a
usable file becomes a :class:`RecordError` naming file, line (feature number) and field; the row itself
is still returned (flagged) so that nothing is silently dropped, unless ``strict`` makes it fatal.
The values incmap normalises (``date``, ``lat``, ``lon``) keep the input as written under ``src_<name>``
wherever it differs; a feature's Point gives lat/lon and any other geometry is kept as its footprint.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from shapely.geometry.base import BaseGeometry

from geo._errors import InputError, RecordError
from geo.io.dates import SlashEvidence, SlashOrder, normalise_date, slash_evidence
from geo.io.geometries import checked, from_geojson, is_point
from geo.io.schemas import alias_columns, apply_aliases, date_order, source_column
from geo.io.tables import TABLE_FORMATS, read_table, sniff_table

#: Fields incmap understands; anything else passes through untouched.
KNOWN_FIELDS = ("id", "date", "type", "place", "title", "description", "source", "url", "country", "region", "lat", "lon")

#: Internal keys added to each record (stripped again on output).
LINE_KEY = "_line"
PROBLEM_KEY = "_problem"
#: {field: dataset column} of the fields a dataset's column filled (the column passes through: no src_ copy needed).
ALIASED_KEY = "_aliased"
#: A footprint given with the record (a feature's Polygon, LineString, Multi*), kept as it is by the geocoder.
FOOTPRINT_KEY = "_footprint"

#: ``-`` names standard input; problems found in it are reported under this name.
STDIN, STDIN_NAME = "-", "<stdin>"

FORMATS = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg",
           ".parquet": "parquet", ".geoparquet": "parquet"}  # fmt: skip
#: Undecodable bytes, kept by ``surrogateescape``.
_SURROGATES = re.compile("[\udc80-\udcff]")


@dataclass
class RecordSet:
    """Records read from one file, in input order, with the problems found in them."""

    path: str
    records: list[dict]
    problems: list[RecordError] = field(default_factory=list)
    text_checks: bool = False  # the text had undecodable bytes: values are checked for them
    id_counts: dict[str, int] = field(default_factory=dict)  # content hashes of the id-less records, and how often


#: How much of a text input is looked at to tell a binary file, and what share of control bytes makes one.
BINARY_SNIFF_BYTES, BINARY_CONTROL_SHARE = 8192, 0.05


def read_records(path: str | Path, encoding: str = "utf-8", strict: bool = False, data: bytes | None = None,
                 id_counts: dict[str, int] | None = None) -> RecordSet:  # fmt: skip
    """Read ``path`` (format from its extension; ``-`` is standard input, its format sniffed) into records;
    ``data`` is the file's content when the caller has already read it; ``id_counts`` the content-hash counts of the
    files before it in one dataset (duplicate ids are numbered across the dataset). See the module docstring for errors."""
    stdin = str(path) == STDIN
    name = STDIN_NAME if stdin else str(path)
    fmt = None if stdin else record_format(path)
    data = read_input(path) if data is None else data
    result = parse_records(name, data, fmt or sniff_format(data), encoding)
    finish_records(result, date_evidence(result.records).order(), id_counts)
    if strict and result.problems:
        raise result.problems[0]
    return result


def record_format(path: str | Path) -> str:
    """The record format a file name stands for (by its extension); a one-line error for any other."""
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        *known, last = FORMATS
        raise InputError(f"{path}: unknown format {Path(path).suffix or '(no extension)'!r}; use {', '.join(known)} or {last}")
    return fmt


def parse_records(name: str, data: bytes, fmt: str, encoding: str = "utf-8", line_offset: int = 0, whole: bool = True) -> RecordSet:
    """The records of ``data`` (a whole file, or with ``whole`` False one part of it) as read, before per-field checks.
    ``line_offset`` is added to every line number (a part that starts further down its file); a part without any
    location is not an error by itself (its file may have them elsewhere)."""
    if fmt in TABLE_FORMATS:
        features = ((props, *checked(geom)) for props, geom in read_table(name, data, fmt))
        result = _read_features(name, features, "column", line_offset, whole)
    else:
        text, result_text_checks = _decode(name, data, encoding)
        if fmt in ("csv", "tsv"):
            result = _read_delimited(name, text, "\t" if fmt == "tsv" else ",", line_offset)
        else:
            result = (_read_jsonl if fmt == "jsonl" else _read_geojson)(name, text, line_offset, whole)
        result.text_checks = result_text_checks
    return result


def features_records(name: str, features: Iterable[tuple[dict, BaseGeometry | None]], line_offset: int = 0) -> RecordSet:
    """Records of table rows already read (properties, geometry): one part of a Parquet file, say."""
    return _read_features(name, ((props, *checked(geom)) for props, geom in features), "column", line_offset, whole=False)


@dataclass(frozen=True)
class DateEvidence:
    """What decides the slash order of a file's date column: its decided dates, and the dataset columns it came from.
    Evidence from the parts of one file merges with ``|`` into what the whole file shows."""

    slash: SlashEvidence = SlashEvidence()
    sources: frozenset[str] = frozenset()

    def __or__(self, other: DateEvidence) -> DateEvidence:
        return DateEvidence(self.slash | other.slash, self.sources | other.sources)

    def order(self) -> SlashOrder | None:
        """How the file's undecided slash dates read: its date column decides, else the dataset column's schema."""
        return self.slash.order(date_order(next(iter(self.sources))) if len(self.sources) == 1 else None)


def date_evidence(records: list[dict]) -> DateEvidence:
    """The slash-date evidence of ``records`` (see :class:`DateEvidence`)."""
    sources = frozenset((rec.get(ALIASED_KEY) or {}).get("date", "date") for rec in records if rec.get("date") not in (None, ""))
    return DateEvidence(slash_evidence(rec.get("date") for rec in records), sources)


def finish_records(result: RecordSet, order: SlashOrder | None, id_counts: dict[str, int] | None = None) -> None:
    """Check every record's values (dates read in ``order``) and give records without an ``id`` one, numbering
    duplicates on from ``id_counts`` (the files or parts before this one); ``result.id_counts`` counts them all."""
    dates: dict[str, tuple[str | None, str | None]] = {}  # a dataset repeats its dates: each is read once
    for rec in result.records:
        _check_values(result, rec, order, result.text_checks, dates)
    result.id_counts = _assign_ids(result.records, id_counts)


def read_input(path: str | Path) -> bytes:
    """The bytes of an input file, or of standard input for ``-``; a one-line error when it cannot be read."""
    if str(path) == STDIN:
        return sys.stdin.buffer.read()
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def sniff_format(data: bytes) -> str:
    """The format of records read from a stream (no file name to go by): GeoPackage, Parquet, GeoJSON, JSON Lines, TSV or CSV."""
    table = sniff_table(data)
    if table is not None:
        return table
    head = data.lstrip()[:4096].decode("utf-8", "replace")
    if head.startswith("{"):
        first = head.split("\n", 1)[0]
        one_object_per_line = first.rstrip().endswith("}") and "FeatureCollection" not in first
        return "jsonl" if one_object_per_line else "geojson"
    header = head.split("\n", 1)[0]
    return "tsv" if header.count("\t") > header.count(",") else "csv"


def _decode(name: str, data: bytes, encoding: str) -> tuple[str, bool]:
    """The text of the input, and whether it has undecodable bytes (kept as surrogates, reported per row)."""
    if encoding.lower().replace("-", "") in ("utf8", "utf8sig"):
        encoding = "utf-8-sig"
    if _looks_binary(data[:BINARY_SNIFF_BYTES]) and not encoding.lower().startswith(("utf-16", "utf16", "utf-32", "utf32")):
        raise InputError(f"{name}: a binary file, not text (control bytes throughout); give a CSV, TSV, JSON Lines, GeoJSON, "
                         f"GeoPackage or Parquet file")  # fmt: skip
    try:
        return data.decode(encoding), False
    except LookupError:
        raise InputError(f"{name}: unknown encoding {encoding!r}") from None
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="surrogateescape")
    bad_lines = sum(1 for line in text.splitlines() if _has_surrogates(line))
    if bad_lines and bad_lines > max(3, len(text.splitlines()) // 2):
        first = next(i for i, line in enumerate(text.splitlines(), 1) if _has_surrogates(line))
        raise InputError(f"{name}: not {encoding} text (first bad byte on line {first}); pass --encoding (e.g. cp1251, latin-1) or re-save as UTF-8")
    return text, True


def _looks_binary(head: bytes) -> bool:
    """Many control bytes (not tab, newline, carriage return, form feed) and bytes that are not UTF-8: a binary file.
    Control characters in valid UTF-8 text (NULs inside a field) are data: the rows carry them."""
    controls = sum(1 for b in head if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D))
    if controls <= BINARY_CONTROL_SHARE * max(len(head), 1):
        return False
    invalid = len(head) - len(head.decode("utf-8", errors="ignore").encode("utf-8"))
    return invalid > BINARY_CONTROL_SHARE * len(head)


def _has_surrogates(text: str) -> bool:
    """True where decoding left undecodable bytes (surrogateescape) in ``text``."""
    return _SURROGATES.search(text) is not None


def _problem(result: RecordSet, rec: dict, line: int, field_name: str, message: str) -> None:
    """Record one problem with a row: in the set's list and on the row itself."""
    err = RecordError(result.path, line, field_name, message)
    result.problems.append(err)
    rec.setdefault(PROBLEM_KEY, []).append(str(err))


def _read_delimited(path: str, text: str, delimiter: str, line_offset: int = 0) -> RecordSet:
    """CSV/TSV with a header row; line numbers are physical lines where each row starts (plus ``line_offset``)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path}: empty file (no header row)") from None
    except csv.Error as exc:
        raise InputError(f"{path}: cannot parse header ({exc})") from None
    header = [_field_name(h) for h in header]
    aliases = alias_columns(header)
    if not _has_location({**dict.fromkeys(header), **aliases}):
        raise InputError(f"{path}: no 'place' column, nor lat/lon (columns: {', '.join(header[:12]) or 'none'})")
    result = RecordSet(path, [])
    line = reader.line_num + 1 + line_offset
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rec = {LINE_KEY: line, "place": None}
            result.records.append(rec)
            _problem(result, rec, line, "(row)", f"malformed CSV: {exc}")
            line = reader.line_num + 1 + line_offset
            continue
        if not (row and (row[0].strip() or "".join(row).strip())):  # a blank line (the first cell decides most rows)
            line = reader.line_num + 1 + line_offset
            continue
        cells = row if len(row) == len(header) else [*row[: len(header)], *[None] * (len(header) - len(row))]
        rec = dict(zip(header, cells))
        if aliases:
            rec = apply_aliases(rec, aliases)
        rec[LINE_KEY] = line
        if aliases:
            rec[ALIASED_KEY] = aliases
        result.records.append(rec)
        if len(row) != len(header):
            _problem(result, rec, line, "(row)", f"{len(row)} fields where the header has {len(header)}")
        line = reader.line_num + 1 + line_offset
    return result


def _field_name(name: str) -> str:
    """A column name as incmap knows it: known fields match case-insensitively ("Place" is ``place``)."""
    name = name.strip()
    return name.lower() if name.lower() in KNOWN_FIELDS else name


def _known_keys(obj: dict) -> dict:
    """A JSON record with known field names matched case-insensitively, and dataset column names read as fields."""
    rec = {(_field_name(k) if isinstance(k, str) else k): v for k, v in obj.items()}
    aliases = alias_columns([k for k in rec if isinstance(k, str)])
    if aliases:
        rec[ALIASED_KEY] = aliases
    return apply_aliases(rec, aliases)


def _has_location(rec: dict) -> bool:
    """True for a record (or a header) that can be put on a map: a place, lat and lon, or a footprint."""
    return "place" in rec or ("lat" in rec and "lon" in rec) or FOOTPRINT_KEY in rec


def _read_jsonl(path: str, text: str, line_offset: int = 0, whole: bool = True) -> RecordSet:
    """JSON Lines: one object per line; blank lines skipped; bad lines kept and reported."""
    result = RecordSet(path, [])
    seen_place = False
    # JSON Lines end lines with "\n" only: str.splitlines would also break at U+2028, U+0085 or a lone CR, which JSON
    # strings may hold unescaped.
    for line_no, line in enumerate(text.split("\n"), 1 + line_offset):
        if not line.strip():
            continue
        rec: dict = {LINE_KEY: line_no}
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("not a JSON object")
            obj = _known_keys(obj)
            rec = {**obj, LINE_KEY: line_no}
            seen_place = seen_place or _has_location(obj)
        except ValueError as exc:
            rec["place"] = None
            _problem(result, rec, line_no, "(json)", f"invalid JSON: {exc}")
        result.records.append(rec)
    if whole and result.records and not seen_place:
        raise InputError(f"{path}: no 'place' field, nor lat/lon, in any record")
    return result


def _read_geojson(path: str, text: str, line_offset: int = 0, whole: bool = True) -> RecordSet:
    """GeoJSON FeatureCollection: properties become the record; a Point geometry gives lat/lon."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise InputError(f"{path}: not a GeoJSON FeatureCollection")
    return _read_features(path, (_geojson_feature(feature) for feature in features), "property", line_offset, whole)


def _geojson_feature(feature: object) -> tuple[dict, BaseGeometry | None, str | None]:
    """(properties, geometry, why the geometry is unusable) of one GeoJSON feature."""
    if not isinstance(feature, dict):
        return {}, None, None
    return dict(feature.get("properties") or {}), *from_geojson(feature.get("geometry"))


def _read_features(path: str, features: Iterable[tuple[dict, BaseGeometry | None, str | None]], kind: str, line_offset: int = 0,
                   whole: bool = True) -> RecordSet:  # fmt: skip
    """Records from features (properties, checked geometry, problem): a Point gives lat/lon unless the properties do,
    any other geometry is the footprint; an unusable geometry is reported (field ``geometry``) and the record kept."""
    result = RecordSet(path, [])
    for number, (props, geom, problem) in enumerate(features, 1 + line_offset):
        rec = {**_known_keys(props), LINE_KEY: number}
        if problem:
            _problem(result, rec, number, "geometry", problem)
        elif geom is not None and not is_point(geom):
            rec[FOOTPRINT_KEY] = geom
        elif geom is not None and _blank(rec.get("lat")) and _blank(rec.get("lon")):
            rec["lon"], rec["lat"] = geom.x, geom.y
        result.records.append(rec)
    if whole and result.records and not any(map(_has_location, result.records)):
        raise InputError(f"{path}: no 'place' {kind}, nor lat/lon or a geometry, in any feature")
    return result


def _check_values(result: RecordSet, rec: dict, order: SlashOrder | None, text_checks: bool,
                  dates: dict[str, tuple[str | None, str | None]]) -> None:  # fmt: skip
    """Per-field checks: encoding (``text_checks``: the file has undecodable bytes), dates read in the column's slash
    ``order`` (``dates``: those read so far), coordinates in range. Bad dates and coordinates are dropped, not guessed,
    and kept under src_."""
    line = rec.get(LINE_KEY, 0)
    for key, value in list(rec.items()) if text_checks else ():
        if isinstance(value, str) and _has_surrogates(value):
            _problem(result, rec, line, key, "not valid text in the file's encoding; value ignored")
            rec[key] = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            if key in ("lat", "lon", "date"):
                _keep_as_written(rec, key, rec[key])
                rec[key] = None
    _check_date(result, rec, line, order, dates)
    _check_coordinates(result, rec, line)


def _check_coordinates(result: RecordSet, rec: dict, line: int) -> None:
    """``lat``/``lon`` as floats in range; unusable ones are reported, dropped together, and kept as written under src_."""
    lat, lon = rec.get("lat"), rec.get("lon")
    try:  # the usual row first: two numbers in range (10^5 rows: 0.31 s -> 0.1 s)
        y, x = float(lat), float(lon)
        if abs(y) <= 90.0 and abs(x) <= 180.0:
            rec["lat"], rec["lon"] = y, x
            return
    except (TypeError, ValueError):
        pass
    if _blank(lat) and _blank(lon):
        rec["lat"] = rec["lon"] = None
        return
    parsed = {}
    for key, value, limit in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        try:
            number = float(value)
        except (TypeError, ValueError):
            _problem(result, rec, line, key, f"{value!r} is not a number; coordinates ignored")
            break
        if not math.isfinite(number):
            _problem(result, rec, line, key, f"{value!r} is not a finite number; coordinates ignored")
            break
        if abs(number) > limit:
            _problem(result, rec, line, key, f"{value!r} is outside -{limit:g}..{limit:g}{_swapped_hint(key, lat, lon)}; coordinates ignored")
            break
        parsed[key] = number
    usable = len(parsed) == 2
    if not usable:
        _keep_as_written(rec, "lat", lat)
        _keep_as_written(rec, "lon", lon)
    rec["lat"], rec["lon"] = (parsed["lat"], parsed["lon"]) if usable else (None, None)


def _swapped_hint(key: str, lat: object, lon: object) -> str:
    """"A question whether lat and lon are swapped, when the latitude is out of range but would do as a longitude and vice versa."""
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        return ""
    return " (are lat and lon swapped?)" if key == "lat" and abs(lat_f) <= 180 and abs(lon_f) <= 90 else ""


def _check_date(result: RecordSet, rec: dict, line: int, order: SlashOrder | None,
                dates: dict[str, tuple[str | None, str | None]]) -> None:  # fmt: skip
    """``date`` normalised to ISO (kept as written under src_ where that differs); a date that cannot be read is
    reported and the record kept undated. ``dates``: the texts read so far in ``order`` and what they gave."""
    value = rec.get("date")
    if _blank(value):
        rec["date"] = None
        return
    text = str(int(value)) if isinstance(value, (int, float)) and float(value).is_integer() else str(value)
    read = dates.get(text)
    if read is None:
        read = dates[text] = normalise_date(text, order)
    iso, problem = read
    if problem:
        _problem(result, rec, line, "date", f"{problem}; record kept undated")
    rec["date"] = iso
    if iso != value:
        _keep_as_written(rec, "date", value)


def _keep_as_written(rec: dict, name: str, value: object) -> None:
    """Keep the input's own ``name`` value under src_<name> (unless a dataset column it came from passes through)."""
    if name not in (rec.get(ALIASED_KEY) or {}) and not _blank(value):
        rec[source_column(name, rec)] = value


def _blank(value: object) -> bool:
    """True for None, NaN and empty/whitespace strings."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, float) and math.isnan(value))


def has_location(records: list[dict]) -> bool:
    """True when any of ``records`` can be put on a map (a file with none is unusable)."""
    return any(map(_has_location, records))


def _assign_ids(records: list[dict], counts: dict[str, int] | None = None) -> dict[str, int]:
    """Give records without an ``id`` a stable one: a hash of their content (duplicates numbered, counting on from
    ``counts``); returns the counts of the hashes seen."""
    seen: dict[str, int] = dict(counts or {})
    for rec in records:
        if not _blank(rec.get("id")):
            rec["id"] = str(rec["id"]).strip()
            continue
        content = {k: v for k, v in rec.items() if not k.startswith("_") and k != "id"}
        digest = hashlib.sha1(json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:12]
        seen[digest] = seen.get(digest, 0) + 1
        rec["id"] = f"rec-{digest}" + (f"-{seen[digest]}" if seen[digest] > 1 else "")
    return seen
