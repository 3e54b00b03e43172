"""A console session: an empty store gets the demo fleet, jobs keep it live and verified, close is clean."""
from __future__ import annotations

import hashlib
import threading
import time

import pytest

from app.console_session import ConsoleSession, DemoFleetSpec, LoadCancelled
from app.demo_fleet import seed_history
from domain.time import parse_instant
from store import open_store

NOW = parse_instant("2026-02-01T06:00:00Z")


def wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        threading.Event().wait(0.05)
    return condition()


def test_an_empty_store_is_filled_with_the_demo_fleet_and_reported_as_it_goes(store_path):
    reports = []
    session = ConsoleSession(store_path, demo=DemoFleetSpec(ships=50, hours=0.5), clock=lambda: NOW, live=False)
    service = session.load(progress=lambda done, total: reports.append((done, total)))
    try:
        assert service.fleet.event_count > 1_000 and len(service.fleet.state_at(NOW)) == 50
        assert reports and all(0 <= done <= total for done, total in reports)
    finally:
        session.close()
    reopened = open_store(store_path)
    assert reopened.load_snapshot("temporal-index") is not None, "closing leaves an index snapshot"
    reopened.close()


def test_a_store_with_events_is_opened_as_it_is(store_path):
    store = open_store(store_path)
    seed_history(store, ships=50, hours=0.25, seed=4, end=NOW)
    head = store.head().position
    store.close()
    session = ConsoleSession(store_path, demo=DemoFleetSpec(ships=60, hours=1), clock=lambda: NOW, live=False)
    try:
        assert session.load().fleet.event_count == head
    finally:
        session.close()


def test_cancelling_the_load_leaves_nothing_open(store_path):
    session = ConsoleSession(store_path, demo=DemoFleetSpec(ships=50, hours=1), clock=lambda: NOW)
    with pytest.raises(LoadCancelled):
        session.load(cancelled=lambda: True)
    assert session.service is None
    store = open_store(store_path)  # the file is free and consistent
    assert store.verify().ok
    store.close()


def test_jobs_verify_the_log_and_keep_the_demo_fleet_sailing(store_path):
    clock = [NOW]
    session = ConsoleSession(store_path, demo=DemoFleetSpec(ships=50, hours=0.25), clock=lambda: clock[0])
    service = session.load()
    before = service.fleet.event_count
    session.start()
    try:
        assert wait_for(lambda: session.integrity_state().startswith("chain verified"))
        clock[0] += 60_000_000
        assert session.feed_state().startswith("demo fleet")
    finally:
        session.close()
    assert service.fleet.store is not None and before > 0


def _files_of(store_path) -> dict[str, str]:
    """Every file of the store (the database and any journal, WAL or shared-memory file beside it), by its
    bytes' digest."""
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(store_path.parent.glob(store_path.name + "*"))}


def test_a_read_only_session_never_writes(store_path):
    """A demo store opened read-only: loading, every job run twice with the clock moving on (the live demo
    fleet would sail, the rules would scan), and closing leave its log, its head and its bytes as they were."""
    store = open_store(store_path)
    seed_history(store, ships=50, hours=0.25, seed=4, end=NOW)
    head = store.head()
    store.close()
    files = _files_of(store_path)
    clock = [NOW]
    session = ConsoleSession(store_path, read_only=True, demo=DemoFleetSpec(), clock=lambda: clock[0])
    console = session.load()
    try:
        assert console.read_only and console.fleet.event_count == head.position
        session.start()
        jobs = [status.job_id for status in session.job_statuses() if status.schedule != "once"]
        assert "integrity-watch" in jobs and "catch-up-with-other-writers" in jobs
        for runs in (1, 2):
            clock[0] += 60_000_000
            for job in jobs:
                session.run_job_soon(job)
            assert all(session.wait_for_job(job, runs) for job in jobs), session.job_statuses()
        assert session.integrity_state().startswith("chain verified")
    finally:
        session.close()
    assert _files_of(store_path) == files, "the store's files changed"
    reopened = open_store(store_path, read_only=True)
    try:
        assert reopened.head() == head, "the log's head moved"
    finally:
        reopened.close()


def test_a_session_asked_for_no_demo_leaves_an_empty_store_empty(store_path, tmp_path):
    """Any store but the demo store opens as it is: simulated ships never go into a user's log unasked."""
    session = ConsoleSession(store_path, clock=lambda: NOW, live=False)
    try:
        assert session.load().fleet.event_count == 0
        other = session.another(tmp_path / "other.sqlite")
    finally:
        session.close()
    assert other.demo is None
    try:
        assert other.load().fleet.event_count == 0
    finally:
        other.close()
    store = open_store(store_path)
    try:
        assert store.head().position == 0 and store.info("demo_fleet") is None
    finally:
        store.close()


def test_the_demo_fleet_is_refused_where_other_events_are(store_path):
    from app.demo_fleet import DemoFleetRefused, check_room_for_demo
    from domain.events import NewEvent, OperatorNoteAdded

    store = open_store(store_path)
    try:
        check_room_for_demo(store)  # empty: room for it
        store.append_batch([NewEvent(OperatorNoteAdded(occurred_at=NOW, operator="ops", text="watch opened"),
                                     recorded_at=NOW)])
        with pytest.raises(DemoFleetRefused, match="already holds 1 event and is no demo store"):
            check_room_for_demo(store)
    finally:
        store.close()
    demo = open_store(store_path.with_name("demo.sqlite"))
    try:
        seed_history(demo, ships=50, hours=0.1, seed=4, end=NOW)
        check_room_for_demo(demo)  # a demo store carries on
    finally:
        demo.close()
