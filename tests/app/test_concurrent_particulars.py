"""Three writers at once on one store — two import processes, of an earlier and a later play of a real
recording, and a live listener hearing the play in between — each deciding against the same empty log:
every ship is registered once, and the fleet's particulars at every moment are those of the same three
writers run one after the other."""
from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from app.ais_import import ImportOptions, import_files
from app.live_ingest import LiveIngest
from feeds.network import UdpFeed
from store import open_store
from tests.app.particulars_timeline import event_times, timeline
from tests.app.test_particulars_as_of_time import LATER_S, day, pieces

ROOT = Path(__file__).resolve().parents[2]
HEARD_AT = (1_733_782_034 + LATER_S + 3) * 1_000_000  # the listener's receipt clock: within the middle play


def listening(store) -> tuple[LiveIngest, int]:
    feed = UdpFeed("127.0.0.1", 0, clock=lambda: HEARD_AT)
    ingest = LiveIngest(feed, store, clock=lambda: HEARD_AT, flush_every_s=0.1)
    ingest.start()
    return ingest, feed.port


def send(port: int, lines: list[bytes]) -> None:
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for line in lines:
        sender.sendto(line + b"\r\n", ("127.0.0.1", port))
        time.sleep(0.001)
    sender.close()


def stop_when_heard(ingest: LiveIngest, count: int) -> None:
    deadline = time.monotonic() + 60
    while ingest.stats.lines < count and time.monotonic() < deadline:
        time.sleep(0.05)
    ingest.stop()
    assert ingest.stats.lines == count and ingest.stats.spooled == 0 and not ingest.stats.problem


@pytest.mark.slow
def test_two_imports_and_a_listener_at_once_leave_the_particulars_of_one_after_the_other(tmp_path, ais_samples):
    lines = day(ais_samples, 3)
    play = len(lines) // 3
    early, heard, late = lines[:play], lines[play:2 * play], lines[2 * play:]
    early_file, late_file = pieces(early, [], tmp_path / "early")[0], pieces(late, [], tmp_path / "late")[0]
    db = tmp_path / "together.sqlite"
    importers: list[subprocess.Popen] = []
    with open_store(db) as together:
        ingest, port = listening(together)
        try:
            # Hold the store's write lock while the importers start and the listener decides what it hears,
            # so all three decide against the same empty log before any can append: the race made certain.
            holder = sqlite3.connect(db, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
            importers = [subprocess.Popen([sys.executable, "main.py", "import", str(path), "--db", str(db)],
                                          cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                         for path in (late_file, early_file)]
            send(port, heard)
            time.sleep(4)  # the importers have read the log, the listener has decided: all wait on the lock
            holder.execute("ROLLBACK")
            holder.close()
            for importer in importers:
                _, err = importer.communicate(timeout=120)
                assert importer.returncode == 0, err
        finally:
            stop_when_heard(ingest, len(heard))
            for importer in importers:
                if importer.poll() is None:
                    importer.kill()
                    importer.wait()
    with open_store(tmp_path / "one-after-the-other.sqlite") as alone:
        import_files(alone, [early_file], ImportOptions(parallel=False))
        import_files(alone, [late_file], ImportOptions(parallel=False))
        ingest, port = listening(alone)
        send(port, heard)
        stop_when_heard(ingest, len(heard))
        with open_store(db) as together:
            registered = Counter(r.event.mmsi for r in together.read_all() if r.type == "ShipRegistered")
            assert registered and set(registered.values()) == {1}
            moments = event_times(alone, together)
            assert timeline(together, moments) == timeline(alone, moments)
            assert together.verify().ok


def test_a_listener_that_loses_the_race_to_register_ships_repeats_none_of_their_details(tmp_path, ais_samples):
    lines = day(ais_samples, 2)
    play = len(lines) // 2
    earlier = pieces(lines[:play], [], tmp_path / "earlier")[0]
    with open_store(tmp_path / "race.sqlite") as store:
        def import_first_then_append(events):
            # the listener has decided against a log without these ships; an import of the earlier play
            # registers them all before its write lands
            if not store.head().position:
                import_files(store, [earlier], ImportOptions(parallel=False))
            return store.append_batch(events)

        feed = UdpFeed("127.0.0.1", 0, clock=lambda: HEARD_AT)
        ingest = LiveIngest(feed, store, clock=lambda: HEARD_AT, flush_every_s=0.1, append=import_first_then_append)
        ingest.start()
        send(feed.port, lines[play:])
        stop_when_heard(ingest, play)
        heard = [r for r in store.read_all() if r.metadata.get("source") == "feed"]
        assert any(r.type == "PositionReported" for r in heard)
        # the same ships said the same things earlier: nothing of their particulars is new as of the listener's time
        assert [(r.type, r.event) for r in heard if r.type in ("ShipRegistered", "ShipDetailsChanged")] == []
        registered = Counter(r.event.mmsi for r in store.read_all() if r.type == "ShipRegistered")
        assert registered and set(registered.values()) == {1}
