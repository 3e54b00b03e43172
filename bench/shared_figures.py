"""The shared store's figures, on a throwaway local PostgreSQL server (``store.postgres_sandbox``, durable
settings: fsync on): appends with the hash chain against plain COPY and executemany of the same rows into
the same server, how soon another process's index has an event, state queries over an index built from the
server, and two appending processes with three following ones (nothing lost, nothing twice, no gap).

Without PostgreSQL's server binaries the group prints one line saying it was skipped and how to install them.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psycopg

from app.fleet_index import open_index
from bench.figures import emit
from bench.synthetic_fleet import position_batches, position_columns, registrations
from domain.events import NewEvent, OperatorNoteAdded
from domain.time import now_micros
from store import open_store
from store.log_copy import copy_log
from store.postgres_sandbox import PostgresUnavailable, SandboxServer

BATCH = 20_000
ROOT = Path(__file__).resolve().parents[1]
_TYPES = ("int8", "bytea", "int4", "int4", "int4", "int8", "int8", "int4", "text", "bytea", "bytea")
_COLUMNS = "position, event_id, stream, version, type, occurred_at, recorded_at, metadata, payload, hash, dedupe_key"


def run(scale: float) -> None:
    try:
        server = SandboxServer(durable=True).start()
    except PostgresUnavailable as error:
        print(json.dumps({"group": "shared", "skipped": str(error)}), flush=True)  # says how to install them
        return
    try:
        ships = max(10, round(1_000 * scale))
        events = max(20_000, round(500_000 * scale))
        url = server.create_database("bench")
        appended = _append_and_raw(server, url, ships, events)
        _state_at(url, appended, ships)
        _live_follow(url, samples=max(40, round(200 * scale)))
        _writers_and_followers(server.create_database("room"), seconds=max(6.0, 60.0 * scale))
    finally:
        server.stop()


def _append_and_raw(server: SandboxServer, url: str, ships: int, events: int) -> int:
    store = open_store(url)
    try:
        store.append_batch(registrations(ships))
        appended, seconds = 0, 0.0
        for batch in position_batches(position_columns(ships, events), BATCH):
            started = time.perf_counter()
            appended += store.append_batch(batch).count
            seconds += time.perf_counter() - started
    finally:
        store.close()
    rate = appended / seconds
    emit("pg_append_events_per_s", rate, "events/s", events=appended, ships=ships, batch=BATCH)
    with psycopg.connect(url) as source:
        rows = source.execute(f"SELECT {_COLUMNS} FROM events ORDER BY position").fetchall()
    copy_rate = _raw(server, url, "raw_copy", rows, copy=True)
    many_rate = _raw(server, url, "raw_many", rows, copy=False)
    emit("pg_raw_copy_rows_per_s", copy_rate, "rows/s", events=len(rows), ships=ships, batch=BATCH)
    emit("pg_raw_executemany_rows_per_s", many_rate, "rows/s", events=len(rows), ships=ships, batch=BATCH)
    emit("pg_append_vs_copy", rate / copy_rate, "ratio", events=appended, ships=ships)
    emit("pg_append_vs_executemany", rate / many_rate, "ratio", events=appended, ships=ships)
    return appended


def _raw(server: SandboxServer, source_url: str, name: str, rows: list[tuple], *, copy: bool) -> float:
    """The same rows into the same schema on the same server, with nothing but the inserts: the ceiling."""
    url = server.create_database(name)
    open_store(url).close()
    with psycopg.connect(url) as source, psycopg.connect(source_url) as names:
        for table in ("streams", "event_types", "event_metadata"):
            columns = {"streams": "id, name", "event_types": "id, name, schema_version, layout",
                       "event_metadata": "id, json"}[table]
            values = names.execute(f"SELECT {columns} FROM {table}").fetchall()
            with source.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copier:
                for value in values:
                    copier.write_row(value)
        source.commit()
        seconds = 0.0
        for start in range(0, len(rows), BATCH):
            chunk = rows[start:start + BATCH]
            started = time.perf_counter()
            with source.cursor() as cursor:
                if copy:
                    with cursor.copy(f"COPY events ({_COLUMNS}) FROM STDIN (FORMAT BINARY)") as copier:
                        copier.set_types(_TYPES)
                        for row in chunk:
                            copier.write_row(row)
                else:
                    cursor.executemany(f"INSERT INTO events ({_COLUMNS}) VALUES "
                                       "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", chunk)
            source.commit()
            seconds += time.perf_counter() - started
    return len(rows) / seconds


def _state_at(url: str, appended: int, ships: int) -> None:
    """State queries over the index a console builds from the server, and over the index of the same log
    copied into SQLite, at the same moments in the same run (the index is local: they should match)."""
    with tempfile.TemporaryDirectory(prefix="fleet-bench-") as folder:
        store, copy = open_store(url), open_store(Path(folder) / "copy.sqlite")
        try:
            copy_log(store, copy)
            for figure, source in (("pg_state_at_p99_ms", store), ("sqlite_state_at_p99_ms", copy)):
                index = open_index(source, use_snapshot=False)
                rng = np.random.default_rng(3)
                low, high = index.time_range()
                timings = []
                for at, as_known in zip(rng.integers(low, high, size=2_000).tolist(),
                                        (rng.random(2_000) < 0.5).tolist()):
                    started = time.perf_counter()
                    index.state_at(at, at if as_known else None)
                    timings.append((time.perf_counter() - started) * 1_000)
                emit(figure, float(np.percentile(timings, 99)), "ms", events=appended, ships=ships)
        finally:
            store.close()
            copy.close()


class _Process:
    def __init__(self, *args: str):
        self.process = subprocess.Popen([sys.executable, "-m", "bench.shared_processes", *args], cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def read(self) -> dict:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"a benchmark process ended early (exit {self.process.wait()})")
        return json.loads(line)

    def close(self) -> None:
        if self.process.poll() is None and self.process.stdin is not None:
            self.send("quit")
        self.process.wait(60)


def _live_follow(url: str, samples: int) -> None:
    """From an append's commit in this process to the event in another process's index (its bus hears it
    after folding), one note at a time."""
    follower = _Process("follow", url)
    store = open_store(url)
    try:
        follower.read()  # ready
        follower.send("stamp")
        latencies = []
        for i in range(samples):
            now = now_micros()
            note = NewEvent(OperatorNoteAdded(occurred_at=now, operator="bench", text=f"note {i}"), recorded_at=now,
                            metadata={"source": "operator", "operator": "bench"})
            position = store.append_batch([note]).appended[0].position
            committed = time.time()
            while True:
                heard = follower.read()
                if heard.get("heard") == position:
                    latencies.append((heard["at"] - committed) * 1_000)
                    break
            time.sleep(0.02)
        emit("live_follow_p95_ms", float(np.percentile(latencies, 95)), "ms", events=samples, ships=0,
             p50_ms=round(float(np.percentile(latencies, 50)), 2), max_ms=round(max(latencies), 2))
    finally:
        store.close()
        follower.close()


def _writers_and_followers(url: str, seconds: float) -> None:
    """Two appending processes and three following ones for ``seconds``: every follower hears every event
    once, in order, and the log's positions are gap-free (verify)."""
    open_store(url).close()
    followers = [_Process("follow", url) for _ in range(3)]
    for follower in followers:
        follower.read()
    writers = [_Process("append", url, str(seconds), str(n)) for n in range(2)]
    try:
        appended = sum(writer.read()["appended"] for writer in writers)
        with open_store(url) as store:
            head = store.head().position
            report = store.verify()
        results = []
        for follower in followers:
            follower.send(f"final {head}")
            results.append(follower.read())
        emit("shared_writers_appended", appended, "events", events=head, ships=100, seconds=seconds, writers=2,
             followers=3)
        emit("shared_followers_lost", sum(r["missing"] for r in results), "events", events=head, ships=100)
        emit("shared_followers_duplicated", sum(r["duplicates"] for r in results), "events", events=head, ships=100)
        emit("shared_log_gap_free", float(report.ok and head == appended), "bool", events=head, ships=100,
             in_order=all(r["in_order"] for r in results))
    finally:
        for process in writers + followers:
            process.close()
