"""A time window's page, read only from the blocks of positions that can hold it, is exactly the page a scan of
the whole log gives: whatever the order events occurred in, as the log grows between reads, from any
position, up to any position."""
from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from store import open_store
from store.occurred_blocks import OccurredBlocks
from tests.fleet_events import MINUTE, T0, report

SHIPS = (219000001, 219000002, 219000003)

minutes = st.integers(-10, 130)
windows = st.tuples(st.none() | minutes, st.none() | minutes).map(
    lambda pair: tuple(None if m is None else T0 + m * MINUTE for m in pair))
reads = st.tuples(windows, st.integers(0, 90), st.integers(1, 25), st.none() | st.integers(0, 90),
                  st.none() | st.sampled_from([f"ship-{m}" for m in SHIPS]))


def in_window(event, occurred_from, occurred_to) -> bool:
    return ((occurred_from is None or event.occurred_at >= occurred_from)
            and (occurred_to is None or event.occurred_at <= occurred_to))


def scanned_page(everything, window, after, limit, to_position, stream) -> list[int]:
    return [e.position for e in everything if in_window(e, *window) and e.position > after
            and (to_position is None or e.position <= to_position)
            and (stream is None or e.stream_id == stream)][:limit]


@settings(max_examples=60, deadline=None)
@given(first=st.lists(minutes, min_size=0, max_size=40), later=st.lists(minutes, max_size=30),
       block_size=st.integers(1, 7), stretch=st.integers(1, 4), before=st.lists(reads, max_size=4),
       after=st.lists(reads, min_size=1, max_size=6))
def test_a_windows_page_from_the_blocks_is_the_page_of_a_whole_scan(first, later, block_size, stretch, before, after):
    store = open_store("sqlite://")
    store.occurred_blocks = OccurredBlocks(block_size=block_size, stretch=stretch)
    try:
        for index, reads_now in ((0, before), (1, after)):
            batch = first if index == 0 else later
            if batch:  # out of order: late reports, repeats of a minute, times before the others
                store.append_batch([report(SHIPS[i % 3], minute, lat=50 + (index * 100 + i) / 1000, late_minutes=i % 5)
                                    for i, minute in enumerate(batch)])
            everything = list(store.read_all())
            for window, after_position, limit, to_position, stream in reads_now:
                got = store.read_page(after_position=after_position, limit=limit, stream_id=stream,
                                      occurred_from=window[0], occurred_to=window[1], to_position=to_position)
                assert [e.position for e in got] == scanned_page(everything, window, after_position, limit,
                                                                 to_position, stream)
    finally:
        store.close()


@settings(max_examples=200, deadline=None)
@given(occurred=st.lists(st.integers(0, 50), max_size=60), block_size=st.integers(1, 9), stretch=st.integers(1, 5),
       first=st.integers(1, 70), last=st.integers(0, 70), window=st.tuples(st.none() | st.integers(-5, 55),
                                                                          st.none() | st.integers(-5, 55)))
@example(occurred=[3, 7, 20, 21], block_size=2, stretch=1, first=1, last=4, window=(7, 10))  # a span's edge on
@example(occurred=[3, 7, 20, 21], block_size=2, stretch=1, first=1, last=4, window=(0, 3))   # the window's
def test_the_runs_leave_out_only_positions_whose_events_all_missed_the_window(occurred, block_size, stretch, first,
                                                                            last, window):
    blocks = OccurredBlocks(block_size=block_size, stretch=stretch)

    def span_of(low: int, high: int) -> tuple[int | None, int | None, int]:
        held = occurred[low - 1:high]
        return (min(held), max(held), len(held)) if held else (None, None, 0)

    runs = list(blocks.runs(first, last, *window, span_of))
    covered = {p for low, high in runs for p in range(low, high + 1)}
    assert all(first <= low <= high <= last for low, high in runs)
    assert all(a[1] < b[0] for a, b in zip(runs, runs[1:]))  # in log order, never overlapping
    for position in range(first, last + 1):
        if position <= len(occurred) and in_window_value(occurred[position - 1], window):
            assert position in covered
    for position in range(max(first, len(occurred) + 1), last + 1):  # beyond the head: may be appended yet, always read
        assert position in covered


def in_window_value(value: int, window) -> bool:
    return (window[0] is None or value >= window[0]) and (window[1] is None or value <= window[1])


def test_a_blocks_span_is_learned_once_and_a_block_not_yet_full_is_read_every_time():
    occurred = [5, 1, 9, 2, 30, 31]
    asked: list[tuple[int, int]] = []

    def span_of(low: int, high: int):
        asked.append((low, high))
        held = occurred[low - 1:high]
        return (min(held), max(held), len(held)) if held else (None, None, 0)

    blocks = OccurredBlocks(block_size=4)
    assert list(blocks.runs(1, 6, 20, 40, span_of)) == [(5, 6)]  # the first block (1–9) is skipped
    assert list(blocks.runs(1, 6, 0, 3, span_of)) == [(1, 6)]
    assert asked == [(1, 4), (5, 8), (5, 8)]
    assert blocks.known_blocks == 1


def test_blocks_need_a_size():
    with pytest.raises(ValueError):
        OccurredBlocks(block_size=0)
