"""``incmap layers``: what boundary layers are loaded, from which sources, and border lengths."""

from __future__ import annotations

import click

from geo._errors import IncmapError


@click.command()
@click.option("--borders", "country", metavar="ISO3", help="List the land borders of one country (e.g. KAZ) with their geodesic lengths.")
@click.option("--all-borders", is_flag=True, help="List every border pair with its length.")
def layers(country: str | None, all_borders: bool) -> None:
    """Print the loaded layers: feature counts, sources, versions, and border lengths on request."""
    from geo.layers import border_lengths, country_codes, load_layers

    lay = load_layers()
    if country and country.upper() not in set(country_codes(lay)):
        raise IncmapError(f"unknown country code {country!r}; {_close_codes(country, lay)}")
    prov = lay.provenance
    click.echo(f"layers: {lay.directory}  (built {prov.get('built', '?')})")
    click.echo(f"  admin-1 units : {len(lay.admin1):>6}  in {lay.admin1['iso3'].nunique()} countries")
    click.echo(f"  countries     : {len(lay.countries):>6}  (sovereign states, leases and dependencies merged)")
    click.echo(f"  land borders  : {len(lay.borders):>6}  pairs, {lay.borders['length_km'].sum():,.0f} km in all (geodesic, WGS84)")
    for src in prov.get("sources", []):
        click.echo(f"  source        : npm {src['package']}@{src['version']} {src['member']} ({src['licence']})")
    if country or all_borders:
        table = border_lengths(lay.borders, country)
        click.echo("")
        click.echo(f"{'border':<9} {'length_km':>10}")
        for row in table.itertuples():
            click.echo(f"{row.pair:<9} {row.length_km:>10,.1f}")
        scope = country.upper() if country else "all countries"
        click.echo(f"{len(table)} borders of {scope}, {table['length_km'].sum():,.1f} km in all")
    else:
        click.echo(f"summary: {len(lay.admin1)} admin-1 units, {len(lay.countries)} countries, {len(lay.borders)} border pairs loaded")


def _close_codes(code: str, lay) -> str:
    """A hint listing valid ISO3 codes or country names close to what the user typed."""
    from geo._errors import close_matches

    labels = {row.iso3: f"{row.iso3} ({row.name})" for row in lay.countries.itertuples()}
    by_code = [labels[c] for c in close_matches(code.upper(), list(labels), limit=3)]
    names = dict.fromkeys(by_code + close_matches(code, list(labels.values()), limit=3))
    return "close matches: " + ", ".join(names)
