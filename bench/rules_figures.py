"""Rules benchmarks: every rule over 1,000,000 reports of 1,000 ships with 50 zones, and one close-quarters
scan of 1,000 ships.

``rules_events_per_s`` replays the rules (observing every event, scanning every minute of log time) over
events already decoded, as the console's catch-up and ``rules replay`` see them after reading the log.
``cpa_scan_ms`` is the median of one scan of the whole fleet (dark ships, loitering, close quarters) in the
middle of the log, every ship having reported within the last minute.
``alert_board_ms`` is the median time to answer "which alerts stand at this moment, in which state" (the
map's rings, the alerts dock's default list and its counts) with 100,000 alerts in the log, each with its
life (raised, some silenced, escalated, handed over, acknowledged after seconds to minutes, rectified),
over thirty days; ``alert_board_all_ms`` is the whole board at that moment (every alert raised by then).
"""
from __future__ import annotations

import copy
import json
import math
import statistics
import time
import uuid

import numpy as np

from bench.figures import emit
from bench.synthetic_fleet import START, STATUS_NAMES, fleet_mmsis, position_columns
from domain.alert_board import AlertBoard, counts_by_state
from domain.events import (AlertAcknowledged, AlertEscalated, AlertRectified, AlertResponsibilityTransferred,
                           AlertSilenced, CloseQuarters, PositionReported, RecordedEvent, ShipRegistered,
                           SpeedLimitExceeded, ZoneDefined)
from domain.rules import RulesEngine, run_rules

SHIPS, ZONES = 1_000, 50
KINDS = ["port"] * 10 + ["restricted"] * 10 + ["anchorage"] * 10 + ["generic"] * 20


def zone_definitions(seed: int = 11) -> list[ZoneDefined]:
    """50 irregular polygons over the synthetic fleet's waters: ports, restricted areas, anchorages, others."""
    rng = np.random.default_rng(seed)
    zones = []
    for i, kind in enumerate(KINDS):
        lat0, lon0 = rng.uniform(49.5, 59.5), rng.uniform(-4.5, 11.5)
        radius_km = rng.uniform(3, 8) if kind == "port" else rng.uniform(5, 40)
        angles = np.sort(rng.uniform(0, 2 * math.pi, int(rng.integers(8, 40))))
        radii = radius_km * rng.uniform(0.7, 1.0, len(angles))
        ring = [[float(lon0 + r * math.sin(a) / (111.2 * math.cos(math.radians(lat0)))), float(lat0 + r * math.cos(a) / 111.2)]
                for r, a in zip(radii, angles)]
        ring.append(ring[0])
        limit = 8.0 if kind == "port" else (12.0 if i % 3 == 0 else None)
        zones.append(ZoneDefined(occurred_at=START, name=f"{kind} {i:02d}", kind=kind,
                                 geometry=json.dumps({"type": "Polygon", "coordinates": [ring]}), speed_limit_kn=limit))
    return zones


def recorded_events(events: int) -> list[RecordedEvent]:
    columns = {k: v.tolist() for k, v in position_columns(SHIPS, events).items()}
    metadata = {"source": "bench"}
    out: list[RecordedEvent] = []

    def add(event, recorded_at: int) -> None:
        position = len(out) + 1
        out.append(RecordedEvent(position, uuid.UUID(int=position), event.stream_id, 1, event.TYPE, 1,
                                 event.occurred_at, recorded_at, metadata, event, b""))

    for zone in zone_definitions():
        add(zone, START)
    for i, mmsi in enumerate(fleet_mmsis(SHIPS).tolist()):
        add(ShipRegistered(mmsi=mmsi, occurred_at=START, name=f"BENCH {i:04d}", ship_type="cargo"), START)
    for i in range(len(columns["mmsi"])):
        add(PositionReported(mmsi=columns["mmsi"][i], occurred_at=columns["occurred"][i], lat=columns["lat"][i],
                             lon=columns["lon"][i], sog=columns["sog"][i], cog=columns["cog"][i],
                             heading=columns["heading"][i], nav_status=STATUS_NAMES[columns["status"][i]]),
            columns["recorded"][i])
    return out


def run(scale: float) -> None:
    events = recorded_events(max(20_000, round(1_000_000 * scale)))
    started = time.perf_counter()
    alerts = run_rules(events, scan_every_s=60.0)
    seconds = time.perf_counter() - started
    emit("rules_events_per_s", len(events) / seconds, "events/s", events=len(events), ships=SHIPS, zones=ZONES,
         alerts=len(alerts))
    engine = RulesEngine()
    engine.observe_all(events[: len(events) // 2])
    now = engine.latest_report_at
    times = []
    for _ in range(11):
        fresh = copy.deepcopy(engine)
        started = time.perf_counter()
        fresh.scan(now)
        times.append((time.perf_counter() - started) * 1000)
    emit("cpa_scan_ms", statistics.median(times), "ms", events=len(events) // 2, ships=SHIPS, max=round(max(times), 2))
    board_figures(scale)


def alert_lives(alerts: int, seed: int = 5) -> list[RecordedEvent]:
    """``alerts`` alerts over thirty days with the lives a watch gives them, as recorded events."""
    rng = np.random.default_rng(seed)
    mmsis = fleet_mmsis(SHIPS).tolist()
    span = 30 * 86_400 * 1_000_000
    raised = np.sort(rng.integers(START, START + span, alerts))
    out: list[RecordedEvent] = []

    def add(event) -> None:
        position = len(out) + 1
        out.append(RecordedEvent(position, uuid.UUID(int=position), event.stream_id, 1, event.TYPE, 2,
                                 event.occurred_at, event.occurred_at, {}, event, b""))

    second = 1_000_000
    for i, at in enumerate(raised.tolist()):
        ship = mmsis[i % SHIPS]
        alert_id = f"bench:{i}"
        if i % 4 == 0:
            other = mmsis[(i + 7) % SHIPS]
            for a, b in ((ship, other), (other, ship)):
                add(CloseQuarters(mmsi=a, occurred_at=at, alert_id=alert_id, severity="warning", priority="warning",
                                  summary="CPA 0.3 nm", other_mmsi=b, cpa_m=500.0, tcpa_s=600.0))
        else:
            add(SpeedLimitExceeded(mmsi=ship, occurred_at=at, alert_id=alert_id, severity="warning",
                                   priority="alarm" if i % 3 == 0 else "warning", summary="over", sog=20.0, limit=12.0))
        if i % 5 == 0:
            add(AlertSilenced(occurred_at=at + 5 * second, operator="Mate", mmsi=ship, alert_id=alert_id))
        if i % 11 == 0:
            add(AlertEscalated(mmsi=ship, occurred_at=at + 180 * second, alert_id=alert_id, after_s=180.0))
        if i % 13 == 0:
            add(AlertResponsibilityTransferred(occurred_at=at + 60 * second, operator="Mate", mmsi=ship,
                                               alert_id=alert_id, to_operator="Master"))
        if i % 100:  # one in a hundred is never acknowledged
            add(AlertAcknowledged(occurred_at=at + int(rng.integers(10, 900)) * second, operator="Mate", mmsi=ship,
                                  alert_id=alert_id))
        add(AlertRectified(mmsi=ship, occurred_at=at + int(rng.integers(60, 3_600)) * second, alert_id=alert_id,
                           reason="ended"))
    return out


def board_figures(scale: float) -> None:
    alerts = max(1_000, round(100_000 * scale))
    events = alert_lives(alerts)
    started = time.perf_counter()
    board = AlertBoard(events)
    board.standing(START)
    build_s = time.perf_counter() - started
    rng = np.random.default_rng(9)
    moments = rng.integers(START + 86_400 * 1_000_000, START + 30 * 86_400 * 1_000_000, 21).tolist()
    standing_ms, all_ms, sizes = [], [], []
    for at in moments:
        started = time.perf_counter()
        standing = board.standing(at)
        counts_by_state(standing)
        standing_ms.append((time.perf_counter() - started) * 1000)
        sizes.append(len(standing))
    for at in moments[:5]:
        started = time.perf_counter()
        board.at(at)
        all_ms.append((time.perf_counter() - started) * 1000)
    emit("alert_board_ms", statistics.median(standing_ms), "ms", events=len(events), ships=SHIPS, alerts=alerts,
         max=round(max(standing_ms), 2), standing=int(statistics.median(sizes)), build_s=round(build_s, 2))
    emit("alert_board_all_ms", statistics.median(all_ms), "ms", events=len(events), ships=SHIPS, alerts=alerts)


def demo_alert_figures(path: str, every_s: int = 60) -> dict:
    """The alerts of a store (the 200-ship, 24-hour demo after ``rules replay``) at every minute of its day:
    the most active at once, whether every ring would be an active alarm or warning, and the alerts by type
    and by state at the end and at the busiest minute."""
    from app.alerts import AlertLog
    from domain.alert_board import ACTIVE_STATES
    from store import open_store

    store = open_store(path, create=False, read_only=True)
    try:
        log = AlertLog(store)
        board = log.latest()
        first = min(alert.raised_at for alert in board)
        last = max(max(alert.raised_at, alert.rectified_at or 0) for alert in board)
    finally:
        store.close()
    step = every_s * 1_000_000
    peak, peak_at, rings_not_alarm_or_warning = -1, first, 0
    for at in range(first - first % step + step, last + 1, step):
        standing = log.standing_at(at)
        active = [alert for alert in standing if alert.state in ACTIVE_STATES]
        rings_not_alarm_or_warning += sum(1 for alert in active if alert.priority not in ("emergency", "alarm",
                                                                                          "warning")
                                          and alert.state != "active")  # an active caution is never ringed
        if len(active) > peak:
            peak, peak_at = len(active), at
    by_type: dict[str, dict[str, int]] = {}
    for alert in log.alerts_at(last):
        row = by_type.setdefault(alert.type, {"raised": 0})
        row["raised"] += 1
        row[alert.state] = row.get(alert.state, 0) + 1
    at_peak = counts_by_state(log.alerts_at(peak_at))
    return {"from": first, "to": last, "max_active": peak, "max_active_at": peak_at,
            "rings_not_alarm_or_warning": rings_not_alarm_or_warning, "by_type_at_end": by_type,
            "states_at_peak": {k: v for k, v in at_peak.items() if v}}


if __name__ == "__main__":
    import sys

    from domain.time import format_instant

    figures = demo_alert_figures(sys.argv[1])
    for key in ("from", "to", "max_active_at"):
        figures[key] = format_instant(figures[key])
    print(json.dumps(figures, indent=1))
