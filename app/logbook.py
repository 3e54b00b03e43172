"""The logbook: the log read as the operator's record — pages of events, one ship's history — and what the
operator writes into it: notes (about a ship or about the watch) and signed corrections of a ship's
particulars (``app.ship_corrections``)."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, Mapping

from app.event_log import EventQuery
from app.fleet_view import FleetView
from app.ship_corrections import correct_particulars
from domain.events import NewEvent, OperatorNoteAdded, RecordedEvent, ship_stream
from domain.time import now_micros
from store import AppendResult, EventStore

Append = Callable[[Iterable[NewEvent]], AppendResult]


class Logbook:
    """The log of one store: read from ``store``, written through ``append``, signed by ``operator``."""

    def __init__(self, store: EventStore, append: Append, fleet: FleetView, *, operator: str,
                 clock: Callable[[], int] = now_micros):
        self._store = store
        self._append = append
        self._fleet = fleet
        self.operator = operator
        self._clock = clock

    @property
    def read_only(self) -> bool:
        return self._store.read_only

    def event_page(self, query: EventQuery, after_position: int, limit: int, *,
                   to_position: int | None = None) -> list[RecordedEvent]:
        """Up to ``limit`` events matching ``query`` with log position > ``after_position`` (and at most
        ``to_position``, when given), in log order."""
        return self._store.read_page(after_position=after_position, limit=limit,
                                     stream_id=None if query.mmsi is None else ship_stream(query.mmsi),
                                     type_names=query.types, occurred_from=query.occurred_from,
                                     occurred_to=query.occurred_to, to_position=to_position)

    def head_position(self) -> int:
        """The position of the newest event in the log (0: none yet)."""
        return self._store.head().position

    def ship_history(self, mmsi: int, *, occurred_from: int | None = None,
                     occurred_to: int | None = None) -> Iterator[RecordedEvent]:
        """Every event of one ship's stream (within the window, when given), in order."""
        return self._store.read_stream(ship_stream(mmsi), occurred_from=occurred_from, occurred_to=occurred_to)

    def add_note(self, text: str, *, mmsi: int | None = None) -> RecordedEvent:
        """Append an operator's note, about one ship or about the watch."""
        now = self._clock()
        note = OperatorNoteAdded(occurred_at=now, operator=self.operator, text=text, mmsi=mmsi)
        metadata = {"source": "operator", "operator": self.operator}
        return self._append([NewEvent(note, recorded_at=now, metadata=metadata)]).appended[0]

    def correct_particulars(self, mmsi: int, changes: Mapping[str, Any], reason: str) -> RecordedEvent:
        """Append the operator's correction of a ship's particulars (only the fields that differ; raises a
        ``DomainError`` naming what is wrong)."""
        return correct_particulars(self._fleet.ship_details, self._append, mmsi, changes, reason,
                                   operator=self.operator, clock=self._clock)
