"""Speeding: a ship over the speed limit that applies where it is raises ``SpeedLimitExceeded`` once an episode.

The limit at a report is the lowest of the ship's general limit (``speed.limit_kn``, per ship type; none by
default) and the ``speed_limit_kn`` of each zone the report is in (on a tie, the zone's, the first by
name). An episode begins at the first report whose speed over ground is above the limit; it raises one alert
(``speed:<mmsi>:<start>``, naming the zone whose limit it broke) and lasts until a report is back at or below
the limit less ``speed.hysteresis_kn``, no limit applies any more, or the ship falls silent for longer than
``speed.episode_gap_s`` (or long enough to lose its signal). A report without a speed changes nothing.
"""
from __future__ import annotations

from uuid import UUID

from domain.events import PositionReported, SpeedLimitExceeded
from domain.rules.episodes import RaisedAlert, correlation_for, episode_key, stamp
from domain.rules.settings import RuleSettings
from domain.rules.watch import ShipWatch
from domain.rules.zones import Zone


def limit_at(watch: ShipWatch, zones: tuple[Zone, ...]) -> tuple[float | None, str | None]:
    """(limit in knots, zone whose limit it is or None for the general one) where the ship is."""
    limit, where = watch.rules.speed_limit_kn, None
    for zone in zones:
        zone_limit = zone.speed_limit_kn
        if zone_limit is not None and (limit is None or zone_limit < limit or (zone_limit == limit and where is None)):
            limit, where = zone_limit, zone.name
    return limit, where


def on_report(watch: ShipWatch, event_id: UUID, report: PositionReported, zones: tuple[Zone, ...],
              settings: RuleSettings, alerts: list[RaisedAlert]) -> None:
    """Start or end a speeding episode at a new report (not older than the last)."""
    if watch.speed_since is None and watch.rules.speed_limit_kn is None and not zones:
        return  # no limit and no episode: the common case
    sog = report.sog
    limit, where = limit_at(watch, zones)
    if watch.speed_since is not None:
        if limit is not None and (sog is None or sog > limit - settings.speed.hysteresis_kn):
            return  # still in the episode
        watch.speed_since = None
    if sog is None or limit is None or not sog > limit:
        return
    at = report.occurred_at
    watch.speed_since = at
    key = episode_key("speed", watch.mmsi, stamp(at))
    place = f" in {where}" if where else ""
    event = SpeedLimitExceeded(mmsi=watch.mmsi, occurred_at=at, alert_id=key, severity="warning",
                               summary=f"{sog:.1f} kn{place}, over the limit of {limit:g} kn", sog=sog, limit=limit,
                               zone=where)
    alerts.append(RaisedAlert(event, event_id, correlation_for(key)))


def end_episode(watch: ShipWatch) -> None:
    """A silence ends a speeding episode."""
    watch.speed_since = None
