"""Trails on the map: every ship's recent track as one curve, and the selected ship's track highlighted.

All trails are one ``PlotCurveItem`` fed with the ``connect`` array of ``domain.tracks.Trails`` (vertex
``i`` joins ``i + 1`` only within one ship's run), so a new moment costs one projection and one
``setData`` whatever the size of the fleet. The selected ship's track is a second curve drawn above
the trails and below the ships. Both are thin cosmetic pens, so they stay one pixel wide at every zoom.

Reports are much closer together than pixels at any zoom that shows a fleet (a ship makes a few hundred
metres between reports), so the trails curve keeps all the data but draws, at each zoom, only the
vertices that enter a new pixel (``screen_vertices``): the line on screen is the same, and
building and stroking it costs a fraction.

Like the ships, trails are drawn in the world copy nearest the middle of the view (``set_centre``), and a
trail crossing the 180° meridian in that copy's seam is broken there rather than drawn across the world.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

from domain.tracks import Trails
from ui import theme
from ui.map.paths import polyline_path
from chart.projection import mercator_y, wrap_longitude

TRAIL_Z, SELECTED_TRACK_Z = 5, 8  # below the ships (10) and the selection ring (20)
CELL_PIXELS = 1.0  # trail vertices closer than this on screen to the one before add nothing to the line


def screen_vertices(x: np.ndarray, y: np.ndarray, connect: np.ndarray, cell_x: float, cell_y: float) -> np.ndarray:
    """Indexes of the vertices worth drawing when a cell of ``cell_x`` × ``cell_y`` is smaller than a pixel.

    Keeps the first and last vertex of every run (``connect[i]`` False ends one) and each vertex that
    is in another cell than the vertex before it; ``connect[kept]`` joins the kept vertices as before.
    """
    n = len(x)
    if n < 3 or not (cell_x > 0 and cell_y > 0):
        return np.arange(n)
    column, row = np.floor(x / cell_x), np.floor(y / cell_y)
    keep = np.empty(n, dtype=bool)
    keep[0] = True
    np.not_equal(column[1:], column[:-1], out=keep[1:])
    keep[1:] |= row[1:] != row[:-1]
    ends = ~np.asarray(connect, dtype=bool)
    keep |= ends           # the last vertex of a run (a ship's position at the moment)
    keep[1:] |= ends[:-1]  # the first vertex of the next run
    keep[-1] = True
    return np.flatnonzero(keep)


def wrapped_line(lon: np.ndarray, connect: np.ndarray | None, centre: float) -> tuple[np.ndarray, np.ndarray | None]:
    """x of each vertex in the world copy nearest ``centre``, and ``connect`` without the joins that would
    jump across the world at the seam (for a line given without ``connect``, one is made when it has such
    a join, else None comes back)."""
    if not len(lon) or (lon.min() >= centre - 180.0 and lon.max() < centre + 180.0
                        and lon.max() - lon.min() <= 180.0):
        return lon, connect
    x = wrap_longitude(lon, centre)
    jumps = np.abs(np.diff(x)) > 180.0
    if not jumps.any():
        return x, connect
    joined = np.ones(len(x), dtype=bool) if connect is None else np.asarray(connect, dtype=bool).copy()
    joined[:-1] &= ~jumps
    return x, joined


class TrailCurve(pg.PlotCurveItem):
    """A ``connect``-array curve that holds every vertex but draws only those that show at the zoom."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cell: tuple[float, float] | None = None  # data units per cell of the path last built
        self.drawn_count = 0                          # vertices in that path

    def paint(self, painter, option, widget) -> None:
        transform = painter.worldTransform()
        scale_x, scale_y = abs(transform.m11()) + abs(transform.m21()), abs(transform.m22()) + abs(transform.m12())
        cell = (CELL_PIXELS / scale_x, CELL_PIXELS / scale_y) if scale_x > 0 and scale_y > 0 else (0.0, 0.0)
        if self.path is not None and self.cell is not None and not np.allclose(cell, self.cell, rtol=1e-3):
            self.path = None  # zoomed: rebuild at the new level of detail
        self.cell = cell
        super().paint(painter, option, widget)

    def generatePath(self, x, y):
        connect = self.opts["connect"]
        if not isinstance(connect, np.ndarray) or self.cell is None:
            self.drawn_count = len(x)
            return super().generatePath(x, y)
        kept = screen_vertices(x, y, connect, *self.cell)
        self.drawn_count = len(kept)
        return polyline_path(x[kept], y[kept], connect[kept])


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
        self.trails = TrailCurve(pen=_pen(theme.TRAIL, 120, 1.0), antialias=False, skipFiniteCheck=True)
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
        self.centre = 0.0  # longitude of the middle of the view: trails are drawn in the copy nearest it
        self._trails_x: np.ndarray | None = None
        self._tracks: list[tuple[np.ndarray | None, np.ndarray | None]] = [(None, None), (None, None)]

    def show_trails(self, trails: Trails | None) -> None:
        """Draw every ship's trail (None or empty: no trails)."""
        self.shown = trails
        if trails is None or not len(trails):
            self._trails_x = None
            self.trails.setData(x=np.empty(0), y=np.empty(0))
            return
        self._trails_x, connect = wrapped_line(trails.lon, trails.connect, self.centre)
        self.trails.setData(x=self._trails_x, y=mercator_y(trails.lat), connect=connect)

    def show_selected_track(self, lon: np.ndarray, lat: np.ndarray, ahead_lon: np.ndarray | None = None,
                            ahead_lat: np.ndarray | None = None) -> None:
        """Highlight the selected ship's track up to the moment (solid) and after it (dashed)."""
        self._tracks = [(lon, lat), (ahead_lon, ahead_lat)]
        self._set_line(self.selected_track, lon, lat)
        self._set_line(self.selected_ahead, ahead_lon, ahead_lat)

    def clear_selected_track(self) -> None:
        self.show_selected_track(np.empty(0), np.empty(0))

    def set_centre(self, longitude: float) -> None:
        """Draw the trails in the world copy nearest ``longitude`` (redrawn only if a vertex changes copy)."""
        self.centre = longitude
        trails = self.shown
        if trails is not None and len(trails) and self._trails_x is not None:
            x, _ = wrapped_line(trails.lon, None, longitude)
            if not np.array_equal(x, self._trails_x):
                self.show_trails(trails)
        for (lon, lat), curve in zip(self._tracks, (self.selected_track, self.selected_ahead)):
            if lon is not None and lat is not None and len(lon) >= 2:
                x, _ = wrapped_line(np.asarray(lon, dtype=float), None, longitude)
                if curve.xData is None or not np.array_equal(x, curve.xData):
                    self._set_line(curve, lon, lat)

    def _set_line(self, curve: pg.PlotCurveItem, lon: np.ndarray | None, lat: np.ndarray | None) -> None:
        if lon is None or lat is None or len(lon) < 2:
            curve.setData(x=np.empty(0), y=np.empty(0))
            return
        x, connect = wrapped_line(np.asarray(lon, dtype=float), None, self.centre)
        if connect is None:
            curve.setData(x=x, y=mercator_y(np.asarray(lat, dtype=float)))
        else:
            curve.setData(x=x, y=mercator_y(np.asarray(lat, dtype=float)), connect=connect)
