"""Trails on the map: every ship's recent track as one curve, and the selected ship's track highlighted.

All trails are one ``PlotCurveItem`` fed with the ``connect`` array of ``domain.tracks.Trails`` (vertex
``i`` joins ``i + 1`` only within one ship's run), so a new moment costs one projection and one
``setData`` whatever the size of the fleet. The selected ship's track is a second curve drawn above
the trails and below the ships. Both are thin cosmetic pens, so they stay one pixel wide at every zoom.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

from domain.tracks import Trails
from ui import theme
from ui.map.projection import mercator_y

TRAIL_Z, SELECTED_TRACK_Z = 5, 8  # below the ships (10) and the selection ring (20)


def _pen(colour: str, alpha: int, width: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    qcolour = QColor(colour)
    qcolour.setAlpha(alpha)
    pen = QPen(qcolour)
    pen.setWidthF(width)
    pen.setCosmetic(True)
    pen.setStyle(style)
    return pen


class TrailLayer:
    """The fleet's trails curve and the selected ship's track curve, kept in one view box."""

    def __init__(self, view_box: pg.ViewBox):
        self.trails = pg.PlotCurveItem(pen=_pen(theme.TRAIL, 120, 1.0), antialias=False, skipFiniteCheck=True)
        self.trails.setZValue(TRAIL_Z)
        self.selected_track = pg.PlotCurveItem(pen=_pen(theme.SELECTION, 210, 2.0), antialias=True,
                                               skipFiniteCheck=True)
        self.selected_track.setZValue(SELECTED_TRACK_Z)
        self.selected_ahead = pg.PlotCurveItem(pen=_pen(theme.SELECTION, 130, 1.5, Qt.PenStyle.DashLine),
                                               antialias=True, skipFiniteCheck=True)
        self.selected_ahead.setZValue(SELECTED_TRACK_Z)
        for item in (self.trails, self.selected_track, self.selected_ahead):
            item.setAcceptHoverEvents(False)
            view_box.addItem(item)
        self.shown: Trails | None = None

    def show_trails(self, trails: Trails | None) -> None:
        """Draw every ship's trail (None or empty: no trails)."""
        self.shown = trails
        if trails is None or not len(trails):
            self.trails.setData(x=np.empty(0), y=np.empty(0))
            return
        self.trails.setData(x=trails.lon, y=mercator_y(trails.lat), connect=trails.connect)

    def show_selected_track(self, lon: np.ndarray, lat: np.ndarray, ahead_lon: np.ndarray | None = None,
                            ahead_lat: np.ndarray | None = None) -> None:
        """Highlight the selected ship's track up to the moment (solid) and after it (dashed)."""
        self._set_line(self.selected_track, lon, lat)
        self._set_line(self.selected_ahead, ahead_lon, ahead_lat)

    def clear_selected_track(self) -> None:
        self.show_selected_track(np.empty(0), np.empty(0))

    @staticmethod
    def _set_line(curve: pg.PlotCurveItem, lon: np.ndarray | None, lat: np.ndarray | None) -> None:
        if lon is None or lat is None or len(lon) < 2:
            curve.setData(x=np.empty(0), y=np.empty(0))
            return
        curve.setData(x=np.asarray(lon, dtype=float), y=mercator_y(np.asarray(lat, dtype=float)))
