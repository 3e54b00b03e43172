"""An import that leaves the index snapshot behind, so the first ``state`` or ``gui`` after it is ready at once.

Building the temporal index from a log of millions of events takes a minute; folding the events an import
appends, while it still holds them, takes a few seconds. The import's index starts from the store's
snapshot (caught up to the head of the log, never rebuilt when one matches), takes in each batch the
moment it is committed, and is saved as the snapshot at the end. A batch that does not follow the index's
position (another writer appended in between) is read back from the log instead, so the snapshot is always
the log's own fold at its position.
"""
from __future__ import annotations

import logging
from typing import Callable

import numpy as np

from domain import ais
from domain.events import NewEvent, PositionReported
from domain.progress import PositionProgress
from domain.temporal_index import TemporalIndex
from app.fleet_index import catch_up, open_index, save_snapshot
from store import AppendResult, EventStore, StoreError

_NOT_AVAILABLE = -1
_STATUS_CODES = ais.NAV_STATUS_CODES
log = logging.getLogger(__name__)


class ImportIndex:
    """The temporal index following one import's appends; ``append`` is the import's write."""

    def __init__(self, store: EventStore, *, progress: PositionProgress | None = None,
                 cancelled: Callable[[], bool] = lambda: False):
        """Open the index (snapshot plus the events after it); raises ``IndexBuildCancelled`` when asked to
        stop before it is ready, with nothing written."""
        self._store = store
        self.index = open_index(store, progress=progress, cancelled=cancelled)

    def append(self, events: list[NewEvent] | tuple[NewEvent, ...]) -> AppendResult:
        """Append a batch to the store, then fold what was appended into the index."""
        result = self._store.append_batch(events)
        head = result.head
        if head is None:
            return result
        first = head.position - result.count + 1
        if first != self.index.log_position + 1:  # someone else wrote in between: read it all from the log
            catch_up(self._store, self.index)
        else:
            _fold(self.index, result)
        return result

    def save(self) -> bool:
        """Store the index as the snapshot (at the position it has reached); False when it cannot be saved
        (a full disk, a busy store: the import's events are committed all the same, and the next reader
        catches up from the older snapshot)."""
        try:
            return save_snapshot(self._store, self.index)
        except StoreError as error:
            log.warning("the index snapshot was not saved: %s", error)
            return False


def _fold(index: TemporalIndex, result: AppendResult) -> None:
    """Fold a committed batch in, in log order: runs of position reports as columns, the rest one by one."""
    written = result.written
    head = result.head
    assert head is not None
    first = head.position - result.count + 1
    start = 0
    for at, item in enumerate(written):
        if type(item.event) is not PositionReported:
            if at > start:
                _fold_positions(index, written[start:at], first + at - 1)
            index.add(result.recorded(at))
            start = at + 1
    if start < len(written):
        _fold_positions(index, written[start:], head.position)


def _fold_positions(index: TemporalIndex, items, last_position: int) -> None:
    """Position reports in the index's units (``domain.temporal_index.POSITION_COLUMNS``)."""
    reports = [item.event for item in items]
    n = len(reports)
    none = _NOT_AVAILABLE
    index.extend_positions(
        np.fromiter((r.mmsi for r in reports), np.int64, n),
        np.fromiter((r.occurred_at for r in reports), np.int64, n),
        np.fromiter((item.recorded_at for item in items), np.int64, n),
        np.fromiter((round(r.lat * 10_000_000) for r in reports), np.int64, n).astype(np.int32),
        np.fromiter((round(r.lon * 10_000_000) for r in reports), np.int64, n).astype(np.int32),
        np.fromiter((none if r.sog is None else round(r.sog * 10) for r in reports), np.int64, n),
        np.fromiter((none if r.cog is None else round(r.cog * 10) for r in reports), np.int64, n),
        np.fromiter((none if r.heading is None else r.heading for r in reports), np.int64, n),
        np.fromiter((none if r.nav_status is None else _STATUS_CODES[r.nav_status] for r in reports), np.int64, n),
        last_position)
