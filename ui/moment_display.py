"""The moment on screen: the fleet, its trails and alerts on the map and in the table, the selected ship's
track, and the status bar's account of them, all at the moment the ``ConsoleState`` names.

For each moment it asks the source once for the fleet, the trails leading to it and the alert board (as
known then, when the state says so), hands them to the map and the table, and then says ``momentShown``:
the docks, which follow it, find the fleet and the board here rather than asking again. The map and the
table only draw; a click on either goes to the state as a command and comes back as its signal.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from app.console import Console
from domain.temporal_index import FleetArrays
from domain.time import MICROS_PER_MINUTE
from ui.console_state import ConsoleState
from ui.eliding_label import ElidingLabel
from ui.empty_console import EmptyConsoleNotice
from ui.fleet_model import empty_fleet
from ui.fleet_table import FleetTable
from ui.formatting import ship_label
from ui.map.map_view import MapView
from ui.selected_history import SelectedHistory
from ui.status_bar import ConsoleStatusBar
from ui.timeline import TimelineBar


class MomentDisplay(QObject):
    """Draws the state's moment on the map, the table and the status bar, and keeps them in step with it."""

    momentShown = Signal("qint64")  # the moment now on screen (µs UTC), after map and table updated

    def __init__(self, state: ConsoleState, source: Console, map_view: MapView, table: FleetTable,
                 timeline: TimelineBar, status: ConsoleStatusBar, following_label: ElidingLabel,
                 empty_notice: EmptyConsoleNotice, parent: QObject | None = None):
        super().__init__(parent)
        self.state, self.source = state, source
        self.map_view, self.table, self.timeline, self.status = map_view, table, timeline, status
        self.following_label, self.empty_notice = following_label, empty_notice
        self.fleet: FleetArrays = empty_fleet()
        self.alerts: list = []  # the alert board at the moment shown (AlertView), asked once per moment
        self.history = SelectedHistory(source.fleet)
        self.framed = False  # the map was fitted to the first fleet shown
        self._trail_ships: np.ndarray | None = None  # the ships whose trails are drawn (None: all)
        map_view.viewSettled.connect(self._on_view_settled)

        state.momentChanged.connect(self.show_moment)
        state.asKnownThenChanged.connect(lambda _on: self.refresh())
        state.trailMinutesChanged.connect(lambda _minutes: self.refresh())
        state.selectionChanged.connect(self._show_selection)
        state.revealRequested.connect(map_view.ensure_visible)
        state.followedChanged.connect(self._show_following)
        state.liveChanged.connect(lambda _on: self.update_status())
        state.timeZoneChanged.connect(self._use_time_zone)
        state.speedUnitChanged.connect(table.set_speed_unit)
        state.speedUnitChanged.connect(map_view.set_speed_unit)
        timeline.player.playingChanged.connect(lambda _on: self.update_status())
        timeline.set_step_targets(self.selected_report_times)
        map_view.shipClicked.connect(lambda mmsi: state.select_ship(mmsi, reveal=False))
        map_view.shipDoubleClicked.connect(state.follow)
        map_view.followingChanged.connect(state.set_followed)
        table.shipSelected.connect(state.select_ship)
        status.set_time_zone(state.time_zone)
        table.set_speed_unit(state.speed_unit)
        map_view.set_speed_unit(state.speed_unit)

    def use_source(self, source: Console) -> None:
        """Draw another store's log from now on (framing the map anew on its first fleet)."""
        self.source, self.history, self.framed = source, SelectedHistory(source.fleet), False

    # --- the moment ---------------------------------------------------------------------------------------------

    def show_moment(self, at: int) -> None:
        """Redraw map, table and status bar at ``at`` (as known then, when the state says so)."""
        known_at = self.state.known_at(at)
        has_reports = self.timeline.time_range() is not None
        fleet = self.source.fleet.state_at(at, known_at) if has_reports else empty_fleet()
        self.fleet = fleet
        self.map_view.show_fleet(fleet, at)
        self.alerts = self.source.alerts.alerts_at(at, known_at) if has_reports else []
        self.map_view.show_alerts(self.alerts)
        self.status.set_urgent_alert(self.alerts, self.fleet)
        self._show_trails(at)
        self._show_selected_track()
        self.table.set_fleet(fleet, at, self._open_alerts() if has_reports else None)
        if not self.framed and len(fleet):
            self.map_view.fit_fleet(leave_out_strays=True)
            self.framed = True
        self.update_status()
        self.momentShown.emit(at)

    def _show_trails(self, at: int | None) -> None:
        """The trails leading to ``at``, of the ships the map draws trails for at its zoom."""
        minutes = self.state.trail_minutes
        self._trail_ships = self.map_view.trail_ships()
        trails = None
        if at is not None and minutes and self.timeline.time_range() is not None:
            trails = self.source.fleet.trails(at, minutes * MICROS_PER_MINUTE, self.state.known_at(at),
                                              self._trail_ships)
        self.map_view.show_trails(trails)

    def _on_view_settled(self) -> None:
        """After a zoom or pan: the trails of the ships now in view (when they are others)."""
        ships = self.map_view.trail_ships()
        same = (ships is None and self._trail_ships is None) or (
            ships is not None and self._trail_ships is not None and np.array_equal(ships, self._trail_ships))
        if not same and self.state.moment is not None:
            self._show_trails(self.state.moment)

    def refresh(self) -> None:
        """Redraw the moment shown (the log or a choice changed); nothing before the first moment."""
        if self.state.moment is not None:
            self.show_moment(self.state.moment)

    def take_in(self, earliest: int) -> None:
        """The log grew with events from ``earliest`` (occurred_at) on: a late report for the moment shown
        redraws it (when Live, the timeline moves to the head and that draws)."""
        self.history.forget()
        self.show_empty_notice(self.timeline.time_range())
        if not self.state.live and self.state.moment is not None and earliest <= self.state.moment:
            self.refresh()

    def _open_alerts(self) -> dict[int, int]:
        """How many alerts each ship has open at the moment shown (ships with none left out)."""
        counts: dict[int, int] = {}
        for alert in self.alerts:
            if alert.is_open:
                for mmsi in alert.ships or (alert.mmsi,):
                    counts[mmsi] = counts.get(mmsi, 0) + 1
        return counts

    # --- selection ----------------------------------------------------------------------------------------------

    def _show_selection(self, mmsi: int | None) -> None:
        self.map_view.select_ship(mmsi)
        self.table.select_ship(mmsi)
        self._on_view_settled()  # a selected ship has its trail at every zoom
        self._show_selected_track()
        self.update_status()

    def _show_following(self, mmsi: int | None) -> None:
        if mmsi is None:
            self.map_view.stop_following()
            self.following_label.clear()
            return
        if self.map_view.following != mmsi:
            self.map_view.follow_ship(mmsi)
            if self.map_view.following != mmsi:  # the map keeps still while a zone is drawn or edited
                self.state.set_followed(self.map_view.following)
                return
        row = self.map_view.ships.row_of(mmsi)
        name = self.fleet.names[row] if row is not None else None
        self.following_label.setText(f"Following {ship_label(name, mmsi)}")

    def selected_report_times(self) -> np.ndarray | None:
        """The selected ship's report times (what ◂/▸ step through), or None without a selection."""
        mmsi = self.state.selected_ship
        return None if mmsi is None else self.history.report_times(mmsi)

    def _show_selected_track(self) -> None:
        """Highlight the selected ship's track from 3 h before the moment (solid) to 3 h after (dashed)."""
        mmsi, at = self.state.selected_ship, self.state.moment
        if mmsi is None or at is None or self.timeline.time_range() is None:
            self.map_view.trails.clear_selected_track()
            return
        track, past, ahead = self.history.track_around(mmsi, at, self.state.known_at(at))
        self.map_view.show_selected_track(track.lon[past], track.lat[past], track.lon[ahead], track.lat[ahead])

    # --- status -------------------------------------------------------------------------------------------------

    def mode_text(self) -> str:
        """'live', 'replay' or 'playing 600×', then '· as known then' when that box is ticked."""
        if self.state.live:
            mode = "live"
        elif self.timeline.is_playing():
            mode = f"playing {self.timeline.play_speed():,}×"
        else:
            mode = "replay"
        return f"{mode} · as known then" if self.state.as_known_then else mode

    def update_status(self) -> None:
        moment = self.state.moment if self.timeline.time_range() is not None else None
        self.status.set_view(len(self.fleet), moment, self.mode_text(), self._selection_text())

    def _selection_text(self) -> str:
        mmsi = self.state.selected_ship
        if mmsi is None:
            return ""
        row = self.map_view.ships.row_of(mmsi)
        if row is None:
            return f"Selected: MMSI {mmsi} (no report by this moment)"
        return f"Selected: {ship_label(self.fleet.names[row], mmsi)}"

    def _use_time_zone(self, zone: str) -> None:
        self.status.set_time_zone(zone)
        self.update_status()

    def show_empty_notice(self, time_range: tuple[int, int] | None) -> None:
        """Over an open store with no reports, say how to fill it (not while a store is still opening)."""
        self.empty_notice.show_for(time_range is None and not self.source.opening, read_only=self.source.read_only)
