"""Zones entered and left, and port calls, judged at each report from the zones its position is in.

- A zone of kind ``port``: ``PortArrived`` at the first report inside, ``PortDeparted`` (with the dwell time
  since arrival) at the first report outside. Both are notices.
- Any other zone: ``ZoneEntered`` at the first report inside, an alert, with the severity its kind has in
  the settings (``zones.severity``: ``restricted`` critical, ``anchorage`` and ``generic`` info by default,
  or ``off`` for no events at all); ``ZoneExited``, a notice, at the first report outside. An entry into a
  plain zone is an alert too, of severity info: an operator drew the zone to be told when ships come in,
  and acknowledging says someone saw it; a kind that should raise nothing is set to ``off``.

Priorities: ``priorities.restricted_zone`` for a restricted zone's entry (an alarm by default),
``priorities.zone`` for others and ``priorities.port`` for port calls (cautions). The exit rectifies the
entry's alert (``AlertRectified``, "left the zone after ...").

A ship first seen inside a zone counts as entering it at that report. Entry and exit carry the position
and time of the report that showed them. Ids name the ship, the zone and the time of entry
(``zone-entered:<mmsi>:<zone>:<entered>``, ``zone-exited:...``, ``port-arrived:...``, ``port-departed:...``);
entry and exit share a correlation id. A zone that is removed ends its visits without an exit; a zone
redefined while a ship is inside keeps the visit, and its exit follows the kind the zone had at entry.
"""
from __future__ import annotations

from uuid import UUID

from domain.events import PortArrived, PortDeparted, PositionReported, ZoneEntered, ZoneExited
from domain.rules.episodes import RaisedAlert, correlation_for, episode_key, rectified, stamp
from domain.rules.settings import RuleSettings
from domain.rules.watch import ShipWatch, Visit
from domain.rules.zones import Zone
from domain.time import MICROS_PER_SECOND, duration_text


def on_report(watch: ShipWatch, event_id: UUID, report: PositionReported, zones: tuple[Zone, ...],
              settings: RuleSettings, alerts: list[RaisedAlert]) -> None:
    """Compare the zones a new report is in with those the ship was in; raise what changed."""
    visits = watch.visits
    if len(zones) == len(visits) and all(zone.name in visits for zone in zones):
        return  # the common case: in the same zones as before (usually none)
    inside = {zone.name for zone in zones}
    for name in sorted(visits):
        if name not in inside:
            visit = visits.pop(name)
            if visit.announced:
                alerts.append(_left(watch, event_id, report, name, visit, settings))
                if visit.kind != "port":
                    entered = visit.entered_at
                    stay = duration_text((report.occurred_at - entered) / MICROS_PER_SECOND)
                    alerts.append(rectified(watch.mmsi, episode_key("zone-entered", watch.mmsi, name, stamp(entered)),
                                            report.occurred_at, f"left the zone after {stay}", event_id,
                                            _correlation("zone", watch, name, entered)))
    for zone in zones:
        if zone.name not in visits:
            severity = None if zone.is_port else settings.zone_entry_severity(zone.kind)
            visits[zone.name] = Visit(report.occurred_at, zone.kind, zone.is_port or severity is not None)
            if zone.is_port:
                alerts.append(_arrived(watch, event_id, report, zone, settings))
            elif severity is not None:
                alerts.append(_entered(watch, event_id, report, zone, severity, settings))
    note_kinds(watch, settings)


def note_kinds(watch: ShipWatch, settings: RuleSettings) -> None:
    """Update what the kinds of the zones a ship is in mean for the other rules."""
    kinds = {visit.kind for visit in watch.visits.values()}
    watch.in_port = "port" in kinds
    watch.exempt = not kinds.isdisjoint(settings.loitering.exempt_zone_kinds)


def forget_zone(watch: ShipWatch, name: str, settings: RuleSettings) -> None:
    """End a ship's visit of a zone that is no longer watched, silently."""
    if watch.visits.pop(name, None) is not None:
        note_kinds(watch, settings)


def _correlation(rule: str, watch: ShipWatch, zone: str, entered_at: int) -> UUID:
    return correlation_for(episode_key(rule, watch.mmsi, zone, stamp(entered_at)))


def _entered(watch: ShipWatch, event_id: UUID, report: PositionReported, zone: Zone, severity: str,
             settings: RuleSettings) -> RaisedAlert:
    at = report.occurred_at
    event = ZoneEntered(mmsi=watch.mmsi, occurred_at=at, alert_id=episode_key("zone-entered", watch.mmsi, zone.name,
                                                                              stamp(at)),
                        severity=severity, priority=settings.priorities.zone_entry(zone.kind),
                        summary=f"entered {zone.kind} zone {zone.name}", zone=zone.name,
                        lat=report.lat, lon=report.lon)
    return RaisedAlert(event, event_id, _correlation("zone", watch, zone.name, at))


def _arrived(watch: ShipWatch, event_id: UUID, report: PositionReported, zone: Zone,
             settings: RuleSettings) -> RaisedAlert:
    at = report.occurred_at
    event = PortArrived(mmsi=watch.mmsi, occurred_at=at, alert_id=episode_key("port-arrived", watch.mmsi, zone.name,
                                                                              stamp(at)),
                        severity="info", priority=settings.priorities.port, summary=f"arrived at {zone.name}",
                        port=zone.name)
    return RaisedAlert(event, event_id, _correlation("port", watch, zone.name, at))


def _left(watch: ShipWatch, event_id: UUID, report: PositionReported, name: str, visit: Visit,
          settings: RuleSettings) -> RaisedAlert:
    at, entered = report.occurred_at, visit.entered_at
    stay = duration_text((at - entered) / MICROS_PER_SECOND)
    if visit.kind == "port":
        departed = PortDeparted(mmsi=watch.mmsi, occurred_at=at,
                                alert_id=episode_key("port-departed", watch.mmsi, name, stamp(entered)),
                                severity="info", priority=settings.priorities.port,
                                summary=f"left {name} after {stay}", port=name,
                                dwell_s=(at - entered) / MICROS_PER_SECOND)
        return RaisedAlert(departed, event_id, _correlation("port", watch, name, entered))
    event = ZoneExited(mmsi=watch.mmsi, occurred_at=at, alert_id=episode_key("zone-exited", watch.mmsi, name,
                                                                             stamp(entered)),
                       severity="info", summary=f"left {visit.kind} zone {name} after {stay}", zone=name,
                       lat=report.lat, lon=report.lon)
    return RaisedAlert(event, event_id, _correlation("zone", watch, name, entered))
