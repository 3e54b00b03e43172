"""Where in the log a time window can be: the earliest and latest occurred time of each block of positions.

The log is ordered by position and has no index on when events occurred (one would slow every append), so
a page of a time window used to scan from where it starts until it had found its events: most of a large
log for a window late in the day, all of it for a window that holds nothing. But a full block of positions
of an append-only log never changes, so its time span, once read, stays true: a read of a window skips
every block whose span misses the window and scans only the runs of blocks that can hold its events.

Exact by construction: a block is skipped only when its span, read from the block itself, proves that none
of its events occurred in the window. A block not yet full (the head's) is never remembered and always
scanned. Spans are learned three ways: by the writer, from the events it has just committed (a block whose
every event it appended itself); lazily, a stretch of blocks at a time as reads reach them (the first read
of a window then costs about what a plain scan up to its events did); and from the spans a store saved
(``to_bytes`` / ``take``), so that a later session starts knowing them.
"""
from __future__ import annotations

import threading
from typing import Callable, Iterator, Sequence

import numpy as np

BLOCK_SIZE = 4_096   # positions a block: 10,000,000 events are 2,444 blocks, 39 KB of spans
STRETCH = 64         # blocks whose spans are learned before the runs among them are read
_SPANS_MAGIC = b"FLOG-SPANS-1\n"

# The span of the block of positions [first, last]: (earliest occurred, latest occurred, events in it).
SpanReader = Callable[[int, int], tuple[int | None, int | None, int]]


class OccurredBlocks:
    """The occurred-time span of every full block of ``block_size`` positions read so far (thread-safe).

    Block ``b`` holds positions ``b * block_size + 1`` to ``(b + 1) * block_size``.
    """

    def __init__(self, block_size: int = BLOCK_SIZE, stretch: int = STRETCH):
        if block_size < 1 or stretch < 1:
            raise ValueError("a block holds at least one position, and a stretch at least one block")
        self.block_size = block_size
        self.stretch = stretch
        self._lock = threading.Lock()
        self._earliest = np.zeros(0, np.int64)
        self._latest = np.zeros(0, np.int64)
        self._known = np.zeros(0, bool)
        # The block the last appends ended inside: (the position after them, block, earliest, latest so far).
        self._open_block: tuple[int, int, int, int] | None = None

    @property
    def known_blocks(self) -> int:
        """How many blocks' spans are held (each stays true for as long as the log exists)."""
        with self._lock:
            return int(np.count_nonzero(self._known))

    def learn_appended(self, first_position: int, occurred: Sequence[int]) -> None:
        """Learn the spans of the blocks that events just committed (at ``first_position`` onwards, their
        occurred times in log order) fill. A block is learned only when these appends and the ones before
        them, in this process, hold every one of its events: appends that do not follow the last ones on
        (another writer appended in between) drop the block they began in, which reads learn instead."""
        size, count = self.block_size, len(occurred)
        if not count:
            return
        start = 0  # index into occurred of the first event of the block in hand
        carried = self._open_block
        self._open_block = None
        if carried is not None and carried[0] != first_position:
            carried = None
        if carried is None and (first_position - 1) % size:
            start = size - (first_position - 1) % size  # the block they began in is not wholly ours
        while start < count:
            block = (first_position - 1 + start) // size
            end = (block + 1) * size - (first_position - 1)  # index just after the block's last position
            chunk = occurred[start:min(end, count)]
            low, high = min(chunk), max(chunk)
            if carried is not None:
                low, high = min(low, carried[2]), max(high, carried[3])
                carried = None
            if end <= count:
                self._learn(block, low, high)
            else:
                self._open_block = (first_position + count, block, low, high)
            start = end

    def to_bytes(self) -> bytes:
        """The spans known, to be saved with the store (``take`` reads them back)."""
        with self._lock:
            held = int(np.flatnonzero(self._known)[-1]) + 1 if self._known.any() else 0
            header = np.array([self.block_size, held], np.int64)
            return b"".join((_SPANS_MAGIC, header.tobytes(), self._earliest[:held].tobytes(),
                             self._latest[:held].tobytes(), np.packbits(self._known[:held]).tobytes()))

    def take(self, data: bytes, up_to_position: int) -> int:
        """Learn the spans ``to_bytes`` wrote (for blocks of this size, of a log whose positions they were read
        from: the store checks that before it hands them over), of the blocks wholly at or before
        ``up_to_position``; how many blocks they gave. Raises ValueError for data that are not such spans."""
        if not data.startswith(_SPANS_MAGIC) or len(data) < len(_SPANS_MAGIC) + 16:
            raise ValueError("not the spans of blocks of positions")
        at = len(_SPANS_MAGIC)
        block_size, held = (int(value) for value in np.frombuffer(data, np.int64, 2, at))
        at += 16
        if held < 0 or len(data) != at + 16 * held + (held + 7) // 8:
            raise ValueError("spans of blocks of positions cut short or too long")
        if block_size != self.block_size:
            return 0  # spans of other blocks: learned again as reads need them
        earliest = np.frombuffer(data, np.int64, held, at)
        latest = np.frombuffer(data, np.int64, held, at + 8 * held)
        known = np.unpackbits(np.frombuffer(data, np.uint8, (held + 7) // 8, at + 16 * held), count=held).astype(bool)
        known[up_to_position // block_size:] = False  # a block must be whole by that position to be learned
        for block in np.flatnonzero(known).tolist():
            self._learn(block, int(earliest[block]), int(latest[block]))
        return int(np.count_nonzero(known))

    def runs(self, first: int, last: int, occurred_from: int | None, occurred_to: int | None,
             span_of: SpanReader) -> Iterator[tuple[int, int]]:
        """The runs ``(low, high)`` of positions within ``[first, last]``, in log order, outside which no event
        occurred within ``[occurred_from, occurred_to]`` (None: open on that side). ``span_of`` reads the span
        of a block not yet known; it is called only as the runs reach that block, so a reader that stops
        early (its page is full) learns no more than it passed."""
        if first > last:
            return
        size = self.block_size
        block, final = (first - 1) // size, (last - 1) // size
        while block <= final:
            end = min(final, block + self.stretch - 1)
            wanted = self._candidates(block, end, occurred_from, occurred_to, span_of)
            for low_block, high_block in _true_runs(wanted):
                yield (max(first, (block + low_block) * size + 1), min(last, (block + high_block + 1) * size))
            block = end + 1

    def _candidates(self, block: int, end: int, occurred_from: int | None, occurred_to: int | None,
                    span_of: SpanReader) -> np.ndarray:
        """Which blocks from ``block`` to ``end`` can hold an event of the window (learning their spans)."""
        earliest, latest, known = self._spans(block, end)
        for offset in np.flatnonzero(~known).tolist():
            number = block + offset
            low, high, count = span_of(number * self.block_size + 1, (number + 1) * self.block_size)
            if count == self.block_size and low is not None and high is not None:
                self._learn(number, low, high)
                earliest[offset], latest[offset], known[offset] = low, high, True
        wanted = ~known  # a block not yet full may still gain events of the window: always read it
        inside = np.ones(len(known), bool)
        if occurred_from is not None:
            inside &= latest >= occurred_from
        if occurred_to is not None:
            inside &= earliest <= occurred_to
        return wanted | (known & inside)

    def _spans(self, block: int, end: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        count = end - block + 1
        with self._lock:
            held = max(0, min(len(self._known), end + 1) - block)
            earliest, latest, known = np.zeros(count, np.int64), np.zeros(count, np.int64), np.zeros(count, bool)
            earliest[:held] = self._earliest[block:block + held]
            latest[:held] = self._latest[block:block + held]
            known[:held] = self._known[block:block + held]
        return earliest, latest, known

    def _learn(self, block: int, earliest: int, latest: int) -> None:
        with self._lock:
            if block >= len(self._known):
                grown = max(block + 1, 2 * len(self._known), 256)
                self._earliest = np.resize(self._earliest, grown)
                self._latest = np.resize(self._latest, grown)
                known = np.zeros(grown, bool)
                known[:len(self._known)] = self._known
                self._known = known
            self._earliest[block], self._latest[block], self._known[block] = earliest, latest, True


def _true_runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """The runs of consecutive True values, as (first index, last index)."""
    if not flags.any():
        return []
    edges = np.diff(np.concatenate(([0], flags.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return list(zip(starts.tolist(), ends.tolist()))
