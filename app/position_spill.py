"""Position reports kept in a file while an import runs, and handed back a range of ships at a time.

A national day is ten million reports; the import's index keeps them here instead of in memory (35 bytes a
report, in the index's own units and types, in log order), counts them by ship as they come, and at the
end sorts them out into one file per range of ships, so the snapshot is written one range at a time.
"""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Iterator, Mapping

import numpy as np

from domain.temporal_index import POSITION_COLUMNS, Rows

REPORT_ROW = np.dtype([("ship", np.int32), ("occurred", np.int64), ("recorded", np.int64), *POSITION_COLUMNS.items()])
_SORTING_ROWS = 1 << 18  # reports read at once while sorting the file out by ranges of ships


class PositionSpill:
    """Reports appended in log order to ``folder/reports``; ``by_ranges`` gives them back by ship ranges."""

    def __init__(self, folder: Path):
        self._folder = folder
        self._path = folder / "reports"
        self._file: BinaryIO = open(self._path, "ab")
        self.counts = np.zeros(0, np.int64)  # reports by ship slot
        self.rows = 0

    def append(self, ship: np.ndarray, occurred: np.ndarray, recorded: np.ndarray,
               values: Mapping[str, np.ndarray]) -> None:
        """Keep a run of reports (ship slots, times, ``POSITION_COLUMNS``), after those kept before."""
        rows = np.empty(len(ship), REPORT_ROW)
        rows["ship"], rows["occurred"], rows["recorded"] = ship, occurred, recorded
        for name in POSITION_COLUMNS:
            rows[name] = values[name]
        self._file.write(rows.tobytes())
        if len(ship):
            seen = np.bincount(ship, minlength=len(self.counts))
            seen[:len(self.counts)] += self.counts
            self.counts = seen
        self.rows += len(ship)

    def by_ranges(self, edges: np.ndarray) -> Iterator[Rows]:
        """The reports of ships ``edges[i] <= slot < edges[i + 1]``, range after range, each in log order
        (the file is read once, to sort the reports out into a file per range)."""
        self._file.flush()
        ranges = len(edges) - 1
        paths = [self._folder / f"reports-{number}" for number in range(ranges)]
        files = [open(path, "wb") for path in paths]
        try:
            with open(self._path, "rb") as source:
                while len(rows := np.fromfile(source, REPORT_ROW, _SORTING_ROWS)):
                    number = np.searchsorted(edges, rows["ship"], side="right") - 1
                    if number.min() < 0 or number.max() >= ranges:
                        raise ValueError("a kept report's ship is outside the ranges asked for")
                    order = np.argsort(number, kind="stable")
                    bounds = np.searchsorted(number[order], np.arange(ranges + 1))
                    for at in np.flatnonzero(np.diff(bounds)):
                        files[at].write(rows[order[bounds[at]:bounds[at + 1]]].tobytes())
        finally:
            for file in files:
                file.close()
        for path in paths:
            rows = np.fromfile(path, REPORT_ROW)
            path.unlink()
            yield rows["ship"], rows["occurred"], rows["recorded"], {name: rows[name] for name in POSITION_COLUMNS}

    def close(self) -> None:
        self._file.close()
