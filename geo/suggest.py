"""Close valid names for something a user mistyped, for one-line errors that say what would work."""

from __future__ import annotations

from collections.abc import Sequence


def close_matches(text: str, choices: Sequence[str], limit: int = 5) -> list[str]:
    """The ``limit`` choices most like ``text`` (rapidfuzz WRatio), best first."""
    from rapidfuzz import process

    return [choice for choice, *_ in process.extract(text, list(choices), limit=limit)]
