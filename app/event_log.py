"""What the event log view asks for: which events (a query) and a page of them at a time, found by a search
that reads the log in steps (so that a worker can report on it and stop it)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

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


SEARCH_STEP = 262_144  # log positions read a step: between steps a search reports how far it got and can stop


class PageSource(Protocol):
    """Where pages of the log come from (the ``Logbook`` of a store)."""

    def event_page(self, query: EventQuery, after_position: int, limit: int, *,
                   to_position: int | None = None) -> list[RecordedEvent]: ...

    def head_position(self) -> int: ...


@dataclass(frozen=True)
class SearchProgress:
    """How far a search for a page has read: up to ``position``, of the log up to ``head``."""

    after: int
    position: int
    head: int

    @property
    def fraction(self) -> float:
        return 1.0 if self.head <= self.after else (self.position - self.after) / (self.head - self.after)


@dataclass(frozen=True)
class EventPage:
    """What a search for the next page found: up to a page of events, in log order, and how far it read.

    Every event matching the query between the position the search started after and ``searched_to`` is in
    ``events``. ``at_end``: it read to the head the log had when it began, finding less than a page.
    ``stopped``: it was asked to stop before it had a page or reached the head.
    """

    events: tuple[RecordedEvent, ...]
    searched_to: int
    at_end: bool
    stopped: bool = False


def find_page(source: PageSource, query: EventQuery, after_position: int, limit: int,
              progress: Callable[[object], None] = lambda _progress: None,
              cancelled: Callable[[], bool] = lambda: False, *, step: int = SEARCH_STEP) -> EventPage:
    """The next ``limit`` events matching ``query`` after ``after_position``, read in steps of ``step``
    positions up to the head of the log as it is now; between steps it reports a ``SearchProgress`` and
    stops if ``cancelled()``, keeping what it found. A page of a rare query in a log of millions takes many
    steps; a worker runs it, never the GUI thread."""
    head = source.head_position()
    found: list[RecordedEvent] = []
    position = after_position
    while position < head:
        if cancelled():
            return EventPage(tuple(found), position, at_end=False, stopped=True)
        upto = min(head, position + step)
        found += source.event_page(query, position, limit - len(found), to_position=upto)
        if len(found) >= limit:
            return EventPage(tuple(found), found[-1].position, at_end=False)
        position = upto
        progress(SearchProgress(after_position, position, head))
    return EventPage(tuple(found), max(position, after_position), at_end=True)
