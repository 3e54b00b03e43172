"""A hand-built log for the rules' tests: events recorded in order, with positions and ids that never change."""
from __future__ import annotations

import json
from uuid import UUID

from domain.events import Event, PositionReported, RecordedEvent, ShipRegistered, ZoneDefined, ZoneRemoved
from domain.time import MICROS_PER_MINUTE, MICROS_PER_SECOND, parse_instant

T0 = parse_instant("2024-05-01T12:00:00Z")
MINUTE = MICROS_PER_MINUTE
SECOND = MICROS_PER_SECOND
SHIP = 235_000_001
OTHER = 235_000_002


def minutes(n: float) -> int:
    return T0 + round(n * MINUTE)


def box(west: float, south: float, east: float, north: float) -> dict:
    """A rectangular GeoJSON Polygon."""
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north],
                                                [west, south]]]}


class Log:
    """Events appended one by one, each recorded when it occurred unless told otherwise."""

    def __init__(self) -> None:
        self.events: list[RecordedEvent] = []

    def append(self, event: Event, recorded_at: int | None = None) -> RecordedEvent:
        position = len(self.events) + 1
        recorded = RecordedEvent(position, UUID(int=position), event.stream_id, 1, event.TYPE, event.SCHEMA_VERSION,
                                 event.occurred_at, event.occurred_at if recorded_at is None else recorded_at,
                                 {"source": "test"}, event, b"")
        self.events.append(recorded)
        return recorded

    def report(self, minute: float, lat: float, lon: float, *, mmsi: int = SHIP, sog: float | None = 10.0,
               cog: float | None = 90.0, status: str | None = "under way using engine") -> RecordedEvent:
        return self.append(PositionReported(mmsi=mmsi, occurred_at=minutes(minute), lat=lat, lon=lon, sog=sog,
                                            cog=cog, nav_status=status))

    def registered(self, mmsi: int, ship_type: str, name: str | None = None, minute: float = -60) -> RecordedEvent:
        return self.append(ShipRegistered(mmsi=mmsi, occurred_at=minutes(minute), name=name, ship_type=ship_type))

    def zone(self, name: str, kind: str, geometry: dict, *, speed_limit_kn: float | None = None,
             minute: float = -60) -> RecordedEvent:
        return self.append(ZoneDefined(occurred_at=minutes(minute), name=name, kind=kind,
                                       geometry=json.dumps(geometry), speed_limit_kn=speed_limit_kn))

    def zone_removed(self, name: str, minute: float) -> RecordedEvent:
        return self.append(ZoneRemoved(occurred_at=minutes(minute), name=name))
