"""The rules at work on a live service: catching up with the log, observing appends, scanning on time."""
from __future__ import annotations

from app.alert_watch import AlertWatch
from app.fleet_service import FleetService
from domain.rules import RuleSettings
from tests.fleet_events import MINUTE, T0, registered, report


def types_of(store) -> list[str]:
    return [r.type for r in store.read_all()]


def test_catching_up_raises_what_history_calls_for_once_and_appends_observe_the_rest(store):
    service = FleetService.open(store)
    service.append([registered(235000001, 0, "ARIA"), *[report(235000001, m, sog=12.0, cog=90.0) for m in range(10)],
                    *[report(235000001, 60 + m, sog=12.0, cog=90.0) for m in range(3)]])  # 50 silent minutes
    watch = AlertWatch(service, RuleSettings(), clock=lambda: T0 + 200 * MINUTE)
    service.subscribe(watch.notice)
    service.append([report(235000001, 63, sog=12.0, cog=90.0)])  # arrives while the watch has not caught up
    assert "SignalLost" not in types_of(store)
    assert watch.catch_up() == 3 and types_of(store).count("SignalLost") == 1  # lost, rectified, restored
    assert types_of(store).count("SignalRestored") == 1
    service.append([report(235000001, 150, sog=12.0, cog=90.0)])  # another long silence, seen as it ends
    assert types_of(store).count("SignalLost") == 2 and types_of(store).count("SignalRestored") == 2
    again = AlertWatch(service, RuleSettings(), clock=lambda: T0 + 200 * MINUTE)
    assert again.catch_up() == 0  # a second watch over the same log raises nothing new


def test_a_scan_by_the_clock_finds_a_ship_gone_silent(store):
    now = [T0 + 20 * MINUTE]
    service = FleetService.open(store)
    service.append([registered(235000001, 0, "ARIA"), *[report(235000001, m, sog=12.0, cog=90.0) for m in range(10)]])
    watch = AlertWatch(service, RuleSettings(), clock=lambda: now[0], judge_by_clock=True)
    service.subscribe(watch.notice)
    watch.catch_up()
    assert watch.scan() == 0
    now[0] = T0 + 120 * MINUTE
    assert watch.scan() == 2  # the silence, and its escalation: a warning nobody acknowledged while watched
    assert types_of(store)[-2:] == ["SignalLost", "AlertEscalated"]
    (lost,) = [r for r in store.read_all() if r.type == "SignalLost"]
    assert lost.stream_id == "ship-235000001" and lost.metadata["source"] == "rules"
    assert "correlation_id" in lost.metadata and "causation_id" in lost.metadata


def test_history_is_judged_by_todays_zones_not_by_the_shapes_they_had_before(store):
    """Zone 'Range' was first drawn over the ship's track, then moved away before anyone replayed the rules:
    replaying (the console's catch-up and ``rules replay``) judges the whole history by today's shape."""
    import json

    from app.rules import replay_rules
    from app.zone_desk import zones_in_force
    from domain.events import NewEvent, ZoneDefined

    def square(lon: float) -> str:
        ring = [[lon, 50.7], [lon + 0.1, 50.7], [lon + 0.1, 50.9], [lon, 50.9], [lon, 50.7]]
        return json.dumps({"type": "Polygon", "coordinates": [ring]})

    def defined(minute: int, lon: float) -> NewEvent:
        at = T0 + minute * MINUTE
        return NewEvent(ZoneDefined(occurred_at=at, name="Range", kind="restricted", geometry=square(lon)),
                        recorded_at=at, metadata={"source": "operator", "operator": "kim"})

    service = FleetService.open(store)
    service.append([defined(0, -1.25), registered(235000001, 0, "ARIA"),
                    *[report(235000001, m, lat=50.8, lon=-1.4 + m * 0.02, sog=12.0, cog=90.0) for m in range(1, 20)],
                    defined(30, 2.0)])   # moved far away after the ship had sailed through the first shape
    watch = AlertWatch(service, RuleSettings(), clock=lambda: T0 + 200 * MINUTE, zones=zones_in_force(store))
    watch.catch_up()
    assert "ZoneEntered" not in types_of(store)
    summary = replay_rules(store, RuleSettings(), clock=lambda: T0 + 200 * MINUTE)
    assert summary.by_type.get("ZoneEntered", 0) == 0
