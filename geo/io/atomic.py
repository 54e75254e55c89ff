"""Files written whole or not at all: a temporary file in the same folder, then a rename over the target.

An interrupted run (Ctrl-C, SIGTERM: see :mod:`geo.cli.main`) or a failed write removes the temporary file
and leaves any old file at the target untouched.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from geo._errors import InputError

#: Temporary files are hidden and named after their target: ``.NAME.XXXX.tmp.SUFFIX``.
TMP_MARK = ".tmp"


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; an unwritable path is a one-line error."""
    return write_bytes(path, text.encode("utf-8"))


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (the old file stays intact until the new one is complete)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` for a writer that needs a file name (GeoPackage, Parquet, PNG), keeping the
    target's suffix so drivers recognise it; renamed over ``path`` when the block ends, removed if it fails or is
    interrupted. The folder is created when missing; an unwritable one is a one-line error."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f"{TMP_MARK}{path.suffix}", dir=path.parent)
        os.close(fd)
        os.unlink(name)  # writers such as GDAL's create the file themselves
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({_why(exc)})") from None
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError(f"{path}: cannot write ({_why(exc)})") from None
        raise


def _why(exc: OSError) -> str:
    """The reason an OS call failed, in words (a full disk says so)."""
    return exc.strerror or str(exc) or type(exc).__name__
