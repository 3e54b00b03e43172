"""An operator's moves on alerts through a real store: silence, hand over, acknowledge-and-suppress; and a live
watch escalating the warnings nobody acknowledged, never the ones in history."""
from __future__ import annotations

import pytest

from app.alert_desk import AlertDesk
from app.alert_watch import AlertWatch
from app.alerts import AlertLog
from app.fleet_service import FleetService
from domain.alert_board import (ACTIVE_ACKNOWLEDGED, ACTIVE_SILENCED, ACTIVE_TRANSFERRED, ACTIVE_UNACKNOWLEDGED,
                                AlertNotActive)
from domain.events import NewEvent, SpeedLimitExceeded
from domain.rules import RuleSettings
from tests.fleet_events import MINUTE, T0

SHIP = 235_000_007


def speeding(alert_id: str, minute: float, priority: str = "warning") -> NewEvent:
    at = T0 + round(minute * MINUTE)
    return NewEvent(SpeedLimitExceeded(mmsi=SHIP, occurred_at=at, alert_id=alert_id, severity="warning",
                                       priority=priority, summary="22.0 kn", sog=22.0, limit=12.0),
                    recorded_at=at, metadata={"source": "rules"}, dedupe_key=b"alert:" + alert_id.encode())


class Clock:
    def __init__(self, minute: float) -> None:
        self.now = T0 + round(minute * MINUTE)

    def __call__(self) -> int:
        return self.now


def desk_over(store, clock, service: FleetService | None = None) -> AlertDesk:
    service = service or FleetService.open(store)
    log = AlertLog(store, service.append, clock=clock)
    service.subscribe(log.notice)
    return AlertDesk(log, operator="Mate")


def test_silencing_an_alert_quiets_it_for_thirty_seconds_signed_by_the_operator(store):
    store.append_batch([speeding("speed-1", 0)])
    clock = Clock(1)
    desk = desk_over(store, clock)
    [silenced] = desk.silence(["speed-1"])
    assert (silenced.type, silenced.metadata["operator"], silenced.event.duration_s) == ("AlertSilenced", "Mate", 30.0)
    assert desk.alerts_at(clock.now + 10_000_000)[0].state == ACTIVE_SILENCED
    assert desk.alerts_at(clock.now + 31_000_000)[0].state == ACTIVE_UNACKNOWLEDGED


def test_handing_an_alert_over_names_the_operator_who_now_answers_for_it(store):
    store.append_batch([speeding("speed-1", 0)])
    clock = Clock(1)
    desk = desk_over(store, clock)
    desk.transfer(["speed-1"], "Master", "you have the con")
    [view] = desk.alerts_at(clock.now)
    assert (view.state, view.responsible) == (ACTIVE_TRANSFERRED, "Master")
    desk.acknowledge("speed-1")
    with pytest.raises(AlertNotActive.__mro__[1]):  # an AlertError: acknowledged already
        desk.silence(["speed-1"])


def test_suppressing_a_ships_alerts_acknowledges_them_and_those_raised_for_the_minutes_given(store):
    store.append_batch([speeding("speed-1", 0)])
    clock = Clock(1)
    service = FleetService.open(store)
    desk = desk_over(store, clock, service)
    suppression = desk.suppress(SHIP, 30, "speed trials on the measured mile", alert_type="SpeedLimitExceeded")
    assert (suppression.type, suppression.metadata["operator"]) == ("AlertsSuppressed", "Mate")
    service.append([speeding("speed-2", 10), speeding("speed-3", 45)])  # the rules raise more, through the bus
    board = {view.alert_id: view for view in desk.alerts_at(T0 + 50 * MINUTE)}
    assert board["speed-1"].state == board["speed-2"].state == ACTIVE_ACKNOWLEDGED
    assert board["speed-2"].comment == "suppressed: speed trials on the measured mile"
    assert board["speed-3"].state == ACTIVE_UNACKNOWLEDGED
    with pytest.raises(ValueError):
        desk.suppress(SHIP, 0, "never")


def test_a_live_watch_escalates_a_warning_unacknowledged_for_three_minutes_to_an_alarm(store):
    service = FleetService.open(store)
    clock = Clock(0)
    watch = AlertWatch(service, RuleSettings(), clock=clock, judge_by_clock=True)
    service.subscribe(watch.notice)
    watch.catch_up()
    service.append([speeding("speed-1", 0), speeding("speed-2", 0.5), speeding("alarm-1", 0, "alarm")])
    desk = desk_over(store, clock, service)  # one console: the watch hears the acknowledgement
    desk.acknowledge("speed-2")
    clock.now = T0 + 2 * MINUTE
    assert watch.escalate() == 0
    clock.now = T0 + 4 * MINUTE
    assert watch.escalate() == 1 and watch.escalate() == 0
    [escalated] = [r for r in store.read_all() if r.type == "AlertEscalated"]
    assert (escalated.event.alert_id, escalated.occurred_at) == ("speed-1", T0 + 3 * MINUTE)
    view = {v.alert_id: v for v in desk.alerts_at(clock.now)}["speed-1"]
    assert (view.priority, view.escalated_at) == ("alarm", T0 + 3 * MINUTE)


def test_history_is_never_escalated(store):
    store.append_batch([speeding("old", -60)])  # an hour before the console opened
    service = FleetService.open(store)
    clock = Clock(0)
    watch = AlertWatch(service, RuleSettings(), clock=clock, judge_by_clock=True)
    watch.catch_up()
    assert watch.escalate() == 0
    replaying = AlertWatch(service, RuleSettings(), clock=Clock(-61), judge_by_clock=False)
    replaying.catch_up()
    assert replaying.escalate() == 0
