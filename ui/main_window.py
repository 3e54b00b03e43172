"""The main window: map in the centre, fleet table in a dock, timeline along the bottom, status bar.

Everything on screen shows one moment. The timeline chooses it; ``show_moment`` asks the source for the
fleet at that moment (as known then, if asked) and hands the same ``FleetArrays`` to the map and the
table. The selected ship is held here, by MMSI, and pushed to the map and the table; neither widget is
the source of truth. News of committed events (``LiveBridge``) is taken in at most every
``LIVE_UPDATE_MS``: the slider grows, Live moves to the head, and a late report for the moment shown
redraws it.
"""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QToolBar, QWidget

from domain.events import RecordedEvent
from domain.temporal_index import FleetArrays
from domain.time import MICROS_PER_MINUTE
from ui.fleet_model import empty_fleet
from ui.fleet_source import FleetSource
from ui.fleet_table import FleetTable
from ui.formatting import format_moment, ship_label
from ui.live_bridge import LiveBridge
from ui.map.coastline import Coastline
from ui.map.map_view import MapView
from ui.settings import WINDOW_GEOMETRY, WINDOW_STATE, UiSettings
from ui.timeline import TimelineBar

TITLE = "Fleet Logbook"
LIVE_UPDATE_MS = 100


class MainWindow(QMainWindow):
    """The console over one ``FleetSource``."""

    momentShown = Signal("qint64")     # the moment now on screen (µs UTC), after map and table updated
    selectedShipChanged = Signal(object)  # MMSI or None

    def __init__(self, source: FleetSource, at: int | None = None, *, settings: UiSettings | None = None,
                 coastline: Coastline | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.source = source
        self.settings = settings
        self.fleet: FleetArrays = empty_fleet()
        self.moment: int | None = None
        self.selected_ship: int | None = None
        self._framed = False

        self.map_view = MapView(coastline)
        self.setCentralWidget(self.map_view)
        self.fleet_table = FleetTable()
        self.fleet_dock = QDockWidget("Fleet", self)
        self.fleet_dock.setObjectName("fleetDock")
        self.fleet_dock.setWidget(self.fleet_table)
        self.fleet_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                    | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.fleet_dock)
        self._dock_sized = False  # sized to the table on first show, unless a saved layout says otherwise

        self.timeline = TimelineBar()
        timeline_bar = QToolBar("Timeline", self)
        timeline_bar.setObjectName("timelineToolBar")
        timeline_bar.setMovable(False)
        timeline_bar.addWidget(self.timeline)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, timeline_bar)
        self._build_actions()
        self._build_status_bar()

        self._live_timer = QTimer(self)  # news of events is taken in at most this often, however fast it comes
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_UPDATE_MS)
        self._live_timer.timeout.connect(self._take_in_events)
        self._earliest_news: int | None = None  # earliest occurred_at among events not yet taken in

        self.timeline.momentChanged.connect(self.show_moment)
        self.timeline.asKnownThenChanged.connect(self.refresh)
        self.map_view.shipClicked.connect(self._on_ship_clicked)
        self.fleet_table.shipSelected.connect(self.select_ship)
        self.live = LiveBridge(source, self)
        self.live.eventsArrived.connect(self._on_events)

        time_range = source.time_range()
        self.timeline.set_range(time_range)
        if at is None:
            self.timeline.set_live(True)
        start = at if at is not None else (time_range[1] if time_range else 0)
        self.timeline.set_moment(start)
        self.timeline.drop_pending_moment()  # drawn right here, not again when the event loop starts
        self.show_moment(self.timeline.moment())
        self._restore_layout()

    # --- the moment ------------------------------------------------------------------------------------------

    def show_moment(self, at: int) -> None:
        """Redraw map, table and status bar at ``at`` (as known then, when that box is ticked)."""
        known_at = at if self.timeline.as_known_then() else None
        fleet = self.source.state_at(at, known_at) if self.timeline.time_range() else empty_fleet()
        self.fleet, self.moment = fleet, at
        self.map_view.show_fleet(fleet, at)
        self.fleet_table.set_fleet(fleet, at)
        if not self._framed and len(fleet):
            self.map_view.fit_fleet(leave_out_strays=True)
            self._framed = True
        self._update_status()
        self.momentShown.emit(at)

    def refresh(self) -> None:
        """Redraw the moment shown (the log or the 'as known then' choice changed)."""
        self.show_moment(self.timeline.moment())

    # --- selection -------------------------------------------------------------------------------------------

    def select_ship(self, mmsi: int | None, *, reveal: bool = True) -> None:
        """Make one ship (or none) the selected one, on the map and in the table.

        With ``reveal``, the map pans to the ship if it is out of view (not wanted when it was clicked there).
        """
        if mmsi == self.selected_ship:
            return
        self.selected_ship = mmsi
        self.map_view.select_ship(mmsi)
        self.fleet_table.select_ship(mmsi)
        if mmsi is not None and reveal:
            self.map_view.ensure_visible(mmsi)
        self._update_status()
        self.selectedShipChanged.emit(mmsi)

    def _on_ship_clicked(self, mmsi: int) -> None:
        self.select_ship(mmsi, reveal=False)

    # --- live ---------------------------------------------------------------------------------------------------

    def _on_events(self, events: Sequence[RecordedEvent]) -> None:
        earliest = min(event.occurred_at for event in events)
        self._earliest_news = earliest if self._earliest_news is None else min(earliest, self._earliest_news)
        if not self._live_timer.isActive():
            self._live_timer.start()

    def _take_in_events(self) -> None:
        earliest, self._earliest_news = self._earliest_news, None
        self.source_label.setText(self.source.describe())
        self.timeline.set_range(self.source.time_range())  # when Live, this moves to the head
        if not self.timeline.is_live() and earliest is not None and self.moment is not None \
                and earliest <= self.moment:
            self.refresh()  # a late report changes the moment shown

    # --- building ---------------------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        toolbar = QToolBar("Map", self)
        toolbar.setObjectName("mapToolBar")
        toolbar.setMovable(False)
        toolbar.addAction(self.map_view.fit_fleet_action)
        toolbar.addAction(self.map_view.world_action)
        toolbar.addAction(self.map_view.legend_action)
        toolbar.addSeparator()
        for text, shortcut, step in (("−10 min", "Ctrl+Shift+Left", -10), ("−1 min", "Ctrl+Left", -1),
                                     ("+1 min", "Ctrl+Right", 1), ("+10 min", "Ctrl+Shift+Right", 10)):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(f"Move the moment {text} ({shortcut})")
            action.triggered.connect(lambda _=False, minutes=step: self.timeline.step(minutes * MICROS_PER_MINUTE))
            toolbar.addAction(action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)

    def _build_status_bar(self) -> None:
        self.source_label = QLabel()
        self.ships_label = QLabel()
        self.moment_label = QLabel()
        self.selection_label = QLabel()
        bar = self.statusBar()
        bar.addWidget(self.source_label)
        bar.addWidget(self.selection_label, 1)
        bar.addPermanentWidget(self.ships_label)
        bar.addPermanentWidget(self.moment_label)
        self.source_label.setText(self.source.describe())  # again only when events arrive: it may count rows

    def _update_status(self) -> None:
        self.ships_label.setText(f"{len(self.fleet):,} ships shown")
        if self.moment is None or not self.timeline.time_range():
            self.moment_label.setText("no reports yet")
        else:
            known = " · as known then" if self.timeline.as_known_then() else ""
            live = " · live" if self.timeline.is_live() else ""
            self.moment_label.setText(f"{format_moment(self.moment)}{known}{live}")
        self.selection_label.setText(self._selection_text())

    def _selection_text(self) -> str:
        if self.selected_ship is None:
            return ""
        row = self.map_view.ships.row_of(self.selected_ship)
        if row is None:
            return f"Selected: MMSI {self.selected_ship} (no report by this moment)"
        return f"Selected: {ship_label(self.fleet.names[row], self.selected_ship)}"

    def _size_dock(self) -> None:
        width = min(self.fleet_table.preferred_width(), max(320, self.width() * 2 // 5))
        self.resizeDocks([self.fleet_dock], [width], Qt.Orientation.Horizontal)

    # --- layout persistence -------------------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        if self.settings is None:
            return
        geometry = self.settings.get(WINDOW_GEOMETRY)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = self.settings.get(WINDOW_STATE)
        if not state.isEmpty() and self.restoreState(state):
            self._dock_sized = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._dock_sized:
            self._dock_sized = True
            self._size_dock()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.live.close()
        if self.settings is not None:
            self.settings.set(WINDOW_GEOMETRY, self.saveGeometry())
            self.settings.set(WINDOW_STATE, self.saveState())
            self.settings.sync()
        super().closeEvent(event)
