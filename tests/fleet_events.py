"""Hand-made events for tests: ships, reports at known times, late recordings."""
from __future__ import annotations

from domain.events import NewEvent, PositionReported, ShipDetailsChanged, ShipRegistered
from domain.time import MICROS_PER_MINUTE, parse_instant

T0 = parse_instant("2024-05-01T12:00:00Z")
MINUTE = MICROS_PER_MINUTE


def report(mmsi: int, minute: float, lat: float = 50.8, lon: float = -1.2, *, sog: float | None = 10.0,
           cog: float | None = 90.0, heading: int | None = None, status: str | None = "under way using engine",
           late_minutes: float = 0.0, key: bool = True, source: str = "test") -> NewEvent:
    occurred = T0 + round(minute * MINUTE)
    event = PositionReported(mmsi=mmsi, occurred_at=occurred, lat=lat, lon=lon, sog=sog, cog=cog, heading=heading,
                             nav_status=status)
    dedupe = f"{source}|{mmsi}|{occurred}|{lat}|{lon}|{sog}|{cog}".encode()[:64] if key else None
    return NewEvent(event, recorded_at=occurred + round(late_minutes * MINUTE), metadata={"source": source},
                    dedupe_key=dedupe)


def registered(mmsi: int, minute: float, name: str, ship_type: str = "cargo") -> NewEvent:
    occurred = T0 + round(minute * MINUTE)
    return NewEvent(ShipRegistered(mmsi=mmsi, occurred_at=occurred, name=name, ship_type=ship_type, length=120.0,
                                   beam=20.0), recorded_at=occurred, metadata={"source": "test"})


def renamed(mmsi: int, minute: float, name: str) -> NewEvent:
    occurred = T0 + round(minute * MINUTE)
    return NewEvent(ShipDetailsChanged(mmsi=mmsi, occurred_at=occurred, name=name), recorded_at=occurred,
                    metadata={"source": "test"})


def range_zone_file(folder, name: str = "Range", kind: str = "restricted"):
    """A GeoJSON file of one square zone off the Solent (1.2°–1.1° W, 50.7°–50.8° N); returns its path."""
    import json

    path = folder / f"{name.lower()}.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name, "kind": kind},
         "geometry": {"type": "Polygon", "coordinates": [[[-1.2, 50.7], [-1.1, 50.7], [-1.1, 50.8],
                                                          [-1.2, 50.8], [-1.2, 50.7]]]}}]}))
    return path
