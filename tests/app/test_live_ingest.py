"""A live receiver feed into the real store: decoded, appended within a second, never forgetting a line it received."""
from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from pyais.encode import encode_dict

from app.feed_control import FeedControl
from app.live_ingest import LiveIngest
from app.live_spool import Spool, spool_path, spooled_lines
from feeds.network import FeedLine, UdpFeed
from tests.store_faults import disk_full

T = 1_733_782_034_000_000  # 2024-12-09T22:07:14Z


def sentences(count: int) -> list[bytes]:
    return [encode_dict({"type": 1, "mmsi": 257000000 + i, "lat": 60.0 + i / 1000, "lon": 5.0, "speed": 10.0,
                         "course": 90.0, "heading": 90, "status": 0}, talker_id="AI", sentence_type="VDM")[0].encode()
            for i in range(count)]


def test_datagrams_from_a_receiver_become_positions_stamped_with_their_receipt_time(store):
    feed = UdpFeed("127.0.0.1", 0, clock=lambda: T)
    ingest = LiveIngest(feed, store, clock=lambda: T, flush_every_s=0.1)
    ingest.start()
    try:
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for sentence in sentences(5):
            sender.sendto(sentence + b"\r\n", ("127.0.0.1", feed.port))
        sender.sendto(b"garbage that is not NMEA\n", ("127.0.0.1", feed.port))
        sender.close()
        deadline = time.monotonic() + 10
        while (store.head().position < 5 or not store.quarantined()) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        ingest.stop()
    reports = [r for r in store.read_all() if r.type == "PositionReported"]
    assert len(reports) == 5 and all(r.occurred_at == T for r in reports)
    assert all(r.metadata["source"] == "feed" and r.metadata["feed"] == feed.name for r in reports)
    (rejected,) = store.quarantined()
    assert rejected.source == feed.name and "garbage" in rejected.raw
    assert ingest.stats.lines == 6 and ingest.stats.appended == 5 and not ingest.running


def test_feed_control_starts_lists_and_stops_feeds_and_refuses_a_busy_port(store):
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    control = FeedControl(store, store.append_batch, operator="kim")
    name = control.start("udp", f"127.0.0.1:{port}")
    try:
        (info,) = control.feeds()
        assert info.name == name == f"udp://127.0.0.1:{port}" and "listening" in info.status and control.any_running
        blocker = FeedControl(store, store.append_batch)
        try:
            blocker.start("udp", str(port))
            raise AssertionError("a second listener on the same port must be refused")
        except OSError as error:
            assert str(port) in str(error)
    finally:
        control.stop_all()
    assert control.feeds() == [] and not control.any_running


# --- a store that cannot be written: nothing received is lost ------------------------------------------------

class ReceivedLines:
    """The lines a receiver delivered, with the times they arrived (the network edge, for a reference run)."""

    def __init__(self, lines):
        self.name, self.status, self._lines = "udp://127.0.0.1:10110", "", list(lines)

    def open(self) -> None:
        pass

    def lines(self, stop):
        yield from self._lines


def receipt_clock(start: int = T):
    """A receiver's clock: every datagram a millisecond after the one before."""
    ticks = iter(range(start, start + 10**12, 1_000))
    return lambda: next(ticks)


def log_content(store) -> list[tuple]:
    return [(r.type, r.stream_id, r.occurred_at, sorted(r.payload.items())) for r in store.read_all()]


def clean_ingest(tmp_path, count: int) -> list[tuple]:
    """What a listener whose store never failed makes of the same lines received at the same times."""
    from store import open_store

    clock = receipt_clock()
    received = [FeedLine(sentence, clock()) for sentence in sentences(count)]
    with open_store(tmp_path / "clean.sqlite") as clean:
        LiveIngest(ReceivedLines(received), clean, clock=lambda: T).run()
        return log_content(clean)


def send(port: int, lines: list[bytes]) -> None:
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for line in lines:
        sender.sendto(line + b"\r\n", ("127.0.0.1", port))
        time.sleep(0.0005)  # a receiver's pace, so the test's socket buffer never overflows
    sender.close()


def wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_a_full_disk_keeps_every_received_line_and_appends_them_once_room_returns(store, tmp_path):
    feed = UdpFeed("127.0.0.1", 0, clock=receipt_clock())
    notices: list[str] = []
    ingest = LiveIngest(feed, store, clock=lambda: T, flush_every_s=0.05, retry_s=(0.05, 0.2),
                        notice=notices.append)
    with disk_full():
        ingest.start()
        try:
            send(feed.port, sentences(150))
            assert wait_for(lambda: ingest.stats.lines == 150 and ingest.stats.failures > 0)
            assert wait_for(lambda: store.count() + ingest.stats.spooled == 150)
            assert ingest.stats.spooled > 0 and "disk is full" in ingest.stats.problem
        except BaseException:
            ingest.stop()
            raise
    try:
        assert wait_for(lambda: store.count() == 150 and ingest.stats.spooled == 0)
    finally:
        ingest.stop()
    assert any("database or disk is full" in text and "spool" in text for text in notices)
    assert any("takes events again" in text for text in notices) and not ingest.stats.problem
    assert log_content(store) == clean_ingest(tmp_path, 150)
    assert ingest.stats.complete and ingest.stats.lost == 0
    assert not spool_path(store.path).exists()


def test_a_listener_stopped_on_a_full_disk_leaves_its_lines_for_the_next_start_which_appends_them_once(store, tmp_path):
    feed = UdpFeed("127.0.0.1", 0, clock=receipt_clock())
    ingest = LiveIngest(feed, store, clock=lambda: T, flush_every_s=0.05, retry_s=(0.05, 0.2), notice=lambda _: None)
    with disk_full():
        ingest.start()
        try:
            send(feed.port, sentences(120))
            assert wait_for(lambda: ingest.stats.lines == 120 and ingest.stats.failures > 0)
        finally:
            ingest.stop()
        left = ingest.stats.spooled
        assert left > 0 and not ingest.stats.complete and store.count() + left == 120
    assert len(spooled_lines(spool_path(store.path))) == left

    notices: list[str] = []
    again = LiveIngest(UdpFeed("127.0.0.1", 0), store, clock=lambda: T, flush_every_s=0.05, notice=notices.append)
    again.start()
    try:
        assert wait_for(lambda: store.count() == 120 and again.stats.spooled == 0)
    finally:
        again.stop()
    assert again.stats.replayed == left and again.stats.appended == left and again.stats.duplicates == 0
    assert any(f"{left:,} received lines from an earlier run" in text for text in notices)
    assert log_content(store) == clean_ingest(tmp_path, 120)
    assert not spool_path(store.path).exists()


def test_a_replay_after_a_kill_between_commit_and_release_appends_nothing_twice(store, tmp_path):
    """The spool is released just after its batch commits; a kill in between leaves lines the log has."""
    clock = receipt_clock()
    received = [FeedLine(sentence, clock()) for sentence in sentences(40)]
    LiveIngest(ReceivedLines(received), store, clock=lambda: T).run()
    spool = Spool.acquire(store.path)  # as the killed listener left it: every line still spooled
    for line in received[25:]:
        spool.append(line)
    spool.close()
    replay = LiveIngest(ReceivedLines([]), store, clock=lambda: T)
    stats = replay.run()
    assert stats.replayed == 15 and stats.appended == 0 and stats.duplicates == 15 and stats.complete
    assert log_content(store) == clean_ingest(tmp_path, 40)


BROKEN = [b"!AIVDM,1,1,,A,13aG?P0P00PD;88MD5MTDww@2<0L,0*00",  # its checksum does not match
          b"\x00\x01 not NMEA at all",
          b"!AIVDM,2,2,7,B,00000000000,2*2C"]  # the second fragment of a message whose first never came


def test_a_replay_after_a_kill_between_commit_and_release_sets_nothing_aside_twice(store):
    """A live feed's lines have no numbers: its quarantined records are named by when their line arrived."""
    clock = receipt_clock()
    good = sentences(30)
    received = [FeedLine(line, clock()) for line in good[:10] + BROKEN[:1] + good[10:20] + BROKEN[1:] + good[20:]]
    first = LiveIngest(ReceivedLines(received), store, clock=lambda: T).run()
    set_aside = [(record.raw, record.reason) for record in store.quarantined()]
    assert first.quarantined == 3 and len(set_aside) == 3
    spool = Spool.acquire(store.path)  # killed before it released anything: every line is replayed
    for line in received:
        spool.append(line)
    spool.close()
    replay = LiveIngest(ReceivedLines([]), store, clock=lambda: T).run()
    assert replay.replayed == len(received) and replay.appended == 0 and replay.complete
    assert replay.quarantined == 0 and [(record.raw, record.reason) for record in store.quarantined()] == set_aside
    again = LiveIngest(ReceivedLines([FeedLine(BROKEN[0], clock())]), store, clock=lambda: T).run()
    assert again.quarantined == 1 and store.quarantine_count() == 4  # the same text heard later is another record


KILLED_MID_MESSAGE = """
import os, signal, sys
from app.live_ingest import LiveIngest
from feeds.network import FeedLine
from store import open_store

class Receiver:
    name, status = "udp://127.0.0.1:10110", ""
    def open(self): pass
    def lines(self, stop):
        for number, line in enumerate(open(sys.argv[2], "rb").read().splitlines()[:int(sys.argv[3])]):
            yield FeedLine(line, int(sys.argv[4]) + number)
        stop.wait(1.5)  # the committer appends the batch in hand meanwhile
        os.kill(os.getpid(), signal.SIGKILL)

# reports are not held for other stations' copies here: only the waiting fragment keeps its line spooled
LiveIngest(Receiver(), open_store(sys.argv[1]), clock=lambda: int(sys.argv[4]), flush_every_s=0.0,
           merge_window_s=0.0).run()
"""


def test_a_message_in_two_fragments_split_by_a_commit_survives_a_kill(store_path, ais_samples, tmp_path):
    """A committed batch never releases the first fragment of a message whose second is still to come: after a
    kill the fragment is still there, and the restart accounts for it."""
    recording = ais_samples / "kystverket_norwegian_tagblock.raw"
    lines = recording.read_bytes().splitlines()
    first = next(i for i, line in enumerate(lines) if b",2,1," in line)
    received = [FeedLine(line, T + i) for i, line in enumerate(lines)]
    killed = subprocess.run([sys.executable, "-c", KILLED_MID_MESSAGE, str(store_path), str(recording),
                             str(first + 1), str(T)], cwd=Path(__file__).resolve().parents[2], timeout=60)
    assert killed.returncode == -signal.SIGKILL
    kept = spooled_lines(spool_path(store_path))
    assert [line.data for line in kept] == [lines[first]]  # the waiting fragment stayed in the spool

    from store import open_store

    with open_store(store_path) as store, open_store(tmp_path / "clean.sqlite") as clean:
        restarted = LiveIngest(ReceivedLines([]), store, clock=lambda: T, merge_window_s=0.0).run()
        # what the killed run received ended there: its waiting message is quarantined as incomplete, as in a
        # run that received the same lines and stopped cleanly
        LiveIngest(ReceivedLines(received[:first + 1]), clean, clock=lambda: T, merge_window_s=0.0).run()
        assert restarted.replayed == 1 and restarted.quarantined == 1 and restarted.complete
        assert log_content(store) == log_content(clean)
        assert [(q.raw, q.reason) for q in store.quarantined()] == [(q.raw, q.reason) for q in clean.quarantined()]
        assert "incomplete message" in store.quarantined()[-1].reason


def test_a_spool_at_its_bound_counts_every_line_it_could_not_keep_and_says_so(store):
    feed = UdpFeed("127.0.0.1", 0, clock=receipt_clock())
    notices: list[str] = []
    ingest = LiveIngest(feed, store, clock=lambda: T, flush_every_s=0.05, retry_s=(5.0, 5.0),
                        spool_limit_bytes=4_096, notice=notices.append)
    with disk_full():
        ingest.start()
        try:
            send(feed.port, sentences(100))
            assert wait_for(lambda: ingest.stats.lines == 100)
        finally:
            ingest.stop()
    stats = ingest.stats
    assert stats.lost > 0 and stats.spooled > 0 and store.count() + stats.spooled + stats.lost == 100
    assert not stats.complete
    assert any("LINES ARE BEING LOST" in text and "spool" in text and "full" in text for text in notices)
    assert any(f"and {stats.lost:,} lost" in text for text in notices)


def test_feed_control_names_a_feed_whose_lines_do_not_reach_the_log(store):
    control = FeedControl(store, store.append_batch, operator="kim")
    with disk_full():
        name = control.start("udp", f"127.0.0.1:{free_udp_port()}")
        try:
            port = int(name.rsplit(":", 1)[1])
            send(port, sentences(60))
            assert wait_for(lambda: "disk is full" in control.trouble(), 15)
            (info,) = control.feeds()
            assert info.spooled > 0 and "spool" in info.status and name in control.trouble()
        finally:
            control.stop_all()


def free_udp_port() -> int:
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def test_a_slow_store_never_keeps_the_listener_from_its_socket(store):
    """Lines go to the spool on a thread of their own: a store that takes seconds to answer loses no datagram
    in the kernel's buffer, where a lost datagram leaves no trace."""
    slow = {"first": True}

    def slow_append(events):
        if slow["first"]:
            slow["first"] = False
            time.sleep(2.0)  # another writer holds the store
        return store.append_batch(events)

    feed = UdpFeed("127.0.0.1", 0, clock=receipt_clock())
    ingest = LiveIngest(feed, store, append=slow_append, clock=lambda: T, flush_every_s=0.05, notice=lambda _: None)
    ingest.start()
    try:
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.sendto(sentences(1)[0] + b"\r\n", ("127.0.0.1", feed.port))
        time.sleep(0.3)  # its batch is now waiting on the store
        for sentence in sentences(3_000)[1:]:
            sender.sendto(sentence + b"\r\n", ("127.0.0.1", feed.port))
        sender.close()
        assert wait_for(lambda: ingest.stats.lines == 3_000)
        assert wait_for(lambda: store.count() == 3_000)
    finally:
        ingest.stop()
    assert ingest.stats.complete


def test_a_store_kept_busy_by_another_writer_gets_the_lines_once_it_is_free(tmp_path):
    import sqlite3

    from store import open_store

    path = tmp_path / "busy.sqlite"
    open_store(path).close()
    store = open_store(path, busy_timeout_ms=100)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    feed = UdpFeed("127.0.0.1", 0, clock=receipt_clock())
    notices: list[str] = []
    ingest = LiveIngest(feed, store, clock=lambda: T, flush_every_s=0.05, retry_s=(0.1, 0.2), notice=notices.append)
    ingest.start()
    try:
        send(feed.port, sentences(50))
        assert wait_for(lambda: ingest.stats.failures > 0 and ingest.stats.spooled == 50)
        assert "busy" in ingest.stats.problem and store.count() == 0
        other.execute("COMMIT")
        assert wait_for(lambda: store.count() == 50 and ingest.stats.spooled == 0)
    finally:
        ingest.stop()
        other.close()
        store.close()
    assert ingest.stats.complete and any("busy" in text for text in notices)


def test_lines_after_the_spool_was_emptied_are_appended_too(store):
    """Once every line is in the log the spool starts over at its beginning; the reader must follow it."""
    feed = UdpFeed("127.0.0.1", 0, clock=receipt_clock())
    ingest = LiveIngest(feed, store, clock=lambda: T, flush_every_s=0.05, notice=lambda _: None)
    ingest.start()
    try:
        for burst in range(3):
            send(feed.port, sentences(30)[burst * 10:burst * 10 + 10])
            assert wait_for(lambda: store.count() == 10 * (burst + 1) and ingest.stats.spooled == 0), burst
    finally:
        ingest.stop()
    assert ingest.stats.appended == 30 and ingest.stats.complete


def test_a_feed_that_cannot_start_leaves_no_spool_behind(store):
    taken = UdpFeed("127.0.0.1", 0)
    taken.open()
    try:
        control = FeedControl(store, store.append_batch)
        try:
            control.start("udp", f"127.0.0.1:{taken.port}")
            raise AssertionError("a port in use must be refused")
        except OSError as error:
            assert str(taken.port) in str(error)
    finally:
        taken.close()
    assert not spool_path(store.path).exists()
