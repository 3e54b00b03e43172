"""The console's docks beside the fleet table — ship detail, event log, alerts — and how they follow the
console's state.

The ``ConsoleState`` owns the moment and the selected ship; these docks only listen: a new selection or a
moment shown updates the detail panel, the alerts and the event log's 'selected ship' filter. What the
operator does in them goes back to the state as a command: a double-clicked event or alert moves the
moment to it and selects its ship, 'Full history' turns the event log to that ship. The window places the
docks (``detail_dock``, ``event_log_dock``, ``alerts_dock``).
"""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDockWidget, QWidget

from app.console import Console
from domain.events import RecordedEvent
from ui.alerts_panel import AlertsPanel
from ui.console_state import ConsoleState
from ui.event_log import EventLogPanel
from ui.event_log_model import mmsi_of_stream
from ui.moment_display import MomentDisplay
from ui.ship_detail import ShipDetailPanel


class ConsoleDocks(QObject):
    """The ship detail, event log and alerts docks of one console, kept in step with its state."""

    def __init__(self, state: ConsoleState, display: MomentDisplay, source: Console, parent: QWidget) -> None:
        super().__init__(parent)
        self.state, self.display = state, display
        self.detail_dock = QDockWidget("Ship detail", parent)
        self.detail_dock.setObjectName("shipDetailDock")
        self.event_log_dock = QDockWidget("Event log", parent)
        self.event_log_dock.setObjectName("eventLogDock")
        self.alerts_dock = QDockWidget("Alerts", parent)
        self.alerts_dock.setObjectName("alertsDock")
        self.detail: ShipDetailPanel | None = None
        self.event_log: EventLogPanel | None = None
        self.alerts: AlertsPanel | None = None
        self.use_source(source)
        state.selectionChanged.connect(self._follow_selection)
        display.momentShown.connect(self._follow_moment)

    def use_source(self, console: Console) -> None:
        """Point the panels at a console's roles: built at start, handed the new ones when another store is
        opened (the window asks one event-loop turn after switching, so the two are separate frames)."""
        if self.detail is not None and self.event_log is not None and self.alerts is not None:
            self.detail.set_source(console.fleet, console.logbook)
            self.event_log.set_source(console.fleet, console.logbook)
            self.alerts.set_source(console.alerts, console.fleet)
            if self.state.moment is not None:
                self._follow_moment(self.state.moment)
            return
        self.shutdown()
        # The panels hear of new events through the console's own bridge (one subscription per window).
        self.detail = ShipDetailPanel(console.fleet, console.logbook, live=False)
        self.event_log = EventLogPanel(console.fleet, console.logbook, live=False)
        self.alerts = AlertsPanel(console.alerts, console.fleet)
        self.detail.historyRequested.connect(self.show_history)
        self.event_log.eventActivated.connect(self._go_to_event)
        self.alerts.shipSelected.connect(self.state.select_ship)
        self.alerts.alertActivated.connect(lambda alert: self._go_to(alert.raised_at, alert.mmsi))
        self.alerts.alertAcknowledged.connect(lambda _event: self.display.refresh())  # board and counts anew
        self.detail_dock.setWidget(self.detail)
        self.event_log_dock.setWidget(self.event_log)
        self.alerts_dock.setWidget(self.alerts)
        if self.state.moment is not None:
            self._follow_moment(self.state.moment)

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
        self._follow_moment(self.state.moment)

    def _follow_moment(self, at: int | None) -> None:
        if self.detail is None or self.alerts is None or at is None:
            return
        known_at = self.state.known_at(at)
        self.detail.show_ship(self.state.selected_ship, at, known_at)
        board = self.display.alerts if at == self.state.moment else None
        self.alerts.show_moment(at, known_at, fleet=self.display.fleet, board=board, live=self.state.live)

    def show_history(self, mmsi: int) -> None:
        """Turn the event log to one ship's whole history and bring it to the front."""
        if self.event_log is not None:
            self.event_log.show_ship_history(mmsi)
            self.event_log_dock.show()
            self.event_log_dock.raise_()

    def _go_to_event(self, recorded: RecordedEvent) -> None:
        """Move the moment to a double-clicked event and select its ship."""
        self._go_to(recorded.occurred_at, mmsi_of_stream(recorded.stream_id))

    def _go_to(self, at: int, mmsi: int | None) -> None:
        self.state.go_to(at)
        if mmsi is not None:
            self.state.select_ship(mmsi)
