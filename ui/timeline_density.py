"""The event-density strip above the timeline slider: how busy the log is, bin by bin, and where the moment is.

Painted by hand from one small integer array (a few hundred bins), so repainting when the moment moves
costs nothing; the counts themselves are asked of the source only when the log's time range grows.
Clicking or dragging on the strip moves the moment there, like the slider below it.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui import theme

STRIP_HEIGHT = 24
DENSITY_BINS = 300


ALERT_COLOURS = {"critical": "#ff5c5c", "warning": "#ffb347", "info": "#6fb7ff",  # severities, and priorities:
                 "emergency": "#ff2d6f", "alarm": "#ff5c5c", "caution": "#6fb7ff"}


class DensityStrip(QWidget):
    """Bars of event counts over [first, last]; emits ``fractionChosen(0..1)`` when clicked or dragged."""

    fractionChosen = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("densityStrip")
        self.setFixedHeight(STRIP_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.counts = np.zeros(0, dtype=np.int64)
        self.cursor_fraction: float | None = None
        self._bar_colour = QColor(theme.DENSITY)
        self._cursor_pen = QPen(QColor(theme.ACCENT))
        self._cursor_pen.setWidthF(1.5)
        self.inset = 6  # px at each end, so bins line up with the slider's groove under the handle's centre
        self.alert_marks: list[tuple[float, str]] = []  # (fraction of the range, severity)

    def set_counts(self, counts: np.ndarray) -> None:
        """Show new counts (one per equal slice of the log's time range)."""
        self.counts = np.asarray(counts, dtype=np.int64)
        self._update_tooltip()
        self.update()

    def set_alert_marks(self, marks: list[tuple[float, str]]) -> None:
        """Mark when alerts were raised: (fraction of the range, severity) each, drawn as ticks on top."""
        if marks != self.alert_marks:
            self.alert_marks = marks
            self.update()

    def set_cursor(self, fraction: float | None) -> None:
        """Mark the moment at ``fraction`` of the range (None: no mark)."""
        if fraction != self.cursor_fraction:
            self.cursor_fraction = fraction
            self.update()

    def _update_tooltip(self) -> None:
        if not len(self.counts):
            self.setToolTip("")
            return
        self.setToolTip(f"Events over the log's time: {int(self.counts.sum()):,} in all, "
                        f"at most {int(self.counts.max()):,} per bar. Click to go there.")

    def _track(self) -> tuple[float, float]:
        left = float(self.inset)
        return left, max(1.0, self.width() - 2 * self.inset)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        height = self.height()
        left, width = self._track()
        painter.fillRect(self.rect(), QColor(theme.BASE))
        bins = len(self.counts)
        peak = int(self.counts.max()) if bins else 0
        if peak > 0:
            bar_width = width / bins
            heights = np.where(self.counts > 0, np.maximum(1.0, self.counts / peak * (height - 3)), 0.0)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._bar_colour)
            for i in np.flatnonzero(heights):
                painter.drawRect(QRectF(left + i * bar_width, height - heights[i], max(1.0, bar_width - 0.3),
                                        heights[i]))
        for fraction, severity in self.alert_marks:
            x = left + fraction * width
            painter.fillRect(QRectF(x - 1.0, 0, 2.0, height * 0.45), QColor(ALERT_COLOURS.get(severity, theme.ACCENT)))
        if self.cursor_fraction is not None:
            x = left + self.cursor_fraction * width
            painter.setPen(self._cursor_pen)
            painter.drawLine(QRectF(x, 0, 0, height).topLeft(), QRectF(x, 0, 0, height).bottomLeft())
        painter.end()

    def _choose(self, event: QMouseEvent) -> None:
        left, width = self._track()
        self.fractionChosen.emit(min(1.0, max(0.0, (event.position().x() - left) / width)))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._choose(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._choose(event)
