"""Row bookkeeping shared by the table models: the contiguous runs a set of rows falls into, so a model
removes or inserts rows in as few ``beginRemoveRows``/``beginInsertRows`` calls as there are runs."""
from __future__ import annotations

from typing import Iterable


def contiguous_runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) contiguous ranges: [2, 3, 4, 7] gives [(2, 4), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
