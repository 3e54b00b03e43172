"""What a rule hands back (``RaisedAlert``) and how its ids are made.

An alert belongs to an *episode*: one spell of a ship over a speed limit, one visit to a zone, one silence,
one encounter of two ships. Its ``alert_id`` is made only from the rule, the ship (and the zone or the other
ship) and the time the episode began, never from when or how often the rules ran, so running the rules again
over the same history raises the same ids and the application can skip the alerts the log already holds
(``RaisedAlert.dedupe_key``). The events of one episode (a ``SignalLost`` and its ``SignalRestored``, the
two ``CloseQuarters`` of a pair, an arrival and its departure) share a ``correlation_id``: a UUID 5 of the
episode's key, the same every time.

When the condition of an episode ends, its rule hands back an ``AlertRectified`` of the episode's alert in a
``RaisedAlert`` too (``rectified``), with what ended it; its dedupe key is the alert's id marked as rectified,
so it is appended once however often the rules run. A close-quarters encounter is one alert raised on both
ships' streams: the two raises share the id and have a dedupe key each (the id and the ship).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid5

from domain.events import AlertEvent, AlertRectified, CloseQuarters, NewEvent

EPISODE_NAMESPACE = uuid5(UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8"), "urn:fleet-logbook:rules:episode")
"""The namespace of correlation ids (a UUID 5 of a URN in the standard URL namespace)."""
SOURCE = "rules"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def stamp(instant: int) -> str:
    """An instant as it appears in ids: '20261125T140312Z', with '.ffffff' before the Z when not whole seconds."""
    moment = _EPOCH + timedelta(microseconds=instant)
    text = moment.strftime("%Y%m%dT%H%M%S")
    return f"{text}.{moment.microsecond:06d}Z" if moment.microsecond else text + "Z"


def episode_key(rule: str, *parts: object) -> str:
    """'speed:235012345:20261125T140312Z': the rule, then who, then (``stamp``) when the episode began."""
    return ":".join([rule, *map(str, parts)])


def correlation_for(key: str) -> UUID:
    """The correlation id of an episode."""
    return uuid5(EPISODE_NAMESPACE, key)


@dataclass(frozen=True, slots=True)
class RaisedAlert:
    """An alert a rule raised, with what caused it and the episode it belongs to.

    ``causation_id`` is the ``event_id`` of the recorded event that revealed it: the report that crossed
    the limit or the edge, or, for an alert a scan found (a silence, a loitering ship, two ships closing),
    the ship's last report before it. ``correlation_id`` is shared by the events of one episode.
    """

    event: AlertEvent | AlertRectified
    causation_id: UUID | None
    correlation_id: UUID

    @property
    def alert_id(self) -> str:
        return self.event.alert_id

    @property
    def stream_id(self) -> str:
        return self.event.stream_id

    @property
    def dedupe_key(self) -> bytes:
        """Unique to the alert id: appending it with this key appends each alert once, however often raised."""
        event = self.event
        if isinstance(event, AlertRectified):
            return b"rectified:" + event.alert_id.encode("utf-8")
        if isinstance(event, CloseQuarters):
            return b"alert:" + f"{event.alert_id}@{event.mmsi}".encode("utf-8")
        return b"alert:" + event.alert_id.encode("utf-8")

    def metadata(self) -> dict[str, Any]:
        """The metadata to record the alert with: its source, causation and correlation."""
        metadata: dict[str, Any] = {"source": SOURCE, "correlation_id": str(self.correlation_id)}
        if self.causation_id is not None:
            metadata["causation_id"] = str(self.causation_id)
        return metadata

    def new_event(self, recorded_at: int) -> NewEvent:
        """The alert ready to append on its ship's stream, learned by the log at ``recorded_at``."""
        return NewEvent(self.event, recorded_at=recorded_at, metadata=self.metadata(), dedupe_key=self.dedupe_key)


def rectified(mmsi: int, alert_id: str, at: int, reason: str, cause: UUID | None, correlation: UUID) -> RaisedAlert:
    """The end of an episode's condition: ``AlertRectified`` of its alert, at ``at``, saying what ended it."""
    return RaisedAlert(AlertRectified(mmsi=mmsi, occurred_at=at, alert_id=alert_id, reason=reason), cause, correlation)
