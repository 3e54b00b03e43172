"""Two processes appending to one store at once: both succeed or one is told to retry; nothing is lost."""
from __future__ import annotations

import multiprocessing
import sqlite3

import pytest

from store import StoreBusyError, open_store
from tests.fleet_events import report


def _append_many(path: str, writer: int, batches: int, per_batch: int, go, results) -> None:
    store = open_store(path)
    go.wait(60)
    written = 0
    try:
        for b in range(batches):
            items = [report(219000000 + (i % 40), writer * 100_000 + b * per_batch + i, source=f"writer-{writer}")
                     for i in range(per_batch)]
            written += store.append_batch(items).count
    finally:
        store.close()
    results.put((writer, written))


def test_two_processes_appending_together_lose_nothing_and_keep_the_chain(store_path):
    open_store(store_path).close()
    context = multiprocessing.get_context("spawn")
    go, results = context.Event(), context.Queue()
    writers = [context.Process(target=_append_many, args=(str(store_path), w, 15, 400, go, results)) for w in (0, 1)]
    for process in writers:
        process.start()
    go.set()
    written = dict(results.get(timeout=120) for _ in writers)
    for process in writers:
        process.join(timeout=30)
    assert written == {0: 6_000, 1: 6_000}
    store = open_store(store_path)
    try:
        verdict = store.verify()
        assert verdict.ok and verdict.events == 12_000
        sources = [e.metadata["source"] for e in store.read_all()]
        assert sources.count("writer-0") == sources.count("writer-1") == 6_000
    finally:
        store.close()


def test_a_writer_kept_waiting_too_long_is_told_to_retry_and_writes_nothing(store_path):
    open_store(store_path).close()
    blocker = sqlite3.connect(store_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    store = open_store(store_path, busy_timeout_ms=200)
    try:
        with pytest.raises(StoreBusyError, match="try again"):
            store.append_batch([report(219000001, 0)])
        blocker.execute("ROLLBACK")
        assert store.head().position == 0
        assert store.append_batch([report(219000001, 0)]).count == 1
    finally:
        blocker.close()
        store.close()
