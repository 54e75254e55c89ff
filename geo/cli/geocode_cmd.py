"""``incmap geocode``: place names to footprints, offline, written as GeoJSON, CSV or GeoPackage."""

from __future__ import annotations

import click

from geo.cli.options import border_opt, dataset_output, engine_options, format_opt, input_arg, output_format, output_opt, raw_csv_opt, reading_options
from geo.cli.report import problem_reporter, status_summary

FORMATS = ("geojson", "jsonl", "csv", "gpkg", "parquet")


@click.command()
@input_arg
@output_opt(dataset=True)
@format_opt(*FORMATS)
@raw_csv_opt
@border_opt
@engine_options
@reading_options
def geocode(input_path: str, output: str | None, fmt: str | None, raw_csv: bool, border_sel: str | None, engine: str, scheduler: str | None,
            workers: int | None, strict: bool, encoding: str, gazetteers: tuple[str, ...], quiet: bool) -> None:  # fmt: skip
    """Geocode INPUT (CSV, TSV, JSON Lines, GeoJSON, GeoPackage or Parquet with a ``place`` column, or a folder or glob of
    them; '-' for stdin) to GeoJSON, JSON Lines, CSV, GeoPackage or GeoParquet (a partitioned folder with --engine dask)."""
    from geo.io.export import write_records
    from geo.pipeline import load_incidents
    from geo.scale.engine import choose_engine

    if choose_engine(engine, input_path, scheduler) == "dask":
        from geo.cli.scale_run import geocode_on_dask

        geocode_on_dask(input_path, dataset_output(output, fmt), quiet=quiet, encoding=encoding, strict=strict, gazetteers=gazetteers,
                        border=border_sel, scheduler=scheduler, workers=workers)  # fmt: skip
        return

    kind = output_format(output, fmt, "geojson", FORMATS)  # an unusable output fails before the work, not after
    incidents = load_incidents(input_path, encoding=encoding, strict=strict, gazetteers=gazetteers, border=border_sel,
                               progress=not quiet, report=problem_reporter(quiet))  # fmt: skip
    if write_records(incidents.frame, output or "-", kind, formula_guard=not raw_csv) is not None:
        click.echo(f"wrote {output}", err=True)
    bad_gaz = f"; {len(incidents.gazetteer_problems)} bad gazetteer rows" if incidents.gazetteer_problems else ""
    click.echo(f"summary: {status_summary(incidents.frame)}; {len(incidents.problems)} bad rows reported{bad_gaz}", err=True)
