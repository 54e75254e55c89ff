"""Where incmap finds its layers and keeps its caches; every path can be overridden by environment."""

from __future__ import annotations

import os
from pathlib import Path

#: The installed package directory (``geo/``).
PACKAGE_DIR = Path(__file__).resolve().parent

#: The checkout holding ``geo/`` when run from a source tree (editable install); meaningless in a wheel.
PROJECT_ROOT = PACKAGE_DIR.parent


def _layers_dir() -> Path:
    """``$INCMAP_LAYERS_DIR``; else the layers a wheel carries (``geo/layers/data``, built from the top-level
    ``layers/`` folder); else that top-level folder of the checkout (editable install)."""
    env = os.environ.get("INCMAP_LAYERS_DIR")
    if env:
        return Path(env).expanduser()
    packaged = PACKAGE_DIR / "layers" / "data"
    return packaged if packaged.is_dir() else PROJECT_ROOT / "layers"


#: Directory holding the boundary layers and their provenance.
LAYERS_DIR = _layers_dir()

#: User cache for derived indexes (gazetteer); safe to delete, rebuilt on demand.
CACHE_DIR = Path(
    os.environ.get("INCMAP_CACHE_DIR", Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "incmap")
)

#: Bundled default incidents (package data).
DEFAULT_INCIDENTS = PACKAGE_DIR / "data" / "incidents.csv"
