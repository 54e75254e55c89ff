"""The ``incmap`` click group: global ``--debug`` and one-line errors instead of tracebacks."""

from __future__ import annotations

import sys

import click

from geo import __version__
from geo._errors import IncmapError


class IncmapGroup(click.Group):
    """A click group that reports failures as one line and a non-zero exit, unless ``--debug``."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:  # noqa: BLE001 - the one place every failure is turned into a message
            if ctx.obj and ctx.obj.get("debug"):
                raise
            message = str(exc) if isinstance(exc, IncmapError) else f"{type(exc).__name__}: {exc} (run with --debug for details)"
            click.echo(f"incmap: error: {message.splitlines()[0] if message else type(exc).__name__}", err=True)
            sys.exit(1 if isinstance(exc, IncmapError) else 2)


@click.group(cls=IncmapGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="incmap")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """incmap: geocode incidents offline, measure geodesic distance to borders, render maps."""
    ctx.ensure_object(dict)["debug"] = debug


def _register() -> None:
    """Attach the subcommands (each lives in its own module)."""
    from geo.cli.geocode_cmd import geocode, locate
    from geo.cli.layers_cmd import layers
    from geo.cli.map_cmd import map_, snapshot
    from geo.cli.query_cmd import query

    for command in (layers, geocode, locate, query, map_, snapshot):
        cli.add_command(command)


_register()
