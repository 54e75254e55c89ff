"""``incmap snapshot``: a map as a static PNG, rendered by headless Chromium, for PDF and Word reports."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from geo.cli.options import output_opt


@click.command()
@click.argument("html_path", metavar="MAP.html", type=click.Path(exists=True, dir_okay=False))
@output_opt(required=True)
@click.option("--width", default=1400, show_default=True)
@click.option("--height", default=900, show_default=True)
def snapshot(html_path: str, output: str, width: int, height: int) -> None:
    """Render MAP.html to a static PNG with headless Chromium (for PDF/Word reports)."""
    from geo.maps.snapshot import snapshot as take

    if output != "-":
        info = take(Path(html_path), Path(output), width, height)
    else:
        with tempfile.TemporaryDirectory(prefix="incmap-snapshot-") as tmp:
            png = Path(tmp) / "map.png"
            info = take(Path(html_path), png, width, height)
            sys.stdout.buffer.write(png.read_bytes())
            sys.stdout.flush()
    click.echo(f"summary: {output} written ({info['bytes']:,} bytes, {width}x{height}, rendered in {info['seconds']:.1f} s)",
               err=output == "-")  # fmt: skip
