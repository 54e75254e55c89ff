"""Where incmap finds its layers and keeps its caches; every path can be overridden by environment."""

from __future__ import annotations

import os
from pathlib import Path

#: Repository root (the package is installed editable, so layers/ sits beside geo/).
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Directory holding the committed boundary layers and their provenance.
LAYERS_DIR = Path(os.environ.get("INCMAP_LAYERS_DIR", PROJECT_ROOT / "layers"))

#: User cache for derived indexes (gazetteer); safe to delete, rebuilt on demand.
CACHE_DIR = Path(
    os.environ.get("INCMAP_CACHE_DIR", Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "incmap")
)

#: Bundled default incidents (package data).
DEFAULT_INCIDENTS = Path(__file__).resolve().parent / "data" / "incidents.csv"

#: Default output directory for maps.
MAPS_OUT = PROJECT_ROOT / "maps_out"

#: Command that rebuilds the layers, quoted in errors and provenance.
BUILD_LAYERS_COMMAND = "python scripts/build_layers.py"
