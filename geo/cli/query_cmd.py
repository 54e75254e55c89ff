"""``incmap query``: incidents near borders, places, regions, dates and types, as a table or a file."""

from __future__ import annotations

from pathlib import Path

import click

from geo.cli.options import encoding_opt, gazetteer_opt, strict_opt
from geo.config import gazetteers_with_config

TABLE_COLUMNS = ("id", "date", "place", "country", "border", "border_km", "within", "precision")


def _date(ctx, param, value):
    """Parse an ISO date option (YYYY, YYYY-MM or YYYY-MM-DD) into a date (start for --since, end for --until)."""
    if value is None:
        return None
    from geo.query import date_range

    span = date_range(value)
    if span is None:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    return span[0] if param.name == "since" else span[1]


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=False))
@click.option("--within-km", type=float, help="Keep incidents within this many km of the borders (geodesic).")
@click.option("--border", "border_sel", help="Restrict to one border (KAZ-RUS) or one country's borders (KAZ); comma-separated.")
@click.option("--certain-only", is_flag=True, help="Keep only incidents certainly within the distance (whole footprint).")
@click.option("--near", "near_place", help="A place (geocoded the same way) to measure --radius-km from.")
@click.option("--radius-km", type=float, help="Radius for --near, in km.")
@click.option("--in", "in_region", help="Admin-1 region or country (name or code) the footprint must intersect.")
@click.option("--since", callback=_date, help="Earliest date (YYYY[-MM[-DD]]).")
@click.option("--until", callback=_date, help="Latest date (YYYY[-MM[-DD]]).")
@click.option("--type", "types", multiple=True, help="Event type(s) to keep. Repeatable.")
@click.option("--max-prec", type=click.IntRange(1, 7), help="Keep incidents at least this precise (UCDP where_prec).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "geojson", "gpkg"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of the terminal.")
@strict_opt
@encoding_opt
@gazetteer_opt
def query(input_path, within_km, border_sel, certain_only, near_place, radius_km, in_region, since, until, types, max_prec, fmt, output,
          strict, encoding, gazetteers) -> None:  # fmt: skip
    """Filter INPUT (raw or already geocoded records); all filters combine with AND."""
    from collections import Counter

    from geo import query as q
    from geo._errors import IncmapError
    from geo.proximity import border_distance, select_borders

    if (near_place is None) != (radius_km is None):
        raise IncmapError("--near and --radius-km go together")
    if within_km is not None:
        q.check_radius(within_km, "--within-km")
    if radius_km is not None:
        q.check_radius(radius_km, "--radius-km")
    frame, geocoder = _load(input_path, strict, encoding, gazetteers)
    if border_sel:
        select_borders(geocoder_layers(geocoder).borders, border_sel)  # validate early: one-line error with close names
    total = len(frame)
    excluded: Counter = Counter()
    steps = []
    if within_km is not None:
        steps.append(lambda f: q.within_border_km(f, within_km, border_sel, certain_only))
    if near_place is not None:
        lon, lat = _place_point(near_place, geocoder)
        steps.append(lambda f: q.near_point(f, lon, lat, radius_km, certain_only))
    if in_region:
        area = _region_geometry(in_region, geocoder_layers(geocoder))
        steps.append(lambda f: q.in_area(f, area))
    if since or until:
        steps.append(lambda f: q.between_dates(f, since, until))
    if types:
        steps.append(lambda f: q.of_type(f, types))
    if max_prec:
        steps.append(lambda f: q.max_precision(f, max_prec))
    for step in steps:
        result = step(frame)
        frame = result.frame
        excluded.update(result.excluded)
    if "border_km" not in frame.columns and len(frame):
        frame = border_distance(frame, border_sel)
    _emit(frame, fmt, output)
    click.echo("summary: " + q.QueryResult(frame, excluded).footer(total), err=fmt != "table" and not output)


def geocoder_layers(geocoder):
    """The layers behind a geocoder (or loaded directly for already geocoded input)."""
    from geo.layers import load_layers

    return geocoder.layers if geocoder is not None else load_layers()


def _load(path: str, strict: bool, encoding: str, gazetteers):
    """Geocoded records as a GeoDataFrame: read as they are when already geocoded, else geocoded now."""
    import geopandas as gpd

    from geo.geocode import Geocoder
    from geo.records import read_records

    suffix = Path(path).suffix.lower()
    if suffix in (".geojson", ".json", ".gpkg") and Path(path).is_file():
        try:
            frame = gpd.read_file(path, engine="pyogrio")
        except Exception:  # not readable as geodata: treat as raw records below  # noqa: BLE001
            frame = None
        if frame is not None and {"status", "where_prec"} <= set(frame.columns):
            return frame.set_crs("EPSG:4326", allow_override=True), None
    from geo.cli.geocode_cmd import report_problems

    records = read_records(path, encoding=encoding, strict=strict)
    report_problems(records.problems)
    geocoder = Geocoder(extra_gazetteers=gazetteers_with_config(gazetteers), progress=True)
    return geocoder.geocode(records.records), geocoder


def _place_point(place: str, geocoder) -> tuple[float, float]:
    """Lon/lat of a place given to --near (geocoded like any record)."""
    from geo._errors import IncmapError
    from geo.geocode import Geocoder

    geocoder = geocoder or Geocoder(progress=True)
    res = geocoder.resolve(place, {})
    if res.point is None:
        raise IncmapError(f"--near {place!r}: {res.reason}")
    return res.point.x, res.point.y


def _region_geometry(text: str, layers):
    """Geometry of an admin-1 unit or country named by name or code, or a one-line error with close names."""
    from geo._errors import IncmapError
    from geo.admin_names import name_indexes
    from geo.suggest import close_matches
    from geo.textnorm import fold

    code = text.strip().upper()
    admin1, countries = layers.admin1, layers.countries
    if code in set(admin1["iso_3166_2"].dropna()):
        return admin1.loc[admin1["iso_3166_2"] == code].geometry.union_all()
    if code in set(countries["iso3"]) or code in set(countries["iso2"].dropna()):
        return countries.loc[(countries["iso3"] == code) | (countries["iso2"] == code)].geometry.union_all()
    admin_index, country_index = name_indexes(layers)
    for index, frame in ((admin_index, admin1), (country_index, countries)):
        hits = [h for h in index.find(fold(text), fuzzy_cutoff=101) if h.quality >= 0.9]
        if hits:
            return frame.geometry.iloc[[h.row for h in hits]].union_all()
    names = list(admin1["name_en"].dropna()) + list(countries["name"])
    close = close_matches(text, names)
    raise IncmapError(f"--in {text!r}: no such region or country; close names: {', '.join(close)}")


def _emit(frame, fmt: str, output: str | None) -> None:
    """Print a readable table, or write/print CSV, GeoJSON or GeoPackage."""
    from geo.export import to_geojson, write_records

    if fmt == "table":
        lines = [_table(frame)]
        text = "\n".join(lines)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
        else:
            click.echo(text)
        return
    if output:
        suffix = {"csv": ".csv", "geojson": ".geojson", "gpkg": ".gpkg"}[fmt]
        path = output if output.lower().endswith(suffix) else output + suffix
        write_records(frame, path)
    elif fmt == "geojson":
        click.echo(to_geojson(frame))
    elif fmt == "csv":
        click.echo(frame.drop(columns="geometry").to_csv(index=False), nl=False)
    else:
        from geo._errors import IncmapError

        raise IncmapError("--format gpkg needs -o FILE")


def _table(frame) -> str:
    """Fixed-width table of the key columns, readable in a terminal."""
    def cell(row, col):
        value = row.get(col)
        if value is None or (isinstance(value, float) and value != value):
            return "-"
        if col == "border_km":
            return f"{value:,.1f}" + (f"–{row['border_km_max']:,.0f}" if row.get("border_km_max", value) - value > 0.05 else "")
        return str(value)

    widths = {"id": 34, "date": 10, "place": 28, "country": 7, "border": 8, "border_km": 16, "within": 8, "precision": 20}
    head = " ".join(f"{c:<{widths[c]}}" for c in TABLE_COLUMNS)
    rows = [" ".join(f"{cell(r, c)[:widths[c]]:<{widths[c]}}" for c in TABLE_COLUMNS) for r in frame.drop(columns="geometry").to_dict("records")]
    return "\n".join([head, *rows])
