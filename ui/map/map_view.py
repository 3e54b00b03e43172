"""The map widget: a Web Mercator pyqtgraph view with land, the fleet, a graticule and a legend.

x is longitude and y the Mercator ordinate (``chart.projection``), with the aspect locked to 1:1 so
shapes and bearings are true. Wheel zooms, dragging pans, 'Fit fleet' frames every ship shown. Land is
drawn from coastline levels read on a worker thread; its path covers a margin around the view and is
rebuilt at once only when the view leaves it, its level of detail following (debounced) when the view
stops moving. Sea, land and graticule are painted from one cached image (``ui.map.backdrop``), so
redrawing ships and trails at each moment does not repaint them, and small pans only move that image.

The map wraps at the 180° meridian: x may run past ±180 and ships, trails and alert rings are drawn in
the world copy nearest the middle of the view, so 'Fit fleet' frames a fleet on both sides of the
antimeridian (ships at 179°E and 179°W) in the small box across it (``fleet_span``), not the whole world.
Ships with open alerts at the moment shown are ringed in the colour of their gravest alert
(``show_alerts``; ``ui.map.alert_layer``).

The zones in force are drawn under the trails and ships (``show_zones``; ``ui.map.zone_layer``), named
in the tooltip of the sea they cover; ``zone_drawing`` draws a new one with the mouse and
``outline_editor`` moves an existing one's corners. While either is at work, clicks on the map belong to
it: they select and follow no ship.

Double-clicking a ship asks for it to be followed (``shipDoubleClicked``); ``follow_ship`` centres the map on
it and keeps it centred at each new moment until the operator pans or zooms by hand, double-clicks empty
sea, presses Escape or unticks 'Follow selected ship'.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget

from domain.temporal_index import FleetArrays
from domain.tracks import Trails
from ui import theme
from ui.map.alert_layer import AlertLayer
from ui.map.backdrop import MapBackdrop
from chart.coastline import Coastline
from ui.map.graticule import LatitudeAxis, LongitudeAxis
from ui.map.land_layer import LandLayer
from ui.map.legend import ShipLegend
from chart.projection import MAX_LATITUDE, GeoBox, mercator_y
from ui.map.ship_layer import ShipLayer
from ui.map.trail_layer import TrailLayer
from ui.map.zone_drawing import ZoneDrawing
from ui.map.zone_layer import ZoneLayer
from ui.map.zone_outline_editor import ZoneOutlineEditor
from ui.plain_text import text_tooltip

LAND_DEBOUNCE_MS = 80
_MIN_FIT_SPAN = 0.25  # degrees: fitting a single ship still shows its surroundings
_Y_LIMIT = float(mercator_y(MAX_LATITUDE))
_LEGEND_MARGIN = 10
_LEGEND_HYSTERESIS = 3  # ships: a corner must hide this many fewer before the legend moves there
_X_LIMIT = 540.0  # the view may pan a world and a half either way: the map wraps
_WORLD_SCALE = 180.0  # degrees across: a view this wide shows the world, whose land follows a pan when it ends


def fleet_span(lon: np.ndarray, low: float = 0.0, high: float = 100.0) -> tuple[float, float]:
    """The narrowest range of longitudes holding the ships (percentiles ``low``–``high`` of them).

    The range may cross the 180° meridian: then ``east`` is past 180 (ships at 179°E and 179°W give
    about (179, 181)), which the wrapping map shows as one small box.
    """
    ordered = np.sort(np.asarray(lon, dtype=float))
    gaps = np.diff(np.append(ordered, ordered[0] + 360.0))
    start = ordered[(int(np.argmax(gaps)) + 1) % len(ordered)]  # the ship east of the widest empty stretch
    unwrapped = np.where(lon >= start, lon, lon + 360.0)
    west, east = (float(v) for v in np.percentile(unwrapped, [low, high]))
    return west, east


class MapView(QWidget):
    """The fleet on a map. Emits ``shipClicked(mmsi)`` when the operator clicks a ship."""

    shipClicked = Signal(int)
    shipDoubleClicked = Signal(int)
    followingChanged = Signal(object)  # the MMSI followed, or None when following stops
    viewSettled = Signal()             # the view stopped moving: the ships worth a trail may be others

    def __init__(self, coastline: Coastline | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = pg.PlotWidget(background=theme.SEA,
                                  axisItems={"bottom": LongitudeAxis(), "left": LatitudeAxis()})
        self.plot.setAntialiasing(True)
        plot_item = self.plot.getPlotItem()
        plot_item.hideButtons()
        plot_item.setMenuEnabled(False)
        for side in ("left", "bottom"):
            axis = plot_item.getAxis(side)
            axis.setTextPen(theme.MAP_TEXT)
            axis.setPen(pg.mkPen(theme.GRATICULE))
            axis.setStyle(tickLength=0)  # the graticule lines are the backdrop's, under the ships
        self.view_box: pg.ViewBox = plot_item.getViewBox()
        self.view_box.setAspectLocked(True, ratio=1.0)
        self.view_box.disableAutoRange()
        self.view_box.setLimits(xMin=-_X_LIMIT, xMax=_X_LIMIT, yMin=-_Y_LIMIT - 10, yMax=_Y_LIMIT + 10,
                                minXRange=0.005, minYRange=0.005, maxXRange=400.0, maxYRange=2 * _Y_LIMIT + 20)

        self.backdrop = MapBackdrop(self.view_box, plot_item.getAxis("bottom"), plot_item.getAxis("left"))
        self.land = LandLayer(self.backdrop, coastline or Coastline())
        self.zones = ZoneLayer(self.view_box, self.backdrop)
        self.trails = TrailLayer(self.view_box)
        self.ships = ShipLayer(self.view_box)
        self.ships.scatter.sigClicked.connect(self._on_ships_clicked)
        self.alerts = AlertLayer(self.view_box, self.ships)
        self.ships.alert_text = self.alerts.alert_text
        self.legend = ShipLegend(self.plot)
        self._legend_corner = 0

        self._land_timer = QTimer(self)
        self._land_timer.setSingleShot(True)
        self._land_timer.setInterval(LAND_DEBOUNCE_MS)
        self._land_timer.timeout.connect(lambda: self.update_land(wait=False))
        self.land.loader.loaded.connect(self._on_level_loaded)
        self.view_box.sigRangeChanged.connect(self._on_range_changed)
        self.view_box.sigResized.connect(self._place_legend)
        self.following: int | None = None
        self._centring = False
        self.view_box.sigRangeChangedManually.connect(lambda *_args: self.stop_following())
        # pyqtgraph's scene delivers the first press of a double-click, not the double-click: watch the viewport
        self.plot.viewport().installEventFilter(self)

        self.fit_fleet_action = QAction("Fit fleet", self)
        self.fit_fleet_action.setShortcut(QKeySequence("F"))
        self.fit_fleet_action.setToolTip("Frame every ship shown (F)")
        self.fit_fleet_action.triggered.connect(self.fit_fleet)
        self.world_action = QAction("World", self)
        self.world_action.setToolTip("Show the whole world")
        self.world_action.triggered.connect(self.show_world)
        self.legend_action = QAction("Legend", self)
        self.legend_action.setCheckable(True)
        self.legend_action.setChecked(True)
        self.legend_action.setToolTip("Show or hide the ship legend")
        self.legend_action.toggled.connect(self.legend.setVisible)
        self.follow_action = QAction("Follow selected ship", self)
        self.follow_action.setCheckable(True)
        self.follow_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.follow_action.setToolTip("Keep the selected ship in the centre of the map (Ctrl+Shift+F; "
                                      "double-click a ship to follow it, Escape to stop)")
        self.follow_action.setEnabled(False)
        self.follow_action.triggered.connect(self._on_follow_triggered)
        self.stop_following_action = QAction("Stop following", self)
        self.stop_following_action.setShortcut(QKeySequence("Escape"))
        self.stop_following_action.setEnabled(False)  # Escape is only taken while following
        self.stop_following_action.triggered.connect(self.stop_following)
        self.zones_action = QAction("Zones", self)
        self.zones_action.setCheckable(True)
        self.zones_action.setChecked(True)
        self.zones_action.setToolTip("Show or hide the zones the rules watch")
        self.zones_action.toggled.connect(self.show_zone_layer)
        self.addActions([self.fit_fleet_action, self.world_action, self.legend_action, self.follow_action,
                         self.stop_following_action, self.zones_action])
        self.zone_drawing = ZoneDrawing(self)
        self.outline_editor = ZoneOutlineEditor(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.show_world()

    # --- what is shown ---------------------------------------------------------------------------------------

    def show_fleet(self, fleet: FleetArrays, at: int) -> None:
        """Draw the fleet as it was at ``at`` (keeping the ship followed in the centre)."""
        self.ships.show_fleet(fleet, at)
        self.alerts.place()
        if self.following is not None:
            self._centre_on(self.following)

    def show_alerts(self, board) -> None:
        """Ring the ships with open alerts on ``board`` (the ``AlertView`` list of the moment shown, as the
        window asked it of the source; None: no rings). Call after ``show_fleet`` for the same moment."""
        self.alerts.show_alerts(board)
        self.ships.set_flagged(np.array(sorted(self.alerts.open_alerts), dtype=np.int64))

    def trail_ships(self) -> np.ndarray | None:
        """The MMSIs of the ships whose trails the map would draw at this zoom (None: every ship's)."""
        return self.ships.trail_ships()

    def show_trails(self, trails: Trails | None) -> None:
        """Draw every ship's recent trail (None: trails off)."""
        self.trails.show_trails(trails)

    def show_selected_track(self, lon: np.ndarray, lat: np.ndarray, ahead_lon: np.ndarray | None = None,
                            ahead_lat: np.ndarray | None = None) -> None:
        """Highlight the selected ship's track: up to the moment solid, after it dashed."""
        self.trails.show_selected_track(lon, lat, ahead_lon, ahead_lat)

    def show_zones(self, zones) -> None:
        """Draw the zones in force (a ``domain.zone_list.ZoneList``)."""
        self.zones.show_zones(zones)
        self._show_zone_legend()

    def show_zone_layer(self, on: bool) -> None:
        """Show or hide the zones (the 'Zones' toggle)."""
        self.zones_action.setChecked(on)
        self.zones.set_visible(on)
        self._show_zone_legend()

    def fit_zone(self, name: str) -> None:
        """Frame one zone, with some sea around it."""
        box = self.zones.box_of(name)
        if box is None:
            return
        grow_x = max(0.0, _MIN_FIT_SPAN / 4 - box.width) / 2
        grow_y = max(0.0, _MIN_FIT_SPAN / 4 - box.height) / 2
        self.stop_following()
        self.show_box(GeoBox(box.west - grow_x, box.south - grow_y, box.east + grow_x, box.north + grow_y),
                      padding=0.15)

    def start_drawing_zone(self) -> None:
        """Enter zone drawing mode (the view stops following a ship: it must keep still under the clicks)."""
        self.outline_editor.cancel()
        self.stop_following()
        self.zone_drawing.start()

    def start_editing_outline(self, zone) -> None:
        """Put handles on a zone's corners (a ``ZoneView`` of one polygon without holes)."""
        self.zone_drawing.cancel()
        self.stop_following()
        self.outline_editor.start(zone)

    @property
    def editing(self) -> bool:
        """Whether a zone is being drawn or its outline edited (clicks then select no ship)."""
        return self.zone_drawing.active or self.outline_editor.active

    def set_speed_unit(self, unit: str) -> None:
        """Write speeds in ship tooltips in knots or km/h (``ui.formatting.KNOTS`` / ``KMH``)."""
        self.ships.speed_unit = unit

    def select_ship(self, mmsi: int | None) -> None:
        """Ring a ship (None: none); the view does not move (see ``ensure_visible``).

        Selecting another ship stops following the one followed."""
        self.ships.select(mmsi)
        self.follow_action.setEnabled(mmsi is not None)
        if self.following is not None and mmsi != self.following:
            self.stop_following()

    def follow_ship(self, mmsi: int) -> None:
        """Centre the map on a ship and keep it centred as the moment changes (not while a zone is drawn or
        edited: the view must keep still under the mouse)."""
        if self.editing:
            self.follow_action.setChecked(False)
            return
        changed = mmsi != self.following
        self.following = mmsi
        self.follow_action.setChecked(True)
        self.stop_following_action.setEnabled(True)
        self._centre_on(mmsi)
        if changed:
            self.followingChanged.emit(mmsi)

    def stop_following(self) -> None:
        """Leave the view where it is from now on."""
        if self._centring or self.following is None:
            return
        self.following = None
        self.follow_action.setChecked(False)
        self.stop_following_action.setEnabled(False)
        self.followingChanged.emit(None)

    def update_land(self, wait: bool = True) -> bool:
        """Redraw land for the current view now (normally done by a debounce timer); True if rebuilt.

        With ``wait`` the level of detail the view calls for is read here if it is not yet (a screenshot
        wants it); without, it is read on a worker and a coarser level drawn until it is ready."""
        self._land_timer.stop()
        self._place_legend()  # the view settled: the legend may now hide other ships
        if self.ships.update_detail():
            self.alerts.place()
        self.viewSettled.emit()
        (west, east), (bottom, top) = self.view_box.viewRange()
        return self.land.show_box(GeoBox.from_view((west, east), (bottom, top)), wait=wait)

    def geo_box(self) -> GeoBox:
        """The longitude/latitude box of the current view."""
        x_range, y_range = self.view_box.viewRange()
        return GeoBox.from_view(tuple(x_range), tuple(y_range))

    # --- navigation --------------------------------------------------------------------------------------------

    def show_box(self, box: GeoBox, padding: float = 0.0) -> None:
        """Frame a longitude/latitude box."""
        self.view_box.setRange(xRange=(box.west, box.east),
                               yRange=(float(mercator_y(box.south)), float(mercator_y(box.north))),
                               padding=padding)

    def show_world(self) -> None:
        self.show_box(GeoBox(-180.0, -70.0, 180.0, 80.0))

    def fit_fleet(self, *, leave_out_strays: bool = False) -> None:
        """Frame every ship shown, or the world when there is none.

        With ``leave_out_strays`` the frame holds the central 96 % of ships on each axis, so a few ocean
        crossings do not shrink the busy waters to a corner (the first view of a session uses it).
        """
        fleet = self.ships.fleet
        if fleet is None or not len(fleet):
            self.show_world()
            return
        low, high = (2.0, 98.0) if leave_out_strays and len(fleet) >= 20 else (0.0, 100.0)
        west, east = fleet_span(fleet.lon, low, high)
        south, north = (float(v) for v in np.percentile(fleet.lat, [low, high]))
        grow_x = max(0.0, _MIN_FIT_SPAN - (east - west)) / 2
        grow_y = max(0.0, _MIN_FIT_SPAN - (north - south)) / 2
        self.show_box(GeoBox(west - grow_x, south - grow_y, east + grow_x, north + grow_y), padding=0.06)

    def ensure_visible(self, mmsi: int) -> None:
        """Pan (keeping the zoom) so the ship is in view, if it is on the map and outside the view."""
        row = self.ships.row_of(mmsi)
        if row is None:
            return
        x, y = float(self.ships.x[row]), float(self.ships.y[row])
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        inset_x, inset_y = (x1 - x0) * 0.05, (y1 - y0) * 0.05
        if x0 + inset_x <= x <= x1 - inset_x and y0 + inset_y <= y <= y1 - inset_y:
            return
        self.view_box.setRange(xRange=(x - (x1 - x0) / 2, x + (x1 - x0) / 2),
                               yRange=(y - (y1 - y0) / 2, y + (y1 - y0) / 2), padding=0.0)

    # --- internals -----------------------------------------------------------------------------------------------

    def _centre_on(self, mmsi: int) -> None:
        """Pan (keeping the zoom) so the ship is in the middle of the view, if it is on the map."""
        row = self.ships.row_of(mmsi)
        if row is None:
            return
        x, y = float(self.ships.x[row]), float(self.ships.y[row])
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        if abs(x - (x0 + x1) / 2) < 1e-9 * (x1 - x0) and abs(y - (y0 + y1) / 2) < 1e-9 * (y1 - y0):
            return
        self._centring = True
        try:
            self.view_box.setRange(xRange=(x - (x1 - x0) / 2, x + (x1 - x0) / 2),
                                   yRange=(y - (y1 - y0) / 2, y + (y1 - y0) / 2), padding=0.0)
        finally:
            self._centring = False

    def _on_follow_triggered(self, on: bool) -> None:
        if on and self.ships.selected is not None:
            self.follow_ship(self.ships.selected)
        else:
            self.follow_action.setChecked(False)
            self.stop_following()

    def eventFilter(self, watched, event) -> bool:
        if (watched is self.plot.viewport() and event.type() == QEvent.Type.MouseButtonDblClick
                and event.button() == Qt.MouseButton.LeftButton):
            self._on_double_click(self.plot.mapToScene(event.position().toPoint()))
        elif watched is self.plot.viewport() and event.type() == QEvent.Type.ToolTip:
            return self._zone_tooltip(event)
        return super().eventFilter(watched, event)

    def _zone_tooltip(self, event) -> bool:
        """Name the zones under the mouse, unless a ship's tooltip is showing there (ships come first)."""
        if self.view_box.toolTip():
            return False
        scene_pos = self.plot.mapToScene(event.pos())
        text = ""
        if self.view_box.sceneBoundingRect().contains(scene_pos):
            spot = self.view_box.mapSceneToView(scene_pos)
            text = self.zones.tooltip_at(spot.x(), spot.y())
        if not text:
            QToolTip.hideText()
            return False
        QToolTip.showText(event.globalPos(), text_tooltip(text), self.plot.viewport())
        return True

    def _on_double_click(self, scene_pos) -> None:
        """A double-click on a ship asks to follow it; on empty sea it stops following."""
        if self.editing or not self.view_box.sceneBoundingRect().contains(scene_pos):
            return
        spot = self.view_box.mapSceneToView(scene_pos)
        points = self.ships.scatter.pointsAt(spot) if len(self.ships.scatter.data) else []
        if len(points):
            self.shipDoubleClicked.emit(int(points[0].data()))
        else:
            self.stop_following()

    def _on_range_changed(self, *_args) -> None:
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        box = GeoBox.from_view((x0, x1), (y0, y1))
        if x1 - x0 < _WORLD_SCALE and not self.land.covers(box):
            self.land.show_box(box, wait=False)  # at once: the backdrop would show sea where the land ends
        self._land_timer.start()  # the level of detail and the legend follow when the view settles
        centre = (x0 + x1) / 2
        if self.ships.set_centre(centre):
            self.alerts.place()
        self.trails.set_centre(centre)

    def _on_level_loaded(self, resolution: str) -> None:
        """A coastline level finished reading: draw it if the view (still) calls for it."""
        if resolution == self.land.wanted:
            self.update_land(wait=False)

    def _on_ships_clicked(self, _item, points, _event) -> None:
        if len(points) and not self.editing:
            self.shipClicked.emit(int(points[0].data()))

    def _legend_corners(self) -> list[QRect]:
        """Where the legend may sit: each corner of the map area, bottom-left first."""
        area = self.plot.mapFromScene(self.view_box.sceneBoundingRect()).boundingRect()
        size, margin = self.legend.size(), _LEGEND_MARGIN
        left, right = area.left() + margin, area.right() - size.width() - margin
        top, bottom = area.top() + margin, area.bottom() - size.height() - margin
        return [QRect(QPoint(x, y), size) for x, y in ((left, bottom), (left, top), (right, top), (right, bottom))]

    def _ships_under(self, rect: QRect) -> int:
        xs, ys = self.ships.scatter.data["x"], self.ships.scatter.data["y"]
        if not len(xs):
            return 0
        corners = self.view_box.mapSceneToView(self.plot.mapToScene(rect)).boundingRect()
        return int(np.count_nonzero((xs >= corners.left()) & (xs <= corners.right())
                                    & (ys >= corners.top()) & (ys <= corners.bottom())))

    def _place_legend(self, *_args) -> None:
        """Put the legend in the corner hiding the fewest ships (moving it only for a clear gain)."""
        corners = self._legend_corners()
        covered = [self._ships_under(rect) for rect in corners]
        best = int(np.argmin(covered))
        if covered[best] + _LEGEND_HYSTERESIS >= covered[self._legend_corner]:
            best = self._legend_corner
        self._legend_corner = best
        self.legend.move(corners[best].topLeft())

    def _show_zone_legend(self) -> None:
        self.legend.show_zones(self.zones.visible and len(self.zones.shown) > 0)
        self._place_legend()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_legend()
