"""Alert states as on a bridge (IEC 62923): raise, silence, acknowledge, escalate, transfer, rectify and suppress
are events, and the board's state of every alert at any moment is their fold."""
from __future__ import annotations

from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.alert_board import (ACTIVE, ACTIVE_ACKNOWLEDGED, ACTIVE_SILENCED, ACTIVE_TRANSFERRED,
                                ACTIVE_UNACKNOWLEDGED, NORMAL, RECTIFIED_UNACKNOWLEDGED, AlertBoard, AlertNotActive,
                                check_active_unacknowledged, counts_by_state, fold_alerts)
from domain.errors import InvalidEvent
from domain.events import (AlertAcknowledged, AlertEscalated, AlertRectified, AlertResponsibilityTransferred,
                           AlertSilenced, AlertsSuppressed, CloseQuarters, Loitering, PortArrived, PositionJumped,
                           RecordedEvent, SpeedLimitExceeded)
from domain.events.base import Event
from domain.time import MICROS_PER_MINUTE, MICROS_PER_SECOND

T0 = 1_795_000_000_000_000
SHIP, OTHER = 235_000_007, 235_000_123


def at(minutes: float) -> int:
    return T0 + round(minutes * MICROS_PER_MINUTE)


_positions = iter(range(1, 10**9))


def logged(event: Event, recorded_at: int | None = None, position: int | None = None) -> RecordedEvent:
    position = next(_positions) if position is None else position
    return RecordedEvent(position=position, event_id=UUID(int=position), stream_id=event.stream_id, version=1,
                         type=event.TYPE, schema_version=2, occurred_at=event.occurred_at,
                         recorded_at=event.occurred_at if recorded_at is None else recorded_at, metadata={},
                         event=event, hash=b"")


def speeding(alert_id: str = "speed-1", when: int = T0, priority: str | None = "warning", mmsi: int = SHIP):
    return logged(SpeedLimitExceeded(mmsi=mmsi, occurred_at=when, alert_id=alert_id, severity="warning",
                                     summary="22.0 kn, over the limit of 12 kn", priority=priority, sog=22.0,
                                     limit=12.0))


def loitering(alert_id: str = "loiter-1", when: int = T0):
    return logged(Loitering(mmsi=SHIP, occurred_at=when, alert_id=alert_id, severity="warning", priority="caution",
                            summary="slow", lat=50.0, lon=-1.0, since=when - 3_600 * MICROS_PER_SECOND,
                            threshold_s=3_600.0))


def rectified(alert_id: str, when: int, reason: str = "slowed to 9.0 kn"):
    return logged(AlertRectified(mmsi=SHIP, occurred_at=when, alert_id=alert_id, reason=reason))


def acknowledged(alert_id: str, when: int, operator: str = "Mate"):
    return logged(AlertAcknowledged(occurred_at=when, operator=operator, mmsi=SHIP, alert_id=alert_id))


def silenced(alert_id: str, when: int):
    return logged(AlertSilenced(occurred_at=when, operator="Mate", mmsi=SHIP, alert_id=alert_id))


def escalated(alert_id: str, when: int):
    return logged(AlertEscalated(mmsi=SHIP, occurred_at=when, alert_id=alert_id, after_s=180.0))


def transferred(alert_id: str, when: int, to: str = "Master"):
    return logged(AlertResponsibilityTransferred(occurred_at=when, operator="Mate", mmsi=SHIP, alert_id=alert_id,
                                                 to_operator=to))


def suppressed(when: int, minutes: float, alert_type: str | None = "SpeedLimitExceeded", mmsi: int = SHIP):
    return logged(AlertsSuppressed(occurred_at=when, operator="Mate", mmsi=mmsi, alert_type=alert_type,
                                   until=when + round(minutes * MICROS_PER_MINUTE), reason="trials on the mile"))


def state_of(events, when, alert_id="speed-1"):
    return {view.alert_id: view for view in fold_alerts(events, when)}[alert_id]


def test_an_alarm_goes_from_active_unacknowledged_through_acknowledged_to_normal():
    events = [speeding(), acknowledged("speed-1", at(2)), rectified("speed-1", at(5))]
    assert [state_of(events, at(m)).state for m in (1, 3, 6)] == [ACTIVE_UNACKNOWLEDGED, ACTIVE_ACKNOWLEDGED,
                                                                   NORMAL]
    done = state_of(events, at(6))
    assert (done.acknowledged_by, done.rectified_at, done.rectified_reason) == ("Mate", at(5), "slowed to 9.0 kn")


def test_a_rectified_alert_waits_for_its_acknowledgement_then_is_normal():
    events = [speeding(), rectified("speed-1", at(2)), acknowledged("speed-1", at(4))]
    assert [state_of(events, at(m)).state for m in (1, 3, 5)] == [ACTIVE_UNACKNOWLEDGED, RECTIFIED_UNACKNOWLEDGED,
                                                                   NORMAL]


def test_a_silence_lasts_thirty_seconds_then_the_alert_sounds_again():
    events = [speeding(), silenced("speed-1", at(1))]
    assert state_of(events, at(1) + 29 * MICROS_PER_SECOND).state == ACTIVE_SILENCED
    assert state_of(events, at(1) + 30 * MICROS_PER_SECOND).state == ACTIVE_UNACKNOWLEDGED


def test_an_unacknowledged_warning_escalates_to_an_alarm_and_an_acknowledged_one_does_not():
    events = [speeding(), escalated("speed-1", at(3))]
    assert (state_of(events, at(2)).priority, state_of(events, at(4)).priority) == ("warning", "alarm")
    assert state_of(events, at(4)).escalated_at == at(3)
    calm = [speeding(), acknowledged("speed-1", at(2)), escalated("speed-1", at(3))]
    assert state_of(calm, at(4)).priority == "warning"


def test_responsibility_is_transferred_to_a_named_operator_who_then_acknowledges():
    events = [speeding(), transferred("speed-1", at(1)), acknowledged("speed-1", at(2), "Master")]
    moved = state_of(events, at(1))
    assert (moved.state, moved.responsible) == (ACTIVE_TRANSFERRED, "Master")
    assert state_of(events, at(3)).state == ACTIVE_ACKNOWLEDGED


def test_cautions_are_only_active_or_normal_and_never_acknowledged():
    events = [loitering(), acknowledged("loiter-1", at(1)), silenced("loiter-1", at(1)),
              transferred("loiter-1", at(1)), rectified("loiter-1", at(4), "under way again")]
    assert state_of(events, at(2), "loiter-1").state == ACTIVE
    assert state_of(events, at(5), "loiter-1").state == NORMAL
    assert state_of(events, at(5), "loiter-1").acknowledged_by is None


def test_a_port_call_is_a_caution_back_to_normal_at_once_and_a_position_jump_waits_rectified():
    port = logged(PortArrived(mmsi=SHIP, occurred_at=T0, alert_id="port-1", severity="info", summary="arrived",
                              port="Dover"))
    jump = logged(PositionJumped(mmsi=SHIP, occurred_at=T0, alert_id="jump-1", severity="warning", summary="jumped",
                                 lat=50.0, lon=-1.0, jump_m=90_000.0, gap_s=60.0, max_kn=60.0))
    board = {view.alert_id: view for view in fold_alerts([port, jump], at(1))}
    assert (board["port-1"].state, board["jump-1"].state) == (NORMAL, RECTIFIED_UNACKNOWLEDGED)


def test_a_suppression_acknowledges_the_ships_alerts_of_the_kind_and_those_raised_until_it_ends():
    events = [speeding("speed-1", at(0)), suppressed(at(1), 30), speeding("speed-2", at(10)),
              speeding("speed-3", at(40)), loitering("loiter-1", at(5))]
    board = {view.alert_id: view for view in fold_alerts(events, at(41))}
    assert (board["speed-1"].state, board["speed-1"].acknowledged_by) == (ACTIVE_ACKNOWLEDGED, "Mate")
    assert board["speed-2"].state == ACTIVE_ACKNOWLEDGED and board["speed-2"].suppressed
    assert board["speed-2"].comment == "suppressed: trials on the mile"
    assert board["speed-3"].state == ACTIVE_UNACKNOWLEDGED  # raised after the suppression ended
    assert board["loiter-1"].state == ACTIVE  # another kind


def test_a_close_quarters_encounter_is_one_alert_naming_both_ships():
    def side(mmsi, other):
        return logged(CloseQuarters(mmsi=mmsi, occurred_at=T0, alert_id="cq:1:2", severity="warning",
                                    summary="CPA 300 m", other_mmsi=other, cpa_m=300.0, tcpa_s=400.0))
    [view] = fold_alerts([side(OTHER, SHIP), side(SHIP, OTHER)], at(1))
    assert view.ships == (SHIP, OTHER) and view.mmsi == SHIP


def test_a_rectified_alert_cannot_be_silenced_or_handed_over():
    board = fold_alerts([speeding(), rectified("speed-1", at(1))], at(2))
    with pytest.raises(AlertNotActive):
        check_active_unacknowledged(board, "speed-1")


def test_counts_by_state_name_every_state():
    counts = counts_by_state(fold_alerts([speeding(), loitering()], at(1)))
    assert counts[ACTIVE_UNACKNOWLEDGED] == 1 and counts[ACTIVE] == 1 and counts[NORMAL] == 0


@pytest.mark.parametrize("make, field", [
    (lambda: AlertRectified(mmsi=SHIP, occurred_at=T0, alert_id="a", reason=" "), "reason"),
    (lambda: AlertEscalated(mmsi=SHIP, occurred_at=T0, alert_id="a", after_s=0), "after_s"),
    (lambda: AlertSilenced(occurred_at=T0, operator="Mate", alert_id="a"), "mmsi"),
    (lambda: AlertSilenced(occurred_at=T0, operator="Mate", mmsi=SHIP, alert_id="a", duration_s=-1), "duration_s"),
    (lambda: AlertResponsibilityTransferred(occurred_at=T0, operator="Mate", mmsi=SHIP, alert_id="a",
                                            to_operator=""), "to_operator"),
    (lambda: AlertsSuppressed(occurred_at=T0, operator="Mate", mmsi=SHIP, alert_type=None, until=T0,
                              reason="x"), "until"),
    (lambda: AlertsSuppressed(occurred_at=T0, operator="Mate", mmsi=SHIP, alert_type=None, until=T0 + 1,
                              reason=""), "reason"),
    (lambda: SpeedLimitExceeded(mmsi=SHIP, occurred_at=T0, alert_id="a", severity="warning", summary="s",
                                priority="urgent", sog=20.0, limit=10.0), "priority"),
])
def test_impossible_moves_are_refused_naming_the_field(make, field):
    with pytest.raises(InvalidEvent) as refused:
        make()
    assert refused.value.field == field


# --- the board's lives are the plain fold ------------------------------------------------------------------------


IDS = ["a", "b", "c"]


@st.composite
def alert_lives(draw):
    """Raises and moves of a few alerts (of two ships, some cautions) at minutes 0-30, recorded late sometimes."""
    facts = []
    for _ in range(draw(st.integers(1, 25))):
        when = at(draw(st.integers(0, 30))) + draw(st.sampled_from([0, 0, 10, 45])) * MICROS_PER_SECOND
        alert_id = draw(st.sampled_from(IDS))
        kind = draw(st.sampled_from(["raise", "raise", "silence", "ack", "escalate", "transfer", "rectify",
                                     "suppress"]))
        if kind == "raise":
            priority = draw(st.sampled_from(["alarm", "warning", "caution"]))
            mmsi = draw(st.sampled_from([SHIP, OTHER]))
            event: Event = speeding(alert_id, when, priority, mmsi).event
        elif kind == "silence":
            event = silenced(alert_id, when).event
        elif kind == "ack":
            event = acknowledged(alert_id, when, draw(st.sampled_from(["Mate", "Master"]))).event
        elif kind == "escalate":
            event = escalated(alert_id, when).event
        elif kind == "transfer":
            event = transferred(alert_id, when, draw(st.sampled_from(["Master", "Pilot"]))).event
        elif kind == "rectify":
            event = rectified(alert_id, when).event
        else:
            event = suppressed(when, draw(st.sampled_from([5, 20])), draw(st.sampled_from([None, "SpeedLimitExceeded",
                                                                                            "Loitering"])),
                               draw(st.sampled_from([SHIP, OTHER]))).event
        facts.append((event, when + draw(st.sampled_from([0, 0, 60])) * MICROS_PER_SECOND))
    return facts


@settings(max_examples=300, deadline=None)
@given(facts=alert_lives(), order=st.randoms(use_true_random=False), moment=st.integers(-1, 32 * 60),
       known=st.one_of(st.none(), st.integers(0, 33 * 60)))
def test_the_board_is_a_plain_replay_of_raise_silence_acknowledge_escalate_transfer_and_rectify(facts, order, moment,
                                                                                                  known):
    events = [logged(event, recorded_at, position) for position, (event, recorded_at) in enumerate(facts, 1)]
    when = T0 + moment * MICROS_PER_SECOND
    known_at = None if known is None else T0 + known * MICROS_PER_SECOND
    expected = fold_alerts(events, when, known_at)
    board = AlertBoard()
    shuffled = list(events)
    order.shuffle(shuffled)
    for event in shuffled:
        board.add(event)
    assert board.at(when, known_at) == expected
    assert board.standing(when, known_at) == [view for view in expected if view.state != NORMAL]


def test_the_event_log_says_each_move_in_a_line_with_outside_text_shown_visibly():
    from domain.event_text import summary_of, type_name

    lines = [summary_of(e) for e in (rectified("speed-1", at(1)), silenced("speed-1", at(1)),
                                     escalated("speed-1", at(3)), transferred("speed-1", at(2), "Master"),
                                     logged(AlertsSuppressed(occurred_at=T0, operator="Mate", mmsi=SHIP,
                                                             alert_type=None, until=at(30),
                                                             reason="trials \u202eTXET")))]
    assert lines[0] == "alert speed-1 rectified: slowed to 9.0 kn"
    assert lines[1] == "alert speed-1 silenced for 30 s"
    assert lines[2] == "alert speed-1 unacknowledged for 180 s: now an alarm"
    assert lines[3] == "alert speed-1 handed over to Master"
    assert lines[4].startswith("all alerts suppressed until") and "⟨U+202E⟩" in lines[4]
    assert type_name("AlertResponsibilityTransferred") == "Alert handed over"


def test_an_encounter_written_with_an_id_per_ship_by_an_older_version_is_one_alert():
    def side(mmsi, other, alert_id):
        return logged(CloseQuarters(mmsi=mmsi, occurred_at=T0, alert_id=alert_id, severity="warning",
                                    summary="CPA 300 m", other_mmsi=other, cpa_m=300.0, tcpa_s=400.0))
    events = [side(SHIP, OTHER, f"close-quarters:{SHIP}:{OTHER}:20261125T120000Z"),
              side(OTHER, SHIP, f"close-quarters:{OTHER}:{SHIP}:20261125T120000Z"),
              acknowledged(f"close-quarters:{OTHER}:{SHIP}:20261125T120000Z", at(2)),  # the other side's id
              rectified(f"close-quarters:{SHIP}:{OTHER}:20261125T120000Z", at(4), "opened past CPA")]
    [view] = fold_alerts(events, at(5))
    assert view.alert_id == f"close-quarters:{SHIP}:{OTHER}:20261125T120000Z" and view.state == "normal"
    assert AlertBoard(events).at(at(5)) == [view]
