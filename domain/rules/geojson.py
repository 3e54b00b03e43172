"""Zones from a GeoJSON FeatureCollection, as ``ZoneDefined`` events to append on the ``zones`` stream.

Each feature is one zone: its ``geometry`` a Polygon or MultiPolygon (holes allowed), its properties
``name`` (unique in the file) and ``kind`` (``port``, ``restricted``, ``anchorage`` or ``generic``; there is
no default: a restricted area must not quietly become a generic one) and optionally ``speed_limit_kn``.
Other properties are ignored. Anything wrong is refused with ``InvalidZoneFile`` naming the feature by its
index in the collection (0-based) and, when it has one, its name. Reading the file is the caller's job;
this module parses text or an already parsed mapping. ``zones_to_geojson`` writes zones the same way, so
a collection written and read back gives the same zones.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Mapping, Sequence

from domain.errors import DomainError, InvalidEvent
from domain.events.zones import ZONE_KINDS, ZoneDefined, ZoneDefinitionEvent, ZoneRemoved
from domain.geo import area_to_geojson
from domain.rules.zones import Zone


class InvalidZoneFile(DomainError, ValueError):
    """A zone file that cannot be used; ``feature`` is the index of the feature at fault (None: the file)."""

    def __init__(self, message: str, feature: int | None = None, name: str | None = None):
        where = "" if feature is None else f"feature {feature}" + (f" ({name!r})" if name else "") + ": "
        super().__init__(where + message)
        self.feature = feature
        self.name = name
        self.reason = message


def zones_from_geojson(document: str | bytes | Mapping[str, Any], *, occurred_at: int) -> list[ZoneDefined]:
    """The ``ZoneDefined`` events of a FeatureCollection, in the order of its features."""
    if isinstance(document, (str, bytes)):
        try:
            document = json.loads(document)
        except ValueError as error:
            raise InvalidZoneFile(f"not JSON: {error}") from None
    if not isinstance(document, Mapping) or document.get("type") != "FeatureCollection":
        found = document.get("type") if isinstance(document, Mapping) else type(document).__name__
        raise InvalidZoneFile(f"expected a GeoJSON FeatureCollection, got {found!r}")
    features = document.get("features")
    if not isinstance(features, list):
        raise InvalidZoneFile("a FeatureCollection needs a list of features")
    zones: list[ZoneDefined] = []
    first_of: dict[str, int] = {}
    for index, feature in enumerate(features):
        zone = _zone(index, feature, occurred_at)
        if zone.name in first_of:
            raise InvalidZoneFile(f"the name is already used by feature {first_of[zone.name]}", index, zone.name)
        first_of[zone.name] = index
        zones.append(zone)
    return zones


def _zone(index: int, feature: object, occurred_at: int) -> ZoneDefined:
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        raise InvalidZoneFile("is not a GeoJSON Feature", index)
    properties = feature.get("properties")
    if not isinstance(properties, Mapping):
        raise InvalidZoneFile("has no properties (a zone needs a name and a kind)", index)
    name = properties.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidZoneFile("has no name (property 'name')", index)
    kind = properties.get("kind")
    if kind is None:
        raise InvalidZoneFile(f"has no kind (property 'kind': one of {', '.join(ZONE_KINDS)})", index, name)
    if kind not in ZONE_KINDS:
        raise InvalidZoneFile(f"unknown kind {kind!r}; known: {', '.join(ZONE_KINDS)}", index, name)
    geometry = feature.get("geometry")
    if geometry is None:
        raise InvalidZoneFile("has no geometry", index, name)
    try:
        return ZoneDefined(occurred_at=occurred_at, name=name, kind=kind, geometry=json.dumps(geometry),
                           speed_limit_kn=properties.get("speed_limit_kn"))
    except (InvalidEvent, TypeError, ValueError) as error:
        field = getattr(error, "field", None)
        reason = getattr(error, "reason", str(error))
        raise InvalidZoneFile(f"{field}: {reason}" if field else reason, index, name) from None


def zone_changes(current: Iterable[Zone], loaded: Sequence[ZoneDefined], *, occurred_at: int | None = None,
                 remove_missing: bool = False) -> list[ZoneDefinitionEvent]:
    """What to append to make the zones in force match a loaded file: the loaded definitions that are new
    or differ from the zone of that name (a file loaded twice appends nothing the second time) and, with
    ``remove_missing``, a ``ZoneRemoved`` for each zone in force the file no longer has (at ``occurred_at``,
    by default the time of the loaded definitions)."""
    in_force = {zone.name: zone for zone in current}
    changes: list[ZoneDefinitionEvent] = [event for event in loaded
                                          if in_force.get(event.name) != Zone.from_event(event)]
    if remove_missing:
        names = {event.name for event in loaded}
        at = occurred_at if occurred_at is not None else max((e.occurred_at for e in loaded), default=None)
        if at is None:
            raise ValueError("occurred_at is needed to remove zones when nothing was loaded")
        changes.extend(ZoneRemoved(occurred_at=at, name=name) for name in sorted(in_force) if name not in names)
    return changes


def zones_to_geojson(zones: Iterable[Zone]) -> dict[str, Any]:
    """A FeatureCollection of zones that ``zones_from_geojson`` reads back as the same zones: one feature
    each, with properties ``name``, ``kind`` and (when it has one) ``speed_limit_kn``."""
    features = []
    for zone in zones:
        properties: dict[str, Any] = {"name": zone.name, "kind": zone.kind}
        if zone.speed_limit_kn is not None:
            properties["speed_limit_kn"] = zone.speed_limit_kn
        features.append({"type": "Feature", "properties": properties, "geometry": area_to_geojson(zone.area)})
    return {"type": "FeatureCollection", "features": features}
