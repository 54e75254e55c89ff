"""``incmap geocode`` and ``incmap query`` on the dask engine: run, then print what the single engine prints
(bad rows, where the output went, one summary line)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import click

from geo.cli.report import problem_reporter, status_counts


def geocode_on_dask(input_path: str, output: str, *, quiet: bool, **options) -> None:
    """Geocode INPUT on dask into the partitioned GeoParquet folder ``output``."""
    from geo.scale.engine import run_dask

    run = run_dask("geocode", input_path, output, progress=not quiet, **options)
    _report(run, quiet)
    click.echo(f"wrote {output} ({run.parts} partitions)", err=True)
    click.echo(f"summary: {status_counts(run.statuses, run.rows_in)}; {run.problem_count} bad rows reported{_gazetteer(run)}; "
               f"engine dask, {run.parts} partitions", err=True)  # fmt: skip


def query_on_dask(input_path: str, output: str | None, spec, *, quiet: bool, show_table, **options) -> None:
    """Query INPUT on dask: into the folder ``output``, or (no ``output``) gathered and printed as a table."""
    import geopandas as gpd

    from geo.scale.engine import run_dask
    from geo.spatial.query import match_footer

    scratch = None if output else Path(tempfile.mkdtemp(prefix="incmap-query-"))
    try:
        target = output or scratch / "matches"
        run = run_dask("query", input_path, target, spec=spec, progress=not quiet, **options)
        _report(run, quiet)
        if output:
            click.echo(f"wrote {output} ({run.parts} partitions)", err=True)
        else:
            show_table(gpd.read_parquet(target))
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    click.echo(f"summary: {match_footer(run.rows_out, run.rows_in, run.excluded)}; engine dask, {run.parts} partitions", err=output is not None)


def _report(run, quiet: bool) -> None:
    """The first bad rows (input order) and how many more there are; bad rows of extra gazetteers likewise."""
    report = problem_reporter(quiet)
    report(run.gazetteer_problems)
    report(run.problems, run.problem_count)


def _gazetteer(run) -> str:
    return f"; {len(run.gazetteer_problems)} bad gazetteer rows" if run.gazetteer_problems else ""
