"""The rules engine on hand-built logs: zones and ports, dark ships, speeding, loitering, close quarters."""
from __future__ import annotations

from uuid import UUID

import pytest

from domain.events import (AlertAcknowledged, CloseQuarters, Loitering, PortArrived, PortDeparted, SignalLost,
                           SignalRestored, SpeedLimitExceeded, ZoneEntered, ZoneExited)
from domain.geo import METRES_PER_NAUTICAL_MILE, destination_point, haversine_m
from domain.rules import RaisedAlert, RuleSettings, RulesEngine, run_rules
from domain.rules.episodes import correlation_for
from tests.domain.rules_log import OTHER, SHIP, T0, Log, box, minutes

NM = METRES_PER_NAUTICAL_MILE
RANGE = box(-1.0, 49.95, -0.9, 50.05)      # about 7 km east-west at 50° N


def crossing(log: Log, minutes_: range, *, lat: float = 50.0, sog: float = 10.0) -> list:
    """A ship sailing east along ``lat`` through RANGE, 0.005° of longitude a minute (inside from minute 10
    to minute 29)."""
    return [log.report(k, lat, -1.0475 + 0.005 * k, sog=sog) for k in minutes_]


def types(alerts: list[RaisedAlert]) -> list[str]:
    return [a.event.TYPE for a in alerts]


# --- zones -----------------------------------------------------------------------------------------------------


def test_a_ship_entering_and_leaving_a_restricted_zone():
    log = Log()
    log.zone("Firing range", "restricted", RANGE)
    reports = crossing(log, range(41))
    alerts = RulesEngine().observe_all(log.events)
    assert types(alerts) == ["ZoneEntered", "ZoneExited", "AlertRectified"]
    entered, exited, ended = alerts
    assert (ended.alert_id, ended.event.occurred_at) == (entered.alert_id, exited.event.occurred_at)
    assert ended.event.reason == "left the zone after 20 min"
    assert entered.event == ZoneEntered(mmsi=SHIP, occurred_at=minutes(10), severity="critical", zone="Firing range",
                                        alert_id="zone-entered:235000001:Firing range:20240501T121000Z",
                                        summary="entered restricted zone Firing range", lat=50.0, lon=-0.9975)
    assert entered.causation_id == reports[10].event_id
    assert exited.event == ZoneExited(mmsi=SHIP, occurred_at=minutes(30), severity="info", zone="Firing range",
                                      alert_id="zone-exited:235000001:Firing range:20240501T121000Z",
                                      summary="left restricted zone Firing range after 20 min", lat=50.0, lon=-0.8975)
    assert exited.causation_id == reports[30].event_id
    assert entered.correlation_id == exited.correlation_id
    assert entered.event.NEEDS_ACKNOWLEDGEMENT and not exited.event.NEEDS_ACKNOWLEDGEMENT


def test_a_port_call_is_an_arrival_then_a_departure_with_its_dwell_time():
    log = Log()
    log.zone("Southampton", "port", box(-1.45, 50.85, -1.35, 50.92), speed_limit_kn=6.0)
    log.report(0, 50.80, -1.40, sog=5.0)
    arrival = log.report(20, 50.88, -1.40, sog=4.0)
    for k in range(23, 600, 3):  # moored ten hours, reporting every three minutes: neither dark nor loitering
        log.report(k, 50.88, -1.40, sog=0.0, status="moored")
    departure = log.report(620, 50.80, -1.40, sog=5.5)
    alerts = RulesEngine().observe_all(log.events)
    assert types(alerts) == ["PortArrived", "PortDeparted"]
    arrived, departed = alerts
    assert arrived.event == PortArrived(mmsi=SHIP, occurred_at=minutes(20), severity="info", port="Southampton",
                                        alert_id="port-arrived:235000001:Southampton:20240501T122000Z",
                                        summary="arrived at Southampton")
    assert departed.event == PortDeparted(mmsi=SHIP, occurred_at=minutes(620), severity="info", port="Southampton",
                                          alert_id="port-departed:235000001:Southampton:20240501T122000Z",
                                          summary="left Southampton after 10 h 00 min", dwell_s=36_000.0)
    assert (arrived.causation_id, departed.causation_id) == (arrival.event_id, departure.event_id)
    assert arrived.correlation_id == departed.correlation_id


def test_a_ship_first_seen_inside_a_zone_enters_it_there():
    log = Log()
    log.zone("Firing range", "restricted", RANGE)
    crossing(log, range(15, 18))
    assert types(RulesEngine().observe_all(log.events)) == ["ZoneEntered"]


def test_entries_into_plain_zones_are_alerts_of_the_severity_their_kind_has():
    log = Log()
    log.zone("Spithead", "anchorage", RANGE)
    crossing(log, range(8, 12))
    entered, = RulesEngine().observe_all(log.events)
    assert entered.event.severity == "info" and entered.event.NEEDS_ACKNOWLEDGEMENT
    quiet = RuleSettings.from_mapping({"zones": {"severity": {"anchorage": "off"}}})
    assert RulesEngine(quiet).observe_all(log.events) == []
    crossing(log, range(12, 35))
    assert RulesEngine(quiet).observe_all(log.events) == []  # no entry, so no exit either


def test_a_late_report_does_not_move_a_ship_out_of_a_zone():
    log = Log()
    log.zone("Firing range", "restricted", RANGE)
    crossing(log, range(9, 12))
    log.report(5, 50.0, -1.2)  # occurred earlier, arrives now: the rules judged that moment already
    crossing(log, range(12, 14))
    assert types(RulesEngine().observe_all(log.events)) == ["ZoneEntered"]


def test_zones_follow_their_definitions_in_the_log():
    log = Log()
    crossing(log, range(5, 12))  # no zone yet
    log.zone("Firing range", "restricted", RANGE, minute=12)
    crossing(log, range(12, 15))  # already inside when the zone appears: entered at the next report
    log.zone_removed("Firing range", minute=15)
    crossing(log, range(15, 40))  # removed: leaving it is no event
    alerts = RulesEngine().observe_all(log.events)
    assert types(alerts) == ["ZoneEntered"]
    assert alerts[0].event.occurred_at == minutes(12)


# --- dark ships ------------------------------------------------------------------------------------------------


def dark_log() -> tuple[Log, list, object]:
    """Reports every minute for ten minutes, then silence, then one 45 minutes after the last, 9 nm on."""
    log = Log()
    before = [log.report(k, 50.0, -1.0 + 0.004 * k, sog=12.0) for k in range(11)]
    lat, lon = destination_point(50.0, -1.0 + 0.04, 90.0, 9 * NM)
    after = log.report(55, lat, lon, sog=12.0)
    return log, before, after


def test_a_ship_silent_for_45_minutes_loses_its_signal_at_the_threshold_and_restores_it_on_reporting():
    log, before, after = dark_log()
    engine = RulesEngine()
    engine.observe_all(log.events[:-1])
    assert engine.scan(minutes(39)) == []  # 29 minutes of silence: allowed
    lost, = engine.scan(minutes(47))
    assert lost.event == SignalLost(mmsi=SHIP, occurred_at=minutes(40), severity="warning",
                                    alert_id="signal-lost:235000001:20240501T121000Z",
                                    summary="no report for 30 min (last report 2024-05-01T12:10:00Z)",
                                    last_report_at=minutes(10), threshold_s=1_800.0)
    assert lost.causation_id == before[-1].event_id
    assert engine.scan(minutes(50)) == []  # lost once
    ended, restored = engine.observe(after)
    assert (ended.alert_id, ended.event.occurred_at, ended.event.reason) == (lost.alert_id, minutes(55),
                                                                              "reported again after 45 min")
    expected_jump = haversine_m(50.0, -0.96, after.event.lat, after.event.lon)
    assert restored.event == SignalRestored(mmsi=SHIP, occurred_at=minutes(55), severity="info",
                                            alert_id="signal-restored:235000001:20240501T121000Z",
                                            summary="reporting again after 45 min, 9.0 nm from its last position",
                                            gap_s=2_700.0, jump_m=expected_jump)
    assert restored.event.jump_m == pytest.approx(9 * NM, rel=1e-3)
    assert restored.causation_id == after.event_id
    assert restored.correlation_id == lost.correlation_id == correlation_for("signal:235000001:20240501T121000Z")


def test_a_silence_no_scan_saw_is_found_by_the_report_that_ends_it_with_the_same_alerts():
    log, _, _ = dark_log()
    scanned = RulesEngine()
    found = scanned.observe_all(log.events[:-1]) + scanned.scan(minutes(45)) + scanned.observe(log.events[-1])
    assert RulesEngine().observe_all(log.events) == found
    assert types(found) == ["SignalLost", "AlertRectified", "SignalRestored"]


def test_a_ship_at_anchor_may_stay_silent_for_three_hours():
    log = Log()
    log.report(0, 50.0, -1.0, sog=0.1, status="at anchor")
    engine = RulesEngine(RuleSettings.from_mapping({"loitering": {"after_s": 30 * 86_400}}))
    engine.observe_all(log.events)
    assert engine.scan(minutes(179)) == []
    assert types(engine.scan(minutes(180))) == ["SignalLost"]


def test_an_old_archive_is_not_dark_when_scanned_on_its_own_time():
    log, _, _ = dark_log()
    engine = RulesEngine()
    engine.observe_all(log.events[:5])
    assert engine.scan(minutes(5)) == []  # the log's own time, not today's clock


# --- speed -----------------------------------------------------------------------------------------------------


def speeding_log(speeds: list[float], *, gap_after: int | None = None) -> Log:
    log = Log()
    log.zone("Solent", "generic", box(-1.6, 50.6, -0.9, 50.9), speed_limit_kn=10.0)
    minute = 0
    for k, sog in enumerate(speeds):
        log.report(minute, 50.75, -1.5 + 0.002 * k, sog=sog)
        minute += 20 if k == gap_after else 1
    return log


QUIET_ZONES = RuleSettings.from_mapping({"zones": {"severity": {"generic": "off"}}})


def test_a_speeding_episode_is_raised_once_however_many_fast_reports():
    log = speeding_log([9.0] + [12.0] * 30)
    alerts = RulesEngine(QUIET_ZONES).observe_all(log.events)
    speeding, = alerts
    assert speeding.event == SpeedLimitExceeded(mmsi=SHIP, occurred_at=minutes(1), severity="warning", sog=12.0,
                                                limit=10.0, zone="Solent", alert_id="speed:235000001:20240501T120100Z",
                                                summary="12.0 kn in Solent, over the limit of 10 kn")
    assert speeding.causation_id == log.events[2].event_id


def test_a_speeding_episode_ends_only_well_under_the_limit_or_after_a_gap():
    hovering = speeding_log([12.0, 9.8, 10.4, 9.6, 11.0])  # never 0.5 kn under: one episode
    assert len(RulesEngine(QUIET_ZONES).observe_all(hovering.events)) == 1
    yawing = speeding_log([12.0, 9.5, 11.0])  # back under for a minute only: within the grace, one episode
    assert types(RulesEngine(QUIET_ZONES).observe_all(yawing.events)) == ["SpeedLimitExceeded"]
    no_grace = RuleSettings.from_mapping({"zones": {"severity": {"generic": "off"}}, "speed": {"grace_s": 0}})
    alerts = RulesEngine(no_grace).observe_all(yawing.events)
    assert [(a.event.TYPE, a.event.occurred_at) for a in alerts] == [
        ("SpeedLimitExceeded", minutes(0)), ("AlertRectified", minutes(1)), ("SpeedLimitExceeded", minutes(2))]
    assert alerts[1].event.reason == "9.5 kn, under the limit of 10 kn for 0 s"
    slowed = speeding_log([12.0, 9.5, 9.0, 9.0])  # under for the two minutes of grace: rectified then
    assert [(a.event.TYPE, a.event.occurred_at) for a in RulesEngine(QUIET_ZONES).observe_all(slowed.events)] == [
        ("SpeedLimitExceeded", minutes(0)), ("AlertRectified", minutes(3))]
    after_a_gap = speeding_log([12.0, 12.0, 12.0], gap_after=1)  # 20 min silent: over the 15 min episode gap
    assert types(RulesEngine(QUIET_ZONES).observe_all(after_a_gap.events)) == [
        "SpeedLimitExceeded", "AlertRectified", "SpeedLimitExceeded"]


def test_general_speed_limits_apply_by_ship_type():
    settings = RuleSettings.from_mapping({"speed": {"limit_kn": 25},
                                          "ship_types": {"high-speed craft": {"speed": {"limit_kn": 40}}}})
    log = Log()
    log.registered(SHIP, "cargo")
    log.registered(OTHER, "high-speed craft")
    for k in range(3):
        log.report(k, 50.0, -3.0 + 0.01 * k, sog=30.0)
        log.report(k, 49.0, -3.0 + 0.01 * k, sog=30.0, mmsi=OTHER)
    speeding, = RulesEngine(settings).observe_all(log.events)
    assert (speeding.event.mmsi, speeding.event.limit, speeding.event.zone) == (SHIP, 25.0, None)


# --- loitering -------------------------------------------------------------------------------------------------


def test_a_ship_stopped_outside_any_port_for_an_hour_is_loitering():
    log = Log()
    reports = [log.report(k, 50.2, -0.5, sog=0.2, status="at anchor") for k in range(0, 91, 3)]
    alerts = RulesEngine().observe_all(log.events)
    loitering, = alerts
    assert loitering.event == Loitering(
        mmsi=SHIP, occurred_at=minutes(60), severity="warning", priority="caution", lat=50.2, lon=-0.5, since=minutes(0),
        threshold_s=3_600.0, alert_id="loitering:235000001:20240501T120000Z",
        summary="slower than 0.5 kn for 1 h 00 min where ships are not expected to wait")
    assert loitering.causation_id == reports[20].event_id  # the report at minute 60


def test_a_scan_finds_loitering_between_reports_with_the_same_id():
    log = Log()
    reports = [log.report(k, 50.2, -0.5, sog=0.3) for k in range(0, 46, 3)]
    engine = RulesEngine()
    engine.observe_all(log.events)
    assert engine.scan(minutes(59)) == []
    loitering, = engine.scan(minutes(62))
    assert loitering.event.occurred_at == minutes(60)
    assert loitering.event.alert_id == "loitering:235000001:20240501T120000Z"
    assert loitering.causation_id == reports[-1].event_id
    assert engine.observe(log.report(63, 50.2, -0.5, sog=0.3)) == []  # raised once


def test_waiting_in_port_or_moving_on_is_not_loitering():
    log = Log()
    log.zone("Cowes", "port", box(-1.32, 50.74, -1.28, 50.77))
    for k in range(0, 120, 3):
        log.report(k, 50.76, -1.30, sog=0.0, status="moored")
    for k in range(0, 120, 3):  # slow for 50 minutes, then under way, then slow again
        log.report(k, 50.2, -0.5, sog=0.2 if k < 51 or k > 60 else 6.0, mmsi=OTHER)
    assert types(RulesEngine().observe_all(log.events)) == ["PortArrived"]  # first seen in port: arrived


# --- close quarters --------------------------------------------------------------------------------------------


def head_on(log: Log, minute: float = 0) -> tuple:
    """A at 50° N 1° W sailing north at 10 kn; B 2 nm north of A sailing south at 10 kn."""
    lat_b, lon_b = destination_point(50.0, -1.0, 0.0, 2 * NM)
    return (log.report(minute, 50.0, -1.0, sog=10.0, cog=0.0),
            log.report(minute, lat_b, lon_b, sog=10.0, cog=180.0, mmsi=OTHER))


def test_two_ships_head_on_raise_close_quarters_on_both_streams_once():
    log = Log()
    log.registered(OTHER, "tanker", name="NORDIC STAR")
    a, b = head_on(log)
    engine = RulesEngine()
    engine.observe_all(log.events)
    first, second = engine.scan(minutes(0.5))
    assert isinstance(first.event, CloseQuarters) and isinstance(second.event, CloseQuarters)
    assert (first.event.mmsi, first.event.other_mmsi, second.event.mmsi, second.event.other_mmsi) == (
        SHIP, OTHER, OTHER, SHIP)
    for raised in (first, second):
        assert raised.event.cpa_m < 1.0
        assert raised.event.tcpa_s == pytest.approx(360.0, abs=0.5)  # 2 nm at 20 kn closing: 6 min
        assert raised.event.severity == "critical" and raised.event.occurred_at == minutes(0)
    # one alert for the situation, raised on both ships' streams
    assert first.event.alert_id == second.event.alert_id == "close-quarters:235000001:235000002:20240501T120000Z"
    assert first.dedupe_key != second.dedupe_key
    assert first.event.summary == "CPA 0 m between MMSI 235000001 and NORDIC STAR (235000002) in 6 min"
    assert first.event.priority == "alarm"  # a critical CPA
    assert (first.causation_id, second.causation_id) == (a.event_id, b.event_id)
    assert first.correlation_id == second.correlation_id
    lat_a, lon_a = destination_point(50.0, -1.0, 0.0, NM / 6)  # a minute on, still closing: the same encounter
    engine.observe(log.report(1, lat_a, lon_a, sog=10.0, cog=0.0))
    assert engine.scan(minutes(1)) == []


def test_two_ships_crossing_at_right_angles_on_a_collision_course():
    """A sails north at 12 kn; B, 4 nm east and 3 nm north of A, sails west at 16 kn. In 15 minutes A makes
    3 nm north and B 4 nm west: both reach the point 3 nm north of A's start. CPA 0, TCPA 15 min = 900 s,
    inside the 20-minute horizon, from a range of 5 nm."""
    log = Log()
    north, _ = destination_point(50.0, -1.0, 0.0, 3 * NM)
    lat_b, lon_b = destination_point(north, -1.0, 90.0, 4 * NM)
    log.report(0, 50.0, -1.0, sog=12.0, cog=0.0)
    log.report(0, lat_b, lon_b, sog=16.0, cog=270.0, mmsi=OTHER)
    engine = RulesEngine()
    engine.observe_all(log.events)
    alerts = engine.scan(minutes(0))
    assert types(alerts) == ["CloseQuarters", "CloseQuarters"]
    assert alerts[0].event.tcpa_s == pytest.approx(900.0, abs=2.0)
    assert alerts[0].event.cpa_m < 30.0  # a flat chart of a curved sea: metres over 5 nm


def test_ships_that_pass_clear_or_lie_still_raise_nothing():
    log = Log()
    log.report(0, 50.0, -1.0, sog=12.0, cog=0.0)  # the crossing of the CPA test: passes 2.4 nm off
    lat_b, lon_b = destination_point(50.0, -1.0, 90.0, 4 * NM)
    log.report(0, lat_b, lon_b, sog=16.0, cog=270.0, mmsi=OTHER)
    log.report(0, 49.0, -2.0, sog=0.3, cog=10.0, mmsi=235_000_003)  # two ships at anchor 50 m apart
    lat_c, lon_c = destination_point(49.0, -2.0, 45.0, 50.0)
    log.report(0, lat_c, lon_c, sog=0.4, cog=200.0, mmsi=235_000_004)
    engine = RulesEngine()
    engine.observe_all(log.events)
    assert engine.scan(minutes(0)) == []


def test_a_ship_whose_last_report_is_stale_takes_no_part():
    log = Log()
    head_on(log)
    engine = RulesEngine()
    engine.observe_all(log.events)
    assert engine.scan(minutes(7)) == []  # reports 7 minutes old: older than the 6 allowed


def test_an_encounter_raises_again_only_after_it_ended():
    log = Log()
    head_on(log)
    engine = RulesEngine()
    engine.observe_all(log.events)
    assert len(engine.scan(minutes(0))) == 2
    head_on(log, minute=30)  # the same two ships meet again half an hour later
    engine.observe_all(log.events[-2:])
    again = engine.scan(minutes(30))
    assert [(a.event.TYPE, a.event.alert_id) for a in again] == [
        ("AlertRectified", "close-quarters:235000001:235000002:20240501T120000Z"),  # the first one ended
        ("CloseQuarters", "close-quarters:235000001:235000002:20240501T123000Z"),
        ("CloseQuarters", "close-quarters:235000001:235000002:20240501T123000Z")]


# --- what the application appends ------------------------------------------------------------------------------


def test_a_raised_alert_is_appended_with_its_causation_correlation_and_dedupe_key():
    log = Log()
    log.zone("Firing range", "restricted", RANGE)
    crossing(log, range(8, 12))
    raised, = RulesEngine().observe_all(log.events)
    new = raised.new_event(recorded_at=minutes(11))
    assert new.event is raised.event and new.stream_id == f"ship-{SHIP}"
    assert new.metadata == {"source": "rules", "causation_id": str(raised.causation_id),
                            "correlation_id": str(raised.correlation_id)}
    assert new.dedupe_key == b"alert:zone-entered:235000001:Firing range:20240501T121000Z"
    assert isinstance(raised.causation_id, UUID)


def test_the_engine_ignores_alerts_and_acknowledgements_coming_back():
    log = Log()
    log.zone("Firing range", "restricted", RANGE)
    crossing(log, range(8, 12))
    engine = RulesEngine()
    raised, = engine.observe_all(log.events)
    assert engine.observe(log.append(raised.event)) == []
    assert engine.observe(log.append(AlertAcknowledged(occurred_at=T0, operator="Ann", mmsi=SHIP,
                                                       alert_id=raised.alert_id))) == []


def test_run_rules_scans_on_the_logs_own_time():
    log, _, _ = dark_log()
    alerts = run_rules(log.events, scan_every_s=60)
    assert types(alerts) == ["SignalLost", "AlertRectified", "SignalRestored"]
    assert alerts[0].event.occurred_at == minutes(40)


def test_an_archive_imported_into_a_live_log_is_not_flagged_dark_for_being_old():
    log = Log()
    log.report(3_000, 50.0, -1.0)  # the live watch, two days on
    for k in range(5):  # then an archive of an earlier voyage is imported
        log.report(k, 49.0, -2.0 + 0.002 * k, mmsi=OTHER)
    log.report(3_001, 50.0, -0.998)
    engine = RulesEngine()
    engine.observe_all(log.events)
    assert [(a.event.TYPE, a.event.mmsi) for a in engine.scan(minutes(3_040))] == [("SignalLost", SHIP)]


def test_an_archive_replayed_on_its_own_time_is_watched_for_silences():
    log = Log()
    for k in range(5):
        log.report(k, 49.0, -2.0 + 0.002 * k, mmsi=OTHER)
    engine = RulesEngine()
    engine.observe_all(log.events)
    assert types(engine.scan(minutes(40))) == ["SignalLost"]
