"""A console's live feed that cannot write its store is the status bar's news until the store takes it again."""
from __future__ import annotations

import socket
import time

from pyais.encode import encode_dict

from app.console_session import ConsoleSession
from store import open_store
from tests.store_faults import disk_full


def wait_for(condition, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_the_feed_state_warns_while_a_feed_is_kept_in_its_spool_and_clears_when_it_is_in_the_log(store_path):
    open_store(store_path).close()
    session = ConsoleSession(store_path, live=False)
    service = session.load()
    session.start()
    try:
        assert not session.feed_warning()
        with disk_full():
            probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
            probe.close()
            name = service.imports.feeds.start("udp", f"127.0.0.1:{port}")
            sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            for i in range(60):
                sentence = encode_dict({"type": 1, "mmsi": 257000001 + i, "lat": 60.0, "lon": 5.0, "speed": 8.0,
                                        "course": 10.0, "heading": 10, "status": 0}, talker_id="AI",
                                       sentence_type="VDM")[0]
                sender.sendto(sentence.encode() + b"\r\n", ("127.0.0.1", port))
            sender.close()
            assert wait_for(lambda: "disk is full" in session.feed_state())
            assert session.feed_warning() and name in session.feed_state() and "waiting" in session.feed_state()
        assert wait_for(lambda: not session.feed_warning())
        assert "disk is full" not in session.feed_state()
    finally:
        session.close()
