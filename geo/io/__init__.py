"""Incident records in and out: readers that keep every row, dataset column names, dates, precision codes, writers.

``read_records(path)`` gives a :class:`RecordSet` (records plus the problems found in them);
``write_records(frame, path)`` writes geocoded records as GeoJSON, CSV or GeoPackage.
"""

from geo._lazy import lazy_exports

_EXPORTS = {"RecordSet": "records", "read_records": "records", "output_kind": "export", "to_geojson": "export",
            "write_records": "export"}  # fmt: skip
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
