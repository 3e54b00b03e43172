"""The console's docks beside the fleet table — ship detail, event log, alerts — and how they follow
the window.

The window owns the moment and the selected ship; these docks only listen: a new selection or moment
updates the detail panel and the event log's 'selected ship' filter, a double-clicked event moves the
timeline to it, and 'Full history' turns the event log to that ship.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget

from domain.events import RecordedEvent
from ui.alerts_panel import AlertsPanel
from ui.event_log import EventLogPanel
from ui.event_log_model import mmsi_of_stream
from app.console import Console
from ui.ship_detail import ShipDetailPanel


class ConsoleDocks(QObject):
    """Builds the ship detail and event log docks into a ``MainWindow`` and keeps them in step with it."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.detail_dock = QDockWidget("Ship detail", window)
        self.detail_dock.setObjectName("shipDetailDock")
        self.event_log_dock = QDockWidget("Event log", window)
        self.event_log_dock.setObjectName("eventLogDock")
        self.alerts_dock = QDockWidget("Alerts", window)
        self.alerts_dock.setObjectName("alertsDock")
        self.detail: ShipDetailPanel | None = None
        self.event_log: EventLogPanel | None = None
        self.alerts: AlertsPanel | None = None
        self.use_source(window.source)
        window.add_dock(self.detail_dock, Qt.DockWidgetArea.RightDockWidgetArea)
        window.add_dock(self.event_log_dock, Qt.DockWidgetArea.RightDockWidgetArea)
        window.add_dock(self.alerts_dock, Qt.DockWidgetArea.RightDockWidgetArea)
        window.splitDockWidget(window.fleet_dock, self.detail_dock, Qt.Orientation.Vertical)
        window.tabifyDockWidget(self.detail_dock, self.event_log_dock)
        window.tabifyDockWidget(self.event_log_dock, self.alerts_dock)
        window.resizeDocks([window.fleet_dock, self.detail_dock], [3, 2], Qt.Orientation.Vertical)
        self.detail_dock.raise_()
        window.selectedShipChanged.connect(self._follow_selection)
        window.momentShown.connect(self._follow_moment)

    def use_source(self, console: Console) -> None:
        """Point the panels at a console's roles: built at start, handed the new ones when another store is
        opened (the window asks one event-loop turn after switching, so the two are separate frames)."""
        if self.detail is not None and self.event_log is not None and self.alerts is not None:
            self.detail.set_source(console.fleet, console.logbook)
            self.event_log.set_source(console.fleet, console.logbook)
            self.alerts.set_source(console.alerts, console.fleet)
            if self.window.moment is not None:
                self._follow_moment(self.window.moment)
            return
        self.shutdown()
        # The panels hear of new events through the window's own bridge (one subscription per window).
        self.detail = ShipDetailPanel(console.fleet, console.logbook, live=False)
        self.event_log = EventLogPanel(console.fleet, console.logbook, live=False)
        self.alerts = AlertsPanel(console.alerts, console.fleet)
        self.detail.historyRequested.connect(self._show_history)
        self.event_log.eventActivated.connect(self._go_to_event)
        self.alerts.shipSelected.connect(self.window.select_ship)
        self.alerts.alertActivated.connect(lambda alert: self._go_to(alert.raised_at, alert.mmsi))
        self.alerts.alertAcknowledged.connect(lambda _event: self.window.refresh())  # board and table counts anew
        self.detail_dock.setWidget(self.detail)
        self.event_log_dock.setWidget(self.event_log)
        self.alerts_dock.setWidget(self.alerts)
        if self.window.moment is not None:
            self._follow_moment(self.window.moment)

    def add_events(self, events) -> None:
        """News of committed events, on the GUI thread."""
        for panel in (self.detail, self.event_log):
            if panel is not None:
                panel.add_events(events)

    def shutdown(self) -> None:
        for panel in (self.detail, self.event_log):
            if panel is not None:
                panel.shutdown()
                panel.deleteLater()
        if self.alerts is not None:
            self.alerts.deleteLater()
        self.detail = self.event_log = self.alerts = None

    def _follow_selection(self, mmsi: int | None) -> None:
        if self.event_log is not None:
            self.event_log.set_selected_ship(mmsi)
        self._follow_moment(self.window.moment)

    def _follow_moment(self, at: int | None) -> None:
        if self.detail is None or self.alerts is None or at is None:
            return
        known_at = self.window._known_at(at)
        self.detail.show_ship(self.window.selected_ship, at, known_at)
        board = self.window.alerts if at == self.window.moment else None
        self.alerts.show_moment(at, known_at, fleet=self.window.fleet, board=board)

    def _show_history(self, mmsi: int) -> None:
        if self.event_log is not None:
            self.event_log.show_ship_history(mmsi)
            self.event_log_dock.show()
            self.event_log_dock.raise_()

    def _go_to_event(self, recorded: RecordedEvent) -> None:
        """Move the timeline to the moment of a double-clicked event and select its ship."""
        self._go_to(recorded.occurred_at, mmsi_of_stream(recorded.stream_id))

    def _go_to(self, at: int, mmsi: int | None) -> None:
        self.window.timeline.set_moment(at)
        if mmsi is not None:
            self.window.select_ship(mmsi)
