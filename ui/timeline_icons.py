"""Transport icons (first, previous, play, pause, next, last) painted in the theme's text colour.

Drawn with a few polygons at the size asked, so they are crisp at any scale and need no image files or
font that happens to have the media glyphs.
"""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QPolygonF

from ui import theme

_SIZE = 32  # drawn at this size; Qt scales the icon down to the button


def _triangle(painter: QPainter, left: float, right: float, pointing_right: bool) -> None:
    tip, base = (right, left) if pointing_right else (left, right)
    painter.drawPolygon(QPolygonF([QPointF(base, 7), QPointF(tip, 16), QPointF(base, 25)]))


def _bar(painter: QPainter, x: float, width: float = 3.5) -> None:
    painter.drawRect(QRectF(x, 7, width, 18))


@lru_cache(maxsize=None)
def transport_icon(kind: str) -> QIcon:
    """'first', 'previous', 'play', 'pause', 'next' or 'last'."""
    icon = QIcon()
    for colour, mode in ((theme.TEXT, QIcon.Mode.Normal), (theme.DIM_TEXT, QIcon.Mode.Disabled)):
        pixmap = QPixmap(_SIZE, _SIZE)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        if kind == "play":
            _triangle(painter, 9, 25, True)
        elif kind == "pause":
            _bar(painter, 9, 5)
            _bar(painter, 18, 5)
        elif kind == "previous":
            _triangle(painter, 10, 22, False)
        elif kind == "next":
            _triangle(painter, 10, 22, True)
        elif kind == "first":
            _bar(painter, 7)
            _triangle(painter, 11, 25, False)
        elif kind == "last":
            _triangle(painter, 7, 21, True)
            _bar(painter, 21.5)
        painter.end()
        icon.addPixmap(pixmap, mode)
    return icon
