"""The JSON documents the CLI prints (and reports reuse): fleet state at a moment, a ship's history.

Times are ISO 8601 UTC with a 'Z'; an event's envelope keeps the names of the log.
"""
from __future__ import annotations

from typing import Any, Iterable

from domain.events import RecordedEvent
from domain.ship import ShipState
from domain.time import format_instant

_INSTANT_FIELDS = frozenset({"eta"})


def ship_state_document(ship: ShipState) -> dict[str, Any]:
    return {"mmsi": ship.mmsi, "name": ship.name, "ship_type": ship.ship_type, "lat": ship.lat, "lon": ship.lon,
            "sog": ship.sog, "cog": ship.cog, "heading": ship.heading, "nav_status": ship.nav_status,
            "last_report_at": format_instant(ship.last_report_at)}


def state_document(ships: Iterable[ShipState], at: int, known_at: int | None) -> dict[str, Any]:
    return {"at": format_instant(at), "known_at": None if known_at is None else format_instant(known_at),
            "ships": [ship_state_document(ship) for ship in sorted(ships, key=lambda s: s.mmsi)]}


def event_document(recorded: RecordedEvent) -> dict[str, Any]:
    """An event in envelope form: the log's fields plus the event's own fields in ``payload``."""
    payload = {name: (format_instant(value) if name in _INSTANT_FIELDS and value is not None else value)
               for name, value in recorded.payload.items()}
    return {"position": recorded.position, "event_id": str(recorded.event_id), "stream_id": recorded.stream_id,
            "version": recorded.version, "type": recorded.type, "schema_version": recorded.schema_version,
            "occurred_at": format_instant(recorded.occurred_at), "recorded_at": format_instant(recorded.recorded_at),
            "metadata": dict(recorded.metadata), "payload": payload, "hash": recorded.hash.hex()}


def history_document(mmsi: int, events: Iterable[RecordedEvent]) -> dict[str, Any]:
    return {"ship": mmsi, "events": [event_document(recorded) for recorded in events]}
