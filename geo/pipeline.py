"""The path of incidents through incmap, as the commands run it: read -> report bad rows -> geocode -> measure,
then query. ``incmap geocode``, ``query`` and ``map`` all start with :func:`load_incidents`.

Input that incmap already geocoded (its GeoJSON or GeoPackage output) is read as it is: footprints are
kept and nothing is geocoded twice.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from geo._errors import IncmapError, RecordError
from geo.config import gazetteers_with_config
from geo.gazetteer.cache import extra_gazetteer
from geo.geocoding import Geocoder
from geo.geocoding.admin_names import admin_area
from geo.io.dataset import input_files
from geo.io.geocoded import read_geocoded
from geo.io.records import STDIN, read_input, read_records, sniff_format
from geo.layers import Layers, load_layers
from geo.spatial import BORDER_COLUMNS
from geo.spatial import query as q
from geo.spatial.proximity import border_distance, select_borders

#: Called with the bad rows found in the input, before geocoding starts.
ProblemReporter = Callable[[list[RecordError]], None]


@dataclass
class Incidents:
    """Geocoded incidents (one row per input record, in input order) and what was found on the way."""

    frame: gpd.GeoDataFrame
    layers: Layers
    problems: list[RecordError] = field(default_factory=list)
    gazetteer_problems: list[RecordError] = field(default_factory=list)  # bad rows of --gazetteer files
    geocoder: Geocoder | None = None  # None when the input was already geocoded
    already_geocoded: bool = False
    gazetteers: tuple[Path, ...] = ()
    id_counts: dict[str, int] = field(default_factory=dict)  # content-hash ids given so far (numbered across files)

    def place_geocoder(self) -> Geocoder:
        """The geocoder used for the input, or one over the same layers and gazetteers (for --near)."""
        if self.geocoder is None:
            self.geocoder = Geocoder(self.layers, extra_gazetteers=self.gazetteers, progress=True)
        return self.geocoder


def load_incidents(source: str | Path, *, encoding: str = "utf-8", strict: bool = False, gazetteers: Sequence[str] = (),
                   border: str | None = None, measure: bool = True, progress: bool = True,
                   report: ProblemReporter | None = None) -> Incidents:  # fmt: skip
    """Read ``source`` (a file, ``-``, or a directory or glob of files: :mod:`geo.io.dataset`), report its bad rows,
    geocode its records and measure their distance to the borders selected by ``border`` (all land borders when
    None). An unknown border code fails first. Several files give one frame, their rows in file order."""
    layers = load_layers()
    if border:
        select_borders(layers.borders, border)  # unknown code: one-line error before any work
    extra = tuple(gazetteers_with_config(tuple(gazetteers)))
    incidents = Incidents(gpd.GeoDataFrame(), layers, already_geocoded=True, gazetteers=extra)
    frames = [_file_frame(path, incidents, encoding=encoding, strict=strict, progress=progress, report=report) for path in input_files(source)]
    incidents.frame = frames[0] if len(frames) == 1 else concat_frames(frames)
    incidents.frame = measured(incidents.frame, border, measure)
    return incidents


def _file_frame(path: str, incidents: Incidents, *, encoding: str, strict: bool, progress: bool,
                report: ProblemReporter | None) -> gpd.GeoDataFrame:  # fmt: skip
    """One input file's rows: as written when incmap geocoded it already, else read (bad rows reported) and geocoded."""
    data = read_input(path) if path == STDIN else None
    maybe_geocoded = data is None or sniff_format(data) in ("geojson", "jsonl")
    frame = read_geocoded(path, data) if maybe_geocoded else None
    if frame is not None:
        return frame
    incidents.already_geocoded = False
    records = read_records(path, encoding=encoding, strict=strict, data=data, id_counts=incidents.id_counts)
    incidents.id_counts = records.id_counts
    incidents.problems += records.problems
    if report is not None:
        report(records.problems)
    if incidents.geocoder is None:
        gaz = extra_gazetteer(incidents.gazetteers, strict=strict, progress=progress, report=report)
        incidents.gazetteer_problems = gaz.problems if gaz is not None else []
        incidents.geocoder = Geocoder(incidents.layers, gazetteer=gaz, extra_gazetteers=incidents.gazetteers, progress=progress)
    return incidents.geocoder.geocode(records.records, progress=None if progress else False)


def measured(frame: gpd.GeoDataFrame, border: str | None, measure: bool = True) -> gpd.GeoDataFrame:
    """``frame`` with its border distances: measured when asked and missing, or again for a chosen ``border``."""
    if measure and (border or not set(BORDER_COLUMNS) <= set(frame.columns)):
        return border_distance(frame, border)
    return frame


def concat_frames(frames: Sequence[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Frames of several files (or partitions) as one, rows in order, columns in order of first appearance."""
    import pandas as pd

    frame = pd.concat(list(frames), ignore_index=True, sort=False)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


@dataclass
class QuerySpec:
    """What an analyst asks of incidents; every filter given is combined with AND."""

    within_km: float | None = None
    border: str | None = None
    certain_only: bool = False
    near: str | None = None
    radius_km: float | None = None
    area: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    types: tuple[str, ...] = ()
    max_prec: int | None = None

    def check(self) -> None:
        """A one-line error for options that cannot work together or are out of range (before any work)."""
        if (self.near is None) != (self.radius_km is None):
            raise IncmapError("--near and --radius-km go together")
        if self.within_km is not None:
            q.check_radius(self.within_km, "--within-km")
        if self.radius_km is not None:
            q.check_radius(self.radius_km, "--radius-km")


def query_incidents(incidents: Incidents, spec: QuerySpec) -> q.QueryResult:
    """The incidents matching ``spec``, with border distances, and how many were excluded and why."""
    frame, excluded = incidents.frame, Counter()
    steps: list[Callable[[gpd.GeoDataFrame], q.QueryResult]] = []
    if spec.within_km is not None:
        steps.append(lambda f: q.within_border_km(f, spec.within_km, spec.border, spec.certain_only))
    if spec.near is not None:
        lon, lat = _place_point(spec.near, incidents.place_geocoder())
        steps.append(lambda f: q.near_point(f, lon, lat, spec.radius_km, spec.certain_only))
    if spec.area:
        area = admin_area(spec.area, incidents.layers)
        steps.append(lambda f: q.in_area(f, area))
    if spec.since or spec.until:
        steps.append(lambda f: q.between_dates(f, spec.since, spec.until))
    if spec.types:
        steps.append(lambda f: q.of_type(f, spec.types))
    if spec.max_prec:
        steps.append(lambda f: q.max_precision(f, spec.max_prec))
    for step in steps:
        result = step(frame)
        frame = result.frame
        excluded.update(result.excluded)
    if "border_km" not in frame.columns and len(frame):
        frame = border_distance(frame, spec.border)
    return q.QueryResult(frame, excluded)


def _place_point(place: str, geocoder: Geocoder) -> tuple[float, float]:
    """Lon/lat of a place given to --near (geocoded like any record)."""
    res = geocoder.resolve(place, {})
    if res.point is None:
        raise IncmapError(f"--near {place!r}: {res.reason}")
    return res.point.x, res.point.y
