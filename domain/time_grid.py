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


class TimeGrid:
    """Each ship's first row at or after each bucket boundary, over rows sorted by (ship, occurred)."""

    def __init__(self, ship: np.ndarray, occurred: np.ndarray, buckets: int | None = None):
        """``ship``: ship slots, ascending; ``occurred``: times, ascending within each ship. ``buckets``
        (default: rows per ship) is the number of time buckets."""
        rows = len(ship)
        self.ships = int(ship[-1]) + 1 if rows else 0
        self.first = int(occurred.min()) if rows else 0
        self.last = int(occurred.max()) if rows else -1
        if not rows:
            self.buckets, self.width = 1, 1
            self.grid = np.zeros((2, 0), np.int32)
            return
        self.buckets = max(1, rows // self.ships if buckets is None else buckets)
        self.width = (self.last - self.first) // self.buckets + 1  # every time falls in bucket 0 .. buckets - 1
        cell = occurred - self.first  # then each row's (ship, bucket) cell, non-decreasing over the rows
        cell //= self.width
        cell += np.multiply(ship, self.buckets, dtype=np.int64)
        through = np.bincount(cell, minlength=self.ships * self.buckets)  # rows per cell, then rows up to it
        del cell
        np.cumsum(through, out=through)
        dtype = np.int32 if rows <= _MAX_ROWS_32 else np.int64
        grid = np.empty((self.buckets + 1, self.ships), dtype)
        grid[1:] = through.reshape(self.ships, self.buckets).T  # first row after each bucket's end
        grid[0, 0] = 0
        grid[0, 1:] = grid[self.buckets, :-1]  # a ship's first row is where the ship before it ends
        self.grid = grid

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

    def _row(self, bucket: int, ships: np.ndarray) -> np.ndarray:
        inside = ships < self.ships
        if inside.all():
            every: np.ndarray = self.grid[bucket, ships].astype(np.int64)
            return every
        rows = np.zeros(len(ships), np.int64)  # ships never seen in these rows: empty ranges
        rows[inside] = self.grid[bucket, ships[inside]]
        return rows
