"""Two consoles on one shared PostgreSQL store: what one operator does, the other's console hears through its
event bus (as for its own appends) within a second, conflicts are told with who and when, the status bar
names the store and who else watches, and a lost server is said, retried and caught up without loss."""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.alerts import AlertLog
from app.console_session import ConsoleSession
from app.log_follower import LogFollower
from app.fleet_service import FleetService
from app.zone_desk import ZonesChanged
from domain.alert_board import AlertAlreadyAcknowledged
from domain.events import NewEvent, PositionReported, SpeedLimitExceeded
from domain.time import MICROS_PER_MINUTE, now_micros
from store import open_store
from store.postgres_sandbox import SandboxServer

ROOT = Path(__file__).resolve().parents[2]
MMSI = 235_000_007
NOW = now_micros()
SQUARE = [(-1.2, 50.7), (-1.1, 50.7), (-1.1, 50.8), (-1.2, 50.8)]


def _speeding(alert_id: str, at: int) -> NewEvent:
    event = SpeedLimitExceeded(mmsi=MMSI, occurred_at=at, alert_id=alert_id, severity="warning",
                               summary="12.4 kn in a 10 kn zone", sog=12.4, limit=10.0, zone="Solent")
    return NewEvent(event, recorded_at=at, metadata={"source": "rules"})


def _report(minute: int) -> NewEvent:
    at = NOW - 60 * MICROS_PER_MINUTE + minute * MICROS_PER_MINUTE
    return NewEvent(PositionReported(mmsi=MMSI, occurred_at=at, lat=50.75, lon=-1.15, sog=12.4), recorded_at=at,
                    metadata={"source": "test"})


def _fill(url: str) -> None:
    with open_store(url) as store:
        store.append_batch([_report(m) for m in range(0, 60, 5)] + [_speeding("speed-1", NOW - MICROS_PER_MINUTE)])


class Heard:
    """What one console's event bus delivered, with when (monotonic), for waiting on news from another."""

    def __init__(self, service: FleetService):
        self.events: list[tuple[float, object]] = []
        self._changed = threading.Condition()
        service.subscribe(self._hear)

    def _hear(self, batch) -> None:
        with self._changed:
            self.events += [(time.monotonic(), recorded) for recorded in batch]
            self._changed.notify_all()

    def wait_for(self, kind: str, seconds: float = 10.0):
        deadline = time.monotonic() + seconds
        with self._changed:
            while True:
                for heard_at, recorded in self.events:
                    if recorded.type == kind:
                        return heard_at, recorded
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {kind} heard within {seconds} s; heard {[r.type for _, r in self.events]}")
                self._changed.wait(left)


@pytest.fixture
def two_consoles(postgres_url):
    _fill(postgres_url)
    sessions = []
    for operator in ("kim", "ana"):
        session = ConsoleSession(postgres_url)
        session.load()
        session.console.operator = operator
        session.start()
        sessions.append(session)
    yield sessions
    for session in sessions:
        session.close()


def test_a_second_console_hears_notes_acknowledgements_and_zones_within_a_second(two_consoles):
    kim, ana = two_consoles
    heard = Heard(ana.service)
    for kind, act in (("OperatorNoteAdded", lambda: kim.console.logbook.add_note("pilot aboard", mmsi=MMSI)),
                      ("AlertAcknowledged", lambda: kim.console.alerts.acknowledge("speed-1", "seen")),
                      ("ZoneDefined", lambda: kim.console.zones.define("Range", "restricted", SQUARE,
                                                                       expected_version=0))):
        started = time.monotonic()
        act()
        heard_at, recorded = heard.wait_for(kind)
        assert recorded.metadata["operator"] == "kim"
        # A second, with room for a loaded machine (the benchmark measures the p95: live_follow_p95_ms).
        assert heard_at - started < 3.0, f"{kind} took {heard_at - started:.2f} s to reach the other console"
    # Ana's console shows what Kim did: the alert acknowledged by him, the zone in force.
    (alert,) = [a for a in ana.console.alerts.alerts_at(now_micros()) if a.alert_id == "speed-1"]
    assert alert.acknowledged_by == "kim"
    assert [view.zone.name for view in ana.console.zones.in_force()] == ["Range"]
    with ana.service.reading() as index:
        assert index.log_position == kim.service.event_count


def test_conflicts_are_told_with_who_did_it_and_when(two_consoles):
    kim, ana = two_consoles
    kim.console.alerts.acknowledge("speed-1")
    with pytest.raises(AlertAlreadyAcknowledged, match=r"already acknowledged by kim at \d{4}-"):
        ana.console.alerts.acknowledge("speed-1")
    kim.console.zones.define("Range", "restricted", SQUARE, expected_version=0)
    with pytest.raises(ZonesChanged, match="first changed by kim at"):
        ana.console.zones.define("Anchorage", "anchorage", SQUARE, expected_version=0)


def test_two_acknowledgements_in_the_same_instant_leave_one_in_the_log(postgres_url):
    _fill(postgres_url)
    kim_store, ana_store = open_store(postgres_url), open_store(postgres_url)
    try:
        kim, ana = AlertLog(kim_store), AlertLog(ana_store)
        kim.latest(), ana.latest()  # both boards read before either acknowledges: neither knows of the other
        kim.acknowledge("speed-1", "kim")
        with pytest.raises(AlertAlreadyAcknowledged, match="already acknowledged by kim at"):
            ana.acknowledge("speed-1", "ana")
        acknowledgements = list(kim_store.read_types(["AlertAcknowledged"]))
        assert [(a.event.alert_id, a.event.operator) for a in acknowledgements] == [("speed-1", "kim")]
    finally:
        kim_store.close()
        ana_store.close()


def test_the_status_bar_names_the_store_and_who_else_watches_never_a_login(two_consoles, postgres_url):
    kim, ana = two_consoles
    deadline = time.monotonic() + 15
    while "also watching: kim" not in ana.shared_state() and time.monotonic() < deadline:
        time.sleep(0.05)
    state = ana.shared_state()
    assert state.startswith("shared: PostgreSQL fleet_") and "also watching: kim" in state
    assert "fleet_owner" not in state and not ana.shared_warning()


def test_a_console_that_loses_the_server_says_so_and_catches_up_without_loss_when_it_is_back():
    with SandboxServer() as server:
        url = server.create_database("room")
        _fill(url)
        watcher = open_store(url)
        writer_url = url
        try:
            service = FleetService.open(watcher)
            follower = LogFollower(service, watcher, operator=lambda: "ana", poll_s=0.5, max_backoff_s=1.0)
            follower.start()
            try:
                assert follower.caught_up.wait(10)
                server.crash()
                deadline = time.monotonic() + 15
                while follower.state.connected and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert "lost the server" in follower.state.text and not follower.state.connected
                assert service.event_count == 13  # the fleet as last known
                server.resume()
                with open_store(writer_url) as writer:
                    writer.append_batch([_report(m) for m in range(1, 60, 5)])
                deadline = time.monotonic() + 20
                while not (service.event_count == 25 and follower.state.connected) and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert service.event_count == 25 and follower.state.connected
            finally:
                follower.stop()
        finally:
            watcher.close()


class ConsoleProcess:
    """``tests.app.console_process`` running in a process of its own, read line by line on a thread."""

    def __init__(self, url: str, operator: str):
        self.process = subprocess.Popen([sys.executable, "-m", "tests.app.console_process", url, operator],
                                        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        self.lines: queue.Queue[dict] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(json.loads(line))

    def send(self, command: str) -> None:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def expect(self, key: str, value=None, seconds: float = 30.0) -> dict:
        deadline = time.monotonic() + seconds
        while True:
            document = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            if key in document and (value is None or document[key] == value):
                return document

    def close(self) -> None:
        if self.process.poll() is None:
            self.send("quit")
        self.process.wait(30)
        self._reader.join(10)
        self.process.stdout.close()
        self.process.stdin.close()


def test_two_console_processes_see_each_others_work_and_are_told_of_conflicts(postgres_url):
    _fill(postgres_url)
    kim, ana = ConsoleProcess(postgres_url, "kim"), ConsoleProcess(postgres_url, "ana")
    try:
        assert kim.expect("ready")["ready"] == ana.expect("ready")["ready"] == 13
        kim.send(f"note {MMSI} pilot aboard")
        assert kim.expect("did") == {"did": "note", "ok": True}
        assert ana.expect("heard", "OperatorNoteAdded")["operator"] == "kim"
        ana.send("ack speed-1")
        assert ana.expect("did") == {"did": "ack", "ok": True}
        assert kim.expect("heard", "AlertAcknowledged")["operator"] == "ana"
        kim.send("ack speed-1")
        refused = kim.expect("did")
        assert not refused["ok"] and "already acknowledged by ana at" in refused["error"]
        ana.send("zone Range 0")
        assert ana.expect("did")["ok"]
        kim.expect("heard", "ZoneDefined")
        kim.send("zone Anchorage 0")
        refused = kim.expect("did")
        assert not refused["ok"] and "first changed by ana at" in refused["error"]
    finally:
        kim.close()
        ana.close()
    with open_store(postgres_url) as store:
        assert [e.type for e in store.read_types(["AlertAcknowledged", "ZoneDefined"])] == ["AlertAcknowledged",
                                                                                          "ZoneDefined"]
        assert store.verify().ok


def test_an_auditor_console_follows_the_room_read_only_and_is_seen_present(postgres_url):
    import psycopg

    from store.postgres_roles import create_roles

    _fill(postgres_url)
    create_roles(postgres_url)
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("DROP ROLE IF EXISTS inspector")
        connection.execute("CREATE ROLE inspector LOGIN IN ROLE fleet_auditor")
    auditor = ConsoleSession(postgres_url.replace("fleet_owner@", "inspector@"))
    kim = ConsoleSession(postgres_url)
    try:
        for session, name in ((auditor, "inspector"), (kim, "kim")):
            session.load()
            session.console.operator = name
            session.start()
        assert auditor.service.read_only
        heard = Heard(auditor.service)
        kim.console.logbook.add_note("pilot aboard", mmsi=MMSI)
        assert heard.wait_for("OperatorNoteAdded")[1].metadata["operator"] == "kim"
        deadline = time.monotonic() + 15
        while "also watching: inspector" not in kim.shared_state() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "also watching: inspector" in kim.shared_state()
    finally:
        auditor.close()
        kim.close()


def test_an_import_in_another_process_reaches_a_watching_console(postgres_url, ais_samples):
    """A batch job imports a real recording into the shared store while a console watches (its rules appending
    alerts meanwhile): the console's bus hears every event the import appended, once, and its index reaches
    the log's head."""
    session = ConsoleSession(postgres_url, live=True)
    session.load()
    session.start()
    try:
        heard = Heard(session.service)
        result = subprocess.run([sys.executable, "main.py", "import",
                                 str(ais_samples / "stonesoup_SolentAIS_20160112_130211.csv"), "--db", postgres_url],
                                cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        appended = json.loads(result.stdout)["appended"]
        deadline = time.monotonic() + 30
        while len(heard.events) < appended and time.monotonic() < deadline:  # folded, then published
            time.sleep(0.05)
        positions = [recorded.position for _, recorded in heard.events]
        assert session.service.event_count >= appended > 10_000
        # Every event once (the console's own rules append alerts meanwhile, published from their thread).
        assert set(range(1, appended + 1)) <= set(positions) and len(positions) == len(set(positions))
    finally:
        session.close()
