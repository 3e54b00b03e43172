"""Events on their way into the log (``NewEvent``) and as the log holds them (``RecordedEvent``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping
from uuid import UUID

from domain.errors import InvalidEvent
from domain.events.base import Event

_last_checked: list[Mapping[str, Any] | None] = [None]  # the metadata mapping checked last (by identity)


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to append, with what the log learns alongside it.

    ``recorded_at`` is when the log learned the fact (a live feed: now; a simulator: the simulated receipt
    time). ``dedupe_key`` identifies the observation so the same one is never appended twice.
    ``payload_json`` is the event's payload as the store writes it, when the process that decided the event
    has already encoded it with the store's own encoder (an import's reading process, which spares the
    appending process that work); None, the usual case, lets the store encode it.
    """

    event: Event
    recorded_at: int
    metadata: Mapping[str, Any] = field(default_factory=dict)
    dedupe_key: bytes | None = None
    event_id: UUID | None = None
    payload_json: str | None = None

    def __post_init__(self) -> None:
        if type(self.recorded_at) is not int:
            raise InvalidEvent(self.event.TYPE, "recorded_at", f"must be integer microseconds UTC, got {self.recorded_at!r}")
        metadata = self.metadata
        if metadata is not _last_checked[0]:  # a batch shares one metadata mapping: check it once
            if not all(isinstance(key, str) for key in metadata):
                raise InvalidEvent(self.event.TYPE, "metadata", "keys must be text")
            _last_checked[0] = metadata
        if self.dedupe_key is not None and not isinstance(self.dedupe_key, bytes):
            raise InvalidEvent(self.event.TYPE, "dedupe_key", "must be bytes")

    @property
    def stream_id(self) -> str:
        return self.event.stream_id

    @classmethod
    def plain(cls, event: Event, recorded_at: int, metadata: Mapping[str, Any], dedupe_key: bytes | None,
              payload_json: str | None) -> "NewEvent":
        """The same as the constructor (no event id), made faster for the hot path of an import, which builds
        one for every row: the checks are the constructor's, the frozen fields are set directly."""
        if type(recorded_at) is not int or metadata is not _last_checked[0] or not (
                dedupe_key is None or type(dedupe_key) is bytes):
            return cls(event, recorded_at, metadata, dedupe_key, None, payload_json)  # checks it, says what is wrong
        item = _new(cls)
        _set_event(item, event)
        _set_recorded_at(item, recorded_at)
        _set_metadata(item, metadata)
        _set_dedupe_key(item, dedupe_key)
        _set_event_id(item, None)
        _set_payload_json(item, payload_json)
        return item


_new = object.__new__
_set_event, _set_recorded_at, _set_metadata, _set_dedupe_key, _set_event_id, _set_payload_json = (
    getattr(NewEvent, name).__set__ for name in ("event", "recorded_at", "metadata", "dedupe_key", "event_id",
                                                  "payload_json"))


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """An event as stored: the envelope of the log plus the (upcast) domain event."""

    position: int
    event_id: UUID
    stream_id: str
    version: int
    type: str
    schema_version: int
    occurred_at: int
    recorded_at: int
    metadata: Mapping[str, Any]
    event: Event
    hash: bytes

    @property
    def payload(self) -> dict[str, Any]:
        return self.event.payload()
