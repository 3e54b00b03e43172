"""The alert states' events go through the store's codec and hash chain like every other event, and a version 1
alert comes back with the priority its severity meant."""
from __future__ import annotations

from domain.events import (AlertEscalated, AlertRectified, AlertResponsibilityTransferred, AlertSilenced,
                           AlertsSuppressed, NewEvent, PositionJumped, SignalLost, SpeedLimitExceeded)
from domain.time import MICROS_PER_MINUTE

T0 = 1_795_000_000_000_000
SHIP = 235_000_007


def state_events():
    return [
        SpeedLimitExceeded(mmsi=SHIP, occurred_at=T0, alert_id="speed:1", severity="warning", priority="alarm",
                           summary="22.0 kn", sog=22.0, limit=12.0),
        PositionJumped(mmsi=SHIP, occurred_at=T0, alert_id="jump:1", severity="warning", summary="jumped 90 km",
                       lat=50.5, lon=-1.25, jump_m=90_000.0, gap_s=60.0, max_kn=60.0),
        AlertSilenced(occurred_at=T0 + 1, operator="Mate", mmsi=SHIP, alert_id="speed:1"),
        AlertResponsibilityTransferred(occurred_at=T0 + 2, operator="Mate", mmsi=SHIP, alert_id="speed:1",
                                       to_operator="Master", comment="yours"),
        AlertEscalated(mmsi=SHIP, occurred_at=T0 + 3, alert_id="speed:1", after_s=180.0),
        AlertRectified(mmsi=SHIP, occurred_at=T0 + 4, alert_id="speed:1", reason="slowed to 9.0 kn"),
        AlertsSuppressed(occurred_at=T0 + 5, operator="Mate", mmsi=SHIP, alert_type="SpeedLimitExceeded",
                         until=T0 + 30 * MICROS_PER_MINUTE, reason="speed trials \u2014 \u202eTXET"),
    ]


def test_every_alert_state_event_round_trips_through_the_store_and_its_chain(store):
    written = state_events()
    store.append_batch([NewEvent(event, recorded_at=T0 + 10, metadata={"source": "test"}) for event in written])
    assert [recorded.event for recorded in store.read_all()] == written
    assert store.verify().ok


def test_a_version_1_alert_reads_back_with_the_priority_its_severity_meant(store):
    from domain.events import UPCASTERS
    _, payload = UPCASTERS.upcast("SignalLost", 1, {"alert_id": "x", "severity": "critical", "summary": "s",
                                                    "last_report_at": T0, "threshold_s": 60.0})
    assert payload["priority"] == "alarm"
    _, notice = UPCASTERS.upcast("PortArrived", 1, {"alert_id": "y", "severity": "info", "summary": "s",
                                                   "port": "Dover", "dwell_s": None})
    assert notice["priority"] == "caution"
    lost = SignalLost(mmsi=SHIP, occurred_at=T0, alert_id="x", severity="critical", summary="s", last_report_at=T0,
                      threshold_s=60.0, priority=payload["priority"])
    store.append_batch([NewEvent(lost, recorded_at=T0)])
    assert [r.event.priority for r in store.read_all()] == ["alarm"]
