"""The demo fleet: simulated history written into a store, and a live simulator that keeps it moving.

A store made this way remembers how (ships, seed, start) in its settings, so a later session resumes the
same ships where the simulation says they are now, as if the receiver had simply been off meanwhile:
the gap is not back-filled, because the log must not claim it learned those reports earlier than it did.
"""
from __future__ import annotations

import json
from collections import deque
import logging
import time
from dataclasses import asdict, dataclass
from itertools import islice
from typing import Callable, Iterable, Iterator

from domain.events import NewEvent
from domain.progress import PositionProgress as Progress
from domain.time import MICROS_PER_DAY, MICROS_PER_HOUR, now_micros
from feeds.simulator import FleetConfig, FleetSimulator
from store import EventStore

DEMO_INFO_KEY = "demo_fleet"
BATCH = 20_000
RESUME_LIMIT = 3 * MICROS_PER_DAY  # older demo stores restart their ships rather than simulate days silently
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoSettings:
    ships: int
    seed: int
    start: int


@dataclass(frozen=True)
class SeedSummary:
    appended: int
    duplicates: int
    ships: int
    start: int
    end: int
    seconds: float


def batches(events: Iterable[NewEvent], size: int = BATCH) -> Iterator[list[NewEvent]]:
    iterator = iter(events)
    while batch := list(islice(iterator, size)):
        yield batch


def seed_history(store: EventStore, *, ships: int, hours: float, seed: int, end: int,
                 append: Callable[[list[NewEvent]], object] | None = None,
                 progress: Progress | None = None) -> tuple[SeedSummary, FleetSimulator]:
    """Simulate ``hours`` of history ending at ``end`` into the store, in batched appends."""
    if not 0 < hours <= 24 * 31:
        raise ValueError(f"--hours must be between 0 and 744 (31 days), got {hours:g}")
    started = time.perf_counter()
    start = end - round(hours * MICROS_PER_HOUR)
    settings = DemoSettings(ships=ships, seed=seed, start=start)
    simulator = FleetSimulator(FleetConfig(ships=ships, seed=seed), start)
    appended = duplicates = 0
    write = append or store.append_batch
    define_port_zones(store, start, write)
    for batch in batches(simulator.history(end)):
        result = write(batch)
        appended += result.count  # type: ignore[attr-defined]
        duplicates += result.duplicates  # type: ignore[attr-defined]
        if progress is not None:
            progress(batch[-1].recorded_at, end)
    if not store.read_only and store.info(DEMO_INFO_KEY) is None:
        store.set_info(DEMO_INFO_KEY, json.dumps(asdict(settings)))
    return SeedSummary(appended, duplicates, ships, start, end, time.perf_counter() - started), simulator


def define_port_zones(store: EventStore, at: int, write: Callable[[list[NewEvent]], object] | None = None) -> int:
    """Draw the demo fleet's ports into the log as zones (only those not there yet); returns how many."""
    from app.zone_desk import zones_in_force
    from domain.rules import zone_changes
    from feeds.simulator_zones import port_zones

    if store.read_only:
        return 0
    changes = zone_changes(zones_in_force(store), port_zones(at))
    if changes:
        (write or store.append_batch)([NewEvent(zone, recorded_at=at, metadata={"source": "demo fleet"})
                                       for zone in changes])
    return len(changes)


class DemoFleetRefused(ValueError):
    """A demo fleet was asked for in a store that already holds other events (it would mix simulated ships
    into a real log, for ever: the log is append-only)."""


def check_room_for_demo(store: EventStore) -> None:
    """Refuse to put the demo fleet into a store that holds events and is not a demo store already.

    An empty store, or one made by the demo fleet (it then carries on), is fine."""
    events = store.head().position
    if events and demo_settings(store) is None:
        count = f"{events:,} event" + ("" if events == 1 else "s")
        raise DemoFleetRefused(f"{store.describe()} already holds {count} and is no demo store: the demo fleet "
                               "only goes into an empty store (the log is append-only)")


def demo_settings(store: EventStore) -> DemoSettings | None:
    text = store.info(DEMO_INFO_KEY)
    return None if text is None else DemoSettings(**json.loads(text))


def resume_simulator(store: EventStore, now: int) -> FleetSimulator | None:
    """The demo fleet's simulator brought to ``now`` without appending (None for a store that is no demo)."""
    settings = demo_settings(store)
    if settings is None:
        return None
    if now - settings.start > RESUME_LIMIT:
        settings = DemoSettings(settings.ships, settings.seed, now)
        store.set_info(DEMO_INFO_KEY, json.dumps(asdict(settings)))
    define_port_zones(store, settings.start)  # a demo store made before ports were zones gets them now
    simulator = FleetSimulator(FleetConfig(ships=settings.ships, seed=settings.seed), settings.start)
    deque(simulator.history(now), maxlen=0)  # sail the ships to now, keeping none of their reports
    return simulator


class LiveDemoFleet:
    """A scheduled job: each tick appends what the simulated fleet reported since the last tick."""

    def __init__(self, simulator: FleetSimulator, append: Callable[[list[NewEvent]], object],
                 clock: Callable[[], int] = now_micros):
        self._simulator = simulator
        self._append = append
        self._clock = clock
        self.appended = 0

    def tick(self) -> int:
        new_events = self._simulator.advance(self._clock())
        if new_events:
            result = self._append(new_events)
            self.appended += result.count  # type: ignore[attr-defined]
        return len(new_events)
