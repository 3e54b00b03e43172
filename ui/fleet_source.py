"""What the UI needs from the application: the fleet at any moment, and news of events as they commit.

The real implementation is ``app.FleetService``; tests use a small in-memory one over a ``TemporalIndex``.
"""
from __future__ import annotations

from typing import Callable, Protocol, Sequence, runtime_checkable

from domain.events import RecordedEvent
from domain.temporal_index import FleetArrays

Unsubscribe = Callable[[], None]


@runtime_checkable
class FleetSource(Protocol):
    """The read side of the fleet log, as the window sees it."""

    def time_range(self) -> tuple[int, int] | None:
        """First and last ``occurred_at`` (µs UTC) of any report; None while the log is empty."""
        ...

    def state_at(self, at: int, known_at: int | None = None) -> FleetArrays:
        """Every positioned ship at ``at``; with ``known_at``, only reports recorded by then."""
        ...

    def describe(self) -> str:
        """A one-line description for the status bar, e.g. 'demo.sqlite · 1,234,567 events'."""
        ...

    def subscribe(self, callback: Callable[[Sequence[RecordedEvent]], None]) -> Unsubscribe:
        """Call ``callback`` (from any thread) with each batch of newly committed events."""
        ...
