"""The zones in force as the console lists them, and the events that change them when an operator edits.

``fold_zones`` reads the ``zones`` stream (``ZoneDefined`` / ``ZoneRemoved``, in log order) into a
``ZoneList``: each zone in force with when and by whom it was last defined, and the stream's version, which
an edit expects to find unchanged when it appends (so two consoles, or a console and ``zones add``, never
overwrite each other's changes unseen).

``zone_definition`` and ``zone_removal`` decide what an edit appends, refusing with ``InvalidZone`` (naming
the field at fault) what the log must not get: a name that is empty or taken by another zone (names are
compared without regard to case, so 'Solent' and 'SOLENT' are never two zones), an unknown kind, a speed
limit out of range, or an outline ``domain.zone_shapes`` refuses. A zone changed is defined anew under its
name; a renamed zone is removed under its old name and defined under the new one, in one batch.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from domain.errors import DomainError, InvalidEvent
from domain.events import ZONE_KINDS, RecordedEvent, ZoneDefined, ZoneDefinitionEvent, ZoneRemoved
from domain.geo import area_to_geojson
from domain.rules.zones import Zone
from domain.zone_shapes import InvalidOutline, area_nm2, outline_ring

_FIELD_NAMES = {"speed_limit_kn": "speed limit", "geometry": "outline"}


class InvalidZone(DomainError, ValueError):
    """An edit of the zones that cannot be made; ``field`` is 'name', 'kind', 'speed limit' or 'outline'."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ZoneView:
    """A zone in force and its last definition: when it occurred, who made it (the operator, or the source:
    'demo fleet', ...; '' when the log does not say) and its log position."""

    zone: Zone
    defined_at: int
    defined_by: str
    position: int
    area_nm2: float

    @property
    def name(self) -> str:
        return self.zone.name

    @property
    def kind(self) -> str:
        return self.zone.kind

    @property
    def speed_limit_kn(self) -> float | None:
        return self.zone.speed_limit_kn

    @property
    def single_outline(self) -> bool:
        """Whether the zone is one polygon without holes (so its outline can be edited by its corners)."""
        return len(self.zone.area) == 1 and len(self.zone.area[0]) == 1


@dataclass(frozen=True, slots=True)
class ZoneList:
    """The zones in force, by name, and the version of the ``zones`` stream they reflect (0: none ever)."""

    zones: tuple[ZoneView, ...] = ()
    version: int = 0

    def __iter__(self) -> Iterator[ZoneView]:
        return iter(self.zones)

    def __len__(self) -> int:
        return len(self.zones)

    def get(self, name: str) -> ZoneView | None:
        return next((view for view in self.zones if view.name == name), None)

    def named_like(self, name: str) -> ZoneView | None:
        """The zone whose name is ``name`` but for case, if any."""
        folded = name.strip().casefold()
        return next((view for view in self.zones if view.name.casefold() == folded), None)


def defined_by(recorded: RecordedEvent) -> str:
    """Who made an event, as the zone list shows it: its operator, else its source, else ''."""
    metadata = recorded.metadata
    return str(metadata.get("operator") or metadata.get("source") or "")


def fold_zones(events: Iterable[RecordedEvent]) -> ZoneList:
    """The zones in force after the ``zones`` stream's events (in log order; other events are skipped)."""
    zones: dict[str, ZoneView] = {}
    version = 0
    for recorded in events:
        event = recorded.event
        if not isinstance(event, ZoneDefinitionEvent):
            continue
        version = max(version, recorded.version)
        if isinstance(event, ZoneDefined):
            zone = Zone.from_event(event)
            zones[event.name] = ZoneView(zone, recorded.occurred_at, defined_by(recorded), recorded.position,
                                         area_nm2(zone.area))
        else:
            zones.pop(event.name, None)
    return ZoneList(tuple(sorted(zones.values(), key=lambda view: view.name.casefold())), version)


def zone_definition(current: ZoneList, *, name: str, kind: str, outline: Sequence[Sequence[float]] | None = None,
                    speed_limit_kn: float | None = None, replacing: str | None = None,
                    at: int) -> list[ZoneDefinitionEvent]:
    """The events that define a zone at ``at``: a new one, or (``replacing`` its current name) a change of
    an existing one. ``outline`` is the drawn corners (lon, lat); None keeps the shape of the zone replaced.
    An edit that changes nothing appends nothing (an empty list). Raises ``InvalidZone``."""
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise InvalidZone("name", "a zone needs a name")
    old = None
    if replacing is not None:
        old = current.get(replacing)
        if old is None:
            raise InvalidZone("name", f"there is no zone named {replacing!r} any more")
    taken = current.named_like(name)
    if taken is not None and taken is not old:
        raise InvalidZone("name", f"a zone named {taken.name!r} exists already")
    if kind not in ZONE_KINDS:
        raise InvalidZone("kind", f"unknown kind {kind!r}; known: {', '.join(ZONE_KINDS)}")
    if outline is None:
        if old is None:
            raise InvalidZone("outline", "a new zone needs an outline")
        area = old.zone.area
    else:
        try:
            area = ((outline_ring(outline),),)
        except InvalidOutline as error:
            raise InvalidZone("outline", str(error)) from None
    try:
        defined = ZoneDefined(occurred_at=at, name=name, kind=kind, geometry=json.dumps(area_to_geojson(area)),
                              speed_limit_kn=speed_limit_kn)
    except InvalidEvent as error:
        raise InvalidZone(_FIELD_NAMES.get(error.field, error.field), error.reason) from None
    if old is not None and old.name == name and old.zone == Zone.from_event(defined):
        return []
    if old is not None and old.name != name:
        return [ZoneRemoved(occurred_at=at, name=old.name), defined]
    return [defined]


def zone_removal(current: ZoneList, name: str, *, at: int) -> ZoneRemoved:
    """The event that removes the zone ``name`` at ``at``; raises ``InvalidZone`` when there is none."""
    if current.get(name) is None:
        raise InvalidZone("name", f"there is no zone named {name!r} any more")
    return ZoneRemoved(occurred_at=at, name=name)
