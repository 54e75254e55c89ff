"""The ``incmap`` click group: global ``--debug``, one-line errors instead of tracebacks, and the exit codes.

Exit codes: 0 done; 1 a user or data error (its one-line message says what and how to fix it);
2 a usage error (click's message); 70 an internal error (a bug: ``--debug`` shows the traceback);
130 interrupted (Ctrl-C); 143 terminated (SIGTERM). An interrupted run leaves no partly written file.
"""

from __future__ import annotations

import atexit
import gc
import os
import signal
import sys
import threading

import click

from geo import __version__
from geo._errors import IncmapError, Terminated

EXIT_USER_ERROR, EXIT_INTERNAL_ERROR, EXIT_INTERRUPTED, EXIT_TERMINATED = 1, 70, 130, 143
#: Cyclic-GC thresholds for a one-command process: Python's (700, 10, 10) walk every record dict of a 10^5-record map
#: again and again and collect nothing (records are not cyclic garbage). Geocoding pauses the GC itself
#: (``geo.geocoding.geocoder``); for reading and drawing, these take the GC's time in that map from 0.15 to 0.1 s.
GC_THRESHOLDS = (50_000, 20, 100)


class IncmapGroup(click.Group):
    """A click group that reports failures as one line and a non-zero exit, unless ``--debug``."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("\nincmap: interrupted; no output was left half-written", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Terminated:
            click.echo("incmap: terminated; no output was left half-written", err=True)
            sys.exit(EXIT_TERMINATED)
        except BrokenPipeError:  # the reader of our output went away (`incmap geocode x.csv | head`)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_USER_ERROR)
        except Exception as exc:  # noqa: BLE001 - the one place every failure is turned into a message
            if ctx.obj and ctx.obj.get("debug"):
                raise
            if isinstance(exc, IncmapError):
                message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                click.echo(f"incmap: error: {message}", err=True)
                sys.exit(EXIT_USER_ERROR)
            detail = (str(exc).splitlines() or [""])[0][:200]
            click.echo(f"incmap: error: internal error ({type(exc).__name__}: {detail}); this is a bug in incmap: "
                       f"run again with `incmap --debug ...` to see the traceback, and report it", err=True)  # fmt: skip
            sys.exit(EXIT_INTERNAL_ERROR)


@click.group(cls=IncmapGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="incmap")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """incmap: geocode incidents offline, measure geodesic distance to borders, render maps."""
    ctx.ensure_object(dict)["debug"] = debug
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)


def _terminate(signum, frame) -> None:
    """SIGTERM: unwind (temporary files are removed, old outputs kept), then exit with 143."""
    raise Terminated()


def main() -> None:
    """The ``incmap`` console script: one command per process, so what import made is set aside from the cyclic GC and
    collections are rarer. (``cli`` itself, as tests call it in a long-lived process, leaves the GC alone.)"""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        cli(prog_name="incmap")
    except SystemExit as stop:
        if stop.code in (None, 0):
            _end_without_teardown()
        raise


def _end_without_teardown() -> None:
    """End a command that succeeded without freeing what it made object by object (after a 10^5-record map, 0.2-0.3 s
    of the interpreter's teardown; mypy ends the same way). Exit handlers still run (child processes, clusters,
    temporary files) and the standard streams are flushed; work left on other threads is not waited for, as none is
    left once a command has returned. When a stream cannot be flushed, the interpreter ends as usual and reports it."""
    atexit._run_exitfuncs()  # the handlers the interpreter would run at exit, run now
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(0)


def _register() -> None:
    """Attach the subcommands (each lives in its own module)."""
    from geo.cli.extract_cmd import extract
    from geo.cli.geocode_cmd import geocode
    from geo.cli.layers_cmd import layers
    from geo.cli.locate_cmd import locate
    from geo.cli.map_cmd import map_
    from geo.cli.query_cmd import query
    from geo.cli.snapshot_cmd import snapshot

    for command in (layers, extract, geocode, locate, query, map_, snapshot):
        cli.add_command(command)


_register()
