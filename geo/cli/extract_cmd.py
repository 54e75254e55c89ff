"""``incmap extract``: news articles (text or HTML) to incident records, geocoded, with provenance; or to toponym mentions."""

from __future__ import annotations

import collections
import datetime as dt
import sys

import click

from geo.cli.options import format_opt, gazetteer_opt, output_format, output_opt, quiet_opt, raw_csv_opt

FORMATS = ("jsonl", "geojson", "csv", "gpkg", "parquet")


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)") from None


@click.command()
@click.argument("articles", metavar="ARTICLE...", nargs=-1, required=True, type=click.Path(allow_dash=True))
@output_opt()
@format_opt(*FORMATS)
@raw_csv_opt
@click.option("--mentions", is_flag=True, help="Write one JSON line per toponym mention (doc, start, end, text, lat, lon, ...) instead of incidents.")
@click.option("--date", "published", callback=_date, help="The articles' date (YYYY-MM-DD) when their text has no dateline.")
@click.option("--lang", help="The articles' language (ISO 639-1: en, de, ru...) instead of detecting it per article.")
@click.option("--source", help="The publication, when the articles do not name it (HTML pages usually do).")
@click.option("--max-bytes", default=5_000_000, show_default=True, help="Larger files are skipped (an article, not a corpus).")
@gazetteer_opt
@quiet_opt
def extract(articles, output, fmt, raw_csv, mentions, published, lang, source, max_bytes, gazetteers, quiet) -> None:
    """Find incidents in news ARTICLEs (.txt or .html files, directories of them, '-' for stdin): places, dates, event
    types and the sentences they come from, already geocoded (`incmap map` draws the output as it is)."""
    from tqdm import tqdm

    from geo.config import gazetteers_with_config
    from geo.extract.documents import Skipped, expand_inputs, read_document
    from geo.extract.extractor import TESTED_LANGUAGES, Extractor
    from geo.extract.output import mentions_jsonl, records_frame
    from geo.geocoding import Geocoder
    from geo.io.export import write_records

    kind = "jsonl" if mentions else output_format(output, fmt, "jsonl", FORMATS)
    if mentions and kind != "jsonl" and fmt not in (None, "jsonl"):
        raise click.UsageError("--mentions writes JSON Lines; drop --format or use --format jsonl")
    inputs = expand_inputs(articles)
    extractor = Extractor(Geocoder(extra_gazetteers=gazetteers_with_config(gazetteers), progress=not quiet))
    records, skipped, read = [], [], 0
    for item in tqdm(inputs, desc="articles", unit=" articles", file=sys.stderr, disable=quiet or len(inputs) < 2):
        doc = read_document(item, max_bytes=max_bytes, source=source, published=published)
        if isinstance(doc, Skipped):
            skipped.append(doc)
            if not quiet:
                click.echo(f"warning: {doc.source}: skipped: {doc.reason}", err=True)
            continue
        read += 1
        analysis = extractor.analyse(doc, lang)
        if analysis.lang not in TESTED_LANGUAGES and not quiet:
            click.echo(f"note: {doc.source}: language {analysis.lang!r}: read with the gazetteer recogniser only (models: en, ru)", err=True)
        records += extractor.mentions(analysis) if mentions else extractor.incidents(analysis)
    if mentions:
        text = mentions_jsonl(records)
        if output in (None, "-"):
            sys.stdout.write(text)
        else:
            from geo.io.atomic import write_text

            write_text(output, text)
    else:
        write_records(records_frame(records), output or "-", kind, formula_guard=not raw_csv)
    reasons = collections.Counter(s.reason.split(" (")[0] for s in skipped)
    what = f"{len(records)} mentions" if mentions else f"{len(records)} incidents ({_statuses(records)})"
    click.echo(f"summary: {read} articles read, {len(skipped)} skipped" + (f" ({', '.join(f'{n} {r}' for r, n in reasons.items())})" if skipped else "")
               + f"; {what}" + (f"; written to {output}" if output not in (None, "-") else ""), err=True)  # fmt: skip


def _statuses(records: list[dict]) -> str:
    counts = collections.Counter(r.get("status") for r in records)
    return ", ".join(f"{counts.get(s, 0)} {s}" for s in ("resolved", "ambiguous", "unresolved"))
