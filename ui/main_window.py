"""The main window: map in the centre, fleet table in a dock, timeline along the bottom, menus, status bar.

Everything on screen shows one moment. The timeline chooses it; ``show_moment`` asks the source for the
fleet at that moment and the trails leading to it (as known then, if asked) and hands them to the map and
the table. The selected ship is held here, by MMSI, and pushed to the map and the table; neither widget
is the source of truth. News of committed events (``LiveBridge``) is taken in at most every
``LIVE_UPDATE_MS``: the slider grows, Live moves to the head, a late report for the moment shown redraws
it, and the density strip is recounted at most every ``DENSITY_REFRESH_MS``.

For the composition root: ``openStoreRequested(path)`` asks to open another store (``set_source`` swaps
it in); ``set_feed_state`` and ``set_integrity`` put the live feed's state and the chain's in the status
bar; ``add_dock`` adds a dock with its show/hide item under View › Panels.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QDockWidget, QFileDialog, QInputDialog, QMainWindow, QMessageBox, QToolBar, QWidget

from domain.events import AlertEvent, RecordedEvent
from domain.temporal_index import FleetArrays
from domain.time import MICROS_PER_MINUTE
from ui.about import AboutDialog
from ui.feeds_dialog import FeedsDialog
from ui.fleet_model import empty_fleet
from ui.console_docks import ConsoleDocks
from ui.eliding_label import ElidingLabel
from ui.empty_console import EmptyConsoleNotice
from app.console import Console
from ui.fleet_table import FleetTable
from ui.report_dialog import ReportDialog, ReportRun, start_report
from ui.import_dialog import ImportRun, choose_files, start_import
from ui.formatting import KNOTS, SPEED_UNITS, TIME_ZONES, UTC, ship_label
from ui.live_bridge import LiveBridge
from chart.coastline import Coastline
from ui.map.map_view import MapView
from ui.menus import TRAIL_CHOICES, ConsoleMenus
from ui.settings import (LAST_IMPORT_FOLDER, LAST_REPORT_FOLDER, LAST_STORE_PATH, OPERATOR_NAME, PLAY_SPEED, SPEED_UNIT, TIME_ZONE, TRAIL_MINUTES, WINDOW_GEOMETRY,
                         WINDOW_STATE, UiSettings)
from ui.selected_history import SelectedHistory
from ui.settings_dialog import SettingsDialog
from ui.status_bar import ConsoleStatusBar
from ui.timeline import TimelineBar
from ui.timeline_density import DENSITY_BINS
from ui.window_fit import fit_to_screen, let_docks_shrink
from ui.zone_console import ZoneConsole

TITLE = "Fleet Logbook"
LIVE_UPDATE_MS = 100
DENSITY_REFRESH_MS = 2_000
STORE_FILTER = "Fleet stores (*.sqlite *.sqlite3 *.db);;All files (*)"


class MainWindow(QMainWindow):
    """The console over one ``app.console.Console`` (its roles over one store)."""

    momentShown = Signal("qint64")     # the moment now on screen (µs UTC), after map and table updated
    selectedShipChanged = Signal(object)  # MMSI or None
    openStoreRequested = Signal(str)   # the operator chose a store file to open (File › Open store…)
    timeZoneChanged = Signal(str)      # ui.formatting.UTC or LOCAL
    speedUnitChanged = Signal(str)     # ui.formatting.KNOTS or KMH

    def __init__(self, source: Console, at: int | None = None, *, settings: UiSettings | None = None,
                 coastline: Coastline | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.source = source
        self.settings = settings
        self.fleet: FleetArrays = empty_fleet()
        self.alerts: list = []  # the alert board at the moment shown (AlertView), asked once per moment
        self.moment: int | None = None
        self.selected_ship: int | None = None
        self.trail_minutes = self._setting(TRAIL_MINUTES)
        self.time_zone = self._setting(TIME_ZONE) if self._setting(TIME_ZONE) in TIME_ZONES else UTC
        self.speed_unit = self._setting(SPEED_UNIT) if self._setting(SPEED_UNIT) in SPEED_UNITS else KNOTS
        self._framed = False
        self.history = SelectedHistory(source.fleet)

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
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.fleet_dock)
        self._dock_sized = False  # sized to the table on first show, unless a saved layout says otherwise
        self._geometry_restored = False

        self.timeline = TimelineBar()
        self.timeline_bar = QToolBar("Timeline", self)
        self.timeline_bar.setObjectName("timelineToolBar")
        self.timeline_bar.setMovable(False)
        self.timeline_bar.addWidget(self.timeline)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.timeline_bar)
        self.map_bar = QToolBar("Map tools", self)
        self.map_bar.setObjectName("mapToolBar")
        self.map_bar.setMovable(False)
        self.map_bar.addActions([self.map_view.fit_fleet_action, self.map_view.world_action,
                                 self.map_view.legend_action, self.map_view.follow_action])
        self.following_label = ElidingLabel()  # "Following SHIP NAME" while the map follows a ship
        self.following_label.setContentsMargins(8, 0, 8, 0)
        self.map_bar.addWidget(self.following_label)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.map_bar)

        self.menus = ConsoleMenus(self)
        for toggle in (self.fleet_dock.toggleViewAction(), self.timeline_bar.toggleViewAction(),
                       self.map_bar.toggleViewAction()):
            self.menus.add_panel(toggle)
        self.status = ConsoleStatusBar(self)
        self.setStatusBar(self.status)
        # The status labels, by the names the tests and the integrator know them by.
        self.source_label, self.ships_label = self.status.source_label, self.status.ships_label
        self.moment_label, self.selection_label = self.status.moment_label, self.status.selection_label

        self._live_timer = QTimer(self)  # news of events is taken in at most this often, however fast it comes
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_UPDATE_MS)
        self._live_timer.timeout.connect(self._take_in_events)
        self._earliest_news: int | None = None  # earliest occurred_at among events not yet taken in
        self._density_timer = QTimer(self)
        self._density_timer.setSingleShot(True)
        self._density_timer.setInterval(DENSITY_REFRESH_MS)
        self._density_timer.timeout.connect(self.refresh_density)
        self._density_range: tuple[int, int] | None = None

        self.timeline.momentChanged.connect(self.show_moment)
        self.timeline.asKnownThenChanged.connect(self.refresh)
        self.timeline.liveChanged.connect(lambda _on: self._update_status())
        self.timeline.player.playingChanged.connect(lambda _on: self._update_status())
        self.timeline.playSpeedChanged.connect(lambda speed: self._store_setting(PLAY_SPEED, speed))
        self.timeline.set_step_targets(self._selected_report_times)
        self.map_view.shipClicked.connect(self._on_ship_clicked)
        self.map_view.shipDoubleClicked.connect(self.follow_ship)
        self.map_view.followingChanged.connect(self._show_following)
        self.fleet_table.shipSelected.connect(self.select_ship)

        self.timeline.set_play_speed(self._setting(PLAY_SPEED))
        self.timeline.set_time_zone(self.time_zone)
        self.status.set_time_zone(self.time_zone)
        self.fleet_table.set_speed_unit(self.speed_unit)
        self.map_view.set_speed_unit(self.speed_unit)
        if self.trail_minutes not in dict(TRAIL_CHOICES):
            self.trail_minutes = TRAIL_MINUTES.default
        self.menus.show_choices(self.trail_minutes, self.time_zone, self.speed_unit)

        self.live: LiveBridge | None = None
        self._feeds_dialog: FeedsDialog | None = None
        self.settings_target = None  # the running console's jobs, for File › Settings (set by its controller)
        self.docks = ConsoleDocks(self)
        self.zone_console = ZoneConsole(self)
        self._start(at)
        self._restore_layout()

    def _start(self, at: int | None) -> None:
        """Listen to the source and show ``at`` (None: its head, following it live)."""
        self._update_ingest_actions()
        self.zone_console.use_source(self.source.zones)
        self._apply_operator_name()
        self.live = LiveBridge(self.source.fleet, self)
        self.live.eventsArrived.connect(self._on_events)
        time_range = self.source.fleet.time_range()
        self.status.set_store(self.source.fleet.describe(), time_range)  # again only when events arrive
        self.timeline.set_range(time_range)
        self._show_empty_notice(time_range)
        self.refresh_density()
        if at is None:
            self.timeline.set_live(True)
        start = at if at is not None else (time_range[1] if time_range else 0)
        self.timeline.set_moment(start)
        self.timeline.drop_pending_moment()  # drawn right here, not again when the event loop starts
        self.show_moment(self.timeline.moment())

    def set_source(self, source: Console, at: int | None = None) -> None:
        """Show another store's log (the old source is let go, not closed: its owner closes it)."""
        self.timeline.pause()
        if self.live is not None:
            self.live.close()
            self.live.deleteLater()
        self.source = source
        self.history = SelectedHistory(source.fleet)
        QTimer.singleShot(0, lambda: self.docks.use_source(source) if self.source is source else None)
        QTimer.singleShot(0, lambda: let_docks_shrink(self))  # after the docks' panels, should they be new
        self._earliest_news, self._density_range, self._framed = None, None, False
        self.select_ship(None)
        self._start(at)

    # --- the moment ------------------------------------------------------------------------------------------

    def show_moment(self, at: int) -> None:
        """Redraw map, table and status bar at ``at`` (as known then, when that box is ticked)."""
        known_at = self._known_at(at)
        has_reports = self.timeline.time_range() is not None
        fleet = self.source.fleet.state_at(at, known_at) if has_reports else empty_fleet()
        self.fleet, self.moment = fleet, at
        trails = None
        if has_reports and self.trail_minutes:
            trails = self.source.fleet.trails(at, self.trail_minutes * MICROS_PER_MINUTE, known_at)
        self.map_view.show_trails(trails)
        self._show_selected_track()
        self.map_view.show_fleet(fleet, at)
        self.alerts = self.source.alerts.alerts_at(at, known_at) if has_reports else []
        self.map_view.show_alerts(self.alerts)
        self.fleet_table.set_fleet(fleet, at, self._open_alerts() if has_reports else None)
        if not self._framed and len(fleet):
            self.map_view.fit_fleet(leave_out_strays=True)
            self._framed = True
        self._update_status()
        self.momentShown.emit(at)

    def refresh(self) -> None:
        """Redraw the moment shown (the log or the 'as known then' choice changed)."""
        self.show_moment(self.timeline.moment())

    def refresh_density(self) -> None:
        """Recount the events per slice of the log's time for the strip above the slider, if the range changed."""
        time_range = self.timeline.time_range()
        if time_range == self._density_range:
            return
        self._density_range = time_range
        if time_range is None:
            self.timeline.set_density(np.zeros(0, dtype=np.int64))
        else:
            self.timeline.set_density(self.source.fleet.event_density(time_range[0], time_range[1], DENSITY_BINS))
        alerts = self.source.alerts.alerts_at(time_range[1]) if time_range is not None else []
        self.timeline.set_alert_marks([(alert.raised_at, alert.severity) for alert in alerts
                                       if alert.state != "notice"])

    def _open_alerts(self) -> dict[int, int]:
        """How many alerts each ship has open at the moment shown (ships with none left out)."""
        counts: dict[int, int] = {}
        for alert in self.alerts:
            if alert.state == "open" and alert.mmsi is not None:
                counts[alert.mmsi] = counts.get(alert.mmsi, 0) + 1
        return counts

    def _known_at(self, at: int) -> int | None:
        return at if self.timeline.as_known_then() else None

    # --- display choices ----------------------------------------------------------------------------------------

    def set_trail_minutes(self, minutes: int) -> None:
        """Draw each ship's last ``minutes`` of track (0: no trails)."""
        self.trail_minutes = minutes
        self._store_setting(TRAIL_MINUTES, minutes)
        if minutes in self.menus.trail_actions:
            self.menus.trail_actions[minutes].setChecked(True)
        if self.moment is not None:
            self.refresh()

    def set_time_zone(self, zone: str) -> None:
        """Write every time in UTC or local time (``ui.formatting.UTC`` / ``LOCAL``)."""
        self.time_zone = zone
        self._store_setting(TIME_ZONE, zone)
        self.menus.zone_actions[zone].setChecked(True)
        self.timeline.set_time_zone(zone)
        self.status.set_time_zone(zone)
        self._update_status()
        self.timeZoneChanged.emit(zone)

    def set_speed_unit(self, unit: str) -> None:
        """Write speeds in knots or km/h (``ui.formatting.KNOTS`` / ``KMH``)."""
        self.speed_unit = unit
        self._store_setting(SPEED_UNIT, unit)
        self.menus.unit_actions[unit].setChecked(True)
        self.fleet_table.set_speed_unit(unit)
        self.map_view.set_speed_unit(unit)
        self.speedUnitChanged.emit(unit)

    def set_full_screen(self, on: bool) -> None:
        self.showFullScreen() if on else self.showNormal()

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
        self._show_selected_track()
        self._update_status()
        self.selectedShipChanged.emit(mmsi)

    def _on_ship_clicked(self, mmsi: int) -> None:
        self.select_ship(mmsi, reveal=False)

    def follow_ship(self, mmsi: int) -> None:
        """Select a ship and keep the map centred on it (what double-clicking it on the map does)."""
        self.select_ship(mmsi, reveal=False)
        self.map_view.follow_ship(mmsi)

    def _show_following(self, mmsi: int | None) -> None:
        if mmsi is None:
            self.following_label.clear()
            return
        row = self.map_view.ships.row_of(mmsi)
        name = self.fleet.names[row] if row is not None else None
        self.following_label.setText(f"Following {ship_label(name, mmsi)}")

    def _selected_report_times(self) -> np.ndarray | None:
        """The selected ship's report times (what ◂/▸ step through), or None without a selection."""
        return None if self.selected_ship is None else self.history.report_times(self.selected_ship)

    def _show_selected_track(self) -> None:
        """Highlight the selected ship's track from 3 h before the moment (solid) to 3 h after (dashed)."""
        mmsi, at = self.selected_ship, self.moment
        if mmsi is None or at is None or self.timeline.time_range() is None:
            self.map_view.trails.clear_selected_track()
            return
        track, past, ahead = self.history.track_around(mmsi, at, self._known_at(at))
        self.map_view.show_selected_track(track.lon[past], track.lat[past], track.lon[ahead], track.lat[ahead])

    # --- menu commands -----------------------------------------------------------------------------------------

    def choose_store(self) -> None:
        """File › Open store…: ask for a store file, then ``request_open_store``."""
        last = self._setting(LAST_STORE_PATH)
        path, _ = QFileDialog.getOpenFileName(self, "Open store", str(Path(last).parent) if last else "",
                                              STORE_FILTER)
        if path:
            self.request_open_store(path)

    def request_open_store(self, path: str) -> None:
        """Remember ``path`` as the last store and ask the composition root to open it."""
        self._store_setting(LAST_STORE_PATH, str(path))
        self.openStoreRequested.emit(str(path))

    def import_files(self, paths: Sequence[str] | None = None) -> "ImportRun | None":
        """File › Import: ask for files (unless given), then import them on a worker with progress."""
        imports = self.source.imports
        if imports is None or imports.read_only:
            QMessageBox.information(self, "Import", self.menus.import_files.statusTip())
            return None
        if paths is None:
            last = self._setting(LAST_IMPORT_FOLDER)
            paths = choose_files(self, last or "")
        if not paths:
            return None
        self._store_setting(LAST_IMPORT_FOLDER, str(Path(paths[0]).parent))
        return start_import(imports, paths, self)

    def show_feeds(self) -> "FeedsDialog | None":
        """File › Live feeds: the dialog that starts and stops receiver feeds (kept while the window lives)."""
        imports = self.source.imports
        if imports is None:
            return None
        if self._feeds_dialog is None or self._feeds_dialog.control is not imports.feeds:
            self._feeds_dialog = FeedsDialog(imports, self)
        self._feeds_dialog.show()
        self._feeds_dialog.raise_()
        return self._feeds_dialog

    def export_report(self) -> "ReportRun | None":
        """File › Export report: choose range, ships, zone, content and file, then export on a worker with
        progress."""
        reports = self.source.reports
        time_range = self.timeline.time_range()
        if reports is None or time_range is None:
            QMessageBox.information(self, "Export report", "Open a store with events to export a report of it.")
            return None
        zones = sorted(zone.name for zone in self.source.zones.in_force())
        dialog = ReportDialog(time_range, self.moment, self.selected_ship, reports.read_only, self,
                              folder=self._setting(LAST_REPORT_FOLDER), zones=zones)
        if dialog.exec() != ReportDialog.DialogCode.Accepted or dialog.request is None:
            return None
        self._store_setting(LAST_REPORT_FOLDER, str(Path(dialog.path()).parent))
        return start_report(reports, dialog.request, dialog.path(), self)

    def set_operator_name(self, name: str) -> None:
        """Sign what this console appends with ``name`` ('' goes back to the OS user); remembered."""
        name = name.strip()[:80]
        self._store_setting(OPERATOR_NAME, name)
        self._apply_operator_name()

    def _apply_operator_name(self) -> None:
        name = self._setting(OPERATOR_NAME)
        if name and hasattr(self.source, "operator"):
            try:
                self.source.operator = name  # type: ignore[misc]
            except AttributeError:  # a source whose operator is fixed
                pass
        self.status.set_operator(getattr(self.source, "operator", ""), bool(getattr(self.source, "read_only", False)))

    def ask_operator_name(self) -> None:
        """File › Operator name: ask who is on watch."""
        current = getattr(self.source, "operator", "")
        name, ok = QInputDialog.getText(self, "Operator name",
                                        "Sign notes, acknowledgements, imports and reports as:", text=current)
        if ok and name.strip():
            self.set_operator_name(name)

    def _update_ingest_actions(self) -> None:
        imports = self.source.imports
        can_import = imports is not None and not imports.read_only
        self.menus.import_files.setEnabled(can_import)
        self.menus.feeds.setEnabled(can_import)
        self.menus.export_report.setEnabled(self.source.reports is not None)
        why = "" if can_import else " (not available: no writable store is open)"
        self.menus.import_files.setStatusTip(
            "Import NMEA or CSV files (NOAA, DMA, others; gzip and zip too) into this store" + why)

    def find_ship(self) -> None:
        """Go › Find ship: show the fleet dock and put the cursor in its filter box."""
        self.fleet_dock.show()
        self.fleet_dock.raise_()
        self.fleet_table.filter_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.fleet_table.filter_box.selectAll()

    def show_settings(self) -> SettingsDialog:
        """File › Settings: the rules' thresholds, the scheduled report, the background jobs."""
        dialog = SettingsDialog(self.settings_target, self, time_zone=self.time_zone)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def add_dock(self, dock: QDockWidget, area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea) -> None:
        """Add a dock (give it an object name, for the saved layout) and its item under View › Panels."""
        self.addDockWidget(area, dock)
        self.menus.add_panel(dock.toggleViewAction())

    # --- for the composition root -----------------------------------------------------------------------------

    def set_feed_state(self, text: str, warning: bool = False) -> None:
        """The live feed's state and rate in the status bar, e.g. 'demo fleet · 26 ev/s' ('' hides it); with
        ``warning``, a job's failure, in the warning colour."""
        self.status.set_feed_state(text, warning)

    def set_integrity(self, text: str) -> None:
        """The hash chain's state in the status bar, e.g. 'chain verified ✓' ('' hides it)."""
        self.status.set_integrity(text)

    # --- live ---------------------------------------------------------------------------------------------------

    def _on_events(self, events: Sequence[RecordedEvent]) -> None:
        self.docks.add_events(events)
        self.zone_console.add_events(events)
        if self.timeline.is_live():  # replaying the past, new alerts are in the dock, not announced
            raised = [e.event.summary for e in events
                      if isinstance(e.event, AlertEvent) and e.event.NEEDS_ACKNOWLEDGEMENT]
            self.status.notify_alerts(raised)
        earliest = min(event.occurred_at for event in events)
        self._earliest_news = earliest if self._earliest_news is None else min(earliest, self._earliest_news)
        if not self._live_timer.isActive():
            self._live_timer.start()

    def _take_in_events(self) -> None:
        earliest, self._earliest_news = self._earliest_news, None
        self.history.forget()
        time_range = self.source.fleet.time_range()
        self.status.set_store(self.source.fleet.describe(), time_range)
        first_range = self.timeline.time_range() is None
        self.timeline.set_range(time_range)  # when Live, this moves to the head
        self._show_empty_notice(time_range)
        if first_range:
            self.refresh_density()
        elif not self._density_timer.isActive():
            self._density_timer.start()
        if not self.timeline.is_live() and earliest is not None and self.moment is not None \
                and earliest <= self.moment:
            self.refresh()  # a late report changes the moment shown

    # --- status -------------------------------------------------------------------------------------------------

    def mode_text(self) -> str:
        """'live', 'replay' or 'playing 600×', then '· as known then' when that box is ticked."""
        if self.timeline.is_live():
            mode = "live"
        elif self.timeline.is_playing():
            mode = f"playing {self.timeline.play_speed():,}×"
        else:
            mode = "replay"
        return f"{mode} · as known then" if self.timeline.as_known_then() else mode

    def _update_status(self) -> None:
        moment = self.moment if self.timeline.time_range() is not None else None
        self.status.set_view(len(self.fleet), moment, self.mode_text(), self._selection_text())

    def _selection_text(self) -> str:
        if self.selected_ship is None:
            return ""
        row = self.map_view.ships.row_of(self.selected_ship)
        if row is None:
            return f"Selected: MMSI {self.selected_ship} (no report by this moment)"
        return f"Selected: {ship_label(self.fleet.names[row], self.selected_ship)}"

    def _show_empty_notice(self, time_range: tuple[int, int] | None) -> None:
        """Over an open store with no reports, say how to fill it (not while a store is still opening)."""
        opening = bool(getattr(self.source, "opening", False))
        self.empty_notice.show_for(time_range is None and not opening,
                                   read_only=bool(getattr(self.source, "read_only", False)))

    def _size_dock(self) -> None:
        width = min(self.fleet_table.preferred_width(), max(320, self.width() * 2 // 5))
        self.resizeDocks([self.fleet_dock], [width], Qt.Orientation.Horizontal)

    # --- settings -------------------------------------------------------------------------------------------------

    def _setting(self, setting):
        return setting.default if self.settings is None else self.settings.get(setting)

    def _store_setting(self, setting, value) -> None:
        if self.settings is not None:
            self.settings.set(setting, value)

    def _restore_layout(self) -> None:
        if self.settings is None:
            return
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
            self._size_dock()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.timeline.pause()
        self.docks.shutdown()
        if self.live is not None:
            self.live.close()
        if self.settings is not None:
            self.settings.set(WINDOW_GEOMETRY, self.saveGeometry())
            self.settings.set(WINDOW_STATE, self.saveState())
            self.settings.sync()
        super().closeEvent(event)
