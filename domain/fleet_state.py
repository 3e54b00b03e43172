"""FleetState: the plain fold of the log. It is the definition of 'state at T' and the oracle that the
fast temporal index is tested against, so it stays simple forever.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from domain.events import Event, RecordedEvent, ShipEvent
from domain.ship import Ship, ShipState


@dataclass(frozen=True, slots=True)
class FleetState:
    """Every ship the log knows, by MMSI."""

    ships: Mapping[int, Ship] = field(default_factory=dict)

    def ship(self, mmsi: int) -> Ship | None:
        return self.ships.get(mmsi)

    def positioned(self) -> list[ShipState]:
        """Views of the ships that have a position, sorted by MMSI."""
        return [self.ships[m].view() for m in sorted(self.ships) if self.ships[m].has_position]


def evolve(state: FleetState, event: Event) -> FleetState:
    """The fleet after one event. Deterministic: no clock, no I/O."""
    mmsi = getattr(event, "mmsi", None)
    if not isinstance(event, ShipEvent) or mmsi is None:
        return state
    before = state.ships.get(mmsi) or Ship(mmsi=mmsi)
    after = before.evolve(event)
    if after is before:
        return state
    ships = dict(state.ships)
    ships[mmsi] = after
    return FleetState(ships)


def replay(events: Iterable[RecordedEvent], at: int | None = None, known_at: int | None = None) -> FleetState:
    """Fold the events (in log order) that had occurred by ``at`` and were recorded by ``known_at``.

    Equivalent to folding ``evolve`` over the filtered events; a private dict avoids copying the
    fleet once per event.
    """
    ships: dict[int, Ship] = {}
    for recorded in events:
        if at is not None and recorded.occurred_at > at:
            continue
        if known_at is not None and recorded.recorded_at > known_at:
            continue
        event = recorded.event
        if not isinstance(event, ShipEvent):
            continue
        ship = ships.get(event.mmsi) or Ship(mmsi=event.mmsi)
        ships[event.mmsi] = ship.evolve(event)
    return FleetState(ships)
