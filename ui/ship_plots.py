"""One ship's speed and course over a window of time: two small pyqtgraph plots with a cursor at the moment.

Times are plotted as seconds since the epoch (UTC) and labelled HH:MM UTC. Course is 0–360 and wraps: a
ship turning through north would otherwise draw a vertical line across the whole plot, so the line is
broken wherever consecutive reports are more than 180° apart (and wherever course is not available).
"""
from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from domain.tracks import Track
from ui import theme

_MINUTE = 60.0
_TICK_MINUTES = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440)
_COG_TICKS = [[(value, f"{value}°") for value in (0, 90, 180, 270, 360)], []]
SOG_COLOUR = theme.ACCENT
COG_COLOUR = "#7fc97f"
_PLOT_HEIGHT = 110


def wrap_breaks(x: np.ndarray, course: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Course as a line that breaks (a NaN vertex) wherever it crosses 0/360 between two reports."""
    if len(course) < 2:
        return x.astype(np.float64), course.astype(np.float64)
    jumps = np.flatnonzero(np.abs(np.diff(course)) > 180.0) + 1
    return (np.insert(x.astype(np.float64), jumps, np.nan), np.insert(course.astype(np.float64), jumps, np.nan))


class UtcTimeAxis(pg.AxisItem):
    """A time axis for epoch seconds, labelled 'HH:MM' in UTC (and the date at midnight)."""

    def tickValues(self, minVal, maxVal, size):
        span = maxVal - minVal
        if span <= 0 or not np.isfinite(span):
            return []
        wanted = max(2, int(size / 70))  # about one label per 70 px
        minutes = next((m for m in _TICK_MINUTES if span / (m * _MINUTE) <= wanted), _TICK_MINUTES[-1])
        major = minutes * _MINUTE
        minor_minutes = next((m for m in reversed(_TICK_MINUTES) if m < minutes and minutes % m == 0), None)
        first = np.ceil(minVal / major) * major
        levels = [(major, list(np.arange(first, maxVal + 1e-6, major)))]
        if minor_minutes:
            minor = minor_minutes * _MINUTE
            first = np.ceil(minVal / minor) * minor
            levels.append((minor, list(np.arange(first, maxVal + 1e-6, minor))))
        return levels

    def tickStrings(self, values, scale, spacing):
        labels = []
        for value in values:
            moment = datetime.fromtimestamp(value, timezone.utc)
            labels.append(moment.strftime("%d %b") if moment.hour == moment.minute == 0 else moment.strftime("%H:%M"))
        return labels


def _plot(title: str) -> pg.PlotWidget:
    widget = pg.PlotWidget(background=theme.BASE, axisItems={"bottom": UtcTimeAxis(orientation="bottom")})
    item = widget.getPlotItem()
    item.setMouseEnabled(x=False, y=False)
    item.setMenuEnabled(False)
    item.hideButtons()
    item.showGrid(x=True, y=True, alpha=0.12)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(theme.DIM_TEXT))
        axis.setTextPen(pg.mkPen(theme.TEXT))
    item.getAxis("left").setWidth(44)
    item.setLabel("left", title, color=theme.DIM_TEXT)
    widget.setMinimumHeight(_PLOT_HEIGHT)
    return widget


class ShipPlots(QWidget):
    """Speed over ground and course over ground of one ship, sharing a UTC time axis and a cursor."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.sog_plot = _plot("SOG (kn)")
        self.cog_plot = _plot("COG")
        self.cog_plot.setXLink(self.sog_plot)
        self.cog_plot.getPlotItem().getAxis("left").setTicks(_COG_TICKS)
        self.cog_plot.setYRange(0, 360, padding=0.02)
        self.sog_plot.getPlotItem().getAxis("bottom").setStyle(showValues=False)
        self.sog_plot.getPlotItem().getAxis("bottom").setHeight(4)

        self._curves: dict[str, pg.PlotCurveItem] = {}
        self._points: dict[str, pg.ScatterPlotItem] = {}
        self._cursors: list[pg.InfiniteLine] = []
        for key, plot, colour in (("sog", self.sog_plot, SOG_COLOUR), ("cog", self.cog_plot, COG_COLOUR)):
            curve = pg.PlotCurveItem(pen=pg.mkPen(colour, width=1.5), connect="finite")
            points = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(colour))
            cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(theme.SELECTION, width=1))
            for graphic in (curve, points, cursor):
                plot.addItem(graphic)
            self._curves[key], self._points[key] = curve, points
            self._cursors.append(cursor)
        self._track_x = {"sog": np.empty(0), "cog": np.empty(0)}
        self._track_y = {"sog": np.empty(0), "cog": np.empty(0)}
        self._window = (0, 0)
        self._cursor_at = 0

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sog_plot)
        layout.addWidget(self.cog_plot)

    # --- fed by the detail panel ----------------------------------------------------------------------------

    def set_track(self, track: Track, start: int, end: int) -> None:
        """Plot a ship's reports over [start, end] (µs UTC)."""
        self._window = (start, end)
        seconds = track.occurred.astype(np.float64) / 1e6
        for key, values in (("sog", track.sog), ("cog", track.cog)):
            values = np.asarray(values, dtype=np.float64)
            finite = np.isfinite(values)
            self._track_x[key], self._track_y[key] = track.occurred[finite], values[finite]
            self._points[key].setData(x=seconds[finite], y=values[finite])
            line_x, line_y = (seconds, values) if key == "sog" else wrap_breaks(seconds, values)
            if finite.sum() >= 2:
                self._curves[key].setData(x=line_x, y=line_y, connect="finite")
            else:
                self._curves[key].setData(x=np.empty(0), y=np.empty(0))
        top = float(np.nanmax(track.sog)) if np.isfinite(track.sog).any() else 0.0
        self.sog_plot.setYRange(0, max(5.0, top * 1.15), padding=0)
        self.sog_plot.setXRange(start / 1e6, end / 1e6, padding=0)

    def set_cursor(self, at: int) -> None:
        """Move the cursor to the moment shown (µs UTC)."""
        self._cursor_at = at
        for cursor in self._cursors:
            cursor.setValue(at / 1e6)

    # --- reading (for the panel and tests) ------------------------------------------------------------------

    @property
    def window(self) -> tuple[int, int]:
        return self._window

    @property
    def cursor_at(self) -> int:
        return self._cursor_at

    def cursor_positions(self) -> list[float]:
        """Where the cursor lines are drawn, in plot seconds."""
        return [float(cursor.value()) for cursor in self._cursors]

    def points(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """The reports plotted ('sog' or 'cog'): occurred (µs) and values, NaN left out."""
        return self._track_x[key], self._track_y[key]

    def drawn(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """The scatter item's data, as pyqtgraph holds it (seconds, values)."""
        x, y = self._points[key].getData()
        return np.asarray(x), np.asarray(y)

    def line(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._curves[key].getData()
        return (np.empty(0), np.empty(0)) if x is None else (np.asarray(x), np.asarray(y))
