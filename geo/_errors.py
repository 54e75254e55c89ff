"""Exceptions whose message is a sentence a user can act on (the CLI prints it on one line)."""

from __future__ import annotations

from collections.abc import Sequence


class Terminated(BaseException):
    """The process was asked to stop (SIGTERM): unwinds like Ctrl-C so partly written files are removed."""


class IncmapError(Exception):
    """Base class: any error the CLI reports as a one-line message with a non-zero exit."""


class LayerError(IncmapError):
    """A boundary layer file is missing, unreadable or not what the package expects."""


class InputError(IncmapError):
    """An input file cannot be used at all (missing, unknown format, no ``place`` column)."""


class RecordError(IncmapError):
    """One record inside a usable file is bad; carries where, so it can be reported or made fatal."""

    def __init__(self, path: str, line: int, field: str, problem: str) -> None:
        self.path, self.line, self.field, self.problem = path, line, field, problem
        super().__init__(f"{path}:{line}: field '{field}': {problem}")


def close_matches(text: str, choices: Sequence[str], limit: int = 5) -> list[str]:
    """The ``limit`` choices most like ``text`` (rapidfuzz WRatio), best first: for errors that say what would work."""
    from rapidfuzz import process

    return [choice for choice, *_ in process.extract(text, list(choices), limit=limit)]
