"""``incmap query``: incidents near borders, places, regions, dates and types, as a table or a file."""

from __future__ import annotations

import click

from geo.cli.options import border_opt, dataset_output, engine_options, format_opt, input_arg, output_format, output_opt, raw_csv_opt, reading_options
from geo.cli.report import problem_reporter

FORMATS = ("table", "csv", "geojson", "jsonl", "gpkg", "parquet")
TABLE_COLUMNS = ("id", "date", "place", "country", "border", "border_km", "within", "precision")
TABLE_WIDTHS = {"id": 34, "date": 10, "place": 28, "country": 7, "border": 8, "border_km": 16, "within": 8, "precision": 20}


def _date(ctx, param, value):
    """Parse an ISO date option (YYYY, YYYY-MM or YYYY-MM-DD) into a date (start for --since, end for --until)."""
    if value is None:
        return None
    from geo.io.dates import date_range

    span = date_range(value)
    if span is None:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    return span[0] if param.name == "since" else span[1]


@click.command()
@input_arg
@click.option("--within-km", type=float, help="Keep incidents within this many km of the borders (geodesic).")
@border_opt
@click.option("--certain-only", is_flag=True, help="Keep only incidents certainly within the distance (whole footprint).")
@click.option("--near", "near_place", help="A place (geocoded the same way) to measure --radius-km from.")
@click.option("--radius-km", type=float, help="Radius for --near, in km.")
@click.option("--in", "in_region", help="Admin-1 region or country (name or code) the footprint must intersect.")
@click.option("--since", callback=_date, help="Earliest date (YYYY[-MM[-DD]]).")
@click.option("--until", callback=_date, help="Latest date (YYYY[-MM[-DD]]).")
@click.option("--type", "types", multiple=True, help="Event type(s) to keep. Repeatable.")
@click.option("--max-prec", type=click.IntRange(1, 7), help="Keep incidents at least this precise (UCDP where_prec).")
@format_opt(*FORMATS)
@raw_csv_opt
@output_opt(dataset=True)
@engine_options
@reading_options
def query(input_path, within_km, border_sel, certain_only, near_place, radius_km, in_region, since, until, types, max_prec, fmt, raw_csv, output,
          engine, scheduler, workers, strict, encoding, gazetteers, quiet) -> None:  # fmt: skip
    """Filter INPUT (raw or already geocoded records, a file, a folder or glob of them; '-' for stdin); all filters combine with AND."""
    from geo.pipeline import QuerySpec, load_incidents, query_incidents
    from geo.scale.engine import choose_engine

    spec = QuerySpec(within_km, border_sel, certain_only, near_place, radius_km, in_region, since, until, tuple(types), max_prec)
    spec.check()
    if choose_engine(engine, input_path, scheduler) == "dask":
        from geo.cli.scale_run import query_on_dask

        if output in (None, "-") and fmt not in (None, "table"):
            raise click.UsageError(f"--engine dask writes --format {fmt} as a partitioned GeoParquet folder: give -o FOLDER")
        query_on_dask(input_path, dataset_output(output, fmt) if output not in (None, "-") else None, spec, quiet=quiet,
                      show_table=lambda frame: click.echo(_table(frame)), encoding=encoding, strict=strict, gazetteers=gazetteers,
                      border=border_sel, scheduler=scheduler, workers=workers)  # fmt: skip
        return
    kind = output_format(output, fmt, "table", FORMATS)
    incidents = load_incidents(input_path, encoding=encoding, strict=strict, gazetteers=gazetteers, border=border_sel, measure=False,
                               progress=not quiet, report=problem_reporter(quiet))  # fmt: skip
    result = query_incidents(incidents, spec)
    _emit(result.frame, kind, output, formula_guard=not raw_csv)
    click.echo("summary: " + result.footer(len(incidents.frame)), err=kind != "table" and output in (None, "-"))


def _emit(frame, kind: str, output: str | None, formula_guard: bool = True) -> None:
    """Print a readable table, or write CSV, GeoJSON or GeoPackage (to a file or standard output)."""
    from geo.io.atomic import write_text
    from geo.io.export import write_records

    if kind != "table":
        write_records(frame, output or "-", kind, formula_guard=formula_guard)
    elif output in (None, "-"):
        click.echo(_table(frame))
    else:
        write_text(output, _table(frame) + "\n")


def _table(frame) -> str:
    """Fixed-width table of the key columns, readable in a terminal."""

    def cell(row, col):
        value = row.get(col)
        if value is None or (isinstance(value, float) and value != value):
            return "-"
        if col == "border_km":
            return f"{value:,.1f}" + (f"–{row['border_km_max']:,.0f}" if row.get("border_km_max", value) - value > 0.05 else "")
        return str(value)

    head = " ".join(f"{c:<{TABLE_WIDTHS[c]}}" for c in TABLE_COLUMNS)
    rows = [" ".join(f"{cell(r, c)[:TABLE_WIDTHS[c]]:<{TABLE_WIDTHS[c]}}" for c in TABLE_COLUMNS) for r in frame.drop(columns="geometry").to_dict("records")]
    return "\n".join([head, *rows])
