"""Each ship's displacement from a marked moment: a line from where it was at the mark to where it is now,
with a dot where it was — the map's half of "what changed since the mark".

One ``PlotCurveItem`` (``connect='pairs'``: vertex 2k joins 2k+1) draws every ship's line and one
``ScatterPlotItem`` every dot, whatever the size of the fleet. A line that would cross the world at the
180° seam of the copy shown is left out of the join rather than drawn across the map.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPen

from chart.projection import mercator_y
from domain.fleet_diff import FleetDiff
from ui import theme
from ui.map.trail_layer import wrapped_line

DISPLACEMENT_Z = 7  # above the trails (5), below the selected track (8) and the ships (10)
COLOUR = "#ff8a5c"


class DisplacementLayer:
    """The lines and dots of one diff (mark → moment shown), kept in one view box."""

    def __init__(self, view_box: pg.ViewBox):
        colour = QColor(COLOUR)
        colour.setAlpha(200)
        pen = QPen(colour)
        pen.setWidthF(1.5)
        pen.setCosmetic(True)
        pen.setStyle(Qt.PenStyle.DashLine)
        self.lines = pg.PlotCurveItem(pen=pen, antialias=True, skipFiniteCheck=True)
        self.dots = pg.ScatterPlotItem(size=5, pen=pg.mkPen(theme.SEA), brush=QBrush(colour), pxMode=True)
        for item in (self.lines, self.dots):
            item.setZValue(DISPLACEMENT_Z)
            item.setAcceptHoverEvents(False)
            view_box.addItem(item)
        self.ships = 0  # how many ships' displacements are drawn

    def show(self, diff: FleetDiff | None, centre: float = 0.0) -> None:
        """Draw the displacement of every ship that moved in ``diff`` (None: nothing)."""
        moved = [ship for ship in diff.ships if ship.moved] if diff is not None else []
        self.ships = len(moved)
        if not moved:
            self.lines.setData(x=np.empty(0), y=np.empty(0))
            self.dots.setData(x=np.empty(0), y=np.empty(0))
            return
        lon = np.empty(2 * len(moved))
        lat = np.empty(2 * len(moved))
        lon[0::2] = [ship.before.lon for ship in moved]  # type: ignore[union-attr]
        lat[0::2] = [ship.before.lat for ship in moved]  # type: ignore[union-attr]
        lon[1::2] = [ship.after.lon for ship in moved]  # type: ignore[union-attr]
        lat[1::2] = [ship.after.lat for ship in moved]  # type: ignore[union-attr]
        connect = np.zeros(len(lon), dtype=bool)
        connect[0::2] = True
        x, joined = wrapped_line(lon, connect, centre)
        if joined is not None:
            joined[1::2] = False  # a pair joins only itself
        y = mercator_y(lat)
        self.lines.setData(x=x, y=y, connect=joined if joined is not None else connect)
        self.dots.setData(x=x[0::2], y=y[0::2])
