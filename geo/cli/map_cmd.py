"""``incmap map``: geocode records (the bundled incidents by default) and render an interactive map."""

from __future__ import annotations

import collections

import click

from geo.cli.options import encoding_opt, gazetteer_opt, strict_opt
from geo.config import gazetteers_with_config


@click.command(name="map")
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(dir_okay=False))
@click.option("-o", "--output", default="maps_out/incidents.html", show_default=True, type=click.Path(dir_okay=False), help="HTML file to write.")
@click.option("--title", default=None, help="Map title (default: from the input file name).")
@strict_opt
@encoding_opt
@gazetteer_opt
def map_(input_path: str | None, output: str, title: str | None, strict: bool, encoding: str, gazetteers: tuple[str, ...]) -> None:
    """Render INPUT (default: the bundled incidents) as an interactive HTML map and print a summary."""
    from geo import settings
    from geo._errors import IncmapError
    from geo.cli.geocode_cmd import report_problems, status_summary
    from geo.geocode import Geocoder
    from geo.maps import build_map, save_map
    from geo.proximity import border_distance
    from geo.records import read_records

    path = input_path or settings.DEFAULT_INCIDENTS
    records = read_records(path, encoding=encoding, strict=strict)
    report_problems(records.problems)
    geocoder = Geocoder(extra_gazetteers=gazetteers_with_config(gazetteers), progress=True)
    frame = border_distance(geocoder.geocode(records.records))
    fmap = build_map(frame, geocoder.layers, title=title or ("incmap: bundled incidents" if input_path is None else f"incmap: {path}"))
    try:
        written = save_map(fmap, output)
    except OSError as exc:
        raise IncmapError(f"{output}: cannot write ({exc.strerror or exc})") from None
    for row in frame.itertuples():
        where = f"{row.lat:8.4f} {row.lon:9.4f}" if row.lat is not None and row.lat == row.lat else f"{'-':>8} {'-':>9}"
        click.echo(f"{str(row.id)[:42]:<42} {str(row.status):<10} {where}  prec {row.where_prec if row.where_prec == row.where_prec else '-'}  "
                   f"{str(row.country or '-'):<4} {str(row.matched_name or row.reason)[:40]}")  # fmt: skip
    precs = collections.Counter(int(p) for p in frame["where_prec"].dropna())
    by_prec = ", ".join(f"prec {k}: {v}" for k, v in sorted(precs.items()))
    click.echo(f"summary: {status_summary(frame)} ({by_prec}); {len(records.problems)} bad rows; map written to {written}")
