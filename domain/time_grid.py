"""Where each ship's rows stand at a moment: row numbers by time bucket and ship, for the temporal index.

The index keeps its rows sorted by ship, then time. Finding every ship's last report at or before T by
one binary search over all rows costs some 24 dependent memory reads a ship (about 2 µs each in 10
million rows: 20 ms for 10,000 ships, the whole of a frame). The grid divides the index's time span into
equal buckets and holds, for each bucket boundary and each ship, the ship's first row at or after it. A
question at T reads two rows of the grid (every ship's rows in T's bucket), then bisects inside each
ship's bucket, which holds a row or two, vectorised over the ships still searching: a few gathers that
the processor runs side by side. There are at most as many buckets as rows per ship, so the grid holds
at most one 4-byte entry per row.
"""
from __future__ import annotations

import numpy as np

_MAX_ROWS_32 = 2**31 - 1
_COUNTED_AT_ONCE = 1 << 20


class TimeGrid:
    """Each ship's first row at or after each bucket boundary, over rows sorted by (ship, occurred)."""

    def __init__(self, ship: np.ndarray, occurred: np.ndarray, buckets: int | None = None):
        """``ship``: ship slots, ascending; ``occurred``: times, ascending within each ship. ``buckets``
        (default: rows per ship) is the number of time buckets."""
        rows = len(ship)
        plan = GridPlan(rows, int(ship[-1]) + 1 if rows else 0, int(occurred.min()) if rows else 0,
                        int(occurred.max()) if rows else -1, buckets)
        for start in range(0, rows, _COUNTED_AT_ONCE):  # in pieces: the cells of all rows at once would be 8 bytes a row
            plan.count(ship[start:start + _COUNTED_AT_ONCE], occurred[start:start + _COUNTED_AT_ONCE])
        ships_at_once = max(1, _COUNTED_AT_ONCE // plan.buckets)
        for start in range(0, plan.ships, ships_at_once):
            plan.fill(start, min(start + ships_at_once, plan.ships))
        self._take(plan.ships, plan.first, plan.last, plan.buckets, plan.width, plan.finished())

    @classmethod
    def of_plan(cls, ships: int, first: int, last: int, buckets: int, width: int, grid: np.ndarray) -> "TimeGrid":
        """The grid a ``GridPlan`` has filled."""
        made = cls.__new__(cls)
        made._take(ships, first, last, buckets, width, grid)
        return made

    def _take(self, ships: int, first: int, last: int, buckets: int, width: int, grid: np.ndarray) -> None:
        self.ships, self.first, self.last, self.buckets, self.width, self.grid = ships, first, last, buckets, width, grid

    @property
    def nbytes(self) -> int:
        return int(self.grid.nbytes)

    def starts(self, ships: np.ndarray) -> np.ndarray:
        """Each ship's first row (its end, an empty range, for a ship without rows)."""
        return self._row(0, ships)

    def ends(self, ships: np.ndarray) -> np.ndarray:
        """One past each ship's last row."""
        return self._row(self.buckets, ships)

    def first_after(self, ships: np.ndarray, at: int, occurred: np.ndarray) -> np.ndarray:
        """Each ship's first row with ``occurred > at`` (one past its last row when there is none), where
        ``occurred`` is the column the grid was built over. Rows of one time are in log order, so the row
        before is the latest of the ship at ``at``, later log entries winning ties."""
        if at < self.first:
            return self.starts(ships)
        bucket = min((at - self.first) // self.width + 1, self.buckets)
        low = self._row(bucket - 1, ships)  # rows from here on occurred at or after the bucket's start (<= at)
        high = self._row(bucket, ships)     # rows from here on occurred after the bucket's end (> at)
        searching = np.flatnonzero(low < high)
        while searching.size:  # bisect each ship's rows in the bucket, all ships at once
            middle = (low[searching] + high[searching]) // 2
            early = occurred[middle] <= at
            low[searching[early]] = middle[early] + 1
            high[searching[~early]] = middle[~early]
            searching = searching[low[searching] < high[searching]]
        return low

    def first_after_each(self, ships: np.ndarray, ats: np.ndarray, occurred: np.ndarray) -> np.ndarray:
        """For each (ship, moment) pair, the ship's first row with ``occurred`` after that moment (one past
        its last row when there is none; the end of all rows for a ship beyond the grid's): where a row of
        that ship and time goes among these rows, after those of the same time. Merging two blocks of rows
        asks this of every row of the newer block."""
        ships = ships.astype(np.int64, copy=False)
        inside = ships < self.ships
        answer = np.full(len(ships), self.grid[self.buckets, -1] if self.ships else 0, np.int64)
        ships, ats = ships[inside], ats[inside]
        bucket = np.clip((ats - self.first) // self.width + 1, 0, self.buckets)
        low = self.grid[np.maximum(bucket - 1, 0), ships].astype(np.int64)  # rows of the bucket before: <= at
        high = self.grid[bucket, ships].astype(np.int64)                     # (bucket 0: an empty range)
        searching = np.flatnonzero(low < high)
        while searching.size:
            middle = (low[searching] + high[searching]) // 2
            early = occurred[middle] <= ats[searching]
            low[searching[early]] = middle[early] + 1
            high[searching[~early]] = middle[~early]
            searching = searching[low[searching] < high[searching]]
        answer[inside] = low
        return answer

    def _row(self, bucket: int, ships: np.ndarray) -> np.ndarray:
        inside = ships < self.ships
        if inside.all():
            every: np.ndarray = self.grid[bucket, ships].astype(np.int64)
            return every
        rows = np.zeros(len(ships), np.int64)  # ships never seen in these rows: empty ranges
        rows[inside] = self.grid[bucket, ships[inside]]
        return rows


class GridPlan:
    """A ``TimeGrid`` made a piece at a time, for rows that are themselves being made a piece at a time (two
    sorted blocks merged while live reports keep arriving): ``count`` each consecutive piece of rows, then
    ``fill`` each range of ships in turn, then ``grid``. No piece costs more than its own rows or ships."""

    def __init__(self, rows: int, ships: int, first: int, last: int, buckets: int | None = None):
        self.ships, self.first, self.last = ships, first, last
        if not rows:
            self.buckets, self.width = 1, 1
            self._through = np.zeros(0, np.int64)
            self._grid = np.zeros((2, 0), np.int32)
            return
        self.buckets = max(1, rows // ships if buckets is None else buckets)
        self.width = (last - first) // self.buckets + 1  # every time falls in bucket 0 .. buckets - 1
        dtype = np.int32 if rows <= _MAX_ROWS_32 else np.int64
        self._through = np.zeros(ships * self.buckets, dtype)  # rows per (ship, bucket) cell
        self._grid = np.empty((self.buckets + 1, ships), dtype)
        self._carry = 0  # rows of the ships filled so far
        self._touched = 0  # entries of the grid written once already (see ``touch``)

    def count(self, ship: np.ndarray, occurred: np.ndarray) -> None:
        """Count the next rows (sorted by ship then time, after those counted before) into their cells."""
        if not len(ship):
            return
        cell = occurred - self.first  # each row's (ship, bucket) cell: non-decreasing over the rows
        cell //= self.width
        cell += np.multiply(ship, self.buckets, dtype=np.int64)
        low = int(cell[0])
        cell -= low
        counts = np.bincount(cell)
        self._through[low:low + len(counts)] += counts

    def touch(self, share: float) -> None:
        """Write the first ``share`` of the grid's memory once, ahead of ``fill``: a fill runs down every row
        of the grid, and would otherwise meet all of the grid's fresh pages in its first few ships."""
        flat = self._grid.reshape(-1)
        upto = min(len(flat), int(share * len(flat)))
        if upto > self._touched:
            flat[self._touched:upto] = 0
            self._touched = upto

    def fill(self, start: int, end: int) -> None:
        """Fill the grid's columns of ships ``start`` to ``end`` (in order: each after the ones before)."""
        if end <= start:
            return
        through = np.cumsum(self._through[start * self.buckets:end * self.buckets], dtype=np.int64)
        through += self._carry
        self._grid[1:, start:end] = through.reshape(end - start, self.buckets).T  # first row after each bucket
        self._grid[0, start] = self._carry  # a ship's first row is where the ship before it ends
        self._grid[0, start + 1:end] = self._grid[self.buckets, start:end - 1]
        self._carry = int(through[-1])

    def finished(self) -> np.ndarray:
        """The filled grid's rows (the counts are let go)."""
        self._through = np.zeros(0, np.int64)
        return self._grid

    def grid(self) -> TimeGrid:
        return TimeGrid.of_plan(self.ships, self.first, self.last, self.buckets, self.width, self.finished())
