"""Alert events refuse impossible facts; the alert board folds raises and acknowledgements with both clocks."""
from __future__ import annotations

from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.alert_board import (ACTIVE_ACKNOWLEDGED as ACKNOWLEDGED, ACTIVE_UNACKNOWLEDGED as OPEN, NORMAL,
                                AlertAlreadyAcknowledged, AlertBoard,
                                AlertNeedsNoAcknowledgement, UnknownAlert, check_acknowledgeable, fold_alerts)
from domain.errors import InvalidEvent
from domain.events import (ALERT_EVENT_TYPES, AlertAcknowledged, CloseQuarters, Loitering, PortArrived,
                           PortDeparted, PositionJumped, PositionReported, RecordedEvent, SignalLost, SignalRestored, SpeedLimitExceeded,
                           ZoneEntered, ZoneExited, event_class, registered_event_types)
from domain.events.base import Event
from domain.time import MICROS_PER_MINUTE, MICROS_PER_SECOND

T0 = 1_795_000_000_000_000
MMSI = 235_000_007
OTHER = 235_000_123


def minutes(n: float) -> int:
    return T0 + round(n * MICROS_PER_MINUTE)


COMMON = dict(mmsi=MMSI, occurred_at=T0, alert_id="a-1", severity="warning", summary="something to look at")
VALID = {
    SpeedLimitExceeded: dict(sog=12.4, limit=10.0, zone="Solent"),
    ZoneEntered: dict(zone="Needles", lat=50.66, lon=-1.59),
    ZoneExited: dict(zone="Needles", lat=50.66, lon=-1.59),
    SignalLost: dict(last_report_at=T0 - 20 * MICROS_PER_MINUTE, threshold_s=900.0),
    SignalRestored: dict(gap_s=1_800.0, jump_m=4_200.0),
    CloseQuarters: dict(other_mmsi=OTHER, cpa_m=180.0, tcpa_s=240.0),
    PortArrived: dict(port="Southampton"),
    PortDeparted: dict(port="Southampton", dwell_s=36_000.0),
    Loitering: dict(lat=50.66, lon=-1.59, since=T0 - 60 * MICROS_PER_MINUTE, threshold_s=3_600.0),
    PositionJumped: dict(lat=50.66, lon=-1.59, jump_m=90_000.0, gap_s=60.0, max_kn=60.0),
}


def alert(cls=SpeedLimitExceeded, **changes):
    fields = {**COMMON, **VALID[cls]}
    fields.update(changes)
    return cls(**fields)


# --- the events ------------------------------------------------------------------------------------------------


def test_every_alert_type_is_registered_under_its_own_name():
    assert set(VALID) == set(ALERT_EVENT_TYPES)
    for cls in ALERT_EVENT_TYPES:
        assert registered_event_types()[cls.TYPE] is cls and event_class(cls.TYPE) is cls
        built = alert(cls)
        assert built.stream_id == f"ship-{MMSI}"
        assert all(value is None or isinstance(value, (int, float, str)) for value in built.payload().values())


def test_alerts_wait_for_an_operator_and_notices_do_not():
    waiting = {cls.TYPE for cls in ALERT_EVENT_TYPES if cls.NEEDS_ACKNOWLEDGEMENT}
    assert waiting == {"SpeedLimitExceeded", "ZoneEntered", "SignalLost", "CloseQuarters", "Loitering",
                       "PositionJumped"}


@pytest.mark.parametrize("cls", ALERT_EVENT_TYPES, ids=lambda cls: cls.TYPE)
@pytest.mark.parametrize("field, value", [("alert_id", ""), ("alert_id", "   "), ("alert_id", 7), ("alert_id", "x" * 201),
                                          ("severity", "urgent"), ("severity", None), ("summary", ""),
                                          ("summary", "x" * 501), ("mmsi", 0), ("mmsi", True)])
def test_every_alert_needs_an_id_a_severity_a_summary_and_a_ship(cls, field, value):
    with pytest.raises(InvalidEvent) as refused:
        alert(cls, **{field: value})
    assert refused.value.field == field


@pytest.mark.parametrize("cls, field, value", [
    (SpeedLimitExceeded, "sog", -1.0), (SpeedLimitExceeded, "sog", 150.0), (SpeedLimitExceeded, "sog", 9.0),
    (SpeedLimitExceeded, "limit", float("nan")), (SpeedLimitExceeded, "zone", ""), (SpeedLimitExceeded, "sog", "12"),
    (ZoneEntered, "lat", 95.0), (ZoneEntered, "lon", -181.0), (ZoneEntered, "zone", None), (ZoneExited, "zone", " "),
    (ZoneExited, "lat", None),
    (SignalLost, "last_report_at", T0 + 1), (SignalLost, "last_report_at", 1.5), (SignalLost, "threshold_s", 0.0),
    (SignalRestored, "gap_s", -1.0), (SignalRestored, "jump_m", float("inf")),
    (CloseQuarters, "other_mmsi", MMSI), (CloseQuarters, "other_mmsi", 0), (CloseQuarters, "cpa_m", -5.0),
    (CloseQuarters, "tcpa_s", 90_000.0),
    (PortArrived, "port", ""), (PortDeparted, "dwell_s", -3.0),
], ids=lambda value: value.TYPE if isinstance(value, type) else str(value))
def test_an_alert_out_of_range_is_refused_naming_the_field(cls, field, value):
    with pytest.raises(InvalidEvent) as refused:
        alert(cls, **{field: value})
    assert refused.value.field == field


def test_alert_fields_are_kept_at_the_resolution_the_log_carries():
    speeding = alert(SpeedLimitExceeded, sog=12.44, limit=10, zone="  Solent ")
    assert (speeding.sog, speeding.limit, speeding.zone) == (12.4, 10.0, "Solent")
    entered = alert(ZoneEntered, lat=50.123456789, lon=-1.5)
    assert (entered.lat, entered.lon) == (50.1234568, -1.5)
    passing = alert(CloseQuarters, tcpa_s=-30)  # the closest point was half a minute ago
    assert passing.tcpa_s == -30.0


# --- the board -------------------------------------------------------------------------------------------------


_positions = iter(range(1, 10**9))


def recorded(event: Event, recorded_at: int | None = None, position: int | None = None) -> RecordedEvent:
    position = next(_positions) if position is None else position
    return RecordedEvent(position=position, event_id=UUID(int=position), stream_id=event.stream_id, version=1,
                         type=event.TYPE, schema_version=1, occurred_at=event.occurred_at,
                         recorded_at=event.occurred_at if recorded_at is None else recorded_at, metadata={},
                         event=event, hash=b"")


def raised(alert_id: str, at: int, cls=SpeedLimitExceeded, recorded_at: int | None = None, **changes) -> RecordedEvent:
    return recorded(alert(cls, alert_id=alert_id, occurred_at=at, **changes), recorded_at)


def acknowledged(alert_id: str, at: int, operator: str = "Mate", comment: str | None = None,
                 recorded_at: int | None = None) -> RecordedEvent:
    return recorded(AlertAcknowledged(occurred_at=at, operator=operator, mmsi=MMSI, alert_id=alert_id, comment=comment),
                    recorded_at)


def states(board) -> dict[str, str]:
    return {view.alert_id: view.state for view in board}


def test_a_raised_alert_is_open_until_acknowledged():
    events = [raised("speed-1", minutes(1)), acknowledged("speed-1", minutes(5), "Mate", "called the ship")]
    assert fold_alerts(events, minutes(0)) == []
    [before] = fold_alerts(events, minutes(3))
    assert (before.state, before.raised_at, before.acknowledged_by, before.type) == (OPEN, minutes(1), None,
                                                                                       "SpeedLimitExceeded")
    [after] = fold_alerts(events, minutes(5))
    assert (after.state, after.acknowledged_by, after.acknowledged_at, after.comment) == (
        ACKNOWLEDGED, "Mate", minutes(5), "called the ship")
    assert (after.severity, after.mmsi, after.summary) == ("warning", MMSI, "something to look at")


def test_notices_are_on_the_board_as_cautions_back_to_normal_and_wait_for_no_one():
    events = [raised("exit-1", minutes(1), ZoneExited), acknowledged("exit-1", minutes(2))]
    [view] = fold_alerts(events, minutes(3))
    assert (view.state, view.priority, view.acknowledged_by) == (NORMAL, "caution", None)


def test_an_acknowledgement_of_an_unknown_alert_is_ignored():
    events = [raised("speed-1", minutes(1)), acknowledged("nobody-raised-this", minutes(2))]
    assert states(fold_alerts(events, minutes(3))) == {"speed-1": OPEN}


def test_an_acknowledgement_before_the_alert_was_raised_is_ignored():
    events = [acknowledged("speed-1", minutes(1)), raised("speed-1", minutes(2))]
    assert states(fold_alerts(events, minutes(3))) == {"speed-1": OPEN}


def test_a_second_acknowledgement_keeps_the_first():
    events = [raised("speed-1", minutes(1)), acknowledged("speed-1", minutes(4), "Second", "late"),
              acknowledged("speed-1", minutes(2), "First", "first")]
    [view] = fold_alerts(events, minutes(5))
    assert (view.acknowledged_by, view.acknowledged_at, view.comment) == ("First", minutes(2), "first")


def test_raising_an_alert_again_keeps_when_it_was_first_raised():
    events = [raised("speed-1", minutes(3), summary="again"), raised("speed-1", minutes(1), summary="first")]
    [view] = fold_alerts(events, minutes(5))
    assert (view.raised_at, view.summary) == (minutes(1), "first")


def test_alerts_are_listed_in_the_order_they_were_raised():
    events = [raised("c", minutes(3)), raised("a", minutes(1)), raised("b", minutes(2), SignalLost)]
    assert [view.alert_id for view in fold_alerts(events, minutes(5))] == ["a", "b", "c"]


def test_as_known_then_hides_an_alert_recorded_later():
    events = [raised("late", minutes(1), recorded_at=minutes(30)), raised("prompt", minutes(2))]
    assert states(fold_alerts(events, minutes(10))) == {"late": OPEN, "prompt": OPEN}
    assert states(fold_alerts(events, minutes(10), known_at=minutes(10))) == {"prompt": OPEN}
    assert states(fold_alerts(events, minutes(10), known_at=minutes(30))) == {"late": OPEN, "prompt": OPEN}


def test_as_known_then_hides_an_acknowledgement_recorded_later():
    events = [raised("speed-1", minutes(1)), acknowledged("speed-1", minutes(2), recorded_at=minutes(20))]
    assert states(fold_alerts(events, minutes(5))) == {"speed-1": ACKNOWLEDGED}
    assert states(fold_alerts(events, minutes(5), known_at=minutes(5))) == {"speed-1": OPEN}


def test_other_events_are_not_on_the_board():
    report = recorded(PositionReported(mmsi=MMSI, occurred_at=minutes(1), lat=50.0, lon=-1.0))
    board = AlertBoard([report, raised("speed-1", minutes(1))])
    assert len(board) == 1 and states(board.at(minutes(2))) == {"speed-1": OPEN}


def test_the_board_holds_an_event_once_however_often_it_arrives():
    event = raised("speed-1", minutes(1))
    board = AlertBoard([event])
    assert board.add(event) is False and len(board) == 1


def test_only_an_open_alert_can_be_acknowledged():
    board = fold_alerts([raised("open", minutes(1)), raised("done", minutes(1)), acknowledged("done", minutes(2)),
                         raised("notice", minutes(1), PortArrived)], minutes(3))
    assert check_acknowledgeable(board, "open").alert_id == "open"
    with pytest.raises(AlertAlreadyAcknowledged):
        check_acknowledgeable(board, "done")
    with pytest.raises(AlertNeedsNoAcknowledgement):
        check_acknowledgeable(board, "notice")
    with pytest.raises(UnknownAlert):
        check_acknowledgeable(board, "never")


# --- the board does not depend on the order of the log ------------------------------------------------------


@st.composite
def alert_histories(draw):
    """Raises and acknowledgements of a few alert ids at distinct times, recorded at any time after."""
    count = draw(st.integers(1, 14))
    times = draw(st.lists(st.integers(0, 600), min_size=count, max_size=count, unique=True))
    facts = []
    for offset in times:
        at = T0 + offset * MICROS_PER_SECOND
        delay = draw(st.sampled_from([0, 0, 30, 300])) * MICROS_PER_SECOND
        alert_id = draw(st.sampled_from(["a", "b", "c"]))
        if draw(st.booleans()):
            cls = draw(st.sampled_from([SpeedLimitExceeded, SignalLost, ZoneExited]))
            event = alert(cls, alert_id=alert_id, occurred_at=at, severity=draw(st.sampled_from(["info", "critical"])))
        else:
            event = AlertAcknowledged(occurred_at=at, operator=draw(st.sampled_from(["Ann", "Bo"])), mmsi=MMSI,
                                      alert_id=alert_id)
        facts.append((event, at + delay))
    return facts


@given(facts=alert_histories(), order=st.randoms(use_true_random=False), at=st.integers(0, 700),
       known=st.one_of(st.none(), st.integers(0, 1_000)))
def test_the_board_is_the_same_whatever_order_the_log_holds_the_events(facts, order, at, known):
    """With distinct occurred times, the board follows occurred_at, not the order the log learned of events."""
    moment = T0 + at * MICROS_PER_SECOND
    known_at = None if known is None else T0 + known * MICROS_PER_SECOND
    in_time_order = [recorded(event, recorded_at, position)
                     for position, (event, recorded_at) in enumerate(sorted(facts, key=lambda f: f[0].occurred_at), 1)]
    shuffled = list(facts)
    order.shuffle(shuffled)
    in_other_order = [recorded(event, recorded_at, position) for position, (event, recorded_at) in enumerate(shuffled, 1)]
    expected = fold_alerts(in_time_order, moment, known_at)
    assert fold_alerts(in_other_order, moment, known_at) == expected
    board = AlertBoard()
    for event in reversed(in_other_order):  # the incremental board, fed in yet another order
        board.add(event)
    assert board.at(moment, known_at) == expected
