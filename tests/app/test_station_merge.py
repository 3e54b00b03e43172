"""A national feed is many stations: one transmission heard by two of them is one report, which keeps the
names of the stations that heard it."""
from __future__ import annotations

import re

from app.live_ingest import LiveIngest
from app.station_merge import StationMerger
from domain.observations import PositionSeen
from feeds.network import UdpFeed
from feeds.nmea import NmeaDecoder
from feeds.nmea_sentences import checksum
from store import open_store
from tests.app.test_live_ingest import T, receipt_clock, send, wait_for

TAG_BLOCK = re.compile(rb"^\\s:([^,*]+),c:(\d+)\*[0-9A-F]{2}\\")


def heard_at(line: bytes, station: str, later_s: int) -> bytes:
    """The line as ``station`` heard it, stamped ``later_s`` seconds after the recording's own station."""
    match = TAG_BLOCK.match(line)
    assert match is not None, line
    body = b"s:" + station.encode() + b",c:" + str(int(match.group(2)) + later_s).encode()
    return b"\\" + body + b"*" + f"{checksum(body):02X}".encode() + b"\\" + line[match.end():]


def recording_lines(ais_samples) -> list[bytes]:
    return [line for line in (ais_samples / "kystverket_norwegian_tagblock.raw").read_bytes().splitlines()
            if TAG_BLOCK.match(line)]


def positions(store) -> list:
    return [recorded for recorded in store.read_all() if recorded.type == "PositionReported"]


def listen(store, lines: list[bytes], merge_window_s: float) -> LiveIngest:
    feed = UdpFeed("127.0.0.1", 0, clock=receipt_clock())
    ingest = LiveIngest(feed, store, clock=lambda: T, flush_every_s=0.05, merge_window_s=merge_window_s)
    ingest.start()
    try:
        send(feed.port, lines)
        assert wait_for(lambda: ingest.stats.lines == len(lines))
    finally:
        ingest.stop()
    assert ingest.stats.complete
    return ingest


def test_a_recording_heard_by_two_stations_is_stored_once_with_both_stations(tmp_path, ais_samples):
    lines = recording_lines(ais_samples)
    both = [copy for line in lines for copy in (heard_at(line, "north", 0), heard_at(line, "south", 1))]
    with open_store(tmp_path / "one.sqlite") as one, open_store(tmp_path / "two.sqlite") as two:
        listen(one, [heard_at(line, "north", 0) for line in lines], merge_window_s=2.0)
        ingest = listen(two, both, merge_window_s=2.0)

        heard_once, heard_twice = positions(one), positions(two)
        assert len(heard_once) > 100
        assert [(r.stream_id, r.occurred_at, r.payload) for r in heard_twice] == \
            [(r.stream_id, r.occurred_at, r.payload) for r in heard_once]
        assert all(r.metadata["stations"] == ["north", "south"] for r in heard_twice)
        assert all(r.metadata["stations"] == ["north"] for r in heard_once)
        assert ingest.stats.merged == len(heard_once)
        assert ingest.stats.to_json()["merged"] == len(heard_once)


def test_without_a_merge_window_each_station_s_copy_is_a_report_of_its_own(tmp_path, ais_samples):
    lines = recording_lines(ais_samples)
    both = [copy for line in lines for copy in (heard_at(line, "north", 0), heard_at(line, "south", 1))]
    with open_store(tmp_path / "one.sqlite") as one, open_store(tmp_path / "two.sqlite") as two:
        listen(one, both[::2], merge_window_s=0.0)
        ingest = listen(two, both, merge_window_s=0.0)
        assert len(positions(two)) == 2 * len(positions(one)) and ingest.stats.merged == 0


# --- the merger on its own -----------------------------------------------------------------------------------


def _seen(line: bytes) -> list:
    return NmeaDecoder("feed").feed(line, None, received_at=T)


def test_a_copy_after_its_report_left_the_window_is_merged_by_the_feed_s_time_not_stored(ais_samples):
    line = next(line for line in recording_lines(ais_samples)
                if isinstance(_seen(line)[0], PositionSeen))
    merger: StationMerger[int] = StationMerger(2.0, monotonic=lambda: 0.0)
    north, south = heard_at(line, "north", 0), heard_at(line, "south", 1)

    assert merger.take(_seen(north), north, T, before=0) == []  # held for the window
    assert merger.earliest_before == 0
    [report] = merger.take([], b"", T + 2_000_000, before=1)  # the feed moved on past the window
    assert report.heard_by == ("north",) and merger.earliest_before is None
    assert merger.take(_seen(south), south, T + 1_500_000, before=2) == []  # late: dropped
    assert merger.take_copies() == 1


def test_a_line_that_names_no_station_goes_straight_through(ais_samples):
    line = next(line for line in recording_lines(ais_samples) if isinstance(_seen(line)[0], PositionSeen))
    bare = line[TAG_BLOCK.match(line).end():]
    merger: StationMerger[int] = StationMerger(2.0)
    observations = _seen(bare)
    assert merger.take(observations, bare, T, before=0) == observations and not merger.holding
