"""The Loitering alert: a fact like the other alerts, on the ship's stream, open on the board until acknowledged."""
from __future__ import annotations

from uuid import UUID

import pytest

from domain.alert_board import ACTIVE_UNACKNOWLEDGED as OPEN, fold_alerts
from domain.errors import InvalidEvent
from domain.events import ALERT_EVENT_TYPES, ALERT_TYPE_NAMES, Loitering, RecordedEvent, build_event, event_class
from tests.domain.rules_log import MINUTE, SHIP, T0


def loitering(**changes) -> Loitering:
    fields = dict(mmsi=SHIP, occurred_at=T0, alert_id="loitering:1", severity="warning", summary="stopped",
                  lat=50.1234567891, lon=-1.5, since=T0 - 60 * MINUTE, threshold_s=3_600.0)
    fields.update(changes)
    return Loitering(**fields)


def test_loitering_is_an_alert_of_the_family():
    event = loitering()
    assert Loitering in ALERT_EVENT_TYPES and "Loitering" in ALERT_TYPE_NAMES
    assert event_class("Loitering") is Loitering and Loitering.NEEDS_ACKNOWLEDGEMENT
    assert event.stream_id == f"ship-{SHIP}" and event.lat == 50.1234568
    assert build_event("Loitering", T0, event.payload()) == event


@pytest.mark.parametrize("field, value", [("since", T0 + 1), ("since", 1.5), ("threshold_s", 0.5), ("lat", 91.0),
                                          ("lon", None), ("severity", "loud")])
def test_loitering_refuses_impossible_facts(field, value):
    with pytest.raises(InvalidEvent) as refused:
        loitering(**{field: value})
    assert refused.value.field == field


def test_a_loitering_ship_stands_open_on_the_alert_board():
    event = loitering()
    recorded = RecordedEvent(1, UUID(int=1), event.stream_id, 1, event.TYPE, 1, T0, T0, {}, event, b"")
    alert, = fold_alerts([recorded], at=T0)
    assert (alert.alert_id, alert.type, alert.state) == ("loitering:1", "Loitering", OPEN)
