"""Speeding: a ship over the speed limit that applies where it is raises ``SpeedLimitExceeded`` once an episode,
and ``AlertRectified`` when the episode ends.

The limit at a report is the lowest of the ship's general limit (``speed.limit_kn``, per ship type), the
ceiling of its type (``plausibility.speed_kn``: the speed no ship of its type can make, so a cargo ship at
40 kn is flagged with the default settings) and the
``speed_limit_kn`` of each zone the report is in (on a tie, the zone's, the first by name). An episode
begins at the first report whose speed over ground is above the limit; it raises one alert
(``speed:<mmsi>:<start>``, naming the zone whose limit it broke, priority ``priorities.speed``).

It ends — and the alert is rectified, saying why — when no limit applies any more (the ship left the zone),
when the ship falls silent for longer than ``speed.episode_gap_s`` (or long enough to lose its signal), or
once its reports have stayed at or below the limit less ``speed.hysteresis_kn`` for ``speed.grace_s``: a
ship yawing over a limit stays in one episode. A report without a speed changes nothing.
"""
from __future__ import annotations

from uuid import UUID

from domain.events import PositionReported, SpeedLimitExceeded
from domain.rules.episodes import RaisedAlert, correlation_for, episode_key, rectified, stamp
from domain.rules.settings import RuleSettings
from domain.rules.watch import ShipWatch
from domain.rules.zones import Zone
from domain.time import MICROS_PER_SECOND, duration_text


def limit_at(watch: ShipWatch, zones: tuple[Zone, ...]) -> tuple[float | None, str | None]:
    """(limit in knots, zone whose limit it is or None for the general one or its type's ceiling) where the
    ship is."""
    limit, where = watch.rules.speed_limit_kn, None
    ceiling = watch.rules.speed_ceiling_kn
    if ceiling is not None and (limit is None or ceiling < limit):
        limit = ceiling
    for zone in zones:
        zone_limit = zone.speed_limit_kn
        if zone_limit is not None and (limit is None or zone_limit < limit or (zone_limit == limit and where is None)):
            limit, where = zone_limit, zone.name
    return limit, where


def on_report(watch: ShipWatch, event_id: UUID, report: PositionReported, zones: tuple[Zone, ...],
              settings: RuleSettings, alerts: list[RaisedAlert]) -> None:
    """Start or end a speeding episode at a new report (not older than the last)."""
    if watch.speed_since is None and watch.rules.speed_limit_kn is None and watch.rules.speed_ceiling_kn is None \
            and not zones:
        return  # no limit and no episode: the common case
    sog = report.sog
    at = report.occurred_at
    limit, where = limit_at(watch, zones)
    if watch.speed_since is not None:
        if limit is None:
            _end(watch, at, "no speed limit applies any more (left the zone)", event_id, alerts)
        elif sog is None or sog > limit - settings.speed.hysteresis_kn:
            watch.speed_under_since = None
            return  # still in the episode
        else:
            under = watch.speed_under_since
            if under is None:
                watch.speed_under_since = under = at
            if at - under < round(settings.speed.grace_s * MICROS_PER_SECOND):
                return  # under the limit, not yet for long enough
            _end(watch, at, f"{sog:.1f} kn, under the limit of {limit:g} kn for "
                            f"{duration_text((at - under) / MICROS_PER_SECOND)}", event_id, alerts)
            return
    if sog is None or limit is None or not sog > limit:
        return
    watch.speed_since = at
    watch.speed_under_since = None
    key = episode_key("speed", watch.mmsi, stamp(at))
    place = f" in {where}" if where else ""
    implausible = where is None and limit == watch.rules.speed_ceiling_kn
    summary = (f"{sog:.1f} kn: faster than a {watch.ship_type} can make ({limit:g} kn), bad data?" if implausible
               else f"{sog:.1f} kn{place}, over the limit of {limit:g} kn")
    event = SpeedLimitExceeded(mmsi=watch.mmsi, occurred_at=at, alert_id=key, severity="warning",
                               priority=settings.priorities.speed, summary=summary, sog=sog, limit=limit, zone=where)
    alerts.append(RaisedAlert(event, event_id, correlation_for(key)))


def _end(watch: ShipWatch, at: int, reason: str, cause: UUID | None, alerts: list[RaisedAlert]) -> None:
    since = watch.speed_since
    assert since is not None
    key = episode_key("speed", watch.mmsi, stamp(since))
    watch.speed_since = watch.speed_under_since = None
    alerts.append(rectified(watch.mmsi, key, max(at, since), reason, cause, correlation_for(key)))


def end_episode(watch: ShipWatch, at: int | None = None, alerts: list[RaisedAlert] | None = None,
                reason: str = "the ship fell silent") -> None:
    """A silence ends a speeding episode (rectified at ``at``, the last report before it, when given)."""
    if watch.speed_since is not None and at is not None and alerts is not None:
        _end(watch, at, reason, watch.last_id, alerts)
    watch.speed_since = watch.speed_under_since = None
