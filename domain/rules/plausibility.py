"""Position jumps: a report farther from the ship's previous one than any ship could sail in the time between
them (``plausibility.max_kn``, plus ``plausibility.margin_m`` for the noise of a fix) raises
``PositionJumped``, a momentary alert (one of the two positions is wrong: bad data, or spoofing), priority
``priorities.position_jump``, id ``position-jump:<mmsi>:<report>``.

SAR aircraft (MMSIs 111xxxxxx) fly and are not judged. Speeds a ship of its type cannot make are the speed
rule's (per-type limits, ``domain.rules.settings.DEFAULT_SHIP_TYPES``).
"""
from __future__ import annotations

from uuid import UUID

from domain.events import PositionJumped, PositionReported
from domain.geo import haversine_m
from domain.rules.cpa import METRES_PER_SECOND_PER_KNOT
from domain.rules.episodes import RaisedAlert, correlation_for, episode_key, stamp
from domain.rules.settings import RuleSettings
from domain.rules.watch import ShipWatch
from domain.rules.wording import distance_text
from domain.time import MICROS_PER_SECOND, duration_text

MAX_JUMP_M = 20_100_000.0


def is_sar_aircraft(mmsi: int) -> bool:
    """SAR aircraft have MMSIs of the form 111MIDxxx (ITU-R M.585)."""
    return 111_000_000 <= mmsi <= 111_999_999


def on_report(watch: ShipWatch, event_id: UUID, report: PositionReported, settings: RuleSettings,
              alerts: list[RaisedAlert]) -> None:
    """Judge how far a new report (not older than the last) is from the ship's previous one."""
    last = watch.last_at
    if last is None or is_sar_aircraft(watch.mmsi):
        return
    gap_s = (report.occurred_at - last) / MICROS_PER_SECOND
    limits = settings.plausibility
    reach = limits.max_kn * METRES_PER_SECOND_PER_KNOT * gap_s + limits.margin_m
    if (abs(report.lat - watch.lat) + abs(report.lon - watch.lon)) * 111_400.0 < reach:
        return  # the cheap test: no degree is longer than 111.4 km, and no path longer than the two legs
    jump = haversine_m(watch.lat, watch.lon, report.lat, report.lon)
    if jump <= reach:
        return
    at = report.occurred_at
    key = episode_key("position-jump", watch.mmsi, stamp(at))
    event = PositionJumped(mmsi=watch.mmsi, occurred_at=at, alert_id=key, severity="warning",
                           priority=settings.priorities.position_jump,
                           summary=f"{distance_text(jump)} from the previous report {duration_text(gap_s)} earlier: "
                                   f"more than {limits.max_kn:g} kn",
                           lat=report.lat, lon=report.lon, jump_m=min(jump, MAX_JUMP_M), gap_s=gap_s,
                           max_kn=limits.max_kn)
    alerts.append(RaisedAlert(event, event_id, correlation_for(key)))
