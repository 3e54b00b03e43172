"""One alert per situation, rectified when the situation ends: the rules' alerts folded by the board as an
operator would see them."""
from __future__ import annotations

from domain.alert_board import ACTIVE_UNACKNOWLEDGED, RECTIFIED_UNACKNOWLEDGED, fold_alerts
from domain.geo import METRES_PER_NAUTICAL_MILE as NM
from domain.geo import destination_point
from domain.rules import RulesEngine, run_rules
from tests.domain.rules_log import OTHER, SHIP, Log, minutes


def test_a_head_on_pair_raises_one_close_quarters_alert_rectified_after_they_pass():
    log = Log()
    gap = 3 * NM
    for minute in range(0, 25):  # 10 kn each, closing at 20 kn from 3 nm: they meet at minute 9
        run = minute * 10 * NM / 60
        log.report(minute, *destination_point(50.0, -1.0, 0.0, run), sog=10.0, cog=0.0)
        log.report(minute, *destination_point(50.0, -1.0, 0.0, gap - run), sog=10.0, cog=180.0, mmsi=OTHER)
    alerts = run_rules(log.events, scan_every_s=60)
    assert [a.event.TYPE for a in alerts] == ["CloseQuarters", "CloseQuarters", "AlertRectified"]
    events = _as_logged(log, alerts)
    [view] = fold_alerts(events, minutes(5))
    assert (view.ships, view.state, view.priority) == ((SHIP, OTHER), ACTIVE_UNACKNOWLEDGED, "alarm")
    [after] = fold_alerts(events, minutes(24))
    assert after.state == RECTIFIED_UNACKNOWLEDGED and after.rectified_at > minutes(9)
    assert after.rectified_reason.startswith("the ships opened past their CPA")


def _as_logged(log: Log, alerts):
    copy = Log()
    copy.events = list(log.events)
    for raised in alerts:
        copy.append(raised.event)
    return copy.events


def test_two_ships_both_moored_or_at_anchor_raise_no_close_quarters():
    log = Log()
    log.report(0, 50.0, -1.0, sog=2.0, cog=0.0, status="moored")  # swinging, or a bad speed, alongside
    log.report(0, *destination_point(50.0, -1.0, 0.0, 300.0), sog=2.0, cog=180.0, mmsi=OTHER, status="at anchor")
    engine = RulesEngine()
    engine.observe_all(log.events)
    assert engine.scan(minutes(0)) == []
    log.report(1, 50.0, -1.0, sog=2.0, cog=0.0, status="under way using engine")  # one gets under way
    engine.observe(log.events[-1])
    assert [a.event.TYPE for a in engine.scan(minutes(1))] == ["CloseQuarters", "CloseQuarters"]


def test_a_fifty_minute_silence_is_active_then_rectified_by_the_next_report():
    log = Log()
    for minute in range(0, 11):
        log.report(minute, 50.0, -1.0 + 0.003 * minute, sog=10.0)
    log.report(60, 50.0, -0.95, sog=10.0)  # 50 minutes after the last
    alerts = run_rules(log.events, scan_every_s=60)
    assert [a.event.TYPE for a in alerts] == ["SignalLost", "AlertRectified", "SignalRestored"]
    events = _as_logged(log, alerts)
    lost = {v.type: v for v in fold_alerts(events, minutes(45))}["SignalLost"]
    assert (lost.state, lost.raised_at) == (ACTIVE_UNACKNOWLEDGED, minutes(40))
    lost = {v.type: v for v in fold_alerts(events, minutes(61))}["SignalLost"]
    assert (lost.state, lost.rectified_at, lost.rectified_reason) == (RECTIFIED_UNACKNOWLEDGED, minutes(60),
                                                                      "reported again after 50 min")
