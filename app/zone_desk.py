"""The zone desk: the zones the rules watch — those in force, define (draw), change, rename and remove one,
import zones from a GeoJSON file and export them to one — for the console and for ``zones add``.

Zones are events in the log (``ZoneDefined`` / ``ZoneRemoved`` on the ``zones`` stream), signed with the
operator (metadata ``source: operator``). What an edit appends, and what it refuses, is decided by
``domain.zone_list``; here the zones in force are read from the log and every change — an edit as much as
an imported file — is appended expecting the ``zones`` stream at the version it was decided against, so a
change made while another console or ``zones add`` changed the zones is refused (``ZonesChanged``) rather
than applied to zones nobody saw. Adding the same file twice appends nothing.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterable, Protocol, Sequence

from app.config_files import replace_file
from domain.events import ZONES_STREAM, NewEvent, RecordedEvent
from domain.rules import InvalidZoneFile, Zone, zone_changes, zones_from_geojson, zones_to_geojson
from domain.time import format_instant, now_micros
from domain.zone_list import ZoneList, fold_zones, zone_definition, zone_removal
from store import AppendResult, ConcurrencyError, EventStore


class ZonesChanged(Exception):
    """The zones changed in the log since the edit was decided (another console, or ``zones add``)."""


class ZonesReadOnly(PermissionError):
    """The log is open read-only: zones cannot be changed."""


class AppendExpecting(Protocol):
    """How a batch on one stream goes into the log: ``FleetService.append`` (the console's), or the store's."""

    def __call__(self, new_events: Iterable[NewEvent], *, expected: tuple[str, int] | None = None
                 ) -> AppendResult: ...


def zone_list(store: EventStore) -> ZoneList:
    """The zones in force, with who defined each and the version of the ``zones`` stream they reflect."""
    return fold_zones(store.read_stream(ZONES_STREAM))


def zones_in_force(store: EventStore) -> list[Zone]:
    """The zones the log defines now (later definitions replace earlier ones of the same name)."""
    return sorted((view.zone for view in zone_list(store)), key=lambda zone: zone.name)


def store_append(store: EventStore) -> AppendExpecting:
    """``store``'s own append, for a command with no service (``zones add``)."""

    def append(new_events: Iterable[NewEvent], *, expected: tuple[str, int] | None = None) -> AppendResult:
        if expected is None:
            return store.append_batch(new_events)
        return store.append(expected[0], list(new_events), expected[1])

    return append


def add_zones(store: EventStore, path: str | Path, *, replace: bool = False, operator: str,
              clock: Callable[[], int] = now_micros, append: AppendExpecting | None = None,
              expected_version: int | None = None) -> list[RecordedEvent]:
    """Append the zones of a GeoJSON file that are new or changed (with ``replace``, also remove the zones
    the file no longer has); returns what was appended. ``append`` appends the batch (default: the store's;
    the console passes its service's, so the map and the rules hear of it). ``expected_version``: the
    version of the zone list the operator looked at (``ZonesChanged`` when the log has moved on)."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidZoneFile(f"{source}: cannot read ({error})") from None
    now = clock()
    try:
        loaded = zones_from_geojson(text, occurred_at=now)
    except InvalidZoneFile as error:
        raise InvalidZoneFile(f"{source}: {error}") from None
    current = _checked(zone_list(store), expected_version, store)
    changes = zone_changes(sorted((view.zone for view in current), key=lambda zone: zone.name), loaded,
                           occurred_at=now, remove_missing=replace)
    metadata = {"source": "operator", "operator": operator, "file": str(source)}
    return _append(append or store_append(store), changes, current.version, now, metadata, store)


def export_zones(zones: ZoneList, path: str | Path) -> int:
    """Write the zones as a GeoJSON FeatureCollection that ``zones add`` reads back as the same zones;
    returns how many. The file is replaced whole or not at all."""
    replace_file(path, json.dumps(zones_to_geojson(view.zone for view in zones), ensure_ascii=False, indent=1) + "\n")
    return len(zones)


class ZoneDesk:
    """The zones of one console: read from ``store``, changed through ``append``, signed by ``operator``."""

    def __init__(self, store: EventStore, append: AppendExpecting, *, operator: str,
                 clock: Callable[[], int] = now_micros):
        self._store = store
        self._append = append
        self.operator = operator
        self._clock = clock

    @property
    def read_only(self) -> bool:
        return self._store.read_only

    def in_force(self) -> ZoneList:
        """The zones in force, with who defined them and the ``zones`` stream's version."""
        return zone_list(self._store)

    def define(self, name: str, kind: str, outline: Sequence[Sequence[float]] | None = None,
               speed_limit_kn: float | None = None, *, replacing: str | None = None,
               expected_version: int | None = None) -> list[RecordedEvent]:
        """Define a zone (``replacing`` None) or change the zone now named ``replacing`` (its name, kind, speed
        limit, or, with ``outline``, its shape); returns what was appended (nothing when nothing changed).

        ``outline`` is the corners as drawn, (lon, lat). ``expected_version`` is the version of the zone list
        the operator looked at. Raises ``domain.zone_list.InvalidZone``, ``ZonesChanged`` or ``ZonesReadOnly``.
        """
        current = self._current(expected_version)
        now = self._clock()
        events = zone_definition(current, name=name, kind=kind, outline=outline, speed_limit_kn=speed_limit_kn,
                                 replacing=replacing, at=now)
        return _append(self._append, events, current.version, now, self._signature(), self._store)

    def remove(self, name: str, *, expected_version: int | None = None) -> RecordedEvent:
        """Stop the rules watching a zone (its past alerts stay in the log)."""
        current = self._current(expected_version)
        now = self._clock()
        [recorded] = _append(self._append, [zone_removal(current, name, at=now)], current.version, now,
                             self._signature(), self._store)
        return recorded

    def import_geojson(self, path: str | Path, *, replace: bool = False,
                       expected_version: int | None = None) -> list[RecordedEvent]:
        """Add the zones of a GeoJSON file that are new or changed (with ``replace``, also remove the zones the
        file does not have), as ``zones add`` does, with the same version check as an edit."""
        if self.read_only:
            raise ZonesReadOnly("the log is open read-only: zones cannot be imported into it")
        return add_zones(self._store, path, replace=replace, operator=self.operator, clock=self._clock,
                         append=self._append, expected_version=expected_version)

    def export_geojson(self, path: str | Path) -> int:
        """Write the zones in force to a GeoJSON file; returns how many."""
        return export_zones(self.in_force(), path)

    def _current(self, expected_version: int | None) -> ZoneList:
        if self.read_only:
            raise ZonesReadOnly("the log is open read-only: zones cannot be changed")
        return _checked(zone_list(self._store), expected_version, self._store)

    def _signature(self) -> dict[str, str]:
        return {"source": "operator", "operator": self.operator}


def _checked(current: ZoneList, expected_version: int | None, store: EventStore) -> ZoneList:
    if expected_version is not None and current.version != expected_version:
        raise ZonesChanged(f"the zones changed in the log meanwhile ({_changed_by(store, expected_version)}); "
                           "the list now shows them: look again and retry")
    return current


def _append(append: AppendExpecting, events: Sequence, version: int, now: int,
            metadata: dict[str, str], store: EventStore) -> list[RecordedEvent]:
    if not events:
        return []
    try:
        result = append([NewEvent(event, recorded_at=now, metadata=metadata) for event in events],
                        expected=(ZONES_STREAM, version))
    except ConcurrencyError:
        raise ZonesChanged(f"the zones changed in the log while this edit was being saved "
                           f"({_changed_by(store, version)}); the list now shows them: look again and retry") from None
    return list(result.appended)


def _changed_by(store: EventStore, since_version: int) -> str:
    """Who changed the zones after ``since_version`` and when, as the log says (the first such change):
    another console's operator, or 'zones add'."""
    for recorded in store.read_stream(ZONES_STREAM, from_version=since_version + 1):
        who = recorded.metadata.get("operator") or recorded.metadata.get("source") or "another writer"
        return f"first changed by {who} at {format_instant(recorded.recorded_at)}"
    return "by another console or 'zones add'"
