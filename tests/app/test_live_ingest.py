"""A live receiver feed into the real store: decoded, appended within a second, rates counted, stoppable."""
from __future__ import annotations

import socket
import time

from app.feed_control import FeedControl
from app.live_ingest import LiveIngest
from feeds.network import UdpFeed
from pyais.encode import encode_dict

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
