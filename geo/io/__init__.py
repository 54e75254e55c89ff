"""Incident records in and out: readers that keep every row, dataset column names, dates, precision codes, writers.

``read_records(path)`` gives a :class:`RecordSet` (records plus the problems found in them);
``write_records(frame, path)`` writes geocoded records as GeoJSON, CSV or GeoPackage.
"""

from geo.io.export import output_kind, to_geojson, write_records
from geo.io.records import RecordSet, read_records

__all__ = ["RecordSet", "output_kind", "read_records", "to_geojson", "write_records"]
