"""What changed between two moments: each ship's appearance, move, status, destination and particulars, the
alerts raised, acknowledged (or otherwise moved on) in between, and the zones defined or removed.

A moment is a time ``at`` and, optionally, a time ``known_at``: the picture the log gave of ``at`` with only
what it had recorded by ``known_at``. Two moments with the same ``at`` and two known-at times answer the
bitemporal question — what the log learned in between about the same moment (late reports).

The diff is defined as the comparison of two plain folds (``fold_diff``: ``fleet_state.replay``,
``alert_board.fold_alerts`` and ``zone_list.fold_zones`` at each moment). ``diff_fleets`` gives the same
answer from the temporal index's columns, vectorised, so a diff of 10,000 ships costs milliseconds; a
property test holds the two equal.

Alerts are compared by their state on each board, whatever the states are: an alert absent before and on
the board after was raised; one whose state moved (open to acknowledged, and any state a later kind of
alert event adds, such as rectified) is listed with both states.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from domain import ais
from domain.geo import EARTH_RADIUS_M
from domain.alert_board import AlertView, fold_alerts
from domain.events import RecordedEvent
from domain.fleet_state import replay
from domain.ship import Ship
from domain.temporal_index import FleetArrays
from domain.zone_list import ZoneList, ZoneView, fold_zones

APPEARED = "appeared"
DISAPPEARED = "disappeared"
INDEXED_PARTICULARS = ("name", "callsign", "ship_type")  # the particulars the temporal index holds
MORE_PARTICULARS = ("imo", "length", "beam", "draught", "eta")  # those read from the ships' particulars events
PARTICULARS = INDEXED_PARTICULARS + MORE_PARTICULARS
PARTICULAR_TYPES = ("ShipRegistered", "ShipDetailsChanged")
DEFINED, REDEFINED, REMOVED = "defined", "redefined", "removed"


@dataclass(frozen=True, slots=True)
class Moment:
    """A time, and what the log had recorded by ``known_at`` (None: everything)."""

    at: int
    known_at: int | None = None

    def counts(self, recorded: RecordedEvent) -> bool:
        return recorded.occurred_at <= self.at and (self.known_at is None or recorded.recorded_at <= self.known_at)


@dataclass(frozen=True, slots=True)
class Position:
    lat: float
    lon: float
    at: int  # the report's occurred_at


@dataclass(frozen=True, slots=True)
class FieldChange:
    """A field of a ship that differs between the two moments: status, destination, name, callsign, type,
    IMO number, length, beam (m), draught (m) or ETA (µs UTC)."""

    field: str
    before: str | int | float | None
    after: str | int | float | None


@dataclass(frozen=True, slots=True)
class AlertChange:
    """An alert whose state differs: ``before`` None means raised in between; ``after`` None means it is not
    on the later board (a diff backwards in time, or a later moment known earlier)."""

    alert_id: str
    mmsi: int
    type: str
    severity: str
    summary: str
    before: str | None
    after: str | None
    at: int  # when the change happened: the acknowledgement, else the raising

    @property
    def transition(self) -> str:
        if self.before is None:
            return f"raised ({self.after})" if self.after not in (None, "open") else "raised"
        if self.after is None:
            return f"not yet raised ({self.before} before)"
        return f"{self.before} → {self.after}"


@dataclass(frozen=True, slots=True)
class ShipChanges:
    """Everything that differs for one ship. ``presence`` is 'appeared' (no position before), 'disappeared'
    (none after) or None; ``before``/``after`` are its positions (None where it had none)."""

    mmsi: int
    name: str | None
    presence: str | None
    before: Position | None
    after: Position | None
    distance_m: float
    fields: tuple[FieldChange, ...] = ()
    alerts: tuple[AlertChange, ...] = ()

    @property
    def moved(self) -> bool:
        return self.before is not None and self.after is not None and (
            self.before.lat != self.after.lat or self.before.lon != self.after.lon)

    def field(self, name: str) -> FieldChange | None:
        return next((change for change in self.fields if change.field == name), None)


@dataclass(frozen=True, slots=True)
class ZoneChange:
    name: str
    kind: str
    change: str  # 'defined', 'redefined' or 'removed'
    at: int      # when the zone's definition in force after (or before, when removed) occurred


@dataclass(frozen=True, slots=True)
class FleetDiff:
    """The changes between two moments: ships (sorted by MMSI) and zones (sorted by name)."""

    before: Moment
    after: Moment
    ships: tuple[ShipChanges, ...] = ()
    zones: tuple[ZoneChange, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)

    def ship(self, mmsi: int) -> ShipChanges | None:
        return next((ship for ship in self.ships if ship.mmsi == mmsi), None)

    def only(self, mmsis: Iterable[int]) -> "FleetDiff":
        """The same diff for these ships only (the zones' changes kept), counted anew."""
        chosen = set(mmsis)
        return _diff(self.before, self.after, [ship for ship in self.ships if ship.mmsi in chosen], self.zones)


# --- the plain definition -------------------------------------------------------------------------------------


def _picture(ships: Mapping[int, Ship]) -> dict[int, Ship]:
    return {mmsi: ship for mmsi, ship in ships.items() if ship.has_position}


def _fields_of(ship: Ship) -> dict[str, str | int | float | None]:
    return {"nav_status": ship.nav_status, "destination": ship.destination, "name": ship.name,
            "callsign": ship.callsign, "ship_type": ship.ship_type,
            **{name: getattr(ship, name) for name in MORE_PARTICULARS}}


def particulars_changes(events: Iterable[RecordedEvent], before: Moment, after: Moment
                        ) -> dict[int, tuple[FieldChange, ...]]:
    """The particulars the index does not hold (``MORE_PARTICULARS``) that differ between the two moments, by
    ship: each ship's registrations and details changes folded at each moment, as the plain fold does.
    ``events`` need hold only those (``PARTICULAR_TYPES``); a ship none of whose events counts at one moment
    and not the other is the same at both, so only such ships are folded."""
    particulars = [recorded for recorded in events if recorded.type in PARTICULAR_TYPES]
    moved = {recorded.event.mmsi for recorded in particulars  # type: ignore[attr-defined]
             if before.counts(recorded) != after.counts(recorded)}
    if not moved:
        return {}
    theirs = [recorded for recorded in particulars if recorded.event.mmsi in moved]  # type: ignore[attr-defined]
    first, second = replay(theirs, before.at, before.known_at).ships, replay(theirs, after.at, after.known_at).ships
    changes: dict[int, tuple[FieldChange, ...]] = {}
    for mmsi in sorted(moved):
        old, new = first.get(mmsi), second.get(mmsi)
        fields = tuple(FieldChange(name, getattr(old, name, None), getattr(new, name, None))
                       for name in MORE_PARTICULARS if getattr(old, name, None) != getattr(new, name, None))
        if fields:
            changes[mmsi] = fields
    return changes


def fold_diff(events: Sequence[RecordedEvent], before: Moment, after: Moment) -> FleetDiff:
    """The diff by definition: fold the log at each moment, and compare ship by ship, alert by alert and zone
    by zone. Simple and slow; the oracle ``diff_fleets`` is held to."""
    first = _picture(replay(events, before.at, before.known_at).ships)
    second = _picture(replay(events, after.at, after.known_at).ships)
    alerts = alert_changes(fold_alerts(events, before.at, before.known_at),
                           fold_alerts(events, after.at, after.known_at))
    ships = []
    for mmsi in sorted(set(first) | set(second) | set(alerts)):
        old, new = first.get(mmsi), second.get(mmsi)
        presence = APPEARED if old is None and new is not None else DISAPPEARED if new is None and old is not None else None
        where_before = None if old is None else Position(old.lat, old.lon, old.last_report_at)  # type: ignore[arg-type]
        where_after = None if new is None else Position(new.lat, new.lon, new.last_report_at)  # type: ignore[arg-type]
        distance = 0.0
        if where_before is not None and where_after is not None:
            distance = float(_pairwise_m(np.array([where_before.lat]), np.array([where_before.lon]),
                                         np.array([where_after.lat]), np.array([where_after.lon]))[0])
        fields: tuple[FieldChange, ...] = ()
        if old is not None and new is not None:
            a, b = _fields_of(old), _fields_of(new)
            fields = tuple(FieldChange(name, a[name], b[name]) for name in a if a[name] != b[name])
        name = (new or old).name if (new or old) is not None else None  # type: ignore[union-attr]
        changes = ShipChanges(mmsi, name, presence, where_before, where_after, distance, fields,
                              tuple(alerts.get(mmsi, ())))
        if _changed(changes):
            ships.append(changes)
    zones = zone_changes(_zones_at(events, before), _zones_at(events, after))
    return _diff(before, after, ships, zones)


def _zones_at(events: Iterable[RecordedEvent], moment: Moment) -> ZoneList:
    return fold_zones(recorded for recorded in events if moment.counts(recorded))


def _changed(ship: ShipChanges) -> bool:
    return bool(ship.presence or ship.moved or ship.fields or ship.alerts)


def _diff(before: Moment, after: Moment, ships: Sequence[ShipChanges], zones: Sequence[ZoneChange]) -> FleetDiff:
    counts = dict.fromkeys((APPEARED, DISAPPEARED, "moved", "nav_status", "destination", "particulars"), 0)
    for ship in ships:
        if ship.presence is not None:
            counts[ship.presence] += 1
        if ship.moved:
            counts["moved"] += 1
        changed = {change.field for change in ship.fields}
        for name in ("nav_status", "destination"):
            if name in changed:
                counts[name] += 1
        if not changed.isdisjoint(PARTICULARS):
            counts["particulars"] += 1
    counts["alerts"] = sum(len(ship.alerts) for ship in ships)
    counts["zones"] = len(zones)
    return FleetDiff(before, after, tuple(ships), tuple(zones), counts)


# --- alerts and zones -----------------------------------------------------------------------------------------


def alert_changes(before: Iterable[AlertView], after: Iterable[AlertView]) -> dict[int, list[AlertChange]]:
    """Per ship, the alerts whose state differs between two boards (in the order they were raised)."""
    old = {alert.alert_id: alert for alert in before}
    new = {alert.alert_id: alert for alert in after}
    changes: dict[int, list[AlertChange]] = {}
    for alert_id in [*new, *(a for a in old if a not in new)]:
        was, now = old.get(alert_id), new.get(alert_id)
        if was is not None and now is not None and was.state == now.state:
            continue
        shown = now or was
        assert shown is not None
        at = shown.raised_at
        if now is not None and now.acknowledged_at is not None and (was is None or was.acknowledged_at is None):
            at = now.acknowledged_at
        changes.setdefault(shown.mmsi, []).append(AlertChange(
            alert_id, shown.mmsi, shown.type, shown.severity, shown.summary, None if was is None else was.state,
            None if now is None else now.state, at))
    return changes


def zone_changes(before: ZoneList, after: ZoneList) -> list[ZoneChange]:
    """Zones defined, redefined (kind, outline or limit changed: a newer definition) or removed, by name."""
    old = {view.name: view for view in before}
    new = {view.name: view for view in after}
    changes = []
    for name in sorted(set(old) | set(new), key=str.casefold):
        was, now = old.get(name), new.get(name)
        if now is not None and was is None:
            changes.append(_zone_change(now, DEFINED))
        elif now is None and was is not None:
            changes.append(_zone_change(was, REMOVED))
        elif now is not None and was is not None and now.position != was.position:
            changes.append(_zone_change(now, REDEFINED))
    return changes


def _zone_change(view: ZoneView, change: str) -> ZoneChange:
    return ZoneChange(view.name, view.kind, change, view.defined_at)


# --- the fast path: the index's columns -----------------------------------------------------------------------


def _text(codes: np.ndarray, names: Sequence[str]) -> list[str | None]:
    return [names[int(code)] if code >= 0 else None for code in codes]


def diff_fleets(before: Moment, after: Moment, first: FleetArrays, second: FleetArrays,
                alerts: Mapping[int, Sequence[AlertChange]], zones: Sequence[ZoneChange],
                more: Mapping[int, Sequence[FieldChange]] | None = None) -> FleetDiff:
    """The diff from two pictures of the temporal index (``state_at`` at each moment, sorted by MMSI), the
    alert changes (``alert_changes``), the zone changes (``zone_changes``) and the changes of the particulars
    the index does not hold (``particulars_changes``): the ships are compared as columns, and only the ships
    that changed become objects."""
    more = more or {}
    mmsis = np.union1d(first.mmsi, second.mmsi)
    if alerts:
        mmsis = np.union1d(mmsis, np.fromiter(alerts, dtype=np.int64))
    i = np.searchsorted(first.mmsi, mmsis)
    j = np.searchsorted(second.mmsi, mmsis)
    in_first = (i < len(first)) & (first.mmsi[np.minimum(i, max(len(first) - 1, 0))] == mmsis) if len(first) else \
        np.zeros(len(mmsis), bool)
    in_second = (j < len(second)) & (second.mmsi[np.minimum(j, max(len(second) - 1, 0))] == mmsis) if len(second) \
        else np.zeros(len(mmsis), bool)
    i, j = np.minimum(i, max(len(first) - 1, 0)), np.minimum(j, max(len(second) - 1, 0))
    both = in_first & in_second

    def column(name: str) -> tuple[np.ndarray, np.ndarray]:
        """The column of each picture, row for row with ``mmsis`` (-1 or None for a picture with no ship)."""
        def of(picture: FleetArrays, rows: np.ndarray) -> np.ndarray:
            values: np.ndarray = getattr(picture, name)
            if len(picture):
                chosen: np.ndarray = values[rows]
                return chosen
            return np.full(len(mmsis), None if values.dtype == object else -1, dtype=values.dtype)

        return of(first, i), of(second, j)

    lat1, lat2 = column("lat")
    lon1, lon2 = column("lon")
    status1, status2 = column("status")
    type1, type2 = column("ship_type")
    name1, name2 = column("names")
    destination1, destination2 = column("destinations")
    callsign1, callsign2 = column("callsigns")
    moved = both & ((lat1 != lat2) | (lon1 != lon2))
    differs = {"nav_status": both & (status1 != status2), "destination": both & (destination1 != destination2),
               "name": both & (name1 != name2), "callsign": both & (callsign1 != callsign2),
               "ship_type": both & (type1 != type2)}
    changed = (in_first != in_second) | moved | np.logical_or.reduce(list(differs.values()))
    if alerts:
        changed |= np.isin(mmsis, np.fromiter(alerts, dtype=np.int64))
    more_changed = both & np.isin(mmsis, np.fromiter(more, dtype=np.int64)) if more else np.zeros(len(mmsis), bool)
    changed |= more_changed
    rows = np.flatnonzero(changed)
    more_rows = more_changed[rows].tolist()
    distance = np.zeros(len(mmsis))
    if rows.size:
        moving = rows[both[rows]]
        distance[moving] = _pairwise_m(lat1[moving], lon1[moving], lat2[moving], lon2[moving])
    texts: dict[str, tuple[Any, Any]] = {"nav_status": (_text(status1[rows], ais.NAV_STATUSES), _text(status2[rows], ais.NAV_STATUSES)),
             "ship_type": (_text(type1[rows], ais.SHIP_TYPES), _text(type2[rows], ais.SHIP_TYPES)),
             "destination": (destination1[rows].tolist(), destination2[rows].tolist()),
             "name": (name1[rows].tolist(), name2[rows].tolist()),
             "callsign": (callsign1[rows].tolist(), callsign2[rows].tolist())}
    at1, at2 = column("last_report_at")
    order = ("nav_status", "destination", "name", "callsign", "ship_type")
    flags = np.stack([differs[name][rows] for name in order], axis=1).tolist()
    first_lat, first_lon, first_at = lat1[rows].tolist(), lon1[rows].tolist(), at1[rows].tolist()
    second_lat, second_lon, second_at = lat2[rows].tolist(), lon2[rows].tolist(), at2[rows].tolist()
    olds, news = in_first[rows].tolist(), in_second[rows].tolist()
    names_before, names_after = name1[rows].tolist(), name2[rows].tolist()
    ships = []
    for k, (mmsi, metres) in enumerate(zip(mmsis[rows].tolist(), distance[rows].tolist())):
        old, new = olds[k], news[k]
        presence = APPEARED if new and not old else DISAPPEARED if old and not new else None
        fields = tuple(FieldChange(name, texts[name][0][k], texts[name][1][k])
                       for name, flag in zip(order, flags[k]) if flag) + (tuple(more[mmsi]) if more_rows[k] else ())
        ships.append(ShipChanges(
            mmsi, names_after[k] if new else (names_before[k] if old else None), presence,
            Position(first_lat[k], first_lon[k], first_at[k]) if old else None,
            Position(second_lat[k], second_lon[k], second_at[k]) if new else None,
            metres, fields, tuple(alerts.get(mmsi, ()))))
    return _diff(before, after, ships, zones)


def _pairwise_m(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    result: np.ndarray = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return result
