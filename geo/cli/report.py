"""What commands print besides their results: bad-row warnings and the counts in summary lines."""

from __future__ import annotations

import collections
from collections.abc import Callable

import click

from geo._errors import RecordError

#: Bad rows printed one per line before the rest are counted.
PROBLEMS_SHOWN = 10


def problem_reporter(quiet: bool) -> Callable[[list[RecordError]], None]:
    """Prints bad rows (file:line: field: problem) to stderr, the first PROBLEMS_SHOWN of them; nothing when quiet
    (the summary line still counts them)."""

    def report(problems: list[RecordError], total: int | None = None) -> None:
        """``total``: how many there are when ``problems`` holds only the first of them."""
        if quiet:
            return
        for err in problems[:PROBLEMS_SHOWN]:
            click.echo(f"warning: {err}", err=True)
        more = (len(problems) if total is None else total) - min(len(problems), PROBLEMS_SHOWN)
        if more > 0:
            click.echo(f"warning: ... and {more} more bad rows", err=True)

    return report


def status_summary(frame) -> str:
    """One line: how many records, and how many of each status."""
    counts = collections.Counter(frame["status"].value_counts().to_dict()) if "status" in frame.columns else collections.Counter()
    return status_counts(counts, len(frame))


def status_counts(counts: collections.Counter, total: int) -> str:
    """``total`` records and how many of each status (from counts made elsewhere: the dask engine's parts)."""
    parts = [f"{counts.get(s, 0)} {s}" for s in ("resolved", "ambiguous", "given", "unresolved")]
    return f"{total} records: " + ", ".join(parts)
