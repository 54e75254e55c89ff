"""incmap: put incidents from the news on a map and measure how close they came to a border.

One subpackage per stage, in the order an incident goes through them (:mod:`geo.pipeline` runs them):

- ``geo.io``: read records (CSV, TSV, JSON Lines, GeoJSON) and write results;
- ``geo.gazetteer``: GeoNames places indexed by every spelling of their names;
- ``geo.layers``: Natural Earth admin-1 units, countries and land borders;
- ``geo.geocoding``: place names -> footprints with precision and confidence;
- ``geo.spatial``: geodesic distances to borders, and query filters;
- ``geo.maps``: interactive Folium maps, offline pages and PNG snapshots;
- ``geo.cli``: the ``incmap`` command, one thin module per subcommand.
"""

__version__ = "0.1.0"
