"""Land on the map: one filled path of the GSHHS polygons in view, at the level of detail the zoom calls for.

Lakes, islands in lakes and ponds nest inside land, so one path with the odd-even fill rule draws them
all correctly. The path is rebuilt only when the set of polygons in view (with a margin, so small pans
change nothing) or the resolution changes.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from ui import theme
from ui.map.coastline import Coastline, resolution_for
from ui.map.projection import GeoBox

_MARGIN = 0.5  # cull against the view grown by half its size each way


class LandLayer:
    """A ``QGraphicsPathItem`` of the land around the view, kept in one view box."""

    def __init__(self, view_box: pg.ViewBox, coastline: Coastline):
        self.coastline = coastline
        self.item = QGraphicsPathItem()
        self.item.setBrush(QBrush(QColor(theme.LAND)))
        edge = QPen(QColor(theme.LAND_EDGE))
        edge.setCosmetic(True)
        edge.setWidthF(1.0)
        self.item.setPen(edge)
        self.item.setZValue(-10)
        # Keep the rendered land as a pixmap: redrawing ships (every scrub step) or panning then blits it
        # instead of refilling tens of thousands of vertices; Qt caches only the part in view.
        self.item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        view_box.addItem(self.item, ignoreBounds=True)
        self.resolution: str | None = None
        self.polygon_count = 0
        self.point_count = 0
        self._shown: tuple[str, bytes] | None = None

    def show_box(self, box: GeoBox) -> bool:
        """Draw the land around ``box``; True when the path had to be rebuilt."""
        resolution = resolution_for(box)
        layer = self.coastline.layer(resolution)
        ids = layer.ids_in(box.expanded(_MARGIN))
        key = (resolution, ids.tobytes())
        if key == self._shown:
            return False
        batch = layer.batch(ids)
        if len(batch):
            path = pg.arrayToQPath(batch.lon, batch.y, connect=batch.connect(), finiteCheck=False)
        else:
            path = QPainterPath()
        self.item.setPath(path)
        self._shown = key
        self.resolution, self.polygon_count, self.point_count = resolution, len(batch), batch.point_count
        return True

    def shown_ids(self) -> np.ndarray:
        return np.frombuffer(self._shown[1], dtype=np.intp) if self._shown else np.empty(0, np.intp)
