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


REPORT_FORMATS = ("pdf", "csv", "json")


@event_type("AuditReportExported")
@dataclass(frozen=True, slots=True, kw_only=True)
class AuditReportExported(OperatorEvent):
    """An operator exported an audit report: what it covered, and the SHA-256 of the file it wrote, so the
    file handed to an investigator can be matched to this entry of the log."""

    range_from: int
    range_to: int
    ships: tuple[int, ...] = ()
    zone: str | None = None
    format: str
    file_name: str
    output_sha256: str
    events: int
    head_position: int
    head_hash: str

    def __post_init__(self) -> None:
        OperatorEvent.__post_init__(self)
        object.__setattr__(self, "ships", tuple(self.ships))
        for name in ("range_from", "range_to", "events", "head_position"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                self._fail(name, f"must be a whole number of at least 0, got {value!r}")
        if self.range_to < self.range_from:
            self._fail("range_to", "the range ends before it starts")
        if any(isinstance(m, bool) or not isinstance(m, int) or not 0 < m <= 999_999_999 for m in self.ships):
            self._fail("ships", f"must be MMSIs, got {self.ships!r}")
        if self.format not in REPORT_FORMATS:
            self._fail("format", f"must be one of {', '.join(REPORT_FORMATS)}, got {self.format!r}")
        for name in ("output_sha256", "head_hash"):
            value = getattr(self, name)
            if not isinstance(value, str) or len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
                self._fail(name, "must be a SHA-256 in lower-case hex")
        if not isinstance(self.file_name, str) or not self.file_name or len(self.file_name) > 500:
            self._fail("file_name", "must name the file (at most 500 characters)")
