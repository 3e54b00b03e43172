"""AlertLog: the alert board of a real store at any moment, kept current from the bus, and acknowledgements."""
from __future__ import annotations

import pytest

from app.alerts import AlertLog
from app.event_bus import EventBus
from domain.alert_board import (ACTIVE_ACKNOWLEDGED as ACKNOWLEDGED, NORMAL as NOTICE, ACTIVE_UNACKNOWLEDGED as OPEN, AlertAlreadyAcknowledged, AlertNeedsNoAcknowledgement,
                                UnknownAlert)
from domain.events import (AlertAcknowledged, CloseQuarters, NewEvent, PortArrived, PositionReported, SignalLost,
                           SpeedLimitExceeded)
from domain.time import MICROS_PER_MINUTE
from store import open_store

T0 = 1_795_000_000_000_000
MMSI = 235_000_007
OTHER = 235_000_123


def minutes(n: float) -> int:
    return T0 + round(n * MICROS_PER_MINUTE)


def speeding(alert_id: str, at: int, **changes) -> SpeedLimitExceeded:
    fields = dict(mmsi=MMSI, occurred_at=at, alert_id=alert_id, severity="warning",
                  summary="12.4 kn in a 10 kn zone", sog=12.4, limit=10.0, zone="Solent")
    fields.update(changes)
    return SpeedLimitExceeded(**fields)


def closing(alert_id: str, at: int) -> CloseQuarters:
    return CloseQuarters(mmsi=MMSI, occurred_at=at, alert_id=alert_id, severity="critical",
                         summary="CPA 180 m in 4 min", other_mmsi=OTHER, cpa_m=180.0, tcpa_s=240.0)


def report(at: int) -> PositionReported:
    return PositionReported(mmsi=MMSI, occurred_at=at, lat=50.8, lon=-1.3, sog=12.4)


def raise_alerts(store, *events, recorded_at: int | None = None):
    return store.append_batch([NewEvent(event, recorded_at=event.occurred_at if recorded_at is None else recorded_at,
                                        metadata={"source": "rules"}) for event in events])


def states(board) -> dict[str, str]:
    return {view.alert_id: view.state for view in board}


class Clock:
    def __init__(self, now: int):
        self.now = now

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock():
    return Clock(minutes(30))


@pytest.fixture
def alerts(store, clock):
    return AlertLog(store, clock=clock)


def test_the_board_shows_each_alert_from_the_moment_it_was_raised(store, alerts):
    raise_alerts(store, report(minutes(0)), speeding("speed-1", minutes(1)), report(minutes(2)),
                 closing("cpa-1", minutes(3)))
    assert alerts.alerts_at(minutes(0)) == []
    assert states(alerts.alerts_at(minutes(1))) == {"speed-1": OPEN}
    board = alerts.alerts_at(minutes(10))
    assert [(v.alert_id, v.type, v.severity, v.raised_at) for v in board] == [
        ("speed-1", "SpeedLimitExceeded", "warning", minutes(1)), ("cpa-1", "CloseQuarters", "critical", minutes(3))]
    assert board[1].event == closing("cpa-1", minutes(3))  # the type's own fields come back from the log


def test_as_known_then_hides_an_alert_the_log_learned_later(store, alerts):
    raise_alerts(store, speeding("late", minutes(1)), recorded_at=minutes(20))
    assert states(alerts.alerts_at(minutes(5))) == {"late": OPEN}
    assert alerts.alerts_at(minutes(5), known_at=minutes(5)) == []


def test_acknowledging_appends_an_acknowledgement_and_the_board_shows_it(store, alerts, clock):
    raise_alerts(store, speeding("speed-1", minutes(1)))
    head = store.head().position
    recorded = alerts.acknowledge("speed-1", "Mate", "  called on VHF 16 ")
    assert store.head().position == head + 1
    assert isinstance(recorded.event, AlertAcknowledged)
    assert (recorded.event.alert_id, recorded.event.operator, recorded.event.comment, recorded.event.mmsi) == (
        "speed-1", "Mate", "called on VHF 16", MMSI)
    assert recorded.stream_id == f"ship-{MMSI}"
    assert (recorded.occurred_at, recorded.recorded_at) == (clock.now, clock.now)
    assert dict(recorded.metadata) == {"source": "operator", "operator": "Mate"}
    [view] = alerts.alerts_at(minutes(40))
    assert (view.state, view.acknowledged_by, view.acknowledged_at, view.comment) == (
        ACKNOWLEDGED, "Mate", clock.now, "called on VHF 16")
    assert states(alerts.alerts_at(minutes(10))) == {"speed-1": OPEN}  # not yet acknowledged then


@pytest.mark.parametrize("alert_id, error", [("never-raised", UnknownAlert), ("port-1", AlertNeedsNoAcknowledgement)])
def test_acknowledging_what_is_not_an_open_alert_appends_nothing(store, alerts, alert_id, error):
    raise_alerts(store, speeding("speed-1", minutes(1)),
                 PortArrived(mmsi=MMSI, occurred_at=minutes(2), alert_id="port-1", severity="info",
                             summary="arrived Southampton", port="Southampton"))
    head = store.head()
    with pytest.raises(error) as refused:
        alerts.acknowledge(alert_id, "Mate")
    assert alert_id in str(refused.value)
    assert store.head() == head


def test_an_alert_is_acknowledged_once(store, alerts):
    raise_alerts(store, speeding("speed-1", minutes(1)))
    alerts.acknowledge("speed-1", "Mate")
    head = store.head()
    with pytest.raises(AlertAlreadyAcknowledged, match="Mate"):
        alerts.acknowledge("speed-1", "Bosun")
    assert store.head() == head


def test_several_alerts_are_acknowledged_with_one_comment_in_one_append(store, alerts, clock):
    raise_alerts(store, speeding("speed-1", minutes(1)), closing("cpa-1", minutes(3)), speeding("speed-2", minutes(4)))
    head = store.head().position
    recorded = alerts.acknowledge_all(["speed-1", "cpa-1", "speed-1"], "Mate", " traffic cleared by VTS ")
    assert [r.position for r in recorded] == [head + 1, head + 2]   # each alert once
    assert [(r.event.alert_id, r.event.comment) for r in recorded] == [("speed-1", "traffic cleared by VTS"),
                                                                         ("cpa-1", "traffic cleared by VTS")]
    assert states(alerts.alerts_at(minutes(40))) == {"speed-1": ACKNOWLEDGED, "cpa-1": ACKNOWLEDGED, "speed-2": OPEN}


def test_acknowledging_several_is_all_or_none(store, alerts):
    raise_alerts(store, speeding("speed-1", minutes(1)), speeding("speed-2", minutes(2)))
    alerts.acknowledge("speed-2", "Bosun")
    head = store.head()
    with pytest.raises(AlertAlreadyAcknowledged, match="speed-2"):
        alerts.acknowledge_all(["speed-1", "speed-2"], "Mate")
    assert store.head() == head and states(alerts.alerts_at(minutes(40)))["speed-1"] == OPEN
    assert alerts.acknowledge_all([], "Mate") == [] and store.head() == head


def test_an_acknowledgement_never_occurs_before_its_alert(store, alerts, clock):
    raise_alerts(store, speeding("future", minutes(60)))  # a log whose times run ahead of this machine's clock
    recorded = alerts.acknowledge("future", "Mate")
    assert (recorded.occurred_at, recorded.recorded_at) == (minutes(60), clock.now)
    assert states(alerts.alerts_at(minutes(61))) == {"future": ACKNOWLEDGED}


def test_new_alerts_reach_the_board_from_the_bus_without_reading_the_store_again(store, alerts):
    bus = EventBus()
    bus.subscribe(alerts.notice)
    raise_alerts(store, speeding("speed-1", minutes(1)))
    assert states(alerts.alerts_at(minutes(10))) == {"speed-1": OPEN}
    pages = alerts.pages_read
    result = raise_alerts(store, report(minutes(4)), closing("cpa-1", minutes(5)))
    bus.publish(result.appended)
    bus.publish(result.appended)  # heard twice: still one alert
    assert states(alerts.alerts_at(minutes(10))) == {"speed-1": OPEN, "cpa-1": OPEN}
    assert alerts.pages_read == pages


def test_acknowledging_through_the_service_append_publishes_once(store, clock):
    bus = EventBus()
    heard = []
    bus.subscribe(heard.extend)

    def append(new_events):
        result = store.append_batch(new_events)
        bus.publish(result.appended)
        return result

    alerts = AlertLog(store, append, clock=clock)
    bus.subscribe(alerts.notice)
    raise_alerts(store, speeding("speed-1", minutes(1)))
    recorded = alerts.acknowledge("speed-1", "Mate")
    assert heard == [recorded]
    assert states(alerts.alerts_at(minutes(40))) == {"speed-1": ACKNOWLEDGED}


def test_the_log_is_read_a_page_at_a_time_and_only_once(store, clock):
    reports = [report(minutes(n / 10)) for n in range(50)]
    raise_alerts(store, *reports, *(speeding(f"speed-{n}", minutes(n)) for n in range(7)))
    alerts = AlertLog(store, clock=clock, page_size=3)
    assert len(alerts.alerts_at(minutes(60))) == 7
    assert alerts.pages_read == 3  # 3 + 3 + 1 alert events; the 50 reports are never read
    alerts.alerts_at(minutes(2))
    alerts.alerts_at(minutes(3), known_at=minutes(3))
    assert alerts.pages_read == 3


def test_a_store_reopened_gives_the_same_board(store_path, clock):
    first = open_store(store_path)
    try:
        raise_alerts(first, speeding("speed-1", minutes(1)), closing("cpa-1", minutes(2)),
                     SignalLost(mmsi=OTHER, occurred_at=minutes(3), alert_id="dark-1", severity="critical",
                                summary="no report for 20 min", last_report_at=minutes(-17), threshold_s=900.0),
                     PortArrived(mmsi=OTHER, occurred_at=minutes(4), alert_id="port-1", severity="info",
                                 summary="arrived", port="Cowes", dwell_s=None))
        AlertLog(first, clock=clock).acknowledge("cpa-1", "Mate", "both ships called")
        before = [AlertLog(first).alerts_at(minutes(m), known_at) for m in (0, 2, 5, 40)
                  for known_at in (None, minutes(10))]
    finally:
        first.close()
    again = open_store(store_path)
    try:
        after = [AlertLog(again).alerts_at(minutes(m), known_at) for m in (0, 2, 5, 40)
                 for known_at in (None, minutes(10))]
    finally:
        again.close()
    assert after == before
    assert states(after[-2]) == {"speed-1": OPEN, "cpa-1": ACKNOWLEDGED, "dark-1": OPEN, "port-1": NOTICE}


def test_loading_the_board_up_front_leaves_nothing_to_read_when_a_moment_is_shown(store, clock):
    raise_alerts(store, *(speeding(f"speed-{n}", minutes(n)) for n in range(7)))
    alerts = AlertLog(store, clock=clock, page_size=3)
    alerts.load()  # as a console does while it opens, off the GUI thread
    assert alerts.pages_read == 3
    assert len(alerts.alerts_at(minutes(60))) == 7 and alerts.pages_read == 3
