"""What a console is handed: the use cases of one open store, shaped by role, and who signs what it appends.

``Console.over(service)`` is the one place they are built (for the console session, the CLI and the tests):

- ``fleet``: the fleet view — state and trails at a moment, a ship's track and particulars, density, range;
- ``alerts``: the alert desk — the alerts at a moment, acknowledging them;
- ``zones``: the zone desk — the zones in force, define, remove, import and export GeoJSON;
- ``logbook``: event pages, a ship's history, notes and corrections;
- ``imports``: AIS files and live feeds;
- ``reports``: audit reports, exported and logged.

Each takes only what it needs from the service (its ``append``, its store to read, its index to read);
none holds another. ``operator`` is shared: set on the console, every desk signs with the new name.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from app.alert_desk import AlertDesk
from app.alerts import AlertLog
from app.fleet_service import FleetService
from app.fleet_view import FleetView
from app.imports import Imports
from app.logbook import Logbook
from app.operator import default_operator
from app.report_export import ReportDesk
from app.zone_desk import ZoneDesk
from domain.time import now_micros


@dataclass(eq=False)
class Console:
    """The roles over one open store."""

    fleet: FleetView
    alerts: AlertDesk
    zones: ZoneDesk
    logbook: Logbook
    imports: Imports | None     # None while no store is open: nothing can come in
    reports: ReportDesk | None  # None while no store is open: nothing to report
    read_only: bool
    opening: bool = False       # a placeholder while the store opens (the window says nothing of an empty log)

    @classmethod
    def over(cls, service: FleetService, *, operator: str | None = None,
             clock: Callable[[], int] = now_micros) -> "Console":
        """The roles over ``service``, signed by ``operator`` (default: ``app.operator.default_operator``)."""
        who = operator or default_operator()
        store, append = service.store, service.append
        fleet = FleetView(service)
        board = AlertLog(store, append, clock=clock)
        service.subscribe(board.notice)
        alerts = AlertDesk(board, operator=who, read_only=service.read_only)
        return cls(fleet=fleet, alerts=alerts, zones=ZoneDesk(store, append, operator=who, clock=clock),
                   logbook=Logbook(store, append, fleet, operator=who, clock=clock),
                   imports=Imports(store, append, operator=who, clock=clock),
                   reports=ReportDesk(fleet, alerts, append, operator=who, clock=clock),
                   read_only=service.read_only)

    @property
    def operator(self) -> str:
        """Who signs what this console appends."""
        return self.logbook.operator

    @operator.setter
    def operator(self, name: str) -> None:
        for desk in (self.alerts, self.zones, self.logbook, self.imports, self.reports):
            if desk is not None:
                desk.operator = name
