"""The boundary layers: Natural Earth admin-1 units, sovereign countries and their land borders.

``load_layers()`` reads the committed GeoParquet files (:mod:`geo.layers.load`); how they are made
from registry packages is :mod:`geo.layers.build` and :mod:`geo.layers.sovereignty`, which the
runtime never imports.
"""

from geo.layers.load import Layers, border_lengths, country_codes, load_layers

__all__ = ["Layers", "border_lengths", "country_codes", "load_layers"]
