"""An input named on the command line as the files it stands for: one file, standard input, a directory of
partition files (a partitioned Parquet dataset, a folder of CSV exports), or a glob pattern ("exports/*.csv").

Files are taken in sorted path order, so a dataset's rows keep one order on every engine and every run.
"""

from __future__ import annotations

import glob
from pathlib import Path

from geo._errors import InputError
from geo.io.records import FORMATS, STDIN

#: Characters that make an input a glob pattern rather than a file name.
GLOB_CHARS = frozenset("*?[")
#: Files inside a dataset directory that are metadata, not records (dask, Spark and Hive write them).
METADATA_NAMES = frozenset({"_metadata", "_common_metadata", "_SUCCESS"})


def is_dataset(source: str | Path) -> bool:
    """True when ``source`` names several files (a directory or a glob pattern) rather than one file or stdin."""
    text = str(source)
    return text != STDIN and (Path(text).is_dir() or (GLOB_CHARS & set(text) and not Path(text).exists()))


def input_files(source: str | Path) -> list[str]:
    """The record files ``source`` stands for, in sorted order; one-line errors for a pattern or directory with none."""
    text = str(source)
    if not is_dataset(text):
        return [text]
    if Path(text).is_dir():
        files = sorted(str(p) for p in Path(text).rglob("*") if p.is_file() and _is_record_file(p))
        where = f"{text}: a directory with no record files"
    else:
        files = sorted(p for p in glob.glob(text, recursive=True) if Path(p).is_file() and _is_record_file(Path(p)))
        where = f"{text}: no record files match this pattern"
    if not files:
        raise InputError(f"{where} ({', '.join(FORMATS)})")
    return files


def total_bytes(files: list[str]) -> int:
    """The size of the input files together (0 for standard input)."""
    return sum(Path(f).stat().st_size for f in files if f != STDIN and Path(f).is_file())


def _is_record_file(path: Path) -> bool:
    """A file a dataset's records are in: a known record format, not hidden, not a metadata file."""
    hidden = any(part.startswith((".", "_")) for part in path.parts[-1:])
    return not hidden and path.name not in METADATA_NAMES and path.suffix.lower() in FORMATS
