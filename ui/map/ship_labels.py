"""Ship names on the map, written only where there is room for them.

One item draws every name: at each paint it places the names in the order given (the first are the
most wanted: ships with open alerts), each to the right of its ship, and leaves out a name that would
overlap one already placed or a ship's symbol placed before it. Names come from radios: they are drawn
as plain text with hidden characters shown (``domain.display_text.visible``), never as markup.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QTransform

from domain.display_text import visible
from ui import theme

LABEL_LIMIT = 300    # more ships in view than this: no names (there is no room for them anyway)
NAMES_Z = 11         # above the ships (10), below the flagged ships (12)
_OFFSET = QPointF(9.0, 4.0)  # pixels from the ship to the start of its name's baseline
_GAP = 2.0           # pixels kept free around each name
_CELL = 8.0          # pixels: names are kept apart on a grid of cells this size


class ShipLabels(pg.GraphicsObject):
    """Names at data points, drawn at a constant size on screen where they do not overlap."""

    def __init__(self):
        super().__init__()
        self.setZValue(NAMES_Z)
        self.setAcceptHoverEvents(False)
        self._x = np.empty(0)
        self._y = np.empty(0)
        self.texts: list[str] = []
        self.placed: list[int] = []  # indexes of the names drawn at the last paint
        self._font = QFont()
        self._font.setPointSizeF(max(7.0, self._font.pointSizeF() - 1.0))
        self._metrics = QFontMetricsF(self._font)
        self._colour = QColor(theme.MAP_TEXT)
        self._bounds = QRectF()

    def show_names(self, x: np.ndarray, y: np.ndarray, names: list[str]) -> None:
        """Name the ships at ``x``, ``y`` (most wanted first)."""
        texts = [visible(name) for name in names]
        if texts == self.texts and np.array_equal(x, self._x) and np.array_equal(y, self._y):
            return
        self.prepareGeometryChange()
        self._x, self._y, self.texts = np.asarray(x, float), np.asarray(y, float), texts
        self._bounds = (QRectF(float(self._x.min()), float(self._y.min()), float(np.ptp(self._x)),
                               float(np.ptp(self._y))) if len(texts) else QRectF())
        self.update()

    def boundingRect(self) -> QRectF:
        if not self.texts:
            return QRectF()
        pixel_x, pixel_y = self.pixelWidth() or 0.0, self.pixelHeight() or 0.0
        return self._bounds.adjusted(-20 * pixel_x, -40 * pixel_y, 240 * pixel_x, 40 * pixel_y)

    def paint(self, painter, option, widget=None) -> None:
        self.placed = []
        if not self.texts:
            return
        to_screen: QTransform = painter.transform()
        painter.save()
        painter.resetTransform()
        painter.setFont(self._font)
        painter.setPen(self._colour)
        taken: set[tuple[int, int]] = set()
        height, ascent = self._metrics.height(), self._metrics.ascent()
        for i, (x, y, text) in enumerate(zip(self._x.tolist(), self._y.tolist(), self.texts)):
            ship = to_screen.map(QPointF(x, y))
            anchor = ship + _OFFSET
            left, top = int((ship.x() - _GAP) // _CELL), int((anchor.y() - ascent - _GAP) // _CELL)
            right = int((anchor.x() + self._metrics.horizontalAdvance(text) + _GAP) // _CELL)
            bottom = int((anchor.y() - ascent + height + _GAP) // _CELL)
            cells = {(column, row) for column in range(left, right + 1) for row in range(top, bottom + 1)}
            if cells & taken:
                continue
            taken |= cells
            painter.drawText(anchor, text)
            self.placed.append(i)
        painter.restore()
