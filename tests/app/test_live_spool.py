"""The live listener's spool: lines kept with their receipt time until released, read back whole after a kill."""
from __future__ import annotations

import os

import pytest
from hypothesis import given, settings, strategies as st

from app.live_spool import HEADER_SIZE, Spool, SpoolError, spool_path, spooled_lines, write_problem
from feeds.network import FeedLine

SENTENCE = b"!AIVDM,1,1,,A,13@orp0P1s0h4;0ORcN1j1H1P000,0*0F"


def lines(count: int, start: int = 1_733_782_034_000_000) -> list[FeedLine]:
    return [FeedLine(SENTENCE + b" %d" % i, start + i) for i in range(count)]


def test_received_lines_are_read_back_with_their_receipt_time_by_the_next_process(tmp_path):
    store = tmp_path / "watch.sqlite"
    spool = Spool.acquire(store)
    marks = [spool.append(line) for line in lines(5)]
    spool.release(marks[1])  # the first two are in the log
    spool.close()  # three lines wait: the file stays
    again = Spool.acquire(store)
    try:
        assert again.path == spool_path(store) and again.lines == 3
        assert [line for line, _ in again.read(again.released, 10)] == lines(5)[2:]
    finally:
        again.close()


def test_a_spool_emptied_by_the_log_is_removed_when_closed(tmp_path):
    spool = Spool.acquire(tmp_path / "watch.sqlite")
    marks = [spool.append(line) for line in lines(3)]
    spool.release(marks[-1])
    assert spool.lines == 0
    spool.close()
    assert not spool_path(tmp_path / "watch.sqlite").exists()


def test_after_everything_is_released_old_records_are_never_read_again(tmp_path):
    store = tmp_path / "watch.sqlite"
    spool = Spool.acquire(store)
    marks = [spool.append(line) for line in lines(4)]
    spool.release(marks[-1])
    fresh = FeedLine(b"!AIVDM after the release", 99)
    spool.append(fresh)  # written over the start of the old records, which stay on disk behind it
    assert spooled_lines(spool.path) == [fresh]
    spool.close()


def test_a_spool_cut_mid_record_by_a_kill_is_read_up_to_the_last_whole_line(tmp_path):
    store = tmp_path / "watch.sqlite"
    spool = Spool.acquire(store)
    for line in lines(3):
        spool.append(line)
    end = spool.end.offset
    path = spool.path
    spool.close()
    with open(path, "r+b") as handle:  # the fourth record's write was cut after 10 bytes
        handle.seek(end)
        handle.write(b"L1\x01\x00\x00\x00\x40\x00\x00\x00")
    assert spooled_lines(path) == lines(3)
    again = Spool.acquire(store)
    try:
        assert again.lines == 3
        again.append(FeedLine(b"next", 7))  # written over the torn record
        assert [line.data for line, _ in again.read(again.released, 10)][-1] == b"next"
    finally:
        again.close()


def test_a_flipped_byte_ends_the_readable_part_there(tmp_path):
    spool = Spool.acquire(tmp_path / "watch.sqlite")
    marks = [spool.append(line) for line in lines(3)]
    path = spool.path
    spool.close()
    with open(path, "r+b") as handle:
        handle.seek(marks[1].offset - 1)  # last byte of the second line
        handle.write(b"#")
    assert spooled_lines(path) == lines(1)


def test_a_full_spool_refuses_a_line_and_keeps_what_it_has(tmp_path):
    spool = Spool.acquire(tmp_path / "watch.sqlite", limit_bytes=HEADER_SIZE + 200)
    kept = []
    with pytest.raises(SpoolError, match="full"):
        for line in lines(10):
            spool.append(line)
            kept.append(line)
    assert 0 < len(kept) < 10 and spooled_lines(spool.path) == kept
    spool.close()


def test_two_feeds_on_one_store_get_a_spool_each(tmp_path):
    store = tmp_path / "watch.sqlite"
    first, second = Spool.acquire(store), Spool.acquire(store)
    try:
        assert first.path != second.path and second.path == spool_path(store, 2)
    finally:
        first.close()
        second.close()


@settings(max_examples=40, deadline=None)
@given(data=st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=30), cut=st.integers(0, 10_000))
def test_whatever_the_cut_the_spool_reads_a_prefix_of_what_was_written(tmp_path_factory, data, cut):
    folder = tmp_path_factory.mktemp("spool")
    spool = Spool.acquire(folder / "watch.sqlite")
    written = [FeedLine(item, index) for index, item in enumerate(data)]
    for line in written:
        spool.append(line)
    path, end = spool.path, spool.end.offset
    spool.close()
    os.truncate(path, HEADER_SIZE + cut % (end - HEADER_SIZE + 1))
    read = spooled_lines(path)
    assert read == written[:len(read)]
    if cut % (end - HEADER_SIZE + 1) == end - HEADER_SIZE:
        assert read == written


def test_lines_left_by_a_second_feed_are_taken_over_by_the_next_feed_that_starts(tmp_path):
    store = tmp_path / "watch.sqlite"
    first, second = Spool.acquire(store), Spool.acquire(store)
    first.append(FeedLine(b"first feed", 1))
    second.append(FeedLine(b"second feed", 2))
    first.close()
    second.close()  # both feeds stopped with lines not in the log
    alone = Spool.acquire(store)
    try:
        assert [line.data for line, _ in alone.read(alone.released, 10)] == [b"first feed", b"second feed"]
        assert not spool_path(store, 2).exists()
    finally:
        alone.close()


def test_a_store_to_be_made_in_a_new_folder_can_be_written(tmp_path):
    assert write_problem(tmp_path / "new" / "deeper" / "watch.sqlite") is None
    assert write_problem(tmp_path / "watch.sqlite") is None
