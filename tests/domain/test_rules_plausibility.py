"""Plausibility by default: a speed no ship of its type can make, and a position farther from the last than any
ship could sail in the time, raise alerts with the default settings."""
from __future__ import annotations

from domain.geo import destination_point
from domain.rules import RulesEngine
from domain.geo import METRES_PER_NAUTICAL_MILE as NM
from tests.domain.rules_log import OTHER, SHIP, Log, minutes


def test_a_cargo_ship_reporting_40_knots_raises_a_speed_alert_with_the_default_settings():
    log = Log()
    log.registered(SHIP, "cargo")
    log.registered(OTHER, "high-speed craft")
    for k in range(3):
        log.report(k, 50.0, -3.0 + 0.011 * k, sog=40.0)
        log.report(k, 49.0, -3.0 + 0.011 * k, sog=40.0, mmsi=OTHER)  # a fast ferry may
    speeding, = RulesEngine().observe_all(log.events)
    assert (speeding.event.TYPE, speeding.event.mmsi, speeding.event.limit) == ("SpeedLimitExceeded", SHIP, 30.0)
    assert speeding.event.summary == "40.0 kn: faster than a cargo can make (30 kn), bad data?"
    assert speeding.event.priority == "warning"


def test_a_report_farther_from_the_last_than_any_ship_could_sail_is_a_position_jump():
    log = Log()
    log.report(0, 50.0, -1.0, sog=12.0, cog=90.0)
    far_lat, far_lon = destination_point(50.0, -1.0, 90.0, 40 * NM)  # 40 nm in a minute
    log.report(1, far_lat, far_lon, sog=12.0, cog=90.0)
    near_lat, near_lon = destination_point(far_lat, far_lon, 90.0, 0.2 * NM)
    log.report(2, near_lat, near_lon, sog=12.0, cog=90.0)
    jumped, = RulesEngine().observe_all(log.events)
    assert (jumped.event.TYPE, jumped.event.occurred_at, jumped.event.max_kn) == ("PositionJumped", minutes(1), 70.0)
    assert jumped.event.jump_m > 39 * NM and jumped.event.gap_s == 60.0


def test_a_fast_ship_and_a_long_silence_are_no_position_jump():
    log = Log()
    log.report(0, 50.0, -1.0, sog=35.0, cog=0.0)
    lat, lon = destination_point(50.0, -1.0, 0.0, 35 * NM)  # 35 nm in an hour at 35 kn
    log.report(60, lat, lon, sog=35.0, cog=0.0)
    lat, lon = destination_point(lat, lon, 0.0, 0.5 * NM)  # half a mile in the same minute: a fix's noise
    log.report(60, lat, lon, sog=35.0, cog=0.0)
    assert [a.event.TYPE for a in RulesEngine().observe_all(log.events) if a.event.TYPE == "PositionJumped"] == []
