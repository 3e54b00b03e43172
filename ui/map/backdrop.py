"""The still part of the map: sea, land and graticule lines, painted as one opaque image around the view.

While the operator scrubs, the view does not move but ships and trails are redrawn many times a second,
and each redraw repaints everything under them. Blending a cached land layer over the sea and replaying
the axes' grid pictures (pyqtgraph draws grid lines as part of its axes) every time cost more than the
ships themselves; here sea, land and grid are rendered once into an opaque image and otherwise copied to
the screen in one blit.

The image covers the view and a margin of ``MARGIN`` of its size on every side, so panning (by hand, or
the map following a ship) only moves the image: it is re-rendered when the view leaves the area it
covers, the zoom or size changes, the land changes, or the graticule's spacing does. A moved image is
placed on whole device pixels, so between renders the land may sit up to half a pixel from where a fresh
render would put it.

The graticule lines are drawn from the same tick values as the axis labels (``ui.map.graticule``), so
they fall on the labelled meridians and parallels; they sit under the trails and ships, not over them.

Other still layers (the zones, ``ui.map.zone_layer``) draw themselves into the same image last, through
``set_overlay``; ``overlay_changed`` asks for a new render when what they show changes.
"""
from __future__ import annotations

import math
from typing import Callable

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import QGraphicsObject

from ui import theme
from chart.graticule import latitude_step, latitude_ticks, longitude_step, longitude_ticks

MARGIN = 0.25    # of the view's width and height, rendered beyond each side of it
GRID_ALPHA = 40  # what pyqtgraph's showGrid(alpha=0.16) gave the lines
_Z = -1e5        # above the view box's own background (-1e6), below everything added to the view (>= 0)


def _cosmetic_pen(colour: QColor, width: float = 1.0) -> QPen:
    pen = QPen(colour)
    pen.setWidthF(width)
    pen.setCosmetic(True)
    return pen


def _same(scale: float, other: float) -> bool:
    """Equal scales, but for the rounding a pan leaves in the view's transform."""
    return abs(scale - other) <= 1e-9 * max(abs(scale), abs(other))


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
        self.land_area: QRectF | None = None  # where the land path is exact (view coordinates); None: anywhere
        self.land_version = 0
        self.overlay: Callable[[QPainter, QRectF, QTransform], None] | None = None
        self.overlay_version = 0
        self.render_count = 0  # how many times the image was rendered (the cache's misses)
        self._image: QImage | None = None
        self._image_key: tuple | None = None
        self._placement: tuple[QTransform, QTransform, QPointF] | None = None  # world, view, image origin
        self._rect = QRectF(view_box.rect())
        view_box.sigResized.connect(self._on_resized)
        view_box.sigTransformChanged.connect(self._on_view_moved)

    # --- fed by the map ----------------------------------------------------------------------------------

    def set_land(self, path: QPainterPath, area: QRectF | None = None) -> None:
        """Fill ``path`` (view coordinates, odd-even rule) as land, only within ``area`` when given: the
        land layer simplifies coast far from the view, so outside the area it was built for the path is
        not the land (sea shows there until the land follows the view)."""
        self.land = path
        self.land_area = area
        self.land_version += 1
        self.update()

    def set_overlay(self, draw: Callable[[QPainter, QRectF, QTransform], None] | None) -> None:
        """Draw a still layer over land and graticule: ``draw(painter, rect, to_box)`` paints ``rect`` of the
        box's coordinates (the painter's), ``to_box`` mapping view (data) coordinates to them."""
        self.overlay = draw
        self.overlay_changed()

    def overlay_changed(self) -> None:
        """What the overlay draws changed: render the image anew at the next paint."""
        self.overlay_version += 1
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
        child = self.view_box.childTransform()
        top_left = world.map(self._rect.topLeft())
        key = (self._rect.width(), self._rect.height(), ratio, self.land_version, self.overlay_version,
               self._grid_steps())
        origin = self._placed(world, child, ratio) if key == self._image_key else None
        if origin is None or not self._covers(origin, top_left, ratio):
            origin = self._render(world, child, ratio, top_left)
            self._image_key = key
        # copy only the pixels under the view box (the margin is there for the next pans)
        left = max(0, math.floor((top_left.x() - origin.x()) * ratio))
        top = max(0, math.floor((top_left.y() - origin.y()) * ratio))
        width = min(self._image.width() - left, math.ceil(self._rect.width() * ratio) + 1)
        height = min(self._image.height() - top, math.ceil(self._rect.height() * ratio) + 1)
        painter.save()
        painter.resetTransform()
        painter.drawImage(QPointF(origin.x() + left / ratio, origin.y() + top / ratio), self._image,
                          QRectF(left, top, width, height))
        painter.restore()

    # --- internals ------------------------------------------------------------------------------------------

    def _grid_steps(self) -> tuple[float, float]:
        """The graticule spacing the axes use for the view (a pan north or south may change the latitude one)."""
        (west, east), (bottom, top) = self.view_box.viewRange()
        return (longitude_step(west, east, self.longitude_axis.geometry().width() + 2),
                latitude_step(bottom, top, self.latitude_axis.geometry().height() + 2))

    def _placed(self, world: QTransform, child: QTransform, ratio: float) -> QPointF | None:
        """Where the image rendered earlier goes now: moved as far as the view moved, on whole pixels (None
        when the view was zoomed or turned since: the image must be rendered anew)."""
        then_world, then_child, then_origin = self._placement
        if child.m12() or child.m21() or not (_same(child.m11(), then_child.m11())
                                              and _same(child.m22(), then_child.m22())):
            return None
        dx = (world.dx() - then_world.dx()) + (child.dx() - then_child.dx())
        dy = (world.dy() - then_world.dy()) + (child.dy() - then_child.dy())
        return QPointF(round((then_origin.x() + dx) * ratio) / ratio, round((then_origin.y() + dy) * ratio) / ratio)

    def _covers(self, origin: QPointF, top_left: QPointF, ratio: float) -> bool:
        """Whether the image placed at ``origin`` covers the whole view box."""
        image = QRectF(origin, QSizeF(self._image.width() / ratio, self._image.height() / ratio))
        view = QRectF(top_left, self._rect.size())
        return image.adjusted(-1e-6, -1e-6, 1e-6, 1e-6).contains(view)

    def _render(self, world: QTransform, child: QTransform, ratio: float, top_left: QPointF) -> QPointF:
        """Render the view and its margin; returns where the image goes (a whole device pixel)."""
        margin_x = math.ceil(self._rect.width() * MARGIN)
        margin_y = math.ceil(self._rect.height() * MARGIN)
        # The box may sit at a fractional pixel: the image starts at a whole pixel before it and is drawn
        # with the same offset, so lines and coasts land on the pixels they would if drawn directly.
        origin = QPointF(math.floor(top_left.x() * ratio) / ratio - margin_x,
                         math.floor(top_left.y() * ratio) / ratio - margin_y)
        width = max(1, math.ceil((self._rect.width() + 2 * margin_x + 1) * ratio))
        height = max(1, math.ceil((self._rect.height() + 2 * margin_y + 1) * ratio))
        if self._image is None or self._image.width() != width or self._image.height() != height:
            self._image = QImage(width, height, QImage.Format.Format_RGB32)
        self._image.setDevicePixelRatio(ratio)
        self._image.fill(self._sea)
        painter = QPainter(self._image)
        try:
            painter.translate(top_left - origin - self._rect.topLeft())
            self._draw(painter, self._rect.adjusted(-margin_x, -margin_y, margin_x + 1, margin_y + 1))
        finally:
            painter.end()
        self._placement = (QTransform(world), QTransform(child), origin)
        self.render_count += 1
        return origin

    def _draw(self, painter: QPainter, rect: QRectF) -> None:
        """Sea, then land (antialiased), then the graticule lines (crisp), over ``rect`` of the box's
        coordinates (the box itself, or the box and a margin), with the graticule spacing of the view."""
        painter.fillRect(rect, self._sea)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setTransform(self.view_box.childTransform(), combine=True)
        painter.setPen(self._land_pen)
        painter.setBrush(self._land_brush)
        if self.land_area is not None:
            painter.setClipRect(self.land_area, Qt.ClipOperation.IntersectClip)
        painter.drawPath(self.land)
        painter.restore()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(self._grid_pen)
        to_box = self.view_box.childTransform()
        to_view, _invertible = to_box.inverted()
        corners = to_view.mapRect(rect)
        lon_step, lat_step = self._grid_steps()
        for x in longitude_ticks(corners.left(), corners.right(), lon_step):
            box_x = to_box.map(QPointF(float(x), 0.0)).x()
            painter.drawLine(QPointF(box_x, rect.top()), QPointF(box_x, rect.bottom()))
        for y in latitude_ticks(corners.top(), corners.bottom(), lat_step):
            box_y = to_box.map(QPointF(0.0, float(y))).y()
            painter.drawLine(QPointF(rect.left(), box_y), QPointF(rect.right(), box_y))
        painter.restore()
        if self.overlay is not None:
            painter.save()
            self.overlay(painter, rect, to_box)
            painter.restore()

    def _on_view_moved(self, *_args) -> None:
        self.update()

    def _on_resized(self, *_args) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(self.view_box.rect())
        self.update()
