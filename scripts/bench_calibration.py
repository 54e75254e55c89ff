#!/usr/bin/env python
"""Does confidence mean something? A calibration benchmark on places the gazetteer does and does not hold.

Real event data names villages the gazetteer often lacks while it holds namesakes of them nearby. This
simulates it: in a set of regions (a few fixed conflict regions plus a seeded random sample of regions
worldwide), half of the small places (population < --small-pop) are held out of the gazetteer. Every place of those regions,
held out or kept, is then geocoded by its name (and by one of its Latin-script alternate names, as datasets
write "Artemovsk" for Bakhmut, where it has one) with the hints a dataset gives
(--hints: region+country, country, none). An answer is right when the true point lies within its footprint's
tolerance: 10 km of a point footprint, 5 km of an area footprint (circle, polygon, line). Prints, per hint
level, a reliability table (confidence bins against the share right), the share of right answers that keep
confidence >= 0.9, and the confident wrong answers.

    python scripts/bench_calibration.py                 # all hint levels, default regions
    python scripts/bench_calibration.py --hints region --show 20
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import shapely
import shapely.ops
from shapely.geometry import Point

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

#: Regions named in real conflict and border event data (ISO 3166-2), always included.
FIXED_REGIONS = ("UA-14", "UA-09", "UA-63", "UA-23", "UA-65", "RU-BEL", "RU-KRS", "RU-BRY", "KZ-ZAP", "KZ-AKT")
#: Tolerance (km) of a point footprint and of an area footprint.
POINT_TOLERANCE_KM, AREA_TOLERANCE_KM = 10.0, 5.0
BINS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001)


@dataclass
class Query:
    """One held-out or kept small place and the record a dataset would carry for it."""

    row: int
    name: str
    how: str  # "name" (its own name) or "alternate" (one of its alternate names)
    lon: float
    lat: float
    held_out: bool
    region: str
    country: str


def places_by_region(gaz, lookup) -> dict[int, list[int]]:
    """Gazetteer rows by the admin-1 row that contains them."""
    admin = lookup.admin1_of(gaz.lon, gaz.lat)
    by_region: dict[int, list[int]] = defaultdict(list)
    for row, region in enumerate(admin.tolist()):
        if region >= 0:
            by_region[region].append(row)
    return by_region


def choose_regions(lookup, gaz, by_region: dict[int, list[int]], n_random: int, seed: int, small_pop: int, min_small: int) -> list[int]:
    """The fixed regions plus ``n_random`` others with at least ``min_small`` small places, one per country."""
    codes = {code: row for row, code in enumerate(lookup.admin1_code) if isinstance(code, str)}
    chosen = [codes[c] for c in FIXED_REGIONS if c in codes]
    rng = random.Random(seed)
    pool = sorted(r for r, rows in by_region.items() if sum(gaz.population[rows] < small_pop) >= min_small and r not in chosen)
    rng.shuffle(pool)
    countries = {lookup.admin1_iso3[r] for r in chosen}
    for region in pool:
        if len(chosen) >= len(FIXED_REGIONS) + n_random:
            break
        if lookup.admin1_iso3[region] not in countries:
            chosen.append(region)
            countries.add(lookup.admin1_iso3[region])
    return chosen


def alternate_name(gaz, row: int, alternates: dict[int, tuple[str, ...]], rng: random.Random) -> str | None:
    """A Latin-script alternate name of the place that folds differently from its own name (as datasets write
    "Artemovsk" for Bakhmut), or None."""
    from geo.gazetteer.names import fold

    own = fold(str(gaz.names[row]))
    names = [a for a in alternates.get(row, ()) if a.isascii() and a.replace(" ", "").replace("-", "").isalpha() and len(a) >= 4
             and fold(a) != own]  # fmt: skip
    return rng.choice(sorted(names)) if names else None


def make_queries(gaz, lookup, regions: list[int], by_region: dict[int, list[int]], seed: int, cap: int, small_pop: int,
                 alternates: dict[int, tuple[str, ...]]) -> list[Query]:  # fmt: skip
    """The places of the regions (at most ``cap`` per region): half of the small ones marked held out, every place
    queried by its name, and places with an alternate name also by that."""
    rng = random.Random(seed)
    out = []
    for region in regions:
        rows = sorted(by_region[region])
        rng.shuffle(rows)
        rows = rows[:cap]
        small = [r for r in rows if gaz.population[r] < small_pop]
        held = set(small[: len(small) // 2])
        for row in rows:
            names = [(str(gaz.names[row]), "name")]
            alt = alternate_name(gaz, row, alternates, rng)
            if alt:
                names.append((alt, "alternate"))
            for name, how in names:
                out.append(Query(row, name, how, float(gaz.lon[row]), float(gaz.lat[row]), row in held,
                                 lookup.admin1_names[region], str(lookup.admin1_iso3[region])))  # fmt: skip
    return out


def reduced_gazetteer(held_out: set[int]):
    """cities500 without the held-out places, built as incmap builds its gazetteer."""
    from geo.gazetteer.index import build_gazetteer
    from geo.gazetteer.sources import read_cities500

    rows = (p for i, p in enumerate(read_cities500()) if i not in held_out)
    return build_gazetteer([("cities500 minus held-out places", rows)], progress=False)


def is_right(geom, lon: float, lat: float) -> bool:
    """True when the true point lies within the footprint's tolerance (geodesic km)."""
    from geo.spatial.geodesy import geodesic_distance_km

    if geom is None:
        return False
    truth = Point(lon, lat)
    if geom.geom_type == "Point":
        return float(geodesic_distance_km(lon, lat, geom.x, geom.y)) <= POINT_TOLERANCE_KM
    if geom.covers(truth):
        return True
    near = shapely.ops.nearest_points(geom, truth)[0]
    return float(geodesic_distance_km(lon, lat, near.x, near.y)) <= AREA_TOLERANCE_KM


def record_for(query: Query, hints: str) -> dict:
    """The record a dataset would give for the place at this hint level."""
    rec = {"place": query.name}
    if hints in ("region", "country"):
        rec["country"] = query.country
    if hints == "region":
        rec["region"] = query.region
    return rec


def reliability(results: list[tuple[float, bool, str]]) -> list[str]:
    """Lines of the reliability table: confidence bins against the share right."""
    lines = [f"{'confidence':>12} {'answers':>8} {'right':>7} {'share right':>12}"]
    conf = np.array([r[0] for r in results])
    right = np.array([r[1] for r in results])
    for lo, hi in zip(BINS, BINS[1:]):
        sel = (conf >= lo) & (conf < hi)
        if sel.any():
            lines.append(f"{lo:5.2f}-{min(hi, 1.0):4.2f} {int(sel.sum()):8d} {int(right[sel].sum()):7d} {right[sel].mean():12.3f}")
    high = conf >= 0.9
    lines.append(f"{'>= 0.90':>12} {int(high.sum()):8d} {int(right[high].sum()):7d} {right[high].mean() if high.any() else float('nan'):12.3f}")
    kept = right & high
    lines.append(f"right answers with confidence >= 0.9: {int(kept.sum())}/{int(right.sum())} ({kept.sum() / max(1, right.sum()):.1%})")
    return lines


def by_country(queries: list[Query], results: list[tuple[float, bool, str]], least: int = 100) -> str:
    """Share right among answers of confidence >= 0.9, per country with at least ``least`` of them (worst first):
    a good total can hide one country where the gazetteer is thin."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for q, (conf, right, _) in zip(queries, results):
        if conf >= 0.9:
            tally[q.country][0] += 1
            tally[q.country][1] += right
    rows = sorted(((r / n, c, n) for c, (n, r) in tally.items() if n >= least))
    return "confidence >= 0.9 by country: " + ", ".join(f"{c} {share:.1%} of {n:,}" for share, c, n in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hints", default="region,country,none", help="hint levels to run (region, country, none)")
    parser.add_argument("--random-regions", type=int, default=20, help="regions drawn at random besides the fixed ones")
    parser.add_argument("--small-pop", type=int, default=10_000, help="population under which a place counts as small")
    parser.add_argument("--per-region", type=int, default=400, help="at most this many places per region")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--show", type=int, default=10, help="confident wrong answers to list per hint level")
    parser.add_argument("--dump", type=Path, help="write every answer as a JSON line here (for a closer look)")
    args = parser.parse_args()

    from geo.gazetteer.cache import load_gazetteer
    from geo.gazetteer.sources import read_cities500
    from geo.geocoding import Geocoder
    from geo.layers import load_layers

    layers = load_layers()
    full = Geocoder(layers, gazetteer=load_gazetteer(progress=True))
    alternates = {i: p.alt_names for i, p in enumerate(read_cities500())}
    by_region = places_by_region(full.gaz, full.lookup)
    regions = choose_regions(full.lookup, full.gaz, by_region, args.random_regions, args.seed, args.small_pop, min_small=40)
    queries = make_queries(full.gaz, full.lookup, regions, by_region, args.seed, args.per_region, args.small_pop, alternates)
    held = {q.row for q in queries if q.held_out}
    print(f"{len(regions)} regions ({', '.join(str(full.lookup.admin1_code[r]) for r in regions)}); {len({q.row for q in queries})} places, "
          f"{len(held)} of the small ones (population < {args.small_pop:,}) held out of the gazetteer; {len(queries)} queries "
          f"({sum(q.how == 'alternate' for q in queries)} by an alternate name)")  # fmt: skip
    reduced = reduced_gazetteer(held)
    dump = args.dump.open("w", encoding="utf-8") if args.dump else None
    for hints in [h.strip() for h in args.hints.split(",") if h.strip()]:
        geocoder = Geocoder(layers, gazetteer=reduced)
        start = time.perf_counter()
        results, wrong = [], []
        for q in queries:
            props, geom = geocoder.geocode_record(record_for(q, hints))
            right = is_right(geom, q.lon, q.lat)
            results.append((float(props["confidence"] or 0.0), right, props["status"]))
            if not right and (props["confidence"] or 0) >= 0.9:
                wrong.append((q, props))
            if dump:
                keep = ("status", "confidence", "where_prec", "matched_name", "gazetteer_id", "country", "reason")
                dump.write(json.dumps({"hints": hints, **asdict(q), "right": right, **{k: props[k] for k in keep}}, default=str) + "\n")
        elapsed = time.perf_counter() - start
        print(f"\n== hints: {hints} ({len(queries)} records, {elapsed:.1f} s)")
        for status in ("resolved", "ambiguous", "unresolved"):
            sel = [r for r in results if r[2] == status]
            print(f"  {status:>10}: {len(sel):6d}  right {sum(r[1] for r in sel):6d}")
        parts = (("held out", [q.held_out for q in queries]), ("in the gazetteer", [not q.held_out for q in queries]),
                 ("by alternate name", [q.how == "alternate" for q in queries]))  # fmt: skip
        for part, sel in parts:
            rs = [r for r, s in zip(results, sel) if s]
            print(f"  {part:>16}: {len(rs)} places, right {sum(r[1] for r in rs) / max(1, len(rs)):.3f}, "
                  f"confidence >= 0.9 and wrong: {sum(1 for r in rs if r[0] >= 0.9 and not r[1])}")  # fmt: skip
        print("\n".join("  " + line for line in reliability(results)))
        print("  " + by_country(queries, results))
        for q, props in wrong[: args.show]:
            print(f"  confident and wrong: {q.name!r} ({q.how}, {q.region}, {'held out' if q.held_out else 'kept'}) -> {props['matched_name']} "
                  f"[{props['gazetteer_id']}] {props['status']} conf {props['confidence']} prec {props['where_prec']}: {props['reason']}")  # fmt: skip


if __name__ == "__main__":
    main()
