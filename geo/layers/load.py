"""Load the committed boundary layers (admin-1, countries, land borders) and describe them.

Everything here is read from the layers directory (:data:`geo.settings.LAYERS_DIR`: the top-level
``layers/`` folder, built by ``scripts/build_layers.py`` and carried in the wheel); a missing or
corrupt file is a :class:`~geo._errors.LayerError` naming the file and the rebuild command.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from geo import settings
from geo._errors import LayerError
from geo.layers.files import ADMIN1_FILE, BORDERS_FILE, BUILD_LAYERS_COMMAND, COUNTRIES_FILE, PROVENANCE_FILE
from geo.layers.runtime import cached_layer
from geo.layers.table import LayerTable

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

#: Columns each layer must have for the rest of incmap to work.
REQUIRED_COLUMNS = {
    ADMIN1_FILE: {"iso3", "iso_3166_2", "name", "name_en", "alt_names", "names", "geometry"},
    COUNTRIES_FILE: {"iso3", "iso2", "name", "names", "geometry"},
    BORDERS_FILE: {"pair", "iso3_a", "iso3_b", "length_km", "geometry"},
}


@dataclass(frozen=True, eq=False)
class Layers:
    """The boundary layers incmap ships, in EPSG:4326, with their provenance record.

    Lookups read the ``*_table`` forms (numpy columns, no pandas); maps and queries the GeoDataFrames, made on use."""

    admin1_table: LayerTable
    countries_table: LayerTable
    borders_table: LayerTable
    provenance: dict
    directory: Path

    @cached_property
    def admin1(self) -> gpd.GeoDataFrame:
        """Admin-1 units (Natural Earth states and provinces)."""
        return self.admin1_table.frame()

    @cached_property
    def countries(self) -> gpd.GeoDataFrame:
        """Sovereign countries."""
        return self.countries_table.frame()

    @cached_property
    def borders(self) -> gpd.GeoDataFrame:
        """International land borders, one line per country pair."""
        return self.borders_table.frame()


def _read_layer(path: Path) -> LayerTable:
    """Read one GeoParquet layer, turning any failure into a one-line LayerError."""
    rebuild = f"rebuild the layers with `{BUILD_LAYERS_COMMAND}`"
    if not path.is_file():
        raise LayerError(f"layer file {path} is missing; {rebuild}")
    try:
        table = cached_layer(path, _read_parquet)
    except Exception as exc:  # pyarrow raises many types for a corrupt file
        raise LayerError(f"layer file {path} cannot be read ({type(exc).__name__}: {str(exc).splitlines()[0][:120]}); {rebuild}") from exc
    missing = {name for name in REQUIRED_COLUMNS[path.name] if name not in table}
    if missing:
        raise LayerError(f"layer file {path} lacks columns {sorted(missing)}; {rebuild}")
    return table


def _read_parquet(path: Path) -> gpd.GeoDataFrame:
    """The GeoParquet file itself (when its runtime copy is missing or stale)."""
    import geopandas as gpd

    return gpd.read_parquet(path)


def load_layers(directory: Path | str | None = None) -> Layers:
    """Load (once per process) the three layers and provenance from ``directory`` (default ``layers/``)."""
    return _load_layers(Path(directory or settings.LAYERS_DIR).resolve())


@lru_cache(maxsize=4)
def _load_layers(directory: Path) -> Layers:
    """:func:`load_layers` for a resolved directory: one cache entry however the directory was named."""
    tables = {name: _read_layer(directory / name) for name in REQUIRED_COLUMNS}
    prov_path = directory / PROVENANCE_FILE
    try:
        provenance = json.loads(prov_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LayerError(f"provenance file {prov_path} is missing or unreadable; rebuild the layers with `{BUILD_LAYERS_COMMAND}`") from exc
    return Layers(tables[ADMIN1_FILE], tables[COUNTRIES_FILE], tables[BORDERS_FILE], provenance, directory)


def border_lengths(borders: gpd.GeoDataFrame, country: str | None = None) -> pd.DataFrame:
    """Geodesic length (km) of each border pair, optionally only those of one ISO3 country, longest first."""
    frame = borders[["pair", "iso3_a", "iso3_b", "length_km"]]
    if country:
        code = country.upper()
        frame = frame[(frame["iso3_a"] == code) | (frame["iso3_b"] == code)]
    return frame.sort_values("length_km", ascending=False).reset_index(drop=True)


def country_codes(layers: Layers) -> list[str]:
    """Every sovereign ISO3 code present in the countries layer."""
    return sorted(layers.countries["iso3"])
