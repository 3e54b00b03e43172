"""Rules benchmarks: every rule over 1,000,000 reports of 1,000 ships with 50 zones, and one close-quarters
scan of 1,000 ships.

``rules_events_per_s`` replays the rules (observing every event, scanning every minute of log time) over
events already decoded, as the console's catch-up and ``rules replay`` see them after reading the log.
``cpa_scan_ms`` is the median of one scan of the whole fleet (dark ships, loitering, close quarters) in the
middle of the log, every ship having reported within the last minute.
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
from domain.events import PositionReported, RecordedEvent, ShipRegistered, ZoneDefined
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
