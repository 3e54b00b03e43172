"""What changed between two moments, from the console's own readers: two pictures of the temporal index, the
alert board at each moment and the zones stream (see ``domain.fleet_diff`` for what a diff is).

Also the diff's documents: JSON (``diff --json``, the audit report's changes section) and lines of text.
"""
from __future__ import annotations

from typing import Any, Protocol

from app.fleet_view import FleetView
from domain.alert_board import AlertView
from domain.events import ZONES_STREAM
from domain.fleet_diff import (PARTICULAR_TYPES, FleetDiff, Moment, ShipChanges, alert_changes,
                               diff_fleets, particulars_changes, zone_changes)
from domain.time import format_instant
from domain.zone_list import fold_zones


class AlertsAt(Protocol):
    def alerts_at(self, at: int, known_at: int | None = None) -> list[AlertView]: ...


def fleet_diff(fleet: FleetView, alerts: AlertsAt, before: Moment, after: Moment) -> FleetDiff:
    """The changes from ``before`` to ``after`` (each a time and, optionally, what was known by when)."""
    first = fleet.state_at(before.at, before.known_at)
    second = fleet.state_at(after.at, after.known_at)
    changes = alert_changes(alerts.alerts_at(before.at, before.known_at), alerts.alerts_at(after.at, after.known_at))
    zone_events = list(fleet.store.read_stream(ZONES_STREAM))
    zones = zone_changes(fold_zones(e for e in zone_events if before.counts(e)),
                         fold_zones(e for e in zone_events if after.counts(e)))
    # the particulars the index does not hold (IMO, size, draught, ETA): only ships with such an event between
    # the two moments can differ; in the usual diff (no known-at) only those events are read
    latest = max(before.at, after.at)
    earliest = min(before.at, after.at) + 1 if before.known_at is None and after.known_at is None else None
    particulars = fleet.store.read_types(PARTICULAR_TYPES, occurred_from=earliest, occurred_to=latest)
    moved = {recorded.event.mmsi for recorded in particulars  # type: ignore[attr-defined]
             if before.counts(recorded) != after.counts(recorded)}
    more = particulars_changes((recorded for recorded in fleet.store.read_types(PARTICULAR_TYPES, occurred_to=latest)
                                if recorded.event.mmsi in moved), before, after) if moved else {}  # type: ignore[attr-defined]
    return diff_fleets(before, after, first, second, changes, zones, more)


def _instant(value: int | None) -> str | None:
    return None if value is None else format_instant(value)


def _moment(moment: Moment) -> dict[str, Any]:
    return {"at": format_instant(moment.at), "known_at": _instant(moment.known_at)}


def _value(field: str, value: Any) -> Any:
    """A changed field's value as a document shows it (an ETA as an ISO time, not microseconds)."""
    return _instant(value) if field == "eta" else value


def ship_document(ship: ShipChanges) -> dict[str, Any]:
    def where(position) -> dict[str, Any] | None:
        return None if position is None else {"lat": position.lat, "lon": position.lon,
                                              "report_at": format_instant(position.at)}

    return {"mmsi": ship.mmsi, "name": ship.name, "presence": ship.presence, "moved": ship.moved,
            "distance_m": round(ship.distance_m, 1), "from": where(ship.before), "to": where(ship.after),
            "changed": {change.field: {"from": _value(change.field, change.before), "to": _value(change.field, change.after)}
                        for change in ship.fields},
            "alerts": [{"alert_id": a.alert_id, "type": a.type, "severity": a.severity, "summary": a.summary,
                        "from": a.before, "to": a.after, "at": format_instant(a.at)} for a in ship.alerts]}


def diff_document(diff: FleetDiff) -> dict[str, Any]:
    """``{"from", "to", "counts", "ships": [...], "zones": [...]}``; ships sorted by MMSI."""
    return {"from": _moment(diff.before), "to": _moment(diff.after), "counts": dict(diff.counts),
            "ships": [ship_document(ship) for ship in diff.ships],
            "zones": [{"name": z.name, "kind": z.kind, "change": z.change, "at": format_instant(z.at)}
                      for z in diff.zones]}


FIELD_WORDS = {"nav_status": "status", "destination": "destination", "name": "name", "callsign": "callsign",
               "ship_type": "type", "imo": "IMO", "length": "length", "beam": "beam", "draught": "draught",
               "eta": "ETA"}


def change_phrases(ship: ShipChanges) -> list[str]:
    """What changed for one ship, as short phrases an operator reads ('moved 1.2 nm', 'status moored → …')."""
    phrases = []
    if ship.presence is not None:
        phrases.append(ship.presence)
    if ship.moved:
        phrases.append(f"moved {ship.distance_m / 1852:.2f} nm")
    for change in ship.fields:
        before, after = _value(change.field, change.before), _value(change.field, change.after)
        phrases.append(f"{FIELD_WORDS[change.field]} {before or '—'} → {after or '—'}")
    for alert in ship.alerts:
        phrases.append(f"alert {alert.type} {alert.transition}")
    return phrases
