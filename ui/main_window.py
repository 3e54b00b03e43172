"""The main window: the console's panels laid out — map in the centre, fleet table and docks on the right,
timeline along the bottom, map tools on top, menus and status bar — over one ``app.console.Console`` (its
roles over one store).

The window holds no state of its own. What the console is looking at is the ``ConsoleState`` (``state``):
the moment, Live, 'as known then', the selected and followed ship, units, time zone and trail length; the
panels subscribe to its signals and send it commands. ``MomentDisplay`` (``display``) draws the state's
moment on the map and the table; ``LogNews`` (``news``) brings committed events in; ``ConsoleCommands``
(``commands``) does what the menus ask. Settings are read and written through the one ``UiSettings``
handed to each of them.

For the composition root: ``commands.openStoreRequested(path)`` asks to open another store
(``set_source`` swaps it in); ``set_feed_state`` and ``set_integrity`` put the live feed's state and the
chain's in the status bar; ``add_dock`` adds a dock with its show/hide item under View › Panels.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QToolBar, QWidget

from app.console import Console
from chart.coastline import Coastline
from ui.changes_console import ChangesConsole
from ui.console_commands import ConsoleCommands
from ui.console_docks import ConsoleDocks
from ui.console_state import ConsoleState
from ui.eliding_label import ElidingLabel
from ui.export_tracks_dialog import ExportTracksCommand
from ui.empty_console import EmptyConsoleNotice
from ui.fleet_table import FleetTable
from ui.log_news import LogNews
from ui.map.map_view import MapView
from ui.menus import ConsoleMenus
from ui.moment_display import MomentDisplay
from ui.settings import PLAY_SPEED, WINDOW_GEOMETRY, WINDOW_STATE, UiSettings
from ui.status_bar import ConsoleStatusBar
from ui.timeline import TimelineBar
from ui.window_fit import fit_to_screen, let_docks_shrink
from ui.zone_console import ZoneConsole

TITLE = "Fleet Logbook"
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea


class MainWindow(QMainWindow):
    """The console over one ``Console``."""

    momentShown = Signal("qint64")  # the moment now on screen (µs UTC), after map and table updated

    def __init__(self, source: Console, at: int | None = None, *, settings: UiSettings | None = None,
                 coastline: Coastline | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.source = source
        self.settings = settings if settings is not None else UiSettings.unkept()
        self.state = ConsoleState(self.settings, self)

        self.map_view = MapView(coastline)
        self.setCentralWidget(self.map_view)
        self.empty_notice = EmptyConsoleNotice(self.map_view)  # how to fill a store with no reports
        self.fleet_table = FleetTable()
        self.fleet_dock = QDockWidget("Fleet", self)
        self.fleet_dock.setObjectName("fleetDock")
        self.fleet_dock.setWidget(self.fleet_table)
        self.fleet_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                    | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                                    | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(RIGHT, self.fleet_dock)
        self._dock_sized = False  # sized to the table on first show, unless a saved layout says otherwise
        self._geometry_restored = False

        self.timeline = TimelineBar()
        self.timeline.follow_state(self.state)
        self.timeline.set_play_speed(self.settings.get(PLAY_SPEED))
        self.timeline.playSpeedChanged.connect(lambda speed: self.settings.set(PLAY_SPEED, speed))
        self.timeline_bar = self._tool_bar("Timeline", "timelineToolBar", Qt.ToolBarArea.BottomToolBarArea)
        self.timeline_bar.addWidget(self.timeline)
        self.map_bar = self._tool_bar("Map tools", "mapToolBar", Qt.ToolBarArea.TopToolBarArea)
        self.map_bar.addActions([self.map_view.fit_fleet_action, self.map_view.world_action,
                                 self.map_view.legend_action, self.map_view.follow_action])
        self.following_label = ElidingLabel()  # "Following SHIP NAME" while the map follows a ship
        self.following_label.setContentsMargins(8, 0, 8, 0)
        self.status = ConsoleStatusBar(self)
        self.setStatusBar(self.status)
        # The status labels, by the names the tests and the integrator know them by.
        self.source_label, self.ships_label = self.status.source_label, self.status.ships_label
        self.moment_label, self.selection_label = self.status.moment_label, self.status.selection_label

        self.display = MomentDisplay(self.state, source, self.map_view, self.fleet_table, self.timeline,
                                     self.status, self.following_label, self.empty_notice, self)
        self.display.momentShown.connect(self.momentShown)
        self.news = LogNews(self.state, self.timeline, self.status, self)
        self.commands = ConsoleCommands(self.state, self.settings, source, self.timeline, self.status,
                                        self.fleet_dock, self.fleet_table, self)
        self.menus = ConsoleMenus(self, self.state, self.commands, self.map_view, self.timeline)
        for toggle in (self.fleet_dock.toggleViewAction(), self.timeline_bar.toggleViewAction(),
                       self.map_bar.toggleViewAction()):
            self.menus.add_panel(toggle)

        self.docks = ConsoleDocks(self.state, self.display, source, self)
        for dock in (self.docks.detail_dock, self.docks.event_log_dock, self.docks.alerts_dock):
            self.add_dock(dock)
        self.splitDockWidget(self.fleet_dock, self.docks.detail_dock, Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.docks.detail_dock, self.docks.event_log_dock)
        self.tabifyDockWidget(self.docks.event_log_dock, self.docks.alerts_dock)
        self.resizeDocks([self.fleet_dock, self.docks.detail_dock], [3, 2], Qt.Orientation.Vertical)

        self.zone_console = ZoneConsole(source.zones, self.settings, self.map_view, self.status, self)
        self.add_dock(self.zone_console.dock)
        self.tabifyDockWidget(self.docks.alerts_dock, self.zone_console.dock)
        self.docks.detail_dock.raise_()
        self.map_bar.addActions([self.zone_console.show_action, self.zone_console.draw_action])
        self.map_bar.addWidget(self.following_label)
        self.menus.build_zones(self.zone_console)

        self.changes = ChangesConsole(self.state, self.display, source, self.map_view, self)
        self.add_dock(self.changes.dock)
        self.tabifyDockWidget(self.zone_console.dock, self.changes.dock)
        self.timeline.add_mode_action(self.changes.mark_action)
        self.export_tracks = ExportTracksCommand(self, self.timeline.time_range, lambda: self.state.moment,
                                                 lambda: self.state.selected_ship, self.fleet_table.visible_mmsis,
                                                 lambda: self.source.fleet)
        self.menus.build_changes(self.changes.mark_action, self.changes.clear_action, self.export_tracks.action)
        self.docks.detail_dock.raise_()

        self.news.eventsArrived.connect(self.docks.add_events)
        self.news.eventsArrived.connect(self.zone_console.add_events)
        self.news.logGrew.connect(self.display.take_in)
        self._start(at)
        self._restore_layout()

    def _tool_bar(self, title: str, name: str, area: Qt.ToolBarArea) -> QToolBar:
        bar = QToolBar(title, self)
        bar.setObjectName(name)
        bar.setMovable(False)
        self.addToolBar(area, bar)
        return bar

    def _start(self, at: int | None) -> None:
        """Listen to the source and show ``at`` (None: its head, following it live)."""
        self.menus.use_source(self.source)
        self.zone_console.use_source(self.source.zones)
        self.commands.use_source(self.source)
        self.news.use_source(self.source)
        time_range = self.timeline.time_range()
        self.display.show_empty_notice(time_range)
        if at is None:
            self.state.set_live(True)
        self.timeline.set_moment(at if at is not None else (time_range[1] if time_range else 0))
        self.timeline.drop_pending_moment()  # drawn right here, not again when the event loop starts
        self.state.set_moment(self.timeline.moment())

    def set_source(self, source: Console, at: int | None = None) -> None:
        """Show another store's log (the old source is let go, not closed: its owner closes it)."""
        self.timeline.pause()
        self.news.close()
        self.source = source
        self.display.use_source(source)
        self.changes.use_source(source)
        QTimer.singleShot(0, lambda: self.docks.use_source(source) if self.source is source else None)
        QTimer.singleShot(0, lambda: let_docks_shrink(self))  # after the docks' panels, should they be new
        self.state.select_ship(None)
        self._start(at)

    def add_dock(self, dock: QDockWidget, area: Qt.DockWidgetArea = RIGHT) -> None:
        """Add a dock (give it an object name, for the saved layout) and its item under View › Panels."""
        self.addDockWidget(area, dock)
        self.menus.add_panel(dock.toggleViewAction())

    # --- for the composition root -----------------------------------------------------------------------------

    def set_feed_state(self, text: str, warning: bool = False) -> None:
        """The live feed's state and rate in the status bar, e.g. 'demo fleet · 26 ev/s' ('' hides it); with
        ``warning``, a job's failure, in the warning colour."""
        self.status.set_feed_state(text, warning)

    def set_shared_state(self, text: str, warning: bool = False) -> None:
        """A shared store's server, database and who else watches it ('' hides it); ``warning``: server lost."""
        self.status.set_shared(text, warning)

    def set_integrity(self, text: str) -> None:
        """The hash chain's state in the status bar, e.g. 'chain verified ✓' ('' hides it)."""
        self.status.set_integrity(text)

    # --- layout -------------------------------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.get(WINDOW_GEOMETRY)
        if not geometry.isEmpty():
            self._geometry_restored = self.restoreGeometry(geometry)
        state = self.settings.get(WINDOW_STATE)
        if not state.isEmpty() and self.restoreState(state):
            self._dock_sized = True

    def fit_to_screen(self) -> None:
        """Fit the window into its screen's available area: a first size, or the restored one brought inside
        (call before showing it, and again once shown, when the window manager's frame is known)."""
        let_docks_shrink(self)
        fit_to_screen(self, restored=self._geometry_restored or self.isVisible())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        let_docks_shrink(self)
        if not self._dock_sized:
            self._dock_sized = True
            width = min(self.fleet_table.preferred_width(), max(320, self.width() * 2 // 5))
            self.resizeDocks([self.fleet_dock], [width], Qt.Orientation.Horizontal)

    def stop_following(self) -> None:
        """Stop moving the moment, taking in news and seeking pages: call before the source's store closes
        (nothing queued may read it after). Idempotent; the window closing does it too."""
        self.timeline.pause()
        self.docks.shutdown()
        self.news.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop_following()
        self.settings.set(WINDOW_GEOMETRY, self.saveGeometry())
        self.settings.set(WINDOW_STATE, self.saveState())
        self.settings.sync()
        super().closeEvent(event)
