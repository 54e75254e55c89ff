"""Options shared by several subcommands, defined once so every command spells them the same way."""

from __future__ import annotations

import click

output_opt = click.option("-o", "--output", type=click.Path(dir_okay=False), help="Output file; format from its extension.")
strict_opt = click.option("--strict", is_flag=True, help="Fail on the first bad row instead of reporting it and going on.")
encoding_opt = click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of the input file.")
gazetteer_opt = click.option(
    "--gazetteer", "gazetteers", multiple=True, type=click.Path(dir_okay=False),
    help="Extra places: a GeoNames dump (KZ.txt, allCountries.txt) or a CSV with name,lat,lon. Repeatable; "
    "also settable as `gazetteers = [...]` in incmap.toml or ~/.config/incmap/config.toml.",
)  # fmt: skip
