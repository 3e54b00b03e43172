"""A synthetic fleet for benchmarks: many ships, plausible tracks, made fast with numpy.

Not the demo simulator (whose job is realism, not volume): tracks are random walks along a course with
report intervals of 10-60 s, a few per cent recorded late, as the store and index see real traffic.
"""
from __future__ import annotations

from typing import Iterator

import numpy as np

from domain.events import NewEvent, PositionReported, ShipRegistered
from domain.time import parse_instant

START = parse_instant("2026-01-01T00:00:00Z")
STATUS_NAMES = ("under way using engine", "at anchor", "moored", "engaged in fishing")


def fleet_mmsis(ships: int) -> np.ndarray:
    return 219_000_000 + np.arange(ships, dtype=np.int64) * 7


def position_columns(ships: int, events: int, seed: int = 7, step_s: tuple[int, int] = (10, 61)) -> dict[str, np.ndarray]:
    """Columns of ``events`` reports over ``ships`` ships (each ``step_s`` seconds apart, at random in that
    half-open range), ordered by recording time."""
    rng = np.random.default_rng(seed)
    per_ship = events // ships
    n = per_ship * ships
    ship = np.repeat(np.arange(ships), per_ship)
    steps = rng.integers(step_s[0], step_s[1], size=n) * 1_000_000
    steps.reshape(ships, per_ship)[:, 0] = rng.integers(0, 60, size=ships) * 1_000_000
    occurred = START + np.cumsum(steps.reshape(ships, per_ship), axis=1).ravel()
    course = np.repeat(rng.uniform(0, 360, ships), per_ship) + rng.normal(0, 3, n).cumsum() * 0.01
    speed = np.clip(np.repeat(rng.uniform(0, 22, ships), per_ship) + rng.normal(0, 0.5, n), 0, 40)
    lat0 = np.repeat(rng.uniform(49.0, 60.0, ships), per_ship)
    lon0 = np.repeat(rng.uniform(-5.0, 12.0, ships), per_ship)
    drift = (speed * (steps / 3.6e9) / 60.0).reshape(ships, per_ship).cumsum(axis=1).ravel()
    lat = np.clip(lat0 + drift * np.cos(np.radians(course)), -89.0, 89.0)
    lon = ((lon0 + drift * np.sin(np.radians(course)) / np.cos(np.radians(lat)) + 180.0) % 360.0) - 180.0
    late = rng.random(n) < 0.03
    recorded = occurred + np.where(late, rng.integers(60, 1800, n), rng.integers(0, 3, n)) * 1_000_000
    order = np.argsort(recorded, kind="stable")
    return {"mmsi": fleet_mmsis(ships)[ship][order], "occurred": occurred[order], "recorded": recorded[order],
            "lat": lat[order], "lon": lon[order], "sog": speed[order], "cog": (course % 360.0)[order],
            "heading": (np.round(course) % 360).astype(np.int64)[order],
            "status": rng.integers(0, len(STATUS_NAMES), n)[order]}


def registrations(ships: int) -> list[NewEvent]:
    return [NewEvent(ShipRegistered(mmsi=int(m), occurred_at=START, name=f"BENCH {i:04d}", ship_type="cargo"),
                     recorded_at=START, metadata={"source": "bench"}) for i, m in enumerate(fleet_mmsis(ships))]


def position_batches(columns: dict[str, np.ndarray], batch: int) -> Iterator[list[NewEvent]]:
    """The reports as ``NewEvent`` batches, each observation with its dedupe key, as an import makes them."""
    n = len(columns["mmsi"])
    lists = {k: v.tolist() for k, v in columns.items()}
    metadata = {"source": "bench"}
    for start in range(0, n, batch):
        items = []
        for i in range(start, min(start + batch, n)):
            mmsi, occurred = lists["mmsi"][i], lists["occurred"][i]
            event = PositionReported(mmsi=mmsi, occurred_at=occurred, lat=lists["lat"][i], lon=lists["lon"][i],
                                     sog=lists["sog"][i], cog=lists["cog"][i], heading=lists["heading"][i],
                                     nav_status=STATUS_NAMES[lists["status"][i]])
            key = (mmsi * 1_000_000_000_000_000 + occurred).to_bytes(12, "big", signed=False)
            items.append(NewEvent(event, recorded_at=lists["recorded"][i], metadata=metadata, dedupe_key=key))
        yield items
