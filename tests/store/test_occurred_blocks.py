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


# --- spans learned from the writer's own appends, saved and taken back ------------------------------------------

def block_spans(occurred: list[int], block_size: int) -> dict[int, tuple[int, int]]:
    """The span of every full block of these occurred times, straight from them."""
    return {block: (min(held), max(held)) for block in range(len(occurred) // block_size)
            for held in [occurred[block * block_size:(block + 1) * block_size]]}


@settings(max_examples=200, deadline=None)
@given(occurred=st.lists(st.integers(0, 10**6), max_size=80), block_size=st.integers(1, 9),
       cuts=st.sets(st.integers(1, 79), max_size=12), foreign=st.sets(st.integers(0, 12), max_size=4))
def test_a_writer_learns_exactly_the_spans_of_the_blocks_its_own_appends_filled(occurred, block_size, cuts, foreign):
    blocks = OccurredBlocks(block_size=block_size)
    edges = [0, *sorted(c for c in cuts if c < len(occurred)), len(occurred)]
    touched_by_others: set[int] = set()
    for batch, (start, end) in enumerate(zip(edges, edges[1:])):
        if start == end:
            continue
        if batch in foreign:  # another writer appended these: this process never sees them
            touched_by_others.update(range(start // block_size, (end - 1) // block_size + 1))
            continue
        blocks.learn_appended(start + 1, occurred[start:end])
    spans = block_spans(occurred, block_size)
    expected = {block: span for block, span in spans.items() if block not in touched_by_others}
    learned = OccurredBlocks(block_size=block_size)
    assert learned.take(blocks.to_bytes(), len(occurred)) == len(expected) == blocks.known_blocks
    for block, (low, high) in expected.items():  # each learned span is exact: the window of its edges needs it
        first = block * block_size + 1
        assert list(blocks.runs(first, first + block_size - 1, high + 1, None, lambda *_: (None, None, 0))) == []
        assert list(blocks.runs(first, first + block_size - 1, None, low - 1, lambda *_: (None, None, 0))) == []
        assert list(blocks.runs(first, first + block_size - 1, low, low, lambda *_: (None, None, 0))) != []
        assert list(blocks.runs(first, first + block_size - 1, high, high, lambda *_: (None, None, 0))) != []


def test_spans_taken_back_are_only_those_of_blocks_whole_by_the_position_they_were_saved_at():
    blocks = OccurredBlocks(block_size=4)
    blocks.learn_appended(1, list(range(12)))
    assert blocks.known_blocks == 3
    assert OccurredBlocks(block_size=4).take(blocks.to_bytes(), 8) == 2
    assert OccurredBlocks(block_size=8).take(blocks.to_bytes(), 12) == 0  # other blocks: learned again by reads
    for broken in (b"", b"not spans", blocks.to_bytes()[:-1], blocks.to_bytes() + b"\0"):
        with pytest.raises(ValueError):
            OccurredBlocks(block_size=4).take(broken, 12)


def test_the_spans_an_import_learned_let_the_next_session_skip_to_a_late_window_without_reading_its_way(tmp_path):
    path = tmp_path / "log.sqlite"
    with open_store(path) as store:
        store.occurred_blocks = OccurredBlocks(block_size=8, stretch=1)
        for start in range(0, 120, 25):  # appends that end inside blocks
            store.append_batch([report(SHIPS[i % 3], i, lat=50 + i / 1000) for i in range(start, min(start + 25, 120))])
        assert store.occurred_blocks.known_blocks == 15
        assert store.save_occurred_spans() and not store.save_occurred_spans()  # nothing new the second time
    with open_store(path, read_only=True) as store:
        store.occurred_blocks = OccurredBlocks(block_size=8, stretch=1)
        late = store.read_page(occurred_from=T0 + 110 * MINUTE, occurred_to=T0 + 111 * MINUTE, limit=1)
        assert [e.occurred_at for e in late] == [T0 + 110 * MINUTE]
        assert store.occurred_blocks.known_blocks == 15  # taken from the save, not read: a read learns a block
    with open_store(path) as store:  # the log grew under the saved spans: they still hold for what they cover
        store.append_batch([report(SHIPS[0], 200, lat=51.0)])
    with open_store(path, read_only=True) as store:
        store.occurred_blocks = OccurredBlocks(block_size=8, stretch=1)
        assert [e.occurred_at for e in store.read_page(occurred_from=T0 + 200 * MINUTE, limit=5)] == [T0 + 200 * MINUTE]
        assert store.occurred_blocks.known_blocks == 15
