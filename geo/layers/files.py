"""The layer files' names and where they live: shared by the runtime loader and the build, which import nothing else of each other."""

from __future__ import annotations

#: Files in a layers directory (written by :mod:`geo.layers.build`, read by :mod:`geo.layers.load`).
ADMIN1_FILE = "admin1.parquet"
COUNTRIES_FILE = "countries.parquet"
BORDERS_FILE = "borders.parquet"
BANDS_FILE = "bands.parquet"  # every border's distance bands at the default widths (geo.maps.band_store)
PROVENANCE_FILE = "provenance.json"
PROVENANCE_DOC = "PROVENANCE.md"

#: Command that rebuilds the layers, quoted in errors and provenance.
BUILD_LAYERS_COMMAND = "python scripts/build_layers.py"
