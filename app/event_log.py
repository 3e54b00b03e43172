"""What the event log view asks for: which events (a query) and a page of them at a time."""
from __future__ import annotations

from dataclasses import dataclass

from domain.events import RecordedEvent, ship_stream


@dataclass(frozen=True)
class EventQuery:
    """Events of one ship (or all), of some types (or all), that occurred within a window (or any time)."""

    mmsi: int | None = None
    types: frozenset[str] | None = None
    occurred_from: int | None = None
    occurred_to: int | None = None

    def matches(self, event: RecordedEvent) -> bool:
        """Whether an event is one this query asks for (both time bounds inclusive)."""
        if self.mmsi is not None and event.stream_id != ship_stream(self.mmsi):
            return False
        if self.types is not None and event.type not in self.types:
            return False
        if self.occurred_from is not None and event.occurred_at < self.occurred_from:
            return False
        return self.occurred_to is None or event.occurred_at <= self.occurred_to
