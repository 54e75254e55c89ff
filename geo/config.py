"""Optional user configuration (TOML): extra gazetteers and other defaults an analyst sets once.

Looked up in order: ``$INCMAP_CONFIG``, ``./incmap.toml``, ``~/.config/incmap/config.toml``.
Example::

    gazetteers = ["~/data/geonames/KZ.txt", "my_places.csv"]
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

from geo._errors import InputError


def config_path() -> Path | None:
    """The first configuration file that exists, if any."""
    candidates = [os.environ.get("INCMAP_CONFIG"), "incmap.toml", Path.home() / ".config" / "incmap" / "config.toml"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@lru_cache(maxsize=4)
def _load(path: Path) -> dict:
    """Parsed TOML of ``path`` (one-line error when it is not valid TOML)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: invalid configuration file ({exc})") from None


def configured_gazetteers() -> list[Path]:
    """Extra gazetteer files named in the configuration (relative paths are relative to the file)."""
    path = config_path()
    if path is None:
        return []
    values = _load(path.resolve()).get("gazetteers", [])
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise InputError(f"{path}: 'gazetteers' must be a list of file paths")
    return [(path.parent / Path(v).expanduser()).resolve() for v in values]


def gazetteers_with_config(cli_values: tuple[str, ...]) -> list[Path]:
    """Gazetteers from the configuration file followed by those given with ``--gazetteer``."""
    return [*configured_gazetteers(), *(Path(v) for v in cli_values)]
