"""``incmap locate``: the ranking the geocoder used for one place name, with the score parts: the analyst's quick check."""

from __future__ import annotations

import click

from geo.cli.options import gazetteer_opt


@click.command()
@click.argument("place")
@click.option("--context", default="", help="Other places or regions the record names (free text).")
@click.option("--country", default="", help="Country hint: ISO code or name.")
@click.option("--region", default="", help="Region (admin-1) hint.")
@click.option("-n", "--limit", default=8, show_default=True, help="How many candidates to list per name.")
@gazetteer_opt
def locate(place: str, context: str, country: str, region: str, limit: int, gazetteers: tuple[str, ...]) -> None:
    """Show the candidates PLACE was ranked among, with their scores, and the answer."""
    from geo.cli.report import problem_reporter
    from geo.config import gazetteers_with_config
    from geo.gazetteer.cache import extra_gazetteer
    from geo.geocoding import Geocoder

    extra = tuple(gazetteers_with_config(gazetteers))
    gaz = extra_gazetteer(extra, report=problem_reporter(quiet=False))
    geocoder = Geocoder(gazetteer=gaz, extra_gazetteers=extra, progress=True)
    res = geocoder.explain(place, {"place": place, "description": context, "country": country, "region": region})
    names = geocoder.lookup.admin1_names
    if res.ranking:
        click.echo(f"{'score':>6}  {'name':<28} {'country':<7} {'admin1':<24} {'id':<20} why")
    for ranked in res.ranking:
        if len(res.ranking) > 1:
            click.echo(f"-- {ranked.reading.kind.value} {ranked.reading.qualifier or ''}: candidates for {ranked.name!r}".replace("  ", " "))
        for i, cand in enumerate(ranked.candidates[:limit]):
            region_name = names[cand.admin1_row] if cand.admin1_row >= 0 else ""
            why = ", ".join(cand.why) + ("; ruled out by the record's hints" if i in ranked.excluded else "")
            click.echo(f"{cand.score:6.3f}  {cand.name[:28]:<28} {cand.country:<7} {region_name[:24]:<24} {cand.gid:<20} {why}")
    where = f"{res.point.y:.4f}, {res.point.x:.4f}" if res.point is not None else "-"
    prec = f"where_prec {int(res.where_prec)} ({res.where_prec.label})" if res.where_prec else "no precision"
    click.echo(f"summary: {res.status}: {res.matched_name or '-'} [{res.gazetteer_id or '-'}] at {where}, {prec}, confidence {res.confidence:.2f}"
               + (f"; {res.reason}" if res.status == "unresolved" else ""))  # fmt: skip
