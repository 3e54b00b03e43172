"""Use cases of the zones an operator keeps from the console: define (draw), change, rename and remove a
zone, import zones from GeoJSON and export them to it.

Every change is appended through the service (so the index, the rules and the window hear of it at once)
as ``ZoneDefined`` / ``ZoneRemoved`` events on the ``zones`` stream, signed with the service's operator
(metadata ``source: operator``). What an edit appends, and what it refuses, is decided by
``domain.zone_list``; here the zones in force are read from the log and the edit is appended expecting the
``zones`` stream at the version it was decided against, so an edit made while another console or
``zones add`` changed the zones is refused (``ZonesChanged``) rather than applied to zones nobody saw.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from domain.events import ZONES_STREAM, NewEvent, RecordedEvent
from domain.rules import zones_to_geojson
from app.config_files import replace_file
from app.rules import add_zones, zone_list
from domain.zone_list import ZoneList, zone_definition, zone_removal
from store import ConcurrencyError

if TYPE_CHECKING:
    from app.fleet_service import FleetService


class ZonesChanged(Exception):
    """The zones changed in the log since the edit was decided (another console, or ``zones add``)."""


class ZonesReadOnly(PermissionError):
    """The log is open read-only: zones cannot be changed."""


def define_zone(service: "FleetService", *, name: str, kind: str, outline: Sequence[Sequence[float]] | None = None,
                speed_limit_kn: float | None = None, replacing: str | None = None,
                expected_version: int | None = None, now: int) -> list[RecordedEvent]:
    """Define a zone (``replacing`` None) or change the zone now named ``replacing`` (its name, kind, speed
    limit, or, with ``outline``, its shape); returns what was appended (nothing when nothing changed).

    ``outline`` is the corners as drawn, (lon, lat). ``expected_version`` is the version of the zone list
    the operator looked at. Raises ``domain.zone_list.InvalidZone``, ``ZonesChanged`` or ``ZonesReadOnly``.
    """
    current = _current(service, expected_version)
    events = zone_definition(current, name=name, kind=kind, outline=outline, speed_limit_kn=speed_limit_kn,
                             replacing=replacing, at=now)
    return _append(service, events, current.version, now)


def remove_zone(service: "FleetService", name: str, *, expected_version: int | None = None,
                now: int) -> RecordedEvent:
    """Stop the rules watching a zone (its past alerts stay in the log)."""
    current = _current(service, expected_version)
    [recorded] = _append(service, [zone_removal(current, name, at=now)], current.version, now)
    return recorded


def import_zones(service: "FleetService", path: str | Path, *, replace: bool = False,
                 now: int) -> list[RecordedEvent]:
    """Add the zones of a GeoJSON file that are new or changed (with ``replace``, also remove the zones the
    file does not have), as ``zones add`` does; returns what was appended."""
    if service.read_only:
        raise ZonesReadOnly("the log is open read-only: zones cannot be imported into it")
    return add_zones(service.store, path, replace=replace, operator=service.operator, clock=lambda: now,
                     append=service.append)


def export_zones(zones: ZoneList, path: str | Path) -> int:
    """Write the zones as a GeoJSON FeatureCollection that ``zones add`` reads back as the same zones;
    returns how many. The file is replaced whole or not at all."""
    replace_file(path, json.dumps(zones_to_geojson(view.zone for view in zones), ensure_ascii=False, indent=1) + "\n")
    return len(zones)


def _current(service: "FleetService", expected_version: int | None) -> ZoneList:
    if service.read_only:
        raise ZonesReadOnly("the log is open read-only: zones cannot be changed")
    current = zone_list(service.store)
    if expected_version is not None and current.version != expected_version:
        raise ZonesChanged("the zones changed in the log meanwhile (another console or 'zones add'); "
                           "the list now shows them: look again and retry")
    return current


def _append(service: "FleetService", events, version: int, now: int) -> list[RecordedEvent]:
    if not events:
        return []
    metadata = {"source": "operator", "operator": service.operator}
    try:
        result = service.append([NewEvent(event, recorded_at=now, metadata=metadata) for event in events],
                                 expected=(ZONES_STREAM, version))
    except ConcurrencyError:
        raise ZonesChanged("the zones changed in the log while this edit was being saved; "
                           "the list now shows them: look again and retry") from None
    return list(result.appended)
