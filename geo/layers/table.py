"""A layer as plain columns: numpy arrays and a shapely geometry array, with its GeoDataFrame made on demand.

Place lookups need a few columns and the geometries; importing pandas and geopandas to hold them took about 0.3 s
of every ``incmap locate``. The frame, for maps and queries, is unpickled from the runtime copy on first use.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import geopandas as gpd

#: Outlines as maps draw them at their finest (degrees): each layer's geometries simplified once to this, when its
#: runtime copy is made, so a map clips and simplifies about a quarter of the vertices (admin-1 over a wide view:
#: 0.21 -> 0.05 s).
DISPLAY_DEG = 0.01


@dataclass(eq=False)
class LayerTable:
    """One layer: ``columns`` (name -> numpy array, missing values as NaN or None), ``geometry`` (shapely objects),
    and the pickled attribute frame the GeoDataFrame is rebuilt from, bit for bit."""

    columns: dict[str, np.ndarray]
    wkb: np.ndarray = field(repr=False)  # each geometry's WKB, decoded on first use (borders: never, for a lookup)
    geometry_name: str
    position: int
    crs: str | None
    frame_attrs: bytes = field(repr=False)
    display_wkb: np.ndarray = field(repr=False)  # the geometries simplified to DISPLAY_DEG
    display_boxes: np.ndarray = field(repr=False)  # their bounding boxes (n x 4: minx, miny, maxx, maxy; NaN for none)
    _frame: gpd.GeoDataFrame | None = field(default=None, repr=False)

    @cached_property
    def geometry(self) -> np.ndarray:
        """The geometries (shapely objects), decoded once."""
        import shapely

        return shapely.from_wkb(self.wkb)

    def display_rows(self, bounds: tuple[float, float, float, float]) -> np.ndarray:
        """The rows whose display outline's bounding box meets the box ``bounds``: all a map of that box can show
        (a map decodes these and no others: admin-1 over a region, about a tenth of the layer)."""
        box = self.display_boxes
        minx, miny, maxx, maxy = bounds
        return np.flatnonzero((box[:, 0] <= maxx) & (box[:, 2] >= minx) & (box[:, 1] <= maxy) & (box[:, 3] >= miny))

    def display_geometries(self, rows: np.ndarray) -> np.ndarray:
        """The ``rows``' geometries simplified to DISPLAY_DEG (topology kept), for maps only."""
        import shapely

        return shapely.from_wkb(self.display_wkb[rows])

    def __getitem__(self, name: str) -> np.ndarray:
        return self.geometry if name == self.geometry_name else self.columns[name]

    def __contains__(self, name: str) -> bool:
        return name == self.geometry_name or name in self.columns

    def __len__(self) -> int:
        return len(self.wkb)

    def frame(self) -> gpd.GeoDataFrame:
        """The layer as a GeoDataFrame (made once; it shares this table's geometries)."""
        if self._frame is None:
            import geopandas as gpd

            attrs = pickle.loads(self.frame_attrs)
            attrs.insert(self.position, self.geometry_name, self.geometry)
            self._frame = gpd.GeoDataFrame(attrs, geometry=self.geometry_name, crs=self.crs)
        return self._frame

    @classmethod
    def from_frame(cls, frame: gpd.GeoDataFrame) -> LayerTable:
        """The table of ``frame``: extension-typed columns become plain numpy arrays (missing values as NaN or None)."""
        import pandas as pd

        name = frame.geometry.name
        attrs = pd.DataFrame(frame.drop(columns=name))
        columns = {}
        for col in attrs.columns:
            values = attrs[col].to_numpy()
            if values.dtype == object and any(v is pd.NA for v in values):  # nullable ints: no pandas objects in the table
                values = attrs[col].to_numpy(dtype=object, na_value=None)
            columns[col] = values
        import shapely

        from geo._cores import on_cores

        geometry = np.asarray(frame.geometry.values)
        display = on_cores(lambda part: shapely.simplify(part, DISPLAY_DEG, preserve_topology=True), geometry)  # admin-1: 1.2 s -> 0.7
        table = cls(columns, shapely.to_wkb(geometry), name, list(frame.columns).index(name), frame.crs.to_json() if frame.crs else None,
                    pickle.dumps(attrs, protocol=pickle.HIGHEST_PROTOCOL), shapely.to_wkb(display), shapely.bounds(display))  # fmt: skip
        table.geometry, table._frame = geometry, frame
        return table
