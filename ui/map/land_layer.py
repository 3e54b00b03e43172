"""Land on the map: one path of the GSHHS polygons in view, at the level of detail the zoom calls for.

Lakes, islands in lakes and ponds nest inside land, so one path with the odd-even fill rule draws them
all correctly. The path is rebuilt only when the set of polygons in view (with a margin, so small pans
change nothing) or the resolution changes; ``MapBackdrop`` fills it, with the sea and the graticule,
into an image that is redrawn only when the view changes.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QPainterPath

from ui.map.backdrop import MapBackdrop
from ui.map.coastline import Coastline
from ui.map.projection import GeoBox

_MARGIN = 0.5  # cull against the view grown by half its size each way


class LandLayer:
    """The land path around the view, handed to the map's backdrop."""

    def __init__(self, backdrop: MapBackdrop, coastline: Coastline):
        self.coastline = coastline
        self.backdrop = backdrop
        self.path = QPainterPath()
        self.resolution: str | None = None
        self.polygon_count = 0
        self.point_count = 0
        self._shown: tuple[str, bytes] | None = None

    def show_box(self, box: GeoBox) -> bool:
        """Draw the land around ``box``; True when the path had to be rebuilt."""
        resolution = self.coastline.resolution_for(box)
        layer = self.coastline.layer(resolution)
        ids = layer.ids_in(box.expanded(_MARGIN))
        key = (resolution, ids.tobytes())
        if key == self._shown:
            return False
        batch = layer.batch(ids)
        if len(batch):
            self.path = pg.arrayToQPath(batch.lon, batch.y, connect=batch.connect(), finiteCheck=False)
        else:
            self.path = QPainterPath()
        self.backdrop.set_land(self.path)
        self._shown = key
        self.resolution, self.polygon_count, self.point_count = resolution, len(batch), batch.point_count
        return True

    def shown_ids(self) -> np.ndarray:
        return np.frombuffer(self._shown[1], dtype=np.intp) if self._shown else np.empty(0, np.intp)
