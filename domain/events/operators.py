"""Events caused by a person at the console: notes and alert acknowledgements."""
from __future__ import annotations

from dataclasses import dataclass

from domain.events.base import Event, event_type
from domain.events.ships import ship_stream

OPERATIONS_STREAM = "operations"


@dataclass(frozen=True, slots=True, kw_only=True)
class OperatorEvent(Event):
    """Something an operator did: on the ship's stream when it is about a ship, else on the watch's."""

    operator: str
    mmsi: int | None = None

    @property
    def stream_id(self) -> str:
        return ship_stream(self.mmsi) if self.mmsi is not None else OPERATIONS_STREAM

    def __post_init__(self) -> None:
        Event.__post_init__(self)
        if not isinstance(self.operator, str) or not self.operator.strip():
            self._fail("operator", "must name the operator")
        if len(self.operator) > 80:
            self._fail("operator", "is longer than 80 characters")
        if self.mmsi is not None and (isinstance(self.mmsi, bool) or not isinstance(self.mmsi, int)
                                      or not 0 < self.mmsi <= 999_999_999):
            self._fail("mmsi", f"must be a number of at most 9 digits, got {self.mmsi!r}")


@event_type("OperatorNoteAdded")
@dataclass(frozen=True, slots=True, kw_only=True)
class OperatorNoteAdded(OperatorEvent):
    """An operator wrote a note, about one ship or about the watch in general."""

    text: str

    def __post_init__(self) -> None:
        OperatorEvent.__post_init__(self)
        if not isinstance(self.text, str) or not self.text.strip():
            self._fail("text", "a note needs some text")
        if len(self.text) > 10_000:
            self._fail("text", "is longer than 10,000 characters")


@event_type("AlertAcknowledged")
@dataclass(frozen=True, slots=True, kw_only=True)
class AlertAcknowledged(OperatorEvent):
    """An operator acknowledged an alert, with an optional comment."""

    alert_id: str
    comment: str | None = None

    def __post_init__(self) -> None:
        OperatorEvent.__post_init__(self)
        if not isinstance(self.alert_id, str) or not self.alert_id:
            self._fail("alert_id", "must name the alert")
        if self.comment is not None and (not isinstance(self.comment, str) or len(self.comment) > 2_000):
            self._fail("comment", "must be text of at most 2,000 characters")
