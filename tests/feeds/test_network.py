"""Live NMEA over the network: bounded lines, UDP datagrams with several sentences, TCP with reconnects."""
from __future__ import annotations

import socket
import threading

import pytest

from feeds.network import FeedAddressError, TcpFeed, UdpFeed, _LineSplitter, parse_address

SENTENCE = b"!AIVDM,1,1,,A,13@orp0P1s0h4;0ORcN1j1H1P000,0*0F"


def test_addresses_default_to_localhost_for_udp_and_need_a_host_for_tcp():
    assert parse_address("10110") == ("127.0.0.1", 10110)
    assert parse_address("0.0.0.0:10110") == ("0.0.0.0", 10110)
    assert parse_address("[::1]:5631") == ("::1", 5631)
    with pytest.raises(FeedAddressError, match="HOST:PORT"):
        parse_address("5631", default_host=None)
    with pytest.raises(FeedAddressError, match="port"):
        parse_address("host:99999")


def test_lines_are_split_across_packets_and_an_over_long_one_is_cut_once_then_skipped():
    splitter = _LineSplitter(limit=64)
    lines = splitter.push(SENTENCE[:20], 1) + splitter.push(SENTENCE[20:] + b"\r\n" + b"x" * 100, 2)
    lines += splitter.push(b"y" * 100, 3) + splitter.push(b"z\n" + SENTENCE + b"\n", 4)
    assert [(line.data, line.too_long) for line in lines] == [(SENTENCE, False), (b"x" * 64, True), (SENTENCE, False)]
    assert [line.received_at for line in lines] == [2, 2, 4]


def test_a_udp_datagram_of_several_sentences_arrives_as_lines_with_their_receipt_time():
    feed = UdpFeed("127.0.0.1", 0, clock=lambda: 42)
    feed.open()
    stop = threading.Event()
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.sendto(SENTENCE + b"\r\n" + SENTENCE, ("127.0.0.1", feed.port))
    sender.close()
    got = []
    for line in feed.lines(stop):
        if line is not None:
            got.append(line)
        if len(got) == 2:
            stop.set()
    assert [(line.data, line.received_at) for line in got] == [(SENTENCE, 42), (SENTENCE, 42)]
    assert feed.status == "stopped"


def test_a_udp_port_in_use_fails_at_once_with_the_address():
    first = UdpFeed("127.0.0.1", 0)
    first.open()
    try:
        with pytest.raises(OSError, match=f"udp://127.0.0.1:{first.port}"):
            UdpFeed("127.0.0.1", first.port).open()
    finally:
        first.close()


def test_a_tcp_feed_reads_lines_and_reconnects_when_the_server_drops_it():
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve() -> None:
        for _ in range(2):  # two connections: the feed must come back after the first is closed
            connection, _ = server.accept()
            connection.sendall(SENTENCE + b"\n")
            connection.close()
        server.close()

    thread = threading.Thread(target=serve)
    thread.start()
    feed = TcpFeed("127.0.0.1", port, backoff=(0.1, 0.2))
    stop = threading.Event()
    got = []
    for line in feed.lines(stop):
        if line is not None:
            got.append(line.data)
        if len(got) == 2:
            stop.set()
    thread.join(5)
    assert got == [SENTENCE, SENTENCE] and feed.reconnects >= 1
