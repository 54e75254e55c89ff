"""``incmap map``: render incidents as an interactive HTML map and list them with a summary."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np

from geo.cli.options import output_opt, reading_options
from geo.cli.report import problem_reporter, status_summary

#: Records listed one per line after a map (the rest are counted; unresolved ones are listed first among them).
TABLE_MAX = 50
#: Widest distance band (km): wider bands are not a border's neighbourhood any more (and do not buffer reliably).
MAX_BAND_KM = 2000.0
#: The map's own --border (the shared one has no default choice and no 'none').
map_border_opt = click.option("--border", "border_sel", metavar="SELECTION",
                              help="Borders to highlight with distance bands: one (KAZ-RUS), one country's (KAZ), several "
                                   "comma-separated, or 'none'. Default: the borders the incidents are near (each incident's "
                                   "nearest land border, if within the widest band). Popups give the distance to the "
                                   "selection, else to the nearest land border.")  # fmt: skip


def _bands(ctx, param, value: str) -> tuple[float, ...]:
    """Parse --bands "25,50,100" into positive km values."""
    try:
        bands = tuple(float(v) for v in value.split(",") if v.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r}: give distances in km separated by commas, e.g. 25,50,100") from None
    if not bands or any(not (0 < b <= MAX_BAND_KM) for b in bands):
        raise click.BadParameter(f"{value!r}: every band must be a positive number of km, at most {MAX_BAND_KM:g}")
    return bands


def _listed_rows(frame) -> list[int]:
    """Rows printed after a map: the first TABLE_MAX, then up to TABLE_MAX more that did not resolve (with reasons)."""
    first = list(range(min(len(frame), TABLE_MAX)))
    later = np.flatnonzero(frame["status"].to_numpy()[len(first) :] == "unresolved")[:TABLE_MAX] + len(first)
    return first + [int(i) for i in later]


def _list_records(frame, to_stderr: bool) -> None:
    """One line per listed record: id, status, point, precision, country, border distance, what it matched."""
    listed = _listed_rows(frame)
    for row in frame.iloc[listed].itertuples():
        located = row.lat is not None and row.lat == row.lat
        where = f"{row.lat:8.4f} {row.lon:9.4f}" if located else f"{'-':>8} {'-':>9}"
        prec = row.where_prec if located else "-"
        dist = f"{row.border_km:7.1f} km {row.border}" if located and row.border_km == row.border_km else "-"
        click.echo(f"{str(row.id)[:40]:<40} {str(row.status):<10} {where}  prec {prec}  {str(row.country or '-'):<4} {dist:<18} "
                   f"{str(row.matched_name or row.reason)[:36]}", err=to_stderr)  # fmt: skip
    if len(listed) < len(frame):
        click.echo(f"... {len(frame) - len(listed):,} more records not listed (all are on the map; "
                   f"`incmap geocode INPUT -o out.csv` writes every one)", err=to_stderr)  # fmt: skip


@click.command(name="map")
@click.argument("input_path", metavar="[INPUT]", required=False, type=click.Path(dir_okay=True, allow_dash=True))
@output_opt(default="maps_out/incidents.html")
@click.option("--title", default=None, help="Map title (default: from the input file name).")
@map_border_opt
@click.option("--bands", default="25,50,100", show_default=True, callback=_bands, help="Distance bands (km) along the highlighted borders.")
@click.option("--offline", "--self-contained", "offline", is_flag=True, help="One HTML file with every asset inlined and no tiles.")
@click.option("--fragment", is_flag=True, help="Write an embeddable snippet (iframe srcdoc) instead of a full page.")
@click.option("--png", "png", type=click.Path(dir_okay=False), help="Also render a static PNG (headless Chromium).")
@reading_options
def map_(input_path, output, title, border_sel, bands, offline, fragment, png, strict, encoding, gazetteers, quiet) -> None:
    """Render INPUT (default: the bundled incidents; '-' for stdin) as an interactive HTML map and print a summary."""
    from geo import settings
    from geo.maps import MapOptions, fragment_html, map_html, save_html
    from geo.maps.borders import NO_BORDER, choose_borders
    from geo.pipeline import load_incidents

    source = input_path or settings.DEFAULT_INCIDENTS
    measured_to = None if border_sel is None or border_sel.strip().lower() == NO_BORDER else border_sel  # None: every border
    incidents = load_incidents(source, encoding=encoding, strict=strict, gazetteers=gazetteers, border=measured_to,
                               progress=not quiet, report=problem_reporter(quiet))  # fmt: skip
    frame = incidents.frame
    name = "standard input" if input_path == "-" else Path(source).name
    options = MapOptions(title=title or ("incmap: bundled incidents" if input_path is None else f"incmap: {name}"),
                         border=border_sel, bands=bands, offline=offline or fragment)  # fmt: skip
    page = map_html(frame, incidents.layers, options)
    written = save_html(fragment_html(page) if fragment else page, output)
    to_stdout = written is None
    if not quiet:
        _list_records(frame, to_stderr=to_stdout)
    if png:
        if to_stdout:
            raise click.UsageError("--png needs the map in a file: give -o MAP.html")
        from geo.maps.snapshot import snapshot

        snapshot(written, Path(png))
    precs = {int(p): int(n) for p, n in frame["where_prec"].value_counts().items()}
    by_prec = ", ".join(f"prec {k}: {v}" for k, v in sorted(precs.items()))
    mode = "offline, self-contained" if options.offline else "online tiles"
    highlight = choose_borders(frame, incidents.layers.borders, options.border, options.bands)
    click.echo(f"summary: {status_summary(frame)} ({by_prec}); {len(incidents.problems)} bad rows; {highlight.describe()}; "
               f"map ({mode}) written to {written or 'standard output'}" + (f"; PNG {png}" if png else ""), err=to_stdout)  # fmt: skip
