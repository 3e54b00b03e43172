"""Editing a zone's outline on the map: its corners become handles to drag (pyqtgraph's ``PolyLineROI``),
then Save or Cancel.

Drag a corner to move it, drag inside the outline to move the whole zone, click an edge to add a corner
there, right-click a corner to remove it. Save (Enter) checks the outline as the log will
(``domain.zone_shapes.outline_ring``) and hands it over with ``saved(name, corners)``; the window appends
it and ends the edit, or shows why the log refused (``show_problem``) and keeps it open. Cancel (Escape)
leaves the zone as it was. Only a zone of one polygon without holes is edited this way (its ``ZoneView``
says so, ``single_outline``): others are edited in GeoJSON.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from domain.display_text import visible
from domain.zone_list import ZoneView
from domain.zone_shapes import InvalidOutline, outline_ring
from ui import theme
from ui.formatting import in_text
from chart.projection import latitude_of, mercator_y
from ui.map.zone_drawing import DRAWING_Z

if TYPE_CHECKING:
    from ui.map.map_view import MapView

HINT = ("Editing the outline of {name}: drag a corner to move it · click an edge to add a corner · "
        "right-click a corner to remove it · drag inside to move the zone")
HANDLE_RADIUS = 6


class OutlineBar(QWidget):
    """The floating bar over the map while an outline is edited: what to do, the problem if any, Save, Cancel."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("outlineBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#outlineBar {{ background: rgba(10, 16, 22, 225); border: 1px solid {theme.BORDER}; "
                           f"border-radius: 4px; }} #outlineBar QLabel {{ color: {theme.TEXT}; }}")
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.save_button = QPushButton("Save outline")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.save_button)
        layout.addWidget(self.cancel_button)
        self.hide()

    def say(self, text: str, problem: str = "") -> None:
        html = text.replace("&", "&amp;").replace("<", "&lt;")
        if problem:
            html += f"<br><span style='color:#ff8080'>{problem.replace('&', '&amp;').replace('<', '&lt;')}</span>"
        self.label.setText(html)
        self.adjustSize()
        parent = self.parentWidget()
        self.move(max(8, (parent.width() - self.width()) // 2), 8)
        self.show()
        self.raise_()


class ZoneOutlineEditor(QObject):
    """The map's outline editing mode, for one zone at a time."""

    saved = Signal(str, object)  # the zone's name, its corners as (lon, lat)
    cancelled = Signal()

    def __init__(self, map_view: "MapView"):
        super().__init__(map_view)
        self.map_view = map_view
        self.view_box: pg.ViewBox = map_view.view_box
        self.zone: ZoneView | None = None
        self.roi: pg.PolyLineROI | None = None
        self.bar = OutlineBar(map_view)
        self.bar.save_button.clicked.connect(self.save)
        self.bar.cancel_button.clicked.connect(self.cancel)
        self.save_action = QAction("Save outline", map_view)
        self.save_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        self.save_action.triggered.connect(self.save)
        self.cancel_action = QAction("Cancel outline edit", map_view)
        self.cancel_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_action.triggered.connect(self.cancel)
        for action in (self.save_action, self.cancel_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setEnabled(False)
        map_view.addActions([self.save_action, self.cancel_action])

    @property
    def active(self) -> bool:
        return self.zone is not None

    def start(self, zone: ZoneView) -> None:
        """Put handles on the zone's corners, in the world copy nearest the middle of the view."""
        if not zone.single_outline:
            raise ValueError(f"{zone.name} has holes or several parts: edit it in GeoJSON")
        self.end()
        ring = zone.zone.area[0][0]
        lon = np.array([corner[0] for corner in ring])
        lat = np.array([corner[1] for corner in ring])
        (x0, x1), _ = self.view_box.viewRange()
        turn = 360.0 * round(((x0 + x1) / 2 - (lon.min() + lon.max()) / 2) / 360.0)
        points = list(zip((lon + turn).tolist(), mercator_y(lat).tolist()))
        self.roi = pg.PolyLineROI(points, closed=True, movable=True, pen=pg.mkPen(theme.SELECTION, width=2),
                                  hoverPen=pg.mkPen("#ffffff", width=2), handlePen=pg.mkPen(theme.SELECTION),
                                  handleHoverPen=pg.mkPen("#ffffff"))
        for handle in self.roi.getHandles():
            handle.radius = HANDLE_RADIUS
            handle.buildPath()
        self.roi.setZValue(DRAWING_Z)
        self.view_box.addItem(self.roi)
        self.zone = zone
        for action in (self.save_action, self.cancel_action):
            action.setEnabled(True)
        self.bar.say(HINT.format(name=in_text(zone.name)))

    def corners(self) -> list[tuple[float, float]]:
        """The outline's corners as they are now, (lon, lat), lon in the world copy shown."""
        if self.roi is None:
            return []
        points = [self.roi.mapToParent(handle.pos()) for handle in self.roi.getHandles()]
        lat = latitude_of(np.array([point.y() for point in points], dtype=float))
        return [(point.x(), float(phi)) for point, phi in zip(points, lat)]

    def save(self) -> bool:
        """Hand the outline over if it can be a zone (else say why and stay)."""
        if self.zone is None:
            return False
        corners = self.corners()
        try:
            outline_ring(corners)
        except InvalidOutline as error:
            self.show_problem(f"Cannot save: the outline {error}.")
            return False
        self.saved.emit(self.zone.name, corners)
        return True

    def show_problem(self, text: str) -> None:
        if self.zone is not None:
            self.bar.say(HINT.format(name=in_text(self.zone.name)), visible(text))

    def cancel(self) -> None:
        """Leave the zone as it was."""
        if self.zone is None:
            return
        self.end()
        self.cancelled.emit()

    def end(self) -> None:
        """Take the handles off the map."""
        if self.roi is not None:
            self.view_box.removeItem(self.roi)
            self.roi.deleteLater()
            self.roi = None
        self.zone = None
        for action in (self.save_action, self.cancel_action):
            action.setEnabled(False)
        self.bar.hide()
