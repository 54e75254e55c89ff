"""Where a distance is computed: geodesic distance (WGS84, km) from incident footprints to borders.

Method (exact, and fast for millions of points):
1. Border lines are densified to vertices at most ``MAX_STEP_DEG`` apart (linear in lon/lat, as
   Natural Earth draws them) and put in a KD-tree in Earth-centred (ECEF) coordinates, where
   straight-line (chord) distance ranks points as the geodesic does.
2. For each query point the k nearest vertices are taken, k growing until every vertex that
   could end the nearest segment is included. The proof: a segment of length L at distance d
   has an end within sqrt(d^2 + (L/2)^2) of the point (Pythagoras on its foot point), so once
   the k-th vertex is farther than sqrt(best^2 + (L_max/2)^2) no unseen segment can beat the
   best one. (The triangle-inequality bound, best + L_max/2, is the same near a border but far
   looser hundreds of km away, where it cost far points several rounds of k doubling.)
3. The nearest point on those segments is found in chord space (segments ranked in float32, again
   in float64 for points within a kilometre of the border) and its exact geodesic distance is
   computed with ``pyproj.Geod.inv``. Chunks of points run on a thread per core (the KD-tree, numpy
   and PROJ release the GIL).
Footprints that are lines or polygons get the minimum (``border_km``) and maximum
(``border_km_max``) over their boundary and interior samples, refined near the border in an
azimuthal-equidistant projection centred on the nearest border point.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from geo._errors import IncmapError
from geo.spatial import BORDER_COLUMNS
from geo.spatial.geodesy import M_PER_KM, aeqd, wgs84

#: Densification step (degrees) of border lines: segments are short enough to be straight anywhere.
MAX_STEP_DEG = 0.02
#: Vertices fetched per point at first; doubled for points whose answer is not yet proven.
FIRST_K = 8
#: KD-tree leaf size (pykdtree; 10^6 points: 32 took 1.7 s, 128 took 1.9 s).
KD_LEAFSIZE = 32
#: Points processed per chunk (bounds memory: ~ CHUNK * k * 2 segments; small chunks keep the temporaries in memory
#: the allocator already holds: 10^5 points, first query 0.40 s with 25,000 a chunk, 0.25 s with 5,000).
CHUNK = 5000
#: Points nearer than this (metres, chord) to the border have their segments ranked again in float64.
FLOAT32_FLOOR_M = 1000.0
#: Threads that process chunks at once (one per core).
THREADS = os.cpu_count() or 1
#: Sampling step (degrees) of footprint boundaries and interiors for min/max distances.
FOOTPRINT_STEP_DEG = 0.05
#: Below this border distance (km) a footprint's minimum is refined in a local AEQD projection.
REFINE_KM = 100.0
#: Output columns added to a GeoDataFrame.
COLUMNS = BORDER_COLUMNS

_A = 6378137.0
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)


def ecef(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """WGS84 geodetic lon/lat (degrees, height 0) to Earth-centred XYZ (metres), shape (n, 3)."""
    lam, phi = np.radians(lon), np.radians(lat)
    sin_phi = np.sin(phi)
    n = _A / np.sqrt(1 - _E2 * sin_phi**2)
    return np.column_stack((n * np.cos(phi) * np.cos(lam), n * np.cos(phi) * np.sin(lam), n * (1 - _E2) * sin_phi))


@lru_cache(maxsize=4)
def _workers(threads: int) -> ThreadPoolExecutor:
    """A pool of threads kept for the process instead of new threads per query (10^5 points, the first query: 0.44 s
    with new threads, 0.31 s with these)."""
    return ThreadPoolExecutor(threads, thread_name_prefix="incmap-border")


@lru_cache(maxsize=1)
def _to_geodetic() -> Transformer:
    """ECEF -> geodetic lon/lat transformer."""
    return Transformer.from_crs("EPSG:4978", "EPSG:4979", always_xy=True)


class BorderIndex:
    """Nearest-border queries over a set of border lines, exact on the WGS84 ellipsoid."""

    def __init__(self, borders: gpd.GeoDataFrame) -> None:
        if borders.empty:
            raise IncmapError("no border lines selected")
        lon, lat, seg_ok, labels = [], [], [], []
        self.pairs = list(borders["pair"])
        for label, geom in enumerate(borders.geometry):
            for part in shapely.get_parts(shapely.segmentize(geom, MAX_STEP_DEG)):
                xy = shapely.get_coordinates(part)
                lon.append(xy[:, 0])
                lat.append(xy[:, 1])
                ok = np.ones(len(xy), dtype=bool)
                ok[-1] = False  # no segment starts at a part's last vertex
                seg_ok.append(ok)
                labels.append(np.full(len(xy), label))
        self.lon, self.lat = np.concatenate(lon), np.concatenate(lat)
        self.seg_ok = np.concatenate(seg_ok)  # vertex i starts segment (i, i+1)
        self.label = np.concatenate(labels)
        self.xyz = ecef(self.lon, self.lat)
        starts = np.flatnonzero(self.seg_ok)
        # Segment i runs from vertex i along seg_ab[i]; a part's last vertex starts none (zero vector: the vertex itself).
        self.seg_ab = np.zeros_like(self.xyz)
        self.seg_ab[starts] = self.xyz[starts + 1] - self.xyz[starts]
        length2 = np.einsum("ij,ij->i", self.seg_ab, self.seg_ab)
        self.seg_inv_len2 = np.divide(1.0, length2, out=np.zeros_like(length2), where=length2 > 0)
        self.half_max_seg = float(np.sqrt(length2.max())) / 2 if len(starts) else 0.0
        self.seg_ab32, self.seg_inv_len2_32 = self.seg_ab.astype(np.float32), self.seg_inv_len2.astype(np.float32)
        from pykdtree.kdtree import KDTree  # pyresample's KD-tree: imported in 1 ms, where scipy.spatial took 0.15-0.3 s

        self.tree = KDTree(self.xyz, leafsize=KD_LEAFSIZE)
        _to_geodetic(), wgs84()  # PROJ set-up with the index, not on the first query (worker threads add their own context)
        self.lines = borders.geometry.values
        self.line_tree = shapely.STRtree(self.lines)

    def __len__(self) -> int:
        return len(self.lon)

    def nearest(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(distance km, border label index, nearest lon, nearest lat) for each point."""
        lon, lat = np.asarray(lon, float).ravel(), np.asarray(lat, float).ravel()
        x, y = np.nan_to_num(lon), np.nan_to_num(lat)  # an order only: a missing coordinate must not warn here
        cells = np.floor(x * 2).astype(np.int64) * 1024 + np.floor(y * 2 + 180).astype(np.int64)  # half-degree cells
        order = np.argsort(cells, kind="stable")  # spatially coherent queries run faster
        out = [np.empty(len(lon)), np.empty(len(lon), dtype=np.int64), np.empty(len(lon)), np.empty(len(lon))]
        parts = [order[start : start + CHUNK] for start in range(0, len(lon), CHUNK)]

        def run(part: np.ndarray) -> None:
            for target, values in zip(out, self._nearest_chunk(lon[part], lat[part])):
                target[part] = values

        threads = min(THREADS, len(parts))
        if threads <= 1:
            for part in parts:
                run(part)
        else:  # numpy, the KD-tree and PROJ release the GIL: chunks run on every core
            list(_workers(threads).map(run, parts))
        return out[0], out[1], out[2], out[3]

    def _nearest_chunk(self, lon: np.ndarray, lat: np.ndarray):
        """Exact nearest border point for a chunk of points (see the module docstring)."""
        p = ecef(lon, lat)
        n = len(p)
        best_q = np.empty((n, 3))
        best_d = np.full(n, np.inf)
        best_seg = np.zeros(n, dtype=np.int64)
        todo = np.arange(n)
        k, seen = min(FIRST_K, len(self)), 0
        while len(todo):
            dist, idx = self.tree.query(p[todo], k=k)
            dist, idx = dist.reshape(len(todo), -1), idx.reshape(len(todo), -1).astype(np.int64)  # pykdtree's are uint32: idx - 1 must go below 0
            q, d, seg = self._closest_on_segments(p[todo], idx[:, seen:])  # earlier vertices were already tried
            better = d < best_d[todo]
            best_q[todo[better]], best_d[todo[better]], best_seg[todo[better]] = q[better], d[better], seg[better]
            proven = (dist[:, -1] ** 2 > best_d[todo] ** 2 + self.half_max_seg**2) | (k >= len(self))  # see step 2 above
            todo = todo[~proven]
            k, seen = min(k * 2, len(self)), k
        qlon, qlat, _ = _to_geodetic().transform(best_q[:, 0], best_q[:, 1], best_q[:, 2])
        _, _, metres = wgs84().inv(lon, lat, qlon, qlat)
        return metres / M_PER_KM, self.label[best_seg], qlon, qlat

    def _closest_on_segments(self, p: np.ndarray, idx: np.ndarray):
        """Closest point (chord space) on the segments that start or end at the given vertices.

        The segments are ranked in float32 (half the memory traffic; about 0.1 mm of error at 2 km), points nearer
        than FLOAT32_FLOOR_M to their best segment are ranked again in float64, and the chosen point is built in float64."""
        starts = np.concatenate([idx, np.maximum(idx - 1, 0)], axis=1)
        j, t, d2 = _rank_segments(p, self.xyz, starts, self.seg_ab32, self.seg_inv_len2_32, np.float32)
        near = np.flatnonzero(d2 < FLOAT32_FLOOR_M**2)
        if len(near):
            j[near], t[near], _ = _rank_segments(p[near], self.xyz, starts[near], self.seg_ab, self.seg_inv_len2, np.float64)
        best = starts[np.arange(len(p)), j]
        q = self.xyz[best] + t[:, None] * self.seg_ab[best]
        return q, np.linalg.norm(q - p, axis=1), best


def _rank_segments(p: np.ndarray, xyz: np.ndarray, starts: np.ndarray, seg_ab: np.ndarray, seg_inv_len2: np.ndarray, dtype):
    """For each point, the index (into its row of ``starts``) of its nearest segment, the parameter t of the closest
    point on it and its squared distance: w = p - a, t = clip(w.ab / |ab|^2, 0, 1), |w - t ab|^2 (no cancellation near
    a border)."""
    w = (p[:, None, :] - xyz[starts]).astype(dtype, copy=False)
    ab = seg_ab[starts]
    t = np.clip(np.einsum("ijk,ijk->ij", w, ab) * seg_inv_len2[starts], 0.0, 1.0)
    r = w - t[..., None] * ab
    d2 = np.einsum("ijk,ijk->ij", r, r)
    j = np.argmin(d2, axis=1)
    rows = np.arange(len(p))
    return j, t[rows, j].astype(np.float64), d2[rows, j]


@dataclass(frozen=True)
class FootprintDistance:
    """Distances from one footprint to the selected borders."""

    border_km: float
    border_km_max: float
    border: str
    border_lat: float
    border_lon: float


def footprint_distance(index: BorderIndex, geom: BaseGeometry) -> FootprintDistance:
    """Minimum and maximum geodesic distance (km) from a footprint to the borders, with the nearest border point."""
    if geom.geom_type == "Point":
        d, label, qlon, qlat = index.nearest([geom.x], [geom.y])
        return FootprintDistance(float(d[0]), float(d[0]), index.pairs[int(label[0])], float(qlat[0]), float(qlon[0]))
    return footprint_distances(index, [geom])[0]


def footprint_distances(index: BorderIndex, geoms) -> list[FootprintDistance]:
    """``footprint_distance`` for many lines and polygons at once: one nearest-border query over all their samples."""
    samples = [_samples(g) for g in geoms]
    starts = np.cumsum([0] + [len(s) for s in samples])
    d, label, qlon, qlat = index.nearest(*np.concatenate(samples).T) if starts[-1] else (np.zeros(0),) * 4
    touching: dict[int, list[int]] = {}
    for g, hit in zip(*index.line_tree.query(np.asarray(geoms, dtype=object), predicate="intersects")):
        touching.setdefault(int(g), []).append(int(hit))
    out = []
    for j, geom in enumerate(geoms):
        lo, hi = starts[j], starts[j + 1]
        far = float(d[lo:hi].max())
        if j in touching:
            # The border the footprint shares most of (a country touches its neighbours' tripoints too).
            hits = np.asarray(touching[j])
            shared = shapely.intersection(index.lines[hits], geom)
            best = int(np.argmax(shapely.length(shared)))
            pt = shapely.get_coordinates(shared[best])[0]
            out.append(FootprintDistance(0.0, far, index.pairs[int(hits[best])], float(pt[1]), float(pt[0])))
            continue
        i = lo + int(np.argmin(d[lo:hi]))
        near, blat, blon = float(d[i]), float(qlat[i]), float(qlon[i])
        if near < REFINE_KM:
            near, blon, blat = _refine(index, geom, int(label[i]), blon, blat, near)
        out.append(FootprintDistance(near, max(far, near), index.pairs[int(label[i])], blat, blon))
    return out


def _samples(geom: BaseGeometry) -> np.ndarray:
    """Lon/lat samples of a footprint: its densified boundary (or line) plus, for areas, an interior grid."""
    outline = geom.boundary if geom.geom_type in ("Polygon", "MultiPolygon") else geom
    pts = [shapely.get_coordinates(shapely.segmentize(outline, FOOTPRINT_STEP_DEG))]
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        minx, miny, maxx, maxy = geom.bounds
        step = max(FOOTPRINT_STEP_DEG, max(maxx - minx, maxy - miny) / 40)
        gx, gy = np.meshgrid(np.arange(minx, maxx, step), np.arange(miny, maxy, step))
        grid = shapely.points(gx.ravel(), gy.ravel())
        inside = grid[shapely.contains(geom, grid)] if len(grid) else grid
        if len(inside):
            pts.append(shapely.get_coordinates(inside))
    return np.concatenate(pts)


def _refine(index: BorderIndex, geom: BaseGeometry, label: int, blon: float, blat: float, near: float) -> tuple[float, float, float]:
    """Exact minimum between a footprint and one border line near it, in an AEQD projection on the border point."""
    to_local = aeqd(blon, blat)
    window = shapely.box(blon, blat, blon, blat).buffer(max(1.0, near / 50.0))  # degrees: a search window only
    line = shapely.intersection(index.lines[label], window)
    shape = shapely.intersection(geom, window)
    if line.is_empty or shape.is_empty:
        return near, blon, blat
    local_line = shapely.transform(line, lambda xy: np.column_stack(to_local.transform(xy[:, 0], xy[:, 1])))
    local_shape = shapely.transform(shape, lambda xy: np.column_stack(to_local.transform(xy[:, 0], xy[:, 1])))
    a, _ = shapely.ops.nearest_points(local_line, local_shape)
    qlon, qlat = to_local.transform(a.x, a.y, direction="INVERSE")
    # The distance from the border point to the footprint, exact in an AEQD centred on that point.
    to_q = aeqd(float(qlon), float(qlat))
    shape_q = shapely.transform(shape, lambda xy: np.column_stack(to_q.transform(xy[:, 0], xy[:, 1])))
    dist = shapely.distance(shapely.Point(0, 0), shape_q) / M_PER_KM
    if dist < near:
        return float(dist), float(qlon), float(qlat)
    return near, blon, blat


def select_borders(borders: gpd.GeoDataFrame, selection: str | None) -> gpd.GeoDataFrame:
    """Borders matching ``selection``: None (all), a pair "KAZ-RUS" (either order), a country "KAZ", comma-separated."""
    if not selection:
        return borders
    from geo.gazetteer.countries import iso2_to_iso3

    keep = np.zeros(len(borders), dtype=bool)
    codes = set(borders["iso3_a"]) | set(borders["iso3_b"])
    iso3 = iso2_to_iso3()
    for raw in (s.strip().upper() for s in selection.split(",") if s.strip()):
        item = "-".join(iso3.get(code, code) if len(code) == 2 else code for code in raw.split("-"))
        if "-" in item:
            pair = "-".join(sorted(item.split("-", 1)))
            match = (borders["pair"] == pair).to_numpy()
            if not match.any():
                raise IncmapError(f"unknown border {item!r}; {_close(item, list(borders['pair']))}")
        else:
            if item not in codes:
                raise IncmapError(f"unknown border or country code {item!r}; {_close(item, sorted(codes))}")
            match = ((borders["iso3_a"] == item) | (borders["iso3_b"] == item)).to_numpy()
        keep |= match
    return borders[keep]


def _close(item: str, choices: list[str]) -> str:
    """'close matches: ...' for an unknown code."""
    from geo._errors import close_matches

    return "close matches: " + ", ".join(close_matches(item, choices))


@lru_cache(maxsize=16)
def _cached_index(layers_dir: str, selection: str | None) -> BorderIndex:
    """A BorderIndex per (layers, selection), built once per process."""
    from geo.layers.load import load_layers

    return BorderIndex(select_borders(load_layers(None if layers_dir == "" else layers_dir).borders, selection))


def border_index(selection: str | None = None, borders: gpd.GeoDataFrame | None = None) -> BorderIndex:
    """The nearest-border index for a selection of the committed borders (or of ``borders`` given)."""
    if borders is not None:
        return BorderIndex(select_borders(borders, selection))
    from geo import settings

    return _cached_index(str(settings.LAYERS_DIR), selection.upper() if selection else None)


def border_distance(frame: gpd.GeoDataFrame, selection: str | None = None, borders: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Add ``border_km``, ``border_km_max``, ``border``, ``border_lat``, ``border_lon`` to a GeoDataFrame of footprints.

    Rows without geometry get missing values. Distances are geodesic on WGS84, in km.
    """
    index = border_index(selection, borders)
    result = frame.copy()
    values = {c: np.full(len(frame), np.nan, dtype=object if c == "border" else float) for c in COLUMNS}
    geoms = frame.geometry.values
    present = np.flatnonzero(~(pd.isna(geoms) | shapely.is_empty(geoms)))
    is_point = shapely.get_type_id(np.asarray(geoms)[present]) == 0  # Point (asking each row its type: 0.13 s / 10^5)
    pts = present[is_point]
    if len(pts):
        d, label, qlon, qlat = index.nearest(shapely.get_x(geoms[pts]), shapely.get_y(geoms[pts]))
        values["border_km"][pts] = values["border_km_max"][pts] = d
        values["border"][pts] = np.asarray(index.pairs, dtype=object)[label]
        values["border_lat"][pts], values["border_lon"][pts] = qlat, qlon
    others = present[~is_point]
    if len(others):  # footprints many records share (a region, a country) are measured once
        _, first, inverse = np.unique(shapely.to_wkb(geoms[others]), return_index=True, return_inverse=True)
        measured = footprint_distances(index, geoms[others[first]])
        for col in COLUMNS:
            values[col][others] = [getattr(measured[j], col) for j in inverse.ravel()]
    for col in COLUMNS:
        result[col] = values[col]
    return result
