"""The Ship aggregate: what the log says about one ship, rebuilt by folding its events.

Reports arrive late and out of order, so the newest fact by ``occurred_at`` wins, not the last one
appended: a position older than the one already known does not move the ship back, and each static field
keeps the value set by the latest event that set it (ties go to the later event in the log).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Mapping

from domain.events import Event, PositionReported, ShipDetailsChanged, ShipRegistered

STATIC_FIELDS = ("name", "imo", "callsign", "ship_type", "length", "beam", "destination", "draught", "eta")
_NO_STAMPS: Mapping[str, int] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ShipState:
    """The public view of a ship at a moment: what ``state`` prints and the map shows."""

    mmsi: int
    name: str | None
    ship_type: str | None
    lat: float
    lon: float
    sog: float | None
    cog: float | None
    heading: int | None
    nav_status: str | None
    last_report_at: int
    destination: str | None = None


@dataclass(frozen=True, slots=True)
class Ship:
    """Everything known about one ship; immutable, changed only by ``evolve``."""

    mmsi: int
    name: str | None = None
    imo: int | None = None
    callsign: str | None = None
    ship_type: str | None = None
    length: float | None = None
    beam: float | None = None
    destination: str | None = None
    draught: float | None = None
    eta: int | None = None
    lat: float | None = None
    lon: float | None = None
    sog: float | None = None
    cog: float | None = None
    heading: int | None = None
    nav_status: str | None = None
    last_report_at: int | None = None
    reports: int = 0
    static_stamps: Mapping[str, int] = field(default_factory=lambda: _NO_STAMPS)

    def evolve(self, event: Event) -> "Ship":
        """The ship after ``event``; events about other things leave it unchanged."""
        if isinstance(event, PositionReported):
            return self._with_position(event)
        if isinstance(event, (ShipRegistered, ShipDetailsChanged)):
            return self._with_details(event)
        return self

    def _with_position(self, report: PositionReported) -> "Ship":
        if self.last_report_at is not None and report.occurred_at < self.last_report_at:
            return replace(self, reports=self.reports + 1)
        return replace(self, lat=report.lat, lon=report.lon, sog=report.sog, cog=report.cog, heading=report.heading,
                       nav_status=report.nav_status, last_report_at=report.occurred_at, reports=self.reports + 1)

    def _with_details(self, event: ShipRegistered | ShipDetailsChanged) -> "Ship":
        changes: dict[str, object] = {}
        stamps = dict(self.static_stamps)
        for name in STATIC_FIELDS:
            value = getattr(event, name, None)
            if value is None:
                continue
            stamp = stamps.get(name)
            if stamp is None or event.occurred_at >= stamp:
                changes[name] = value
                stamps[name] = event.occurred_at
        if not changes:
            return self
        return replace(self, static_stamps=MappingProxyType(stamps), **changes)  # type: ignore[arg-type]

    @property
    def has_position(self) -> bool:
        return self.last_report_at is not None

    def view(self) -> ShipState:
        """The public view; only meaningful once the ship has a position."""
        if self.lat is None or self.lon is None or self.last_report_at is None:
            raise ValueError(f"ship {self.mmsi} has no position yet")
        return ShipState(self.mmsi, self.name, self.ship_type, self.lat, self.lon, self.sog, self.cog, self.heading,
                         self.nav_status, self.last_report_at, self.destination)
