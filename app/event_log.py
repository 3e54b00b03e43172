"""What the event log view asks for: which events (a query) and a page of them at a time."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventQuery:
    """Events of one ship (or all), of some types (or all), that occurred within a window (or any time)."""

    mmsi: int | None = None
    types: frozenset[str] | None = None
    occurred_from: int | None = None
    occurred_to: int | None = None
