"""The rules are deterministic: the same history gives the same alerts, with the same ids, however it is cut,
re-run, or mixed with the alerts it raised before."""
from __future__ import annotations

import copy
from collections import Counter

import hypothesis
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.events import PositionReported, ShipRegistered
from domain.rules import RaisedAlert, RulesEngine, run_rules
from domain.time import MICROS_PER_SECOND
from tests.domain.rules_log import OTHER, SHIP, T0, Log, box

SPEEDS = [0.0, 0.2, 0.4, 3.0, 7.9, 8.0, 8.4, 9.0, 12.0, 20.0, None]
GAPS_S = [10, 30, 60, 180, 600, 2_400, 4_000]
STATUSES = ["under way using engine", "at anchor", "moored", None]
INTRUDER = 235_000_099


@st.composite
def fleet_logs(draw) -> Log:
    """A few ships wandering round a restricted zone (with a speed limit) and a small port, reporting at
    irregular intervals with some long silences, a few reports recorded late; and, so that no history raises
    nothing, one ship crossing the restricted zone over its limit (entered and speeding, at least)."""
    log = Log()
    log.zone("Firing range", "restricted", box(-1.0, 49.95, -0.9, 50.05), speed_limit_kn=8.0)
    log.zone("Harbour", "port", box(-0.96, 49.98, -0.93, 50.0))
    reports = []
    for ship in range(draw(st.integers(1, 4))):
        mmsi = 235_000_010 + ship
        if draw(st.booleans()):
            log.append(ShipRegistered(mmsi=mmsi, occurred_at=T0, ship_type=draw(st.sampled_from(["cargo", "tug",
                                                                                                   "sailing"]))))
        at = T0 + draw(st.integers(0, 600)) * MICROS_PER_SECOND
        lat, lon = draw(st.floats(49.93, 50.07)), draw(st.floats(-1.05, -0.85))
        for _ in range(draw(st.integers(2, 30))):
            at += draw(st.sampled_from(GAPS_S)) * MICROS_PER_SECOND
            lat = min(90.0, max(-90.0, lat + draw(st.floats(-0.01, 0.01))))
            lon += draw(st.floats(-0.015, 0.015))
            late = draw(st.sampled_from([0, 0, 0, 0, 900])) * MICROS_PER_SECOND
            report = PositionReported(mmsi=mmsi, occurred_at=at, lat=lat, lon=lon, sog=draw(st.sampled_from(SPEEDS)),
                                      cog=draw(st.floats(0.0, 359.9)), nav_status=draw(st.sampled_from(STATUSES)))
            reports.append((at + late, len(reports), report))
    at = T0 + draw(st.integers(0, 3_600)) * MICROS_PER_SECOND
    lat, sog, every_s = draw(st.floats(49.96, 50.04)), draw(st.sampled_from([9.0, 12.0, 20.0])), draw(
        st.sampled_from([10, 30, 60]))
    for step in range(10):  # west of the range, across it, east of it
        report = PositionReported(mmsi=INTRUDER, occurred_at=at + step * every_s * MICROS_PER_SECOND, lat=lat,
                                  lon=-1.04 + step * 0.02, sog=sog, cog=90.0, nav_status=STATUSES[0])
        reports.append((report.occurred_at, len(reports), report))
    for recorded_at, _, report in sorted(reports, key=lambda item: item[:2]):
        log.append(report, recorded_at=recorded_at)
    return log


def every_kind_log() -> Log:
    """Two hours in which every kind of alert is raised at least once: a ship crosses the firing range too
    fast, calls at the harbour, falls silent and is heard again; a tug lies still outside any zone; two
    ships meet head-on."""
    log = Log()
    log.zone("Firing range", "restricted", box(-1.0, 49.95, -0.9, 50.05), speed_limit_kn=8.0)
    log.zone("Harbour", "port", box(-0.96, 49.98, -0.93, 50.0))
    log.registered(SHIP, "cargo")
    log.registered(OTHER, "tug")
    west, east = 235_000_004, 235_000_005
    for minute in range(0, 121):
        if minute <= 20:
            log.report(minute, 49.99, -1.04 + minute * 0.008, sog=12.0 if minute < 8 or minute > 12 else 3.0)
        elif minute == 90:
            log.report(minute, 49.99, -0.7)
        if minute % 5 == 0:
            log.report(minute, 50.2, -1.3, mmsi=OTHER, sog=0.1, cog=None)
        if 30 <= minute <= 45:
            log.report(minute, 50.3, -1.1 + (minute - 30) * 0.004, mmsi=west, sog=10.0, cog=90.0)
            log.report(minute, 50.3, -1.0 - (minute - 30) * 0.004, mmsi=east, sog=10.0, cog=270.0)
    return log


EVERY_KIND = {"ZoneEntered", "ZoneExited", "SpeedLimitExceeded", "PortArrived", "PortDeparted", "SignalLost",
              "SignalRestored", "Loitering", "CloseQuarters", "AlertRectified"}


def raised_kinds(alerts: list[RaisedAlert]) -> set[str]:
    """The kinds of alert raised, each also counted in hypothesis' statistics (``--hypothesis-show-statistics``)."""
    kinds = {raised.event.TYPE for raised in alerts}
    for kind in sorted(kinds):
        hypothesis.event(kind)
    return kinds


def intruder_alerts(alerts: list[RaisedAlert]) -> set[str]:
    return {raised.event.TYPE for raised in alerts if raised.event.mmsi == INTRUDER}


def check_a_cut_replay(log: Log, cut: int) -> list[RaisedAlert]:
    whole = run_rules(log.events, scan_every_s=120)
    engine = RulesEngine()
    first = run_rules(log.events[:cut], scan_every_s=120, engine=engine)
    carried = copy.deepcopy(engine)  # the state carried over to another engine
    second = run_rules(log.events[cut:], scan_every_s=120, engine=carried)
    assert first + second == whole
    return whole


def check_a_rerun(log: Log) -> list[RaisedAlert]:
    once = run_rules(log.events)
    assert run_rules(log.events) == once
    keys = [raised.dedupe_key for raised in once]
    assert len(keys) == len(set(keys))  # every alert raised (on each of its ships) and rectified once per run
    assert all(raised.causation_id is not None for raised in once
               if not (raised.event.TYPE == "AlertRectified" and raised.alert_id.startswith("close-quarters")))
    return once


def check_a_log_holding_its_alerts(log: Log) -> list[RaisedAlert]:
    engine = RulesEngine()
    with_alerts = Log()
    for recorded in log.events:
        event = recorded.event
        if isinstance(event, PositionReported) and engine.latest_report_at is not None \
                and event.occurred_at // 60_000_000 > engine.latest_report_at // 60_000_000:
            for raised in engine.scan(event.occurred_at // 60_000_000 * 60_000_000):
                with_alerts.append(raised.event)
        with_alerts.append(event, recorded_at=recorded.recorded_at)
        for raised in engine.observe(recorded):
            with_alerts.append(raised.event)
    again = run_rules(with_alerts.events)
    first = run_rules(log.events)
    assert [(a.event, a.correlation_id) for a in again] == [(a.event, a.correlation_id) for a in first]
    assert {a.event.alert_id for a in again} == {e.event.alert_id for e in with_alerts.events
                                                 if hasattr(e.event, "alert_id")}
    return first


def check_reports_against_scans(log: Log) -> list[RaisedAlert]:
    observed = run_rules(log.events, scan_every_s=None)
    scanned = run_rules(log.events, scan_every_s=60)
    by_report = {"ZoneEntered", "ZoneExited", "PortArrived", "PortDeparted", "SpeedLimitExceeded", "SignalRestored"}

    def events(alerts, types):
        return Counter(a.event for a in alerts if a.event.TYPE in types)

    assert events(observed, by_report) == events(scanned, by_report)
    assert events(observed, {"SignalLost"}) <= events(scanned, {"SignalLost"})  # a scan may find one still silent
    assert {a.alert_id for a in observed} <= {a.alert_id for a in scanned}
    return scanned


@settings(max_examples=80)
@given(fleet_logs(), st.data())
def test_a_replay_cut_in_two_raises_what_one_run_raises(log, data):
    whole = check_a_cut_replay(log, data.draw(st.integers(0, len(log.events))))
    raised_kinds(whole)
    assert {"ZoneEntered", "SpeedLimitExceeded"} <= intruder_alerts(whole)


@settings(max_examples=80)
@given(fleet_logs())
def test_running_the_rules_again_raises_the_same_alerts(log):
    once = check_a_rerun(log)
    raised_kinds(once)
    assert {"ZoneEntered", "SpeedLimitExceeded"} <= intruder_alerts(once)


@settings(max_examples=80)
@given(fleet_logs())
def test_a_log_that_holds_its_alerts_raises_the_same_alerts_again(log):
    """What the application does: append each alert after the event (or scan) that raised it, then later
    run the rules over the whole log again, e.g. after an upgrade. The alerts come back the same, ids and all,
    so the ones already in the log are skipped by their dedupe keys."""
    first = check_a_log_holding_its_alerts(log)
    raised_kinds(first)
    assert {"ZoneEntered", "SpeedLimitExceeded"} <= intruder_alerts(first)


@settings(max_examples=80)
@given(fleet_logs())
def test_what_reports_reveal_does_not_depend_on_when_scans_ran(log):
    scanned = check_reports_against_scans(log)
    raised_kinds(scanned)
    assert {"ZoneEntered", "SpeedLimitExceeded"} <= intruder_alerts(scanned)


def test_a_history_raising_every_kind_of_alert_is_deterministic_in_every_way():
    """The properties above on one history known to raise every kind of alert, cut at every event."""
    log = every_kind_log()
    assert {raised.event.TYPE for raised in check_a_rerun(log)} == EVERY_KIND
    assert {raised.event.TYPE for raised in check_a_log_holding_its_alerts(log)} == EVERY_KIND
    assert {raised.event.TYPE for raised in check_reports_against_scans(log)} == EVERY_KIND
    for cut in range(len(log.events) + 1):
        assert {raised.event.TYPE for raised in check_a_cut_replay(log, cut)} == EVERY_KIND
