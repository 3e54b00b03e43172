"""The still part of the map: sea, land and graticule lines, painted as one opaque image of the view.

While the operator scrubs, the view does not move but ships and trails are redrawn many times a second,
and each redraw repaints everything under them. Blending a cached land layer over the sea and replaying
the axes' grid pictures (pyqtgraph draws grid lines as part of its axes) every time cost more than the
ships themselves; here sea, land and grid are rendered once into an opaque image the size of the view
box, re-rendered only when the view moves, is resized or the land changes, and otherwise copied to the
screen in one blit.

The graticule lines are drawn from the same tick values as the axis labels (``ui.map.graticule``), so
they fall on the labelled meridians and parallels; they sit under the trails and ships, not over them.
"""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsObject

from ui import theme

GRID_ALPHA = 40  # what pyqtgraph's showGrid(alpha=0.16) gave the lines
_Z = -1e5        # above the view box's own background (-1e6), below everything added to the view (>= 0)


def _cosmetic_pen(colour: QColor, width: float = 1.0) -> QPen:
    pen = QPen(colour)
    pen.setWidthF(width)
    pen.setCosmetic(True)
    return pen


class MapBackdrop(QGraphicsObject):
    """Sea, land and graticule of one view box, cached as an image in device pixels.

    A child of the view box itself (not of its data group), so its own coordinates are the box's pixels;
    the land path is in view (data) coordinates and drawn through the box's data transform.
    """

    def __init__(self, view_box: pg.ViewBox, longitude_axis: pg.AxisItem, latitude_axis: pg.AxisItem):
        super().__init__(view_box)
        self.view_box = view_box
        self.longitude_axis, self.latitude_axis = longitude_axis, latitude_axis
        self.setZValue(_Z)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self._sea = QColor(theme.SEA)
        self._land_brush = QBrush(QColor(theme.LAND))
        self._land_pen = _cosmetic_pen(QColor(theme.LAND_EDGE))
        grid = QColor(*theme.GRATICULE[:3])
        grid.setAlpha(GRID_ALPHA)
        self._grid_pen = _cosmetic_pen(grid)
        self.land = QPainterPath()
        self.land_version = 0
        self.render_count = 0  # how many times the image was rendered (the cache's misses)
        self._image: QImage | None = None
        self._image_key: tuple | None = None
        self._rect = QRectF(view_box.rect())
        view_box.sigResized.connect(self._on_resized)
        view_box.sigTransformChanged.connect(self._on_view_moved)

    # --- fed by the map ----------------------------------------------------------------------------------

    def set_land(self, path: QPainterPath) -> None:
        """Fill ``path`` (view coordinates, odd-even rule) as land."""
        self.land = path
        self.land_version += 1
        self.update()

    # --- QGraphicsItem -------------------------------------------------------------------------------------

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        world = painter.worldTransform()
        if world.isScaling() or world.isRotating():
            self._draw(painter, self._rect)  # printing or exporting at another scale: draw it, sharp
            return
        ratio = painter.device().devicePixelRatioF()
        top_left = world.map(self._rect.topLeft())
        # The box may sit at a fractional pixel: the image starts at the pixel before it and is drawn
        # with the same offset, so lines and coasts land on the pixels they would if drawn directly.
        origin = QPointF(math.floor(top_left.x()), math.floor(top_left.y()))
        offset = top_left - origin
        key = (self._rect.width(), self._rect.height(), ratio, round(offset.x(), 6), round(offset.y(), 6),
               self.land_version, self._view_key())
        if self._image is None or key != self._image_key:
            self._render(ratio, offset)
            self._image_key = key
        painter.save()
        painter.resetTransform()
        painter.drawImage(origin, self._image)
        painter.restore()

    # --- internals ------------------------------------------------------------------------------------------

    def _view_key(self) -> tuple:
        transform = self.view_box.childTransform()
        return (transform.m11(), transform.m22(), transform.m12(), transform.m21(), transform.dx(), transform.dy(),
                self.longitude_axis.geometry().width(), self.latitude_axis.geometry().height())

    def _render(self, ratio: float, offset: QPointF) -> None:
        width = max(1, math.ceil((self._rect.width() + offset.x()) * ratio))
        height = max(1, math.ceil((self._rect.height() + offset.y()) * ratio))
        if self._image is None or self._image.width() != width or self._image.height() != height:
            self._image = QImage(width, height, QImage.Format.Format_RGB32)
        self._image.setDevicePixelRatio(ratio)
        self._image.fill(self._sea)
        painter = QPainter(self._image)
        try:
            painter.translate(offset - self._rect.topLeft())
            self._draw(painter, self._rect)
        finally:
            painter.end()
        self.render_count += 1

    def _draw(self, painter: QPainter, rect: QRectF) -> None:
        """Sea, then land (antialiased), then the graticule lines (crisp), in the box's coordinates."""
        painter.fillRect(rect, self._sea)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setTransform(self.view_box.childTransform(), combine=True)
        painter.setPen(self._land_pen)
        painter.setBrush(self._land_brush)
        painter.drawPath(self.land)
        painter.restore()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(self._grid_pen)
        to_box = self.view_box.childTransform()
        (west, east), (bottom, top) = self.view_box.viewRange()
        # the axes size their ticks by their length in pixels plus one at each end (pyqtgraph's AxisItem)
        for x in self._tick_values(self.longitude_axis, west, east, self.longitude_axis.geometry().width() + 2):
            box_x = to_box.map(QPointF(x, 0.0)).x()
            painter.drawLine(QPointF(box_x, rect.top()), QPointF(box_x, rect.bottom()))
        for y in self._tick_values(self.latitude_axis, bottom, top, self.latitude_axis.geometry().height() + 2):
            box_y = to_box.map(QPointF(0.0, y)).y()
            painter.drawLine(QPointF(rect.left(), box_y), QPointF(rect.right(), box_y))
        painter.restore()

    @staticmethod
    def _tick_values(axis: pg.AxisItem, low: float, high: float, pixels: float) -> list[float]:
        if pixels <= 2 or high <= low:
            return []
        return [float(v) for _spacing, values in axis.tickValues(low, high, pixels) for v in values]

    def _on_view_moved(self, *_args) -> None:
        self.update()

    def _on_resized(self, *_args) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(self.view_box.rect())
        self.update()
