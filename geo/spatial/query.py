"""Filters analysts ask for, as plain functions on GeoDataFrames of geocoded incidents, and the border questions a
map answers (which borders incidents are near, how many lie within each distance band).

Distance answers are uncertainty-aware: a footprint is *certainly* within R km when all of it
is (its maximum distance), *possibly* when only part of it is (its minimum). Country-level
(``where_prec`` 6-7) and unresolved records are excluded from distance answers and counted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo._errors import IncmapError
from geo.io.dates import date_range
from geo.io.precision import WherePrec
from geo.spatial.geodesy import M_PER_KM
from geo.spatial.proximity import border_distance, select_borders

#: Records at this precision or coarser are too vague for distance answers.
VAGUE_PREC = int(WherePrec.COUNTRY)
#: Border columns (from :func:`border_distance`) that band counts reuse.
COLUMNS_USED = ("border_km", "border_km_max", "border")


@dataclass
class QueryResult:
    """The matching records and, for the footer, how many were excluded and why."""

    frame: gpd.GeoDataFrame
    excluded: Counter = field(default_factory=Counter)

    def footer(self, total: int) -> str:
        """One line that accounts for every record: matches, the rest that do not match, and the exclusions by reason
        (records a filter cannot judge, such as country-level ones for a distance); the three add up to ``total``."""
        return match_footer(len(self.frame), total, self.excluded)


def match_footer(matched: int, total: int, excluded: Counter) -> str:
    """"M of N records match, R do not; excluded: ..." (the three add up to ``total``)."""
    parts = ", ".join(f"{n} {why}" for why, n in sorted(excluded.items()))
    rest = total - matched - sum(excluded.values())
    return f"{matched} of {total} records match, {rest} do not" + (f"; excluded: {parts}" if parts else "")


def check_radius(value: float, name: str = "radius") -> float:
    """A usable distance in km, or a clear error."""
    if value is None or not np.isfinite(value) or value < 0:
        raise IncmapError(f"{name} must be a non-negative number of kilometres, got {value!r}")
    return float(value)


def within_labels(near, far, km: float) -> np.ndarray:
    """'certain' where a whole footprint is within ``km`` (its farthest distance), 'possible' where only part of it is
    (its nearest), '' otherwise: the one rule every distance answer follows."""
    near, far = np.asarray(near, dtype=float), np.asarray(far, dtype=float)
    return np.where(far <= km, "certain", np.where(near <= km, "possible", ""))


def _locatable(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Rows with a footprint precise enough for a distance answer."""
    prec = pd.to_numeric(frame.get("where_prec"), errors="coerce").fillna(99).to_numpy()
    return (frame.geometry.notna().to_numpy()) & (prec < VAGUE_PREC)


def _exclusion_reasons(frame: gpd.GeoDataFrame, mask: np.ndarray) -> Counter:
    """Why the rows outside ``mask`` cannot answer a distance question."""
    reasons: Counter = Counter()
    prec = pd.to_numeric(frame.get("where_prec"), errors="coerce")
    for i in np.flatnonzero(~mask):
        if frame.geometry.iloc[i] is None or pd.isna(prec.iloc[i]):
            reasons["unresolved"] += 1
        else:
            reasons["country-level or vaguer"] += 1
    return reasons


def within_border_km(frame: gpd.GeoDataFrame, km: float, selection: str | None = None, certain_only: bool = False) -> QueryResult:
    """Records within ``km`` of the selected borders, with ``within`` = certain / possible."""
    km = check_radius(km, "--within-km")
    usable = _locatable(frame)
    measured = border_distance(frame[usable], selection) if usable.any() else frame[usable].assign(border_km=[], border_km_max=[])
    within = within_labels(measured["border_km"], measured["border_km_max"], km)
    measured = measured.assign(within=within)
    keep = measured["within"] == "certain" if certain_only else measured["within"] != ""
    return QueryResult(measured[keep], _exclusion_reasons(frame, usable))


def nearest_borders(frame: gpd.GeoDataFrame, km: float) -> Counter:
    """The borders records are near: each locatable record's nearest border (``border``) when its footprint is possibly
    within ``km`` of it (``border_km``), with how many records each; empty when the frame has no border distances."""
    if not {"border", "border_km"} <= set(frame.columns):
        return Counter()
    near = pd.to_numeric(frame["border_km"], errors="coerce").to_numpy(dtype=float)
    keep = _locatable(frame) & (near <= km)
    return Counter(str(pair) for pair in frame["border"].to_numpy()[keep])


@dataclass(frozen=True)
class BandCounts:
    """Records certainly and possibly within each distance band of some borders, and the records no band can count."""

    rows: tuple[tuple[float, int, int], ...]  # (km, certain, possible), km ascending
    not_counted: int  # country-level or vaguer, or unresolved


def band_counts(frame: gpd.GeoDataFrame, bands, selection: str, borders: gpd.GeoDataFrame) -> BandCounts:
    """How many records lie certainly / possibly within each of ``bands`` km of the selected ``borders`` (of the
    nearest of them: a record near two of them counts once per band).

    Distances already in ``frame`` are reused where they are exact, which holds when they were measured against all
    borders or a set including the selected ones (as :func:`geo.pipeline.load_incidents` does): a point whose nearest
    border is selected, and any record beyond the widest band. The other locatable records are measured again."""
    usable = _locatable(frame)
    near, far = np.full(len(frame), np.nan), np.full(len(frame), np.nan)
    again = usable.copy()
    if set(COLUMNS_USED) <= set(frame.columns):
        near = np.array(pd.to_numeric(frame["border_km"], errors="coerce"), dtype=float)  # copies: rows measured again go in
        far = np.array(pd.to_numeric(frame["border_km_max"], errors="coerce"), dtype=float)
        selected = frame["border"].isin(set(select_borders(borders, selection)["pair"])).to_numpy()
        exact = (frame.geometry.geom_type == "Point").to_numpy() & selected
        again &= ~exact & ~(near > max(bands))
    if again.any():
        measured = border_distance(frame[again], selection, borders)
        near[again], far[again] = measured["border_km"].to_numpy(dtype=float), measured["border_km_max"].to_numpy(dtype=float)
    rows = []
    for km in sorted(bands):
        within = within_labels(near[usable], far[usable], km)
        rows.append((float(km), int(np.sum(within == "certain")), int(np.sum(within == "possible"))))
    return BandCounts(tuple(rows), int(np.sum(~usable)))


def near_point(frame: gpd.GeoDataFrame, lon: float, lat: float, radius_km: float, certain_only: bool = False) -> QueryResult:
    """Records within ``radius_km`` of (lon, lat): exact, in an azimuthal-equidistant projection centred there."""
    radius_km = check_radius(radius_km, "--radius-km")
    usable = _locatable(frame)
    part = frame[usable]
    aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    local = part.to_crs(aeqd).geometry.values
    origin = shapely.Point(0, 0)
    near = shapely.distance(origin, local) / M_PER_KM
    far = np.array([_max_distance(g) for g in local]) / M_PER_KM if len(local) else np.array([])
    within = within_labels(near, far, radius_km)
    part = part.assign(near_km=near, near_km_max=far, within=within)
    keep = part["within"] == "certain" if certain_only else part["within"] != ""
    return QueryResult(part[keep], _exclusion_reasons(frame, usable))


def _max_distance(local_geom) -> float:
    """Farthest vertex of a footprint from the projection centre (metres)."""
    xy = shapely.get_coordinates(local_geom)
    return float(np.hypot(xy[:, 0], xy[:, 1]).max()) if len(xy) else np.nan


def in_area(frame: gpd.GeoDataFrame, area) -> QueryResult:
    """Records whose footprint intersects ``area`` (an admin-1 unit or country geometry)."""
    mask = frame.geometry.notna().to_numpy()
    hits = np.zeros(len(frame), dtype=bool)
    hits[mask] = shapely.intersects(frame.geometry.values[mask], area)
    return QueryResult(frame[hits], Counter({"unresolved": int((~mask).sum())}) if (~mask).any() else Counter())


def between_dates(frame: gpd.GeoDataFrame, since: dt.date | None, until: dt.date | None) -> QueryResult:
    """Records whose date span overlaps [since, until]; undated records are excluded and counted."""
    spans = [date_range(v) for v in frame.get("date", pd.Series([None] * len(frame)))]
    keep = np.array([s is not None and (since is None or s[1] >= since) and (until is None or s[0] <= until) for s in spans], dtype=bool)
    undated = sum(s is None for s in spans)
    return QueryResult(frame[keep], Counter({"undated": undated}) if undated else Counter())


def of_type(frame: gpd.GeoDataFrame, types: tuple[str, ...]) -> QueryResult:
    """Records whose ``type`` is one of ``types`` (case-insensitive)."""
    wanted = {t.strip().casefold() for t in types}
    keep = frame.get("type", pd.Series([None] * len(frame))).map(lambda t: isinstance(t, str) and t.casefold() in wanted)
    return QueryResult(frame[keep.to_numpy(dtype=bool)])


def max_precision(frame: gpd.GeoDataFrame, max_prec: int) -> QueryResult:
    """Records at least as precise as ``max_prec`` (UCDP where_prec, 1 best)."""
    prec = pd.to_numeric(frame.get("where_prec"), errors="coerce")
    keep = (prec <= max_prec).fillna(False).to_numpy(dtype=bool)
    return QueryResult(frame[keep])
