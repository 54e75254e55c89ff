"""Records in, a GeoDataFrame out: every record geocoded, in input order, with the output contract's fields.

Place names are resolved by :class:`geo.geocoding.resolver.PlaceResolver` (where a place name becomes a footprint);
coordinates given in the input are drawn at the precision the input states.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from tqdm import tqdm

from geo.gazetteer.index import Gazetteer
from geo.geocoding.columns import ANSWER_FIELDS, OUTPUT_FIELDS, Block, answered_blocks, column_plan, input_columns, typed_columns
from geo.geocoding.context import TEXT_FIELDS
from geo.geocoding.footprint import geodesic_circles, representative_point, uncertainties_km, uncertainty_km
from geo.geocoding.given_points import MOVED, as_numbers, exact_point, given_reason, is_number, point_blocks
from geo.geocoding.lookup import PlaceLookup
from geo.geocoding.parallel import resolve_named
from geo.geocoding.resolver import PlaceResolver, Resolution
from geo.io.precision import DISTRICT_RADIUS_KM, NEAR_RADIUS_KM, WherePrec
from geo.io.records import ALIASED_KEY, FOOTPRINT_KEY, LINE_KEY, PROBLEM_KEY
from geo.io.schemas import given_precision
from geo.layers.load import Layers, load_layers

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["OUTPUT_FIELDS", "Geocoder", "Resolution"]

#: Record counts above which geocoding shows a progress bar by default.
PROGRESS_MIN = 2000
#: Records geocoded one by one are taken in chunks of this many, their place names' lookups made in bulk first (the chunk
#: stays within the phrase parser's cache); below PREFETCH_MIN records a bulk pass saves nothing.
PREFETCH_CHUNK, PREFETCH_MIN = 10_000, 50
#: Answers for named records a Geocoder remembers across calls (each holds a row's fields; the resolver holds the rest);
#: a call naming more places than this keeps none of them afterwards.
ANSWERS_MAX = 200_000
#: A given footprint's precision by its radius (km, around its representative point) when the input states none;
#: lines are routes or areas (5), and size alone never makes a country (6).
FOOTPRINT_PRECISION_KM = ((1.0, WherePrec.EXACT), (NEAR_RADIUS_KM, WherePrec.NEAR), (75.0, WherePrec.ADMIN2), (500.0, WherePrec.ADMIN1))


class Geocoder:
    """Offline geocoder over a gazetteer and the boundary layers: records in, footprints and fields out.

    The gazetteer is loaded on first use: records that come with coordinates need only the layers."""

    def __init__(self, layers: Layers | None = None, gazetteer: Gazetteer | None = None, extra_gazetteers: Sequence[Path | str] = (),
                 progress: bool = False) -> None:  # fmt: skip
        self.layers = layers if layers is not None else load_layers()
        self._gazetteer, self._extra, self._progress = gazetteer, tuple(extra_gazetteers), progress
        self.lookup = PlaceLookup(self.layers, lambda: self.gaz)
        self.resolver = PlaceResolver(self.lookup)
        #: (output values, footprint) by what a named record's answer depends on (:func:`_named_key`), kept across calls:
        #: a dataset geocoded again, or records repeating names, skip parsing and context (ANSWERS_MAX at most).
        self._answers: dict[tuple, tuple[tuple, BaseGeometry | None]] = {}

    @cached_property
    def gaz(self) -> Gazetteer:
        """The gazetteer: the one given, else cities500 plus the extra files, from the user cache."""
        if self._gazetteer is not None:
            return self._gazetteer
        from geo.gazetteer import cache  # looked up at call time, so tests can point it at their own cache

        return cache.load_gazetteer(self._extra, progress=self._progress)

    def resolve(self, place: str, record: dict | None = None) -> Resolution:
        """Resolve one place phrase in the context of its record (see :class:`PlaceResolver`)."""
        return self.resolver.resolve(place, record)

    def explain(self, place: str, record: dict | None = None) -> Resolution:
        """Resolve one place phrase and keep the ranking behind the answer (for ``incmap locate``)."""
        return self.resolver.explain(place, record)

    def geocode_record(self, record: dict, point: Point | None = None, seen: dict | None = None) -> tuple[dict, BaseGeometry | None]:
        """Output properties and footprint for one input record (``point``: its given lat/lon as a Point, when made in
        bulk). Every input value survives: a column incmap writes is kept under ``src_<name>`` (lat/lon only where the
        output differs), and the record itself is not changed. ``seen``: a dict this call may use to remember the
        answers for a place name and the fields its context is read from (records repeating them are not read again)."""
        has_point = is_number(record.get("lat")) and is_number(record.get("lon"))
        problems = record.get(PROBLEM_KEY) or []
        key = _named_key(record) if seen is not None and not has_point and not problems and record.get(FOOTPRINT_KEY) is None else None
        found = seen.get(key) if key is not None else None
        if found is not None:
            values, geometry = found
        else:
            if has_point and point is None:
                point = Point(float(record["lon"]), float(record["lat"]))
            if record.get(FOOTPRINT_KEY) is not None:
                res = self.given_footprint(record[FOOTPRINT_KEY], given_precision(record), record.get("place"), point)
            elif has_point:
                res = self.given(point, given_precision(record), record.get("place"))
            else:
                res = self.resolve(record.get("place") if isinstance(record.get("place"), str) else "", record)
            if res.status == "unresolved" and problems and not (isinstance(record.get("place"), str) and record["place"].strip()):
                res.reason = problems[0]
            values, geometry = self.output_values(res), res.geometry
            if key is not None:
                seen[key] = (values, geometry)
        out = {**dict(zip(ANSWER_FIELDS, values)), "input_line": record.get(LINE_KEY), "problems": "; ".join(problems) or None}
        moved = frozenset(n for n in ("lat", "lon") if is_number(record.get(n)) and record[n] != out[n])
        plan = column_plan(input_columns(record), frozenset(record.get(ALIASED_KEY) or ()), moved)
        return {column: record[origin] if kind == "in" else out[origin] for column, kind, origin in plan}, geometry

    def given(self, pt: Point, prec: int | None, place: object = None) -> Resolution:
        """Coordinates from the input, drawn at the precision the input states (ACLED geo_precision, UCDP where_prec).

        A dataset's region-level event sits on the region's centroid: it becomes the region's polygon, not a pin
        that looks exact; "near" becomes the 25 km circle, a district a 40 km circle, a country its polygon."""
        return self.givens([pt], [prec], [place])[0]

    def givens(self, points: Sequence[Point], precs: Sequence[int | None], places: Sequence[object]) -> list[Resolution]:
        """:meth:`given` of many points at once: their circles made in one call and the radii of the units around them
        measured together (one at a time, a circle cost ~50 us and a region's radius ~150 us: most of 10^5 dataset rows
        stating a coarse precision took seconds). A circle's radius is its uncertainty, as for a place read "near"."""
        out, circled, united = [], [], []
        for pt, prec, place in zip(points, precs, places):
            where = WherePrec(prec) if prec else WherePrec.EXACT
            res = Resolution("given", pt, pt, where, place if isinstance(place, str) else None, None, 1.0, [], reason=given_reason(prec))
            if where in (WherePrec.NEAR, WherePrec.ADMIN2):
                res.uncertainty_km = NEAR_RADIUS_KM if where == WherePrec.NEAR else DISTRICT_RADIUS_KM
                res.approximate = where == WherePrec.ADMIN2
                circled.append(res)
            elif where in (WherePrec.ADMIN1, WherePrec.AREA, WherePrec.COUNTRY):
                admin_row = self.lookup.admin1_at(pt.x, pt.y)
                country_row = self.lookup.country_codes.get(self.lookup.country_of(admin_row)) if where == WherePrec.COUNTRY else None
                source, row = ("country", country_row) if country_row is not None else ("admin1", admin_row)
                if row >= 0:  # at sea: stays a point
                    res.geometry = self.lookup.unit_footprint(source, row)[0]
                    res.approximate = where == WherePrec.AREA  # "larger than a region": the region is a lower bound
                    united.append(res)
            out.append(res)
        if circled:
            circles = geodesic_circles([r.point.x for r in circled], [r.point.y for r in circled], [r.uncertainty_km for r in circled])
            for res, circle in zip(circled, circles.tolist()):
                res.geometry = circle
        for res, radius in zip(united, uncertainties_km([r.geometry for r in united], [r.point for r in united])):
            res.uncertainty_km = radius
        return out

    def given_footprint(self, geom: BaseGeometry, prec: int | None, place: object = None, point: Point | None = None) -> Resolution:
        """A footprint given in the input (a feature's Polygon, LineString, Multi*), kept as it is: its representative
        point inside it (``point``, the input's lat/lon, when it lies on it), its precision the input's code, else a
        line is a route or area and anything else goes by its radius (``FOOTPRINT_PRECISION_KM``)."""
        pt = representative_point(geom, point)
        radius = uncertainty_km(geom, pt)
        if prec:
            where = WherePrec(prec)
        elif geom.geom_type in ("LineString", "MultiLineString"):
            where = WherePrec.AREA
        else:
            where = next((w for limit, w in FOOTPRINT_PRECISION_KM if radius <= limit), WherePrec.AREA)
        reason = f"footprint given in the input ({geom.geom_type}, {radius:,.1f} km around its point: {where.label})"
        res = Resolution("given", geom, pt, where, place if isinstance(place, str) else None, None, 1.0, [], reason=reason)
        res.uncertainty_km = radius
        return res

    def output_fields(self, res: Resolution) -> dict:
        """The geocoding contract's fields for a Resolution (point, precision, country, admin-1, match, confidence)."""
        return dict(zip(ANSWER_FIELDS, self.output_values(res)))

    def output_values(self, res: Resolution) -> tuple:
        """:meth:`output_fields` as a tuple, in ANSWER_FIELDS order: how answers are kept, sent between processes and
        turned into columns (dicts cost twice as much to unpickle and to transpose)."""
        if res.geometry is None or res.point is None:
            return (None, None, res.status, res.reason, None, None, None, None, None, None, res.matched_name, res.gazetteer_id,
                    round(res.confidence, 3), res.candidates, None, res.approximate)  # fmt: skip
        if res.uncertainty_km is None:  # kept on the Resolution: a remembered one is not measured again
            res.uncertainty_km = uncertainty_km(res.geometry, res.point)
        admin_row = res.point_admin1(self.lookup)
        code, label, acled, wide = _PRECISION_FIELDS[res.where_prec]
        country, admin1, admin1_code = self.lookup.unit_row_fields[admin_row]
        if res.where_prec == WherePrec.COUNTRY and res.gazetteer_id:
            country = res.gazetteer_id
        return (round(res.point.y, 6), round(res.point.x, 6), res.status, res.reason, code, label, round(res.uncertainty_km, 3), country,
                None if wide else admin1, None if wide else admin1_code, res.matched_name, res.gazetteer_id, round(res.confidence, 3),
                res.candidates, acled, res.approximate)  # fmt: skip

    def geocode(self, records: Sequence[dict], progress: bool | None = None) -> gpd.GeoDataFrame:
        """Geocode records into a GeoDataFrame (EPSG:4326), one row per record, in input order. Records drawn at their
        exact given coordinates are done as whole columns (:mod:`geo.geocoding.given_points`), the others one by one.

        ``progress`` shows a bar on stderr (default: when there are more than PROGRESS_MIN records)."""
        if not records:  # geopandas is imported here, not at import: `incmap locate` never builds a frame (0.3 s)
            import geopandas as gpd

            return gpd.GeoDataFrame([], columns=list(OUTPUT_FIELDS), geometry=[], crs="EPSG:4326")
        with _gc_paused(len(records) >= PREFETCH_MIN):
            return self._geocode(records, progress)

    def _geocode(self, records: Sequence[dict], progress: bool | None) -> gpd.GeoDataFrame:
        """:meth:`geocode` of a non-empty sequence of records."""
        lat, lat_ok = as_numbers([r.get("lat") for r in records])
        lon, lon_ok = as_numbers([r.get("lon") for r in records])
        usable = lat_ok & lon_ok
        at, lon, lat = np.flatnonzero(usable).tolist(), lon[usable], lat[usable]
        points = shapely.points(lon, lat) if at else np.empty(0, dtype=object)  # one call: a Point apiece costs 6 us
        admin_rows = self.lookup.admin1_of(lon, lat, points) if at else np.empty(0, dtype=np.int64)  # their regions in one query
        exact = np.array([exact_point(records[i]) for i in at], dtype=bool)
        blocks = point_blocks(self.lookup, records, [at[k] for k in np.flatnonzero(exact)], points[exact], admin_rows[exact])
        given, done = {at[k]: points[k] for k in np.flatnonzero(~exact)}, {i for b in blocks for i in b.rows}  # the rest's Points
        rest = [i for i in range(len(records)) if i not in done]
        show = len(rest) > PROGRESS_MIN if progress is None else progress
        singles: dict[int, tuple[dict, BaseGeometry | None]] = {}
        if len(self._answers) + len(rest) > ANSWERS_MAX:
            self._answers.clear()
        seen = self._answers  # place name + context fields -> answer, for records that repeat them
        with self.lookup.admin1_batch(lon[~exact].tolist(), lat[~exact].tolist(), admin_rows[~exact]), \
                tqdm(total=len(rest), desc="geocoding", unit=" records", file=sys.stderr, disable=not show, mininterval=1.0) as bar:
            answered = self._resolve_in_bulk(records, rest, given, seen, bar) if len(rest) >= PREFETCH_MIN else {}
            whole = sorted(i for i in answered if not is_number(records[i].get("lat")) and not is_number(records[i].get("lon")))
            blocks += answered_blocks(records, whole, [seen[answered[i]] for i in whole])  # their rows as columns
            in_blocks = set(whole)
            rest = [i for i in rest if i not in in_blocks]
            drawn = [i for i in given if records[i].get(FOOTPRINT_KEY) is None]  # at their points, at the stated precision
            blocks += self._drawn_blocks(records, drawn, [given[i] for i in drawn])
            bar.update(len(drawn))
            rest = [i for i in rest if i not in given or records[i].get(FOOTPRINT_KEY) is not None]
            for start in range(0, len(rest), PREFETCH_CHUNK):
                chunk = rest[start : start + PREFETCH_CHUNK]
                if len(chunk) >= PREFETCH_MIN:  # their names' lookups made in bulk first
                    self.resolver.prefetch(records[i].get("place") for i in chunk
                                           if i not in given and i not in answered and records[i].get(FOOTPRINT_KEY) is None)  # fmt: skip
                for i in chunk:
                    singles[i] = self.geocode_record(records[i], given.get(i), seen)
                bar.update(sum(1 for i in chunk if i not in answered))  # the bulk pass counted the others
        if len(seen) > ANSWERS_MAX:
            seen.clear()  # kept only when they fit: a call with more names than that keeps none past its end
        return _frame(len(records), blocks, singles)

    def _drawn_blocks(self, records: Sequence[dict], rows: list[int], points: list[Point]) -> list[Block]:
        """Output blocks for ``records[rows]`` (ascending), coordinates ``points`` given at a coarse precision the
        records state: drawn together (:meth:`givens`) and written as columns (a row dict each, and their
        transposition, took about 0.3 s per 20,000 rows)."""
        made = self.givens(points, [given_precision(records[i]) for i in rows], [records[i].get("place") for i in rows])
        answers = [(self.output_values(res), res.geometry) for res in made]

        def moved(k: int, record: dict) -> frozenset[str]:
            lat, lon = answers[k][0][:2]  # the output's coordinates: an answer's first two values
            return MOVED[record["lat"] != lat, record["lon"] != lon]

        return answered_blocks(records, rows, answers, moved)

    def _resolve_in_bulk(self, records: Sequence[dict], rest: list[int], given: dict, seen: dict, bar: tqdm) -> dict[int, tuple]:
        """Answer the distinct place names (with their context fields) of the records ``rest`` lists that have no
        coordinates, footprint or problems (on every core when they are many: :mod:`geo.geocoding.parallel`), into
        ``seen`` as :meth:`geocode_record` would; the positions of those records, each with its key there. The bar
        advances by those records as the names are taken."""
        firsts: dict[tuple, int] = {}
        named: dict[int, tuple] = {}
        known: dict[int, tuple] = {}  # records whose answer ``seen`` holds already
        for i in rest:
            record = records[i]
            if i in given or record.get(PROBLEM_KEY) or record.get(FOOTPRINT_KEY) is not None:
                continue
            key = _named_key(record)
            if key is None:
                continue
            if key in seen:
                known[i] = key
            else:
                firsts.setdefault(key, i)
                named[i] = key
        bar.update(len(known))
        shown = 0

        def advance(share: float) -> None:
            nonlocal shown
            bar.update(round(share * len(named)) - shown)
            shown = round(share * len(named))

        answers = resolve_named(self, [records[i] for i in firsts.values()], advance, meanwhile=_import_geopandas)
        advance(1.0)
        seen.update(zip(firsts, answers))
        return known | named


@contextmanager
def _gc_paused(pause: bool) -> Iterator[None]:
    """Cyclic garbage collection held off while ``pause``d (the collector's passes over the growing caches took 15% of a
    bulk run; resolving makes no reference cycles to reclaim), restored as it was afterwards. What the run made joins
    the oldest generation (a first young collection over all of it took 0.6 s), unless objects are frozen already
    (unfreezing would move them too)."""
    was = gc.isenabled()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if was:
            if pause and not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _frame(n: int, blocks: list[Block], singles: dict[int, tuple[dict, BaseGeometry | None]]) -> gpd.GeoDataFrame:
    """One GeoDataFrame of ``n`` rows in input order from column blocks and single rows (input position -> (row dict,
    footprint)). Columns come in order of first appearance, as in a frame made from every row's dict; a row lacking a
    column gets NaN there, as in such a frame."""
    firsts = sorted([(b.rows[0], b.columns) for b in blocks] + [(i, row) for i, (row, _) in singles.items()], key=itemgetter(0))
    layouts: set[tuple[str, ...]] = set()  # rows mostly share their columns: each layout is read once
    names: dict[str, None] = {}
    for _, columns in firsts:
        layout = tuple(columns)
        if layout not in layouts:
            layouts.add(layout)
            names.update(dict.fromkeys(layout))
    geometry: list = [None] * n
    for block in blocks:
        for i, geom in zip(block.rows, block.geometry):
            geometry[i] = geom
    for i, (_, geom) in singles.items():
        geometry[i] = geom
    slots: list[dict] = [{}] * n  # each position's row dict (empty where a block holds the row)
    for i, (row, _) in singles.items():
        slots[i] = row
    data = {}
    if not blocks and len(names) > 1:
        try:  # every row has every column: the columns in one transposition (a dict lookup per cell took 0.3 s per 28,000 rows)
            return _frame_of(dict(zip(names, map(list, zip(*map(itemgetter(*names), slots))))), geometry)
        except KeyError:
            pass
    for name in names:
        whole = next((b.columns[name] for b in blocks if len(b.rows) == n and name in b.columns), None)
        if whole is not None:  # one block holds every row (its rows ascend, so they are 0..n-1)
            data[name] = whole
            continue
        values = [row.get(name, np.nan) for row in slots] if singles else [np.nan] * n
        for block in blocks:
            for i, v in zip(block.rows, block.columns.get(name, ())):
                values[i] = v
        data[name] = values
    return _frame_of(data, geometry)


#: Per precision: (its code, label, ACLED code, whether it is country-wide or wider: such a footprint has no region).
_PRECISION_FIELDS = {p: (int(p), p.label, p.acled, p >= WherePrec.COUNTRY) for p in WherePrec}


def _import_geopandas() -> None:
    """Import what :func:`_frame_of` needs (0.3-0.5 s): done while worker processes resolve, it costs no wait."""
    import geopandas  # noqa: F401


def _frame_of(data: dict[str, list], geometry: list) -> gpd.GeoDataFrame:
    """The GeoDataFrame of these columns and footprints."""
    import geopandas as gpd

    typed_columns(data)
    frame = gpd.GeoDataFrame(data, geometry=geometry, crs="EPSG:4326")
    for col in ("where_prec", "acled_geo_precision"):
        frame[col] = frame[col].astype("Int64")  # integers stay integers next to missing values
    return frame


def _named_key(record: dict) -> tuple | None:
    """What the answer for a record without coordinates depends on: its place and the fields its context is read from
    (:func:`geo.geocoding.context.read_context`); None when a value cannot be a dict key (a list from JSON)."""
    key = (record.get("place"), record.get("country"), record.get("region"), *(record.get(f) for f in TEXT_FIELDS))
    try:
        hash(key)
    except TypeError:
        return None
    return key
