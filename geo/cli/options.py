"""Options shared by several subcommands, defined once so every command spells and explains them the same way.

``-`` means standard input for INPUT and standard output for ``-o``.
"""

from __future__ import annotations

from pathlib import Path

import click

from geo._errors import InputError

#: Formats each output file extension stands for.
SUFFIX_FORMATS = {".geojson": "geojson", ".json": "geojson", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".gpkg": "gpkg",
                  ".parquet": "parquet", ".geoparquet": "parquet",
                  ".txt": "table", ".html": "html", ".htm": "html"}  # fmt: skip



def output_opt(default: str | None = None, required: bool = False, dataset: bool = False):
    """``-o/--output`` (a command that always writes a file gives its default, or requires it; ``dataset``: it may
    name a folder, the partitioned GeoParquet output of ``--engine dask``)."""
    return click.option("-o", "--output", default=default, show_default=default is not None, required=required,
                        type=click.Path(dir_okay=dataset, allow_dash=True),
                        help="Output file ('-' for standard output); its extension gives the format unless --format says.")  # fmt: skip


strict_opt = click.option("--strict", is_flag=True, help="Fail on the first bad row instead of reporting it and going on.")
raw_csv_opt = click.option("--raw-csv", is_flag=True,
                           help="Write CSV cells exactly as they are (for machine pipelines); by default text that a "
                                "spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading quote.")  # fmt: skip
encoding_opt = click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of the input file.")
quiet_opt = click.option("-q", "--quiet", is_flag=True, help="No progress bars, per-row warnings or record listings: only errors and the summary line.")
border_opt = click.option("--border", "border_sel", metavar="SELECTION",
                          help="One border (KAZ-RUS), one country's borders (KAZ), or several, comma-separated: "
                               "distances are measured to these, and maps highlight and band them.")  # fmt: skip
gazetteer_opt = click.option(
    "--gazetteer", "gazetteers", multiple=True, type=click.Path(dir_okay=False),
    help="Extra places: a GeoNames dump (KZ.txt, allCountries.txt) or a CSV with name,lat,lon. Repeatable; "
    "also settable as `gazetteers = [...]` in incmap.toml or ~/.config/incmap/config.toml.",
)  # fmt: skip


def reading_options(command):
    """The options of every command that reads and geocodes records: --strict, --encoding, --gazetteer, -q."""
    for option in (quiet_opt, gazetteer_opt, encoding_opt, strict_opt):
        command = option(command)
    return command


#: INPUT: a file, '-', or a folder or glob pattern of files (a partitioned dataset: :mod:`geo.io.dataset`).
input_arg = click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=True, allow_dash=True))


def engine_options(command):
    """``--engine``, ``--scheduler`` and ``--workers``: where the work runs (:mod:`geo.scale.engine`)."""
    from geo.scale import AUTO_DASK_BYTES, ENGINES

    options = (
        click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True,
                     help=f"single: this process; dask: partitions on a dask cluster, written as a partitioned GeoParquet "
                          f"folder (-o); auto: dask from {AUTO_DASK_BYTES >> 30} GiB of input or with --scheduler."),
        click.option("--scheduler", metavar="ADDRESS", help="A running dask scheduler (tcp://host:8786) to run on; "
                     "default: a local cluster of worker processes."),
        click.option("--workers", type=click.IntRange(1), help="Worker processes of the local dask cluster (default: one per core)."),
    )  # fmt: skip
    for option in options:
        command = option(command)
    return command


def dataset_output(output: str | None, fmt: str | None) -> str:
    """The folder the dask engine writes its partitioned GeoParquet to: ``-o`` without a suffix or ending in .parquet."""
    if output in (None, "-"):
        raise click.UsageError("--engine dask writes a partitioned GeoParquet folder: give -o FOLDER (or FOLDER.parquet)")
    suffix = Path(output).suffix.lower()
    if (fmt not in (None, "parquet")) or (suffix and SUFFIX_FORMATS.get(suffix) != "parquet"):
        raise click.UsageError(f"--engine dask writes GeoParquet: -o {output} asks for {fmt or suffix}; use a folder name or .parquet")
    return output


def format_opt(*choices: str):
    """``--format`` limited to the formats a command writes (the help text is the same everywhere)."""
    return click.option("--format", "fmt", type=click.Choice(choices),
                        help="Output format (default: from the -o file's extension; on standard output the command's default).")  # fmt: skip


def output_format(output: str | None, fmt: str | None, stdout_default: str, allowed: tuple[str, ...]) -> str:
    """The format to write: ``--format`` and the ``-o`` extension must agree; a usage error says when they do not."""
    if output in (None, "-"):
        return fmt or stdout_default
    by_suffix = SUFFIX_FORMATS.get(Path(output).suffix.lower())
    if fmt and by_suffix and by_suffix != fmt:
        raise click.UsageError(f"--format {fmt} disagrees with the extension of -o {output}; change one of them")
    chosen = fmt or by_suffix
    if chosen not in allowed:
        suffixes = ", ".join(s for s, f in SUFFIX_FORMATS.items() if f in allowed)
        raise InputError(f"{output}: unknown output format {Path(output).suffix or '(no extension)'!r}; use {suffixes} (or --format)")
    return chosen
