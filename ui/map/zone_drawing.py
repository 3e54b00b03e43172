"""Drawing a zone on the map: click to add corners, double-click or Enter to finish, Backspace to take the
last corner back, Escape to cancel.

While drawing, the map still pans (a drag is a pan, not a corner) and zooms, but clicks add corners instead
of selecting ships. The outline so far is drawn solid with its corners marked, and a dashed rubber band
runs from the last corner to the mouse and back to the first, so the operator sees the zone it would close.
A hint over the map says what the keys do and, when finishing is refused, why (the same check the log makes:
``domain.zone_shapes.outline_ring``). ``finished(corners)`` hands over the corners as (lon, lat) — lon in
the world copy they were drawn in, which the domain brings back to the chart — and the outline stays on
the map until the window is done with it (``clear``); ``cancelled`` says the operator gave up.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QPen
from PySide6.QtWidgets import QLabel

from domain.zone_shapes import InvalidOutline, outline_ring
from ui import theme
from chart.projection import latitude_of

if TYPE_CHECKING:
    from ui.map.map_view import MapView

DRAWING_Z = 30          # above ships (10) and the selection ring (20)
CLICK_SLOP_PX = 4       # a press and release this close are a click; farther apart they were a drag (a pan)
SAME_CORNER_PX = 3      # a click this close to the last corner adds no corner (the second click of a double-click)
HINT = ("Drawing a zone: click to add corners · double-click or Enter to finish · Backspace removes the last "
        "corner · Esc cancels")


def _pen(colour: str, width: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(QColor(colour))
    pen.setWidthF(width)
    pen.setCosmetic(True)
    pen.setStyle(style)
    return pen


class MapHint(QLabel):
    """A line of text floating at the top of the map, for the tool in use."""

    def __init__(self, parent):
        super().__init__(parent)
        self.setObjectName("mapHint")
        self.setStyleSheet(f"#mapHint {{ background: rgba(10, 16, 22, 215); color: {theme.TEXT}; "
                           f"border: 1px solid {theme.BORDER}; border-radius: 4px; padding: 4px 10px; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setTextFormat(Qt.TextFormat.RichText)  # on purpose: what it says is escaped in ``say``
        self.hide()

    def say(self, text: str, problem: str = "") -> None:
        html = text.replace("&", "&amp;").replace("<", "&lt;")
        if problem:
            html += f"<br><span style='color:#ff8080'>{problem.replace('&', '&amp;').replace('<', '&lt;')}</span>"
        self.setText(html)
        self.adjustSize()
        parent = self.parentWidget()
        self.move(max(8, (parent.width() - self.width()) // 2), 8)
        self.show()
        self.raise_()


class ZoneDrawing(QObject):
    """The map's zone drawing mode."""

    finished = Signal(object)  # list[tuple[float, float]]: the corners, (lon, lat)
    cancelled = Signal()
    changed = Signal()         # a corner was added or taken back

    def __init__(self, map_view: "MapView"):
        super().__init__(map_view)
        self.map_view = map_view
        self.view_box: pg.ViewBox = map_view.view_box
        self.active = False
        self.x: list[float] = []  # the corners so far, in map coordinates
        self.y: list[float] = []
        self._mouse: QPointF | None = None  # where the mouse is, map coordinates
        self._pressed_at: QPointF | None = None  # viewport position of a left press that may become a click
        self._swallow_release = False
        self.outline = pg.PlotCurveItem(pen=_pen(theme.SELECTION, 2.0), antialias=True)
        self.rubber_band = pg.PlotCurveItem(pen=_pen(theme.SELECTION, 1.5, Qt.PenStyle.DashLine), antialias=True)
        self.corners = pg.ScatterPlotItem(pxMode=True, symbol="s", size=8, brush=pg.mkBrush(theme.SELECTION),
                                          pen=pg.mkPen("#10151a"))
        for item in (self.outline, self.rubber_band, self.corners):
            item.setZValue(DRAWING_Z)
            item.setAcceptHoverEvents(False)
        self.hint = MapHint(map_view)

        self.finish_action = QAction("Finish zone", map_view)
        self.finish_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        self.finish_action.triggered.connect(self.finish)
        self.undo_action = QAction("Remove last corner", map_view)
        self.undo_action.setShortcut(QKeySequence(Qt.Key.Key_Backspace))
        self.undo_action.triggered.connect(self.remove_last)
        self.cancel_action = QAction("Cancel drawing", map_view)
        self.cancel_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_action.triggered.connect(self.cancel)
        for action in (self.finish_action, self.undo_action, self.cancel_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setEnabled(False)
        map_view.addActions([self.finish_action, self.undo_action, self.cancel_action])
        # After the map's own filter, so this one sees the viewport's events first (Qt calls the last first).
        map_view.plot.viewport().installEventFilter(self)

    # --- the mode ------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Enter drawing mode with no corners (a drawing left on the map is cleared)."""
        self.clear()
        self.active = True
        for item in (self.outline, self.rubber_band, self.corners):
            if item.scene() is None:
                self.view_box.addItem(item)
        self._pressed_at, self._swallow_release = None, False
        viewport = self.map_view.plot.viewport()
        viewport.setMouseTracking(True)
        viewport.setCursor(Qt.CursorShape.CrossCursor)
        for action in (self.finish_action, self.undo_action, self.cancel_action):
            action.setEnabled(True)
        self.hint.say(HINT)
        self.map_view.plot.setFocus(Qt.FocusReason.OtherFocusReason)

    def add_corner(self, x: float, y: float) -> None:
        """Add a corner at a point of the map (map coordinates)."""
        if not self.active:
            return
        self.x.append(float(x))
        self.y.append(float(y))
        self._redraw()
        self.hint.say(HINT)
        self.changed.emit()

    def remove_last(self) -> None:
        """Take back the last corner (Backspace)."""
        if self.active and self.x:
            self.x.pop()
            self.y.pop()
            self._redraw()
            self.hint.say(HINT)
            self.changed.emit()

    def lon_lat(self) -> list[tuple[float, float]]:
        """The corners so far as (lon, lat), lon in the world copy they were drawn in."""
        lat = latitude_of(np.asarray(self.y, dtype=float)) if self.y else np.empty(0)
        return [(x, float(phi)) for x, phi in zip(self.x, lat)]

    def finish(self) -> bool:
        """Close the outline (double-click, Enter) if it can be a zone; else say why and keep drawing."""
        if not self.active:
            return False
        corners = self.lon_lat()
        try:
            outline_ring(corners)
        except InvalidOutline as error:
            self.hint.say(HINT, f"Cannot finish: the outline {error}.")
            return False
        self._leave()
        self._mouse = None
        self._redraw()
        self.finished.emit(corners)
        return True

    def cancel(self) -> None:
        """Give up drawing (Escape): the outline goes."""
        if not self.active:
            return
        self._leave()
        self.clear()
        self.cancelled.emit()

    def clear(self) -> None:
        """Take a finished (or abandoned) drawing off the map."""
        self.x, self.y, self._mouse = [], [], None
        for item in (self.outline, self.rubber_band, self.corners):
            if item.scene() is not None:
                self.view_box.removeItem(item)
        if not self.active:
            self.hint.hide()

    # --- input ---------------------------------------------------------------------------------------------

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            self._swallow_release = False  # a new press: no double-click is ending any more
        elif kind == QEvent.Type.MouseButtonRelease and self._swallow_release:
            self._swallow_release = False  # the release that ends the double-click that finished: no click
            return True
        if not self.active:
            return False
        if kind == QEvent.Type.MouseMove:
            self._mouse = self._to_map(event.position())
            self._redraw_band()
        elif kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._pressed_at = event.position()
        elif kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            pressed, self._pressed_at = self._pressed_at, None
            if pressed is not None and (event.position() - pressed).manhattanLength() <= CLICK_SLOP_PX:
                self._click(event.position())
        elif kind == QEvent.Type.MouseButtonDblClick and event.button() == Qt.MouseButton.LeftButton:
            self._click(event.position())  # adds a corner only if the first click did not
            self._swallow_release = True  # the release that ends a double-click selects nothing
            self.finish()
            return True
        return False

    def _click(self, position: QPointF) -> None:
        if not self.view_box.sceneBoundingRect().contains(self.map_view.plot.mapToScene(position.toPoint())):
            return  # on an axis
        if self.x:
            last = self.map_view.plot.mapFromScene(self.view_box.mapViewToScene(QPointF(self.x[-1], self.y[-1])))
            if abs(last.x() - position.x()) + abs(last.y() - position.y()) <= SAME_CORNER_PX:
                return
        point = self._to_map(position)
        self.add_corner(point.x(), point.y())

    def _to_map(self, position: QPointF) -> QPointF:
        return self.view_box.mapSceneToView(self.map_view.plot.mapToScene(position.toPoint()))

    # --- internals -----------------------------------------------------------------------------------------

    def _leave(self) -> None:
        self.active = False
        self.map_view.plot.viewport().unsetCursor()
        for action in (self.finish_action, self.undo_action, self.cancel_action):
            action.setEnabled(False)
        self.hint.hide()
        self._pressed_at = None

    def _redraw(self) -> None:
        closed = not self.active and len(self.x) > 2  # finished: the outline closes on its first corner
        x, y = (self.x + self.x[:1], self.y + self.y[:1]) if closed else (self.x, self.y)
        self.outline.setData(x=np.asarray(x, dtype=float), y=np.asarray(y, dtype=float))
        self.corners.setData(x=self.x, y=self.y)
        self._redraw_band()

    def _redraw_band(self) -> None:
        if not self.x or not self.active or self._mouse is None:
            self.rubber_band.setData(x=np.empty(0), y=np.empty(0))
            return
        x = [self.x[-1], self._mouse.x(), self.x[0]]
        y = [self.y[-1], self._mouse.y(), self.y[0]]
        self.rubber_band.setData(x=np.asarray(x, dtype=float), y=np.asarray(y, dtype=float))
