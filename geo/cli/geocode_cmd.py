"""``incmap geocode`` and ``incmap locate``: place names to footprints, offline."""

from __future__ import annotations

import collections

import click

from geo.cli.options import encoding_opt, gazetteer_opt, output_opt, strict_opt
from geo.config import gazetteers_with_config


def report_problems(problems, limit: int = 10) -> None:
    """Print bad rows (file:line: field: problem) to stderr, the first ``limit`` of them."""
    for err in problems[:limit]:
        click.echo(f"warning: {err}", err=True)
    if len(problems) > limit:
        click.echo(f"warning: ... and {len(problems) - limit} more bad rows", err=True)


def status_summary(frame) -> str:
    """One line: how many records, and how many of each status and precision."""
    counts = collections.Counter(frame["status"]) if "status" in frame.columns else collections.Counter()
    parts = [f"{counts.get(s, 0)} {s}" for s in ("resolved", "ambiguous", "given", "unresolved")]
    return f"{len(frame)} records: " + ", ".join(parts)


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=False))
@output_opt
@strict_opt
@encoding_opt
@gazetteer_opt
@click.option("--border", "border_sel", help="Measure distances to one border (KAZ-RUS) or one country's borders (KAZ) only.")
def geocode(input_path: str, output: str | None, strict: bool, encoding: str, gazetteers: tuple[str, ...], border_sel: str | None) -> None:
    """Geocode INPUT (CSV, JSON Lines or GeoJSON with a ``place`` column) to GeoJSON, CSV or GeoPackage."""
    from geo.export import output_kind, to_geojson, write_records
    from geo.geocode import Geocoder
    from geo.proximity import border_distance
    from geo.records import read_records

    if output:
        output_kind(output)  # an unusable output path fails before the work, not after
    records = read_records(input_path, encoding=encoding, strict=strict)
    report_problems(records.problems)
    frame = Geocoder(extra_gazetteers=gazetteers_with_config(gazetteers), progress=True).geocode(records.records)
    frame = border_distance(frame, border_sel)
    if output:
        write_records(frame, output)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(to_geojson(frame))
    click.echo(f"summary: {status_summary(frame)}; {len(records.problems)} bad rows reported", err=True)


@click.command()
@click.argument("place")
@click.option("--context", default="", help="Other places or regions the record names (free text).")
@click.option("--country", default="", help="Country hint: ISO code or name.")
@click.option("--region", default="", help="Region (admin-1) hint.")
@click.option("-n", "--limit", default=8, show_default=True, help="How many candidates to list.")
@gazetteer_opt
def locate(place: str, context: str, country: str, region: str, limit: int, gazetteers: tuple[str, ...]) -> None:
    """Show the ranked candidates for PLACE with their scores: the analyst's quick check."""
    from geo.geocode import Geocoder
    from geo.phrases import parse

    geocoder = Geocoder(extra_gazetteers=gazetteers_with_config(gazetteers), progress=True)
    record = {"place": place, "description": context, "country": country, "region": region}
    res = geocoder.resolve(place, record)
    readings = parse(place)
    if readings:
        ctx = geocoder.context(record, readings[0].hints)
        cands = []
        for name in readings[0].names:
            cands += geocoder.candidates(name, ctx)
        click.echo(f"{'score':>6}  {'name':<28} {'country':<7} {'admin1':<24} {'id':<20} why")
        for cand in sorted(cands, key=lambda c: -c.score)[:limit]:
            region_name = geocoder.admin1_names[cand.admin1_row] if cand.admin1_row >= 0 else ""
            click.echo(f"{cand.score:6.3f}  {cand.name[:28]:<28} {cand.country:<7} {region_name[:24]:<24} {cand.gid:<20} {', '.join(cand.why)}")
    where = f"{res.point.y:.4f}, {res.point.x:.4f}" if res.point is not None else "-"
    prec = f"where_prec {int(res.where_prec)} ({res.where_prec.label})" if res.where_prec else "no precision"
    click.echo(f"summary: {res.status}: {res.matched_name or '-'} [{res.gazetteer_id or '-'}] at {where}, {prec}, confidence {res.confidence:.2f}"
               + (f"; {res.reason}" if res.status == "unresolved" else ""))  # fmt: skip
