"""The event store and temporal index figures of the core: appends, the raw SQLite ceiling, state queries,
opening a store, and bytes per event on disk and in the index."""
from __future__ import annotations

import gc
import os
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from app.fleet_index import open_index, save_snapshot
from app.fleet_service import FleetService
from app.fleet_view import FleetView
from bench.figures import emit
from bench.synthetic_fleet import position_batches, position_columns, registrations
from store import open_store
from store.page_cache import cache_for_streams

BATCH = 20_000


def run(scale: float) -> None:
    ships = max(10, round(1_000 * scale))
    events = max(10_000, round(1_000_000 * scale))
    with tempfile.TemporaryDirectory(prefix="fleet-bench-") as folder:
        path = Path(folder) / "bench.sqlite"
        appended, seconds = _append(path, ships, events)
        emit("append_events_per_s", appended / seconds, "events/s", events=appended, ships=ships)
        raw_rate = _raw_sqlite(path, Path(folder) / "raw.sqlite", ships)
        emit("raw_sqlite_rows_per_s", raw_rate, "rows/s", events=appended, ships=ships)
        emit("append_vs_raw", (appended / seconds) / raw_rate, "ratio", events=appended, ships=ships)
        _state_and_open(path, appended, ships)
        _scrub_during_import(path, ships, events)


def _append(path: Path, ships: int, events: int) -> tuple[int, float]:
    store = open_store(path)
    try:
        store.append_batch(registrations(ships))
        columns = position_columns(ships, events)
        appended, seconds = 0, 0.0
        for batch in position_batches(columns, BATCH):
            started = time.perf_counter()
            appended += store.append_batch(batch).count
            seconds += time.perf_counter() - started
        return appended, seconds
    finally:
        store.close()


def _raw_sqlite(source: Path, target: Path, ships: int) -> float:
    """The same rows through plain sqlite3.executemany into the same schema: the ceiling."""
    open_store(target).close()
    connection = sqlite3.connect(target, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute(f"PRAGMA cache_size = -{cache_for_streams(ships)}")  # what the store gives such a write
    connection.execute("ATTACH DATABASE ? AS source", (str(source),))
    for table in ("streams", "event_types", "event_metadata"):
        connection.execute(f"INSERT INTO main.{table} SELECT * FROM source.{table}")
    rows = connection.execute("SELECT * FROM source.events ORDER BY position").fetchall()
    connection.execute("DETACH DATABASE source")
    seconds = 0.0
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", chunk)
        connection.execute("COMMIT")
        seconds += time.perf_counter() - started
    connection.close()
    return len(rows) / seconds


def _state_and_open(path: Path, appended: int, ships: int) -> None:
    store = open_store(path)
    try:
        index = open_index(store, use_snapshot=False)
        save_snapshot(store, index)
        rng = np.random.default_rng(3)
        low, high = index.time_range()
        moments = rng.integers(low, high, size=2_000)
        known = rng.random(2_000) < 0.5
        timings = []
        for at, as_known in zip(moments.tolist(), known.tolist()):
            started = time.perf_counter()
            index.state_at(at, at if as_known else None)
            timings.append((time.perf_counter() - started) * 1_000)
        emit("state_at_p50_ms", float(np.percentile(timings, 50)), "ms", events=appended, ships=ships)
        emit("state_at_p99_ms", float(np.percentile(timings, 99)), "ms", events=appended, ships=ships)
        emit("index_bytes_per_event", index.nbytes / index.report_count, "bytes", events=appended, ships=ships)
    finally:
        store.close()
    del index
    gc.collect()
    started = time.perf_counter()
    reopened = open_store(path)
    ready = open_index(reopened)
    seconds = time.perf_counter() - started
    assert ready.report_count == appended
    reopened.close()
    emit("open_to_ready_s", seconds, "s", events=appended, ships=ships)
    size = sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if p.exists())
    emit("disk_bytes_per_event", size / appended, "bytes", events=appended, ships=ships)


def _scrub_during_import(path: Path, ships: int, events: int) -> None:
    """The longest wait of one scrub step (state and trails at a moment, as the map asks) on one thread while
    another appends import batches of new reports through the service: what the GUI thread waits for."""
    store = open_store(path)
    try:
        service = FleetService.open(store)
        fleet = FleetView(service)
        low, high = fleet.time_range()
        more = position_columns(ships, max(BATCH, events // 10), seed=11)
        shift = high - int(more["occurred"].min()) + 1  # the new reports come after the log's newest
        more["occurred"] = more["occurred"] + shift
        more["recorded"] = more["recorded"] + shift
        batches = list(position_batches(more, BATCH))
        done = threading.Event()

        def write() -> None:
            try:
                for batch in batches:
                    service.append(batch)
            finally:
                done.set()

        writer = threading.Thread(target=write, name="bench-import")
        rng = np.random.default_rng(5)
        waits = []
        writer.start()
        while not done.is_set():
            at = int(rng.integers(low, high))
            started = time.perf_counter()
            fleet.state_at(at)
            fleet.trails(at, 30 * 60_000_000)
            waits.append((time.perf_counter() - started) * 1_000)
        writer.join()
        emit("scrub_wait_during_import_ms", max(waits), "ms", events=sum(len(b) for b in batches), ships=ships,
             steps=len(waits), batch=BATCH)
    finally:
        store.close()
