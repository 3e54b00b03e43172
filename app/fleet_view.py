"""The fleet view: what the console and the reports ask of the fleet at a moment — every ship's state and
trail, one ship's track and particulars, the reports' density over time — read from the index (held still
by the service while it is read) and, for a ship's particulars, from its stream in the store."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

import numpy as np

from app.event_bus import Subscriber
from app.fleet_service import FleetService
from domain.events import RecordedEvent, ShipDetailsChanged, ShipRegistered, ship_stream
from domain.ship import Ship, ShipState
from domain.temporal_index import FleetArrays
from domain.tracks import Track, Trails


class FleetView:
    """The fleet of one service, as it was (or as it was known) at any moment."""

    def __init__(self, service: FleetService):
        self._service = service
        self.store = service.store
        self._static_cache: dict[int, list[RecordedEvent]] = {}
        service.subscribe(self._forget_static)

    def state_at(self, at: int, known_at: int | None = None) -> FleetArrays:
        """Every positioned ship at ``at``; with ``known_at``, only reports recorded by then."""
        with self._service.reading() as index:
            return index.state_at(at, known_at)

    def trails(self, at: int, window: int, known_at: int | None = None, mmsis: np.ndarray | None = None) -> Trails:
        """Every ship's reports with ``at - window < occurred_at <= at`` (recorded by ``known_at``); with
        ``mmsis``, only those ships'."""
        with self._service.reading() as index:
            return index.trails(at, window, known_at, mmsis)

    def track(self, mmsi: int, start: int, end: int, known_at: int | None = None) -> Track:
        """One ship's reports with ``start <= occurred_at <= end`` (recorded by ``known_at``), in time order."""
        with self._service.reading() as index:
            return index.track(mmsi, start, end, known_at)

    def report_times(self, mmsi: int) -> np.ndarray:
        """Sorted ``occurred_at`` of all of one ship's reports (to step to its previous/next report)."""
        with self._service.reading() as index:
            return index.report_times(mmsi)

    def ships_reporting(self, start: int, end: int) -> list[int]:
        """The MMSIs of the ships that reported between ``start`` and ``end`` (inclusive), sorted."""
        with self._service.reading() as index:
            return index.ships_reporting(start, end)

    def event_density(self, start: int, end: int, bins: int) -> np.ndarray:
        """Reports per time slice (position reports are nearly all of the log)."""
        with self._service.reading() as index:
            return index.report_density(start, end, bins)

    def time_range(self) -> tuple[int, int] | None:
        """First and last ``occurred_at`` of any report; None while the log has none."""
        with self._service.reading() as index:
            return index.time_range()

    @property
    def event_count(self) -> int:
        return self._service.event_count

    def describe(self) -> str:
        """A line for the status bar, e.g. 'demo.sqlite · 1,234,567 events'."""
        return f"{self.store.describe()} · {self.event_count:,} events"

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call ``subscriber`` (from any thread) with each batch of newly committed events."""
        return self._service.subscribe(subscriber)

    def ship_details(self, mmsi: int, at: int, known_at: int | None = None) -> Ship | None:
        """Everything known of one ship at ``at``: its static and voyage data folded from its stream, and
        its position from the index."""
        ship = Ship(mmsi=mmsi)
        for recorded in self._static_events(mmsi):
            if recorded.occurred_at <= at and (known_at is None or recorded.recorded_at <= known_at):
                ship = ship.evolve(recorded.event)
        fleet = self.state_at(at, known_at)
        rows = np.flatnonzero(fleet.mmsi == mmsi)
        if rows.size:
            state = _state_of(fleet, int(rows[0]))
            ship = replace(ship, lat=state.lat, lon=state.lon, sog=state.sog, cog=state.cog, heading=state.heading,
                           nav_status=state.nav_status, last_report_at=state.last_report_at)
        elif not ship.static_stamps:
            return None
        return ship

    def _static_events(self, mmsi: int) -> list[RecordedEvent]:
        cached = self._static_cache.get(mmsi)
        if cached is None:
            cached = self.store.read_page(stream_id=ship_stream(mmsi), limit=100_000,
                                          type_names=(ShipRegistered.TYPE, ShipDetailsChanged.TYPE))
            self._static_cache[mmsi] = cached
        return cached

    def _forget_static(self, events: Sequence[RecordedEvent]) -> None:
        for recorded in events:
            if isinstance(recorded.event, (ShipRegistered, ShipDetailsChanged)):
                self._static_cache.pop(recorded.event.mmsi, None)


def _state_of(fleet: FleetArrays, row: int) -> ShipState:
    """One row of a fleet picture as a ``ShipState``."""
    single = FleetArrays(**{name: getattr(fleet, name)[row:row + 1] for name in FleetArrays.__dataclass_fields__})
    return single.ship_states()[0]
