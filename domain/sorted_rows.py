"""Blocks of the temporal index's rows sorted by ship, then time, then log order, and the merge of two.

The index keeps its rows in a few such blocks, each newer in the log than the one before it: a large main
block, the block being merged into it, and a small recent block that the live tail is sorted into. A
question is answered by each block (a time grid finds each ship's rows at a moment) and the answers are
combined, a later block winning a tie in time as a later log entry does.

Two sorted blocks are merged in O(rows), never sorted again: each row of the newer block finds its place
among the older block's rows (after those of its ship and time), and every column is written once, by
slices. The work is cut in pieces of a bounded number of rows (``Merge.step``), so that merging ten million
rows can be spread over the reports that arrive meanwhile instead of stopping the thread that folds them.
"""
from __future__ import annotations

from typing import Iterator, Mapping

import numpy as np

from domain.time_grid import GridPlan, TimeGrid

# A block of rows as parallel columns: (ship slot, occurred, recorded, value columns by name).
Rows = tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]
# Per ship: its rows' counts by time cell, over [first, first + width * len(counts)): (first, width, counts).
Cells = tuple[int, int, np.ndarray]


class SortedRows:
    """Rows sorted by (ship, occurred), equal keys in log order, with the grid that finds them by time."""

    def __init__(self, ship: np.ndarray, occurred: np.ndarray, recorded: np.ndarray, values: Mapping[str, np.ndarray],
                 grid: TimeGrid | None = None, cells: Cells | None = None):
        self.ship, self.occurred, self.recorded = ship, occurred, recorded
        self.values = dict(values)
        self.grid = TimeGrid(ship, occurred) if grid is None else grid
        self.cells = cells  # a large block's rows counted by fine time cells (the density strip's counts)

    @classmethod
    def empty(cls, columns: Mapping[str, np.dtype]) -> "SortedRows":
        return cls(np.empty(0, np.int32), np.empty(0, np.int64), np.empty(0, np.int64),
                   {name: np.empty(0, dtype) for name, dtype in columns.items()})

    @classmethod
    def of_block(cls, block: Rows, density_cells: int | None = None) -> "SortedRows":
        """A block of rows in log order, sorted (stable: equal (ship, time) keep log order)."""
        ship, occurred, recorded, values = block
        order = np.lexsort((occurred, ship))
        return cls(ship[order], occurred[order], recorded[order], {n: v[order] for n, v in values.items()}) \
            .with_cells(density_cells)

    def with_cells(self, density_cells: int | None) -> "SortedRows":
        """These rows, counted by ``density_cells`` fine time cells if asked (and not done already)."""
        if density_cells is None or self.cells is not None or not len(self):
            return self
        counting = _CellCount(self.grid.first, self.grid.last, density_cells)
        counting.count(self.occurred)
        self.cells = counting.cells()
        return self

    def __len__(self) -> int:
        return len(self.ship)

    @property
    def nbytes(self) -> int:
        arrays = [self.ship, self.occurred, self.recorded, *self.values.values()]
        return sum(a.nbytes for a in arrays) + self.grid.nbytes

    def rows(self, rows: np.ndarray | slice, columns: tuple[str, ...]) -> Rows:
        return self.ship[rows], self.occurred[rows], self.recorded[rows], {n: self.values[n][rows] for n in columns}

    def latest(self, ships: np.ndarray, at: int, known_at: int | None,
               fallback_steps: int) -> tuple[np.ndarray, np.ndarray]:
        """Per ship: whether a row has ``occurred <= at`` (and ``recorded <= known_at``), and the row of the
        latest (the last in log order of the latest time). A row recorded too late is passed over for the
        one before it, ``fallback_steps`` times for all ships at once, then ship by ship."""
        n = len(ships)
        if not len(self.ship):
            return np.zeros(n, bool), np.zeros(n, np.int64)
        starts = self.grid.starts(ships)
        pos = self.grid.first_after(ships, at, self.occurred) - 1
        found = pos >= starts
        pos = np.maximum(pos, 0)
        if known_at is None:
            return found, pos
        for _ in range(fallback_steps):
            late = np.flatnonzero(found & (self.recorded[pos] > known_at))
            if not late.size:
                return found, pos
            earlier = pos[late] - 1
            still = earlier >= starts[late]
            pos[late] = np.maximum(earlier, 0)
            found[late] = still
        late = np.flatnonzero(found & (self.recorded[pos] > known_at))
        for ship_slot in late:
            start = int(starts[ship_slot])
            known = np.flatnonzero(self.recorded[start:pos[ship_slot] + 1] <= known_at)
            if known.size:
                pos[ship_slot] = start + known[-1]
            else:
                found[ship_slot] = False
        return found, pos

    def window(self, ships: np.ndarray, start: int, end: int) -> np.ndarray:
        """The rows of these ships (ascending slots) with ``start < occurred <= end``, ship after ship."""
        if not len(self.ship):
            return np.empty(0, np.int64)
        lo = self.grid.first_after(ships, start, self.occurred)
        hi = np.maximum(self.grid.first_after(ships, end, self.occurred), lo)
        lengths = hi - lo
        total = int(lengths.sum())
        return np.repeat(lo - np.cumsum(lengths) + lengths, lengths) + np.arange(total)

    def of_ship(self, slot: int) -> slice:
        """One ship's rows (in time order)."""
        ships = np.array([slot], np.int64)
        return slice(int(self.grid.starts(ships)[0]), int(self.grid.ends(ships)[0]))


class Merge:
    """Two sorted blocks, the second newer in the log, merged into one a bounded piece at a time.

    The blocks are only read, never changed, so they keep answering questions until the merge is done."""

    def __init__(self, older: SortedRows, newer: SortedRows, density_cells: int | None, step_rows: int):
        self.result: SortedRows | None = None
        self._steps = self._work(older, newer, density_cells, max(1, step_rows))

    def step(self) -> bool:
        """Do one piece of the work (writing at most ``step_rows`` rows, or the grid of as many ships' worth);
        True once the merged block is in ``result``."""
        if self.result is None:
            next(self._steps, None)
        return self.result is not None

    def finish(self) -> SortedRows:
        """Do the rest of the work now."""
        while self.result is None:
            self.step()
        return self.result

    def _work(self, older: SortedRows, newer: SortedRows, density_cells: int | None,
              step: int) -> Iterator[None]:
        if not len(newer) or not len(older):
            self.result = (newer if not len(older) else older).with_cells(density_cells)
            return
        old_n, new_n = len(older), len(newer)
        n = old_n + new_n
        # where each newer row goes: after the older rows of its ship up to its time, and after the newer rows before it
        goes = np.empty(new_n, np.int64)
        for low in range(0, new_n, step):
            high = min(low + step, new_n)
            goes[low:high] = older.grid.first_after_each(newer.ship[low:high], newer.occurred[low:high], older.occurred)
            goes[low:high] += np.arange(low, high)
            yield
        first, last = min(older.grid.first, newer.grid.first), max(older.grid.last, newer.grid.last)
        ships = max(older.grid.ships, newer.grid.ships)
        plan = GridPlan(n, ships, first, last)
        counting = _CellCount(first, last, density_cells) if density_cells is not None else None
        columns = [(older.ship, newer.ship), (older.occurred, newer.occurred), (older.recorded, newer.recorded),
                   *((older.values[name], newer.values[name]) for name in older.values)]
        merged = [np.empty(n, old.dtype) for old, _ in columns]
        for low in range(0, n, step):
            high = min(low + step, n)
            new_low, new_high = np.searchsorted(goes, [low, high])
            newer_at = goes[new_low:new_high] - low
            older_at = np.ones(high - low, bool)  # a mask: faster to write through than row numbers
            older_at[newer_at] = False
            old_low, old_high = low - new_low, high - new_high
            for out, (old, new) in zip(merged, columns):
                part = out[low:high]
                part[newer_at] = new[new_low:new_high]
                part[older_at] = old[old_low:old_high]
            plan.count(merged[0][low:high], merged[1][low:high])
            plan.touch(high / n)
            if counting is not None:
                counting.count(merged[1][low:high])
            yield
        del goes
        ships_a_step = max(1, step // plan.buckets)
        for low in range(0, ships, ships_a_step):
            plan.fill(low, min(low + ships_a_step, ships))
            yield
        ship, occurred, recorded, *values = merged
        self.result = SortedRows(ship, occurred, recorded, dict(zip(older.values, values)), plan.grid(),
                                 None if counting is None else counting.cells())


def merged(older: SortedRows, newer: SortedRows, density_cells: int | None = None) -> SortedRows:
    """The two blocks merged now, in one go (for small blocks, or when everything must be sorted at once)."""
    return Merge(older, newer, density_cells, 1 << 22).finish()


class _CellCount:
    """Rows counted by ``cells`` equal time cells over [first, last], a piece at a time."""

    def __init__(self, first: int, last: int, cells: int):
        self.first = first
        self.count_of = np.zeros(min(cells, last - first + 1), np.int64)
        self.width = (last - first) // len(self.count_of) + 1

    def count(self, occurred: np.ndarray) -> None:
        self.count_of += np.bincount((occurred - self.first) // self.width, minlength=len(self.count_of))

    def cells(self) -> Cells:
        return self.first, self.width, self.count_of
