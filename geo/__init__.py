"""incmap: put incidents from the news on a map and measure how close they came to a border.

The pipeline reads like the product: ``records`` (read) -> ``geocode`` (gazetteer +
layers) -> ``proximity`` (geodesic border distance) -> ``query`` -> ``maps`` / export.
"""

__version__ = "0.1.0"
