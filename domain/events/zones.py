"""Events that define the zones the rules watch: a zone was defined (or redefined), a zone was removed.

Zones are not about one ship, so their events live on a stream of their own, ``zones`` (as an operator's
events that name no ship live on ``operations``). A zone is known by its name: defining a name again
replaces that zone's kind, shape and speed limit from then on; removing it stops the rules watching it.

The shape is kept as compact GeoJSON text (a ``Polygon`` or ``MultiPolygon``, coordinates [lon, lat] to
1e-7°, rings closed), checked and put in that one canonical form when the event is built, so the log
never holds a shape the rules cannot read and the same shape is always the same text.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

from domain import ais
from domain.events.base import Event, event_type
from domain.geo import InvalidArea, area_from_geojson, area_to_geojson

ZONES_STREAM = "zones"
ZONE_KINDS = ("port", "restricted", "anchorage", "generic")
"""What a zone is for: ``port`` (arrivals and departures), ``restricted`` (entering it is an alert),
``anchorage`` (where ships are expected to wait) and ``generic`` (any other watched area)."""
MAX_ZONE_NAME_LENGTH = 80
MAX_GEOMETRY_LENGTH = 2_000_000

_compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def canonical_geometry(geometry: object) -> str:
    """The canonical text of a GeoJSON area given as text or a parsed mapping; raises ``InvalidArea``."""
    if isinstance(geometry, str):
        try:
            geometry = json.loads(geometry)
        except ValueError as error:
            raise InvalidArea(f"geometry is not JSON: {error}") from None
    return _compact(area_to_geojson(area_from_geojson(geometry)))


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneDefinitionEvent(Event):
    """An event about a zone's definition, on the ``zones`` stream."""

    name: str

    @property
    def stream_id(self) -> str:
        return ZONES_STREAM

    def __post_init__(self) -> None:
        Event.__post_init__(self)
        if not isinstance(self.name, str) or not self.name.strip():
            self._fail("name", "must name the zone")
        name = self.name.strip()
        if len(name) > MAX_ZONE_NAME_LENGTH:
            self._fail("name", f"is longer than {MAX_ZONE_NAME_LENGTH} characters")
        object.__setattr__(self, "name", name)


@event_type("ZoneDefined")
@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneDefined(ZoneDefinitionEvent):
    """A zone was drawn (or redrawn): its kind, its shape as GeoJSON text and, optionally, the speed limit
    inside it in knots (kept to 0.1 kn, as AIS reports speed)."""

    kind: str
    geometry: str
    speed_limit_kn: float | None = None

    def __post_init__(self) -> None:
        ZoneDefinitionEvent.__post_init__(self)
        if self.kind not in ZONE_KINDS:
            self._fail("kind", f"unknown zone kind {self.kind!r}; known: {', '.join(ZONE_KINDS)}")
        if not isinstance(self.geometry, str) or len(self.geometry) > MAX_GEOMETRY_LENGTH:
            self._fail("geometry", f"must be GeoJSON text of at most {MAX_GEOMETRY_LENGTH:,} characters")
        try:
            object.__setattr__(self, "geometry", canonical_geometry(self.geometry))
        except InvalidArea as error:
            self._fail("geometry", str(error))
        limit = self.speed_limit_kn
        if limit is not None:
            if (isinstance(limit, bool) or not isinstance(limit, (int, float)) or not math.isfinite(limit)
                    or not 0 < limit <= ais.SOG_MAX):
                self._fail("speed_limit_kn", f"must be a speed in (0, {ais.SOG_MAX}] knots, got {limit!r}")
            object.__setattr__(self, "speed_limit_kn", round(float(limit) * 10) / 10)
            if self.speed_limit_kn == 0:
                self._fail("speed_limit_kn", f"{limit!r} kn rounds to 0 at 0.1 kn")


@event_type("ZoneRemoved")
@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneRemoved(ZoneDefinitionEvent):
    """A zone is no longer watched."""
