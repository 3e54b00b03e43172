"""Building the temporal index from the log: a snapshot when one still matches the log, then the tail.

Snapshots are caches, never truth: one whose position no longer carries the same hash in the log is
ignored and the index is rebuilt from the events.
"""
from __future__ import annotations

import logging
from typing import BinaryIO, Callable, Protocol

import numpy as np

from domain.events import RecordedEvent
from domain.progress import PositionProgress as Progress
from domain.temporal_index import TemporalIndex
from store import EventStore
from store.collector import collector_paused
from store.position_blocks import read_for_index

SNAPSHOT_NAME = "temporal-index"
log = logging.getLogger(__name__)


class FoldingIndex(Protocol):
    """What the log is folded into: a ``TemporalIndex``, or an import's ``SpilledIndex``."""

    @property
    def log_position(self) -> int: ...

    def add(self, recorded: RecordedEvent) -> None: ...

    def extend_positions(self, mmsi: np.ndarray, occurred: np.ndarray, recorded: np.ndarray, lat: np.ndarray,
                         lon: np.ndarray, sog: np.ndarray, cog: np.ndarray, heading: np.ndarray, status: np.ndarray,
                         last_position: int) -> None: ...

    def compact(self) -> None: ...


class IndexBuildCancelled(Exception):
    """The caller asked the build to stop (a newer request, or the window closing)."""


def open_index(store: EventStore, *, use_snapshot: bool = True, progress: Progress | None = None,
               cancelled: Callable[[], bool] = lambda: False) -> TemporalIndex:
    """The index of everything in the log now: snapshot (if still valid) plus the events after it."""
    index = TemporalIndex()
    if use_snapshot:
        snapshot = store.load_snapshot(SNAPSHOT_NAME)
        if snapshot is not None:
            try:
                index = TemporalIndex.from_bytes(snapshot[1])
            except (ValueError, KeyError, OSError) as error:
                log.warning("ignoring an unreadable index snapshot: %s", error)
                index = TemporalIndex()
    catch_up(store, index, progress=progress, cancelled=cancelled)
    return index


def catch_up(store: EventStore, index: FoldingIndex, *, progress: Progress | None = None,
             cancelled: Callable[[], bool] = lambda: False) -> None:
    """Fold every event after ``index.log_position`` into the index."""
    head = store.head().position
    with collector_paused():
        _fold_log(store, index, head, progress, cancelled)
    index.compact()
    if progress is not None:
        progress(head, head)


def _fold_log(store: EventStore, index: FoldingIndex, head: int, progress: Progress | None,
              cancelled: Callable[[], bool]) -> None:
    for item in read_for_index(store, index.log_position + 1):
        if cancelled():
            raise IndexBuildCancelled()
        if isinstance(item, RecordedEvent):
            index.add(item)
            continue
        index.extend_positions(item.mmsi, item.occurred, item.recorded, item.lat, item.lon, item.sog, item.cog,
                               item.heading, item.status, item.last_position)
        if progress is not None:
            progress(item.last_position, head)


def save_snapshot(store: EventStore, index: TemporalIndex) -> bool:
    """Store the index as a snapshot tied to the log position (and its hash) it reflects."""
    if store.read_only or index.log_position == 0:
        return False
    return save_snapshot_bytes(store, index.log_position, index.to_bytes())


def save_snapshot_file(store: EventStore, position: int, file: BinaryIO, size: int) -> bool:
    """Store the first ``size`` bytes of ``file`` (an index's snapshot at log ``position``), read a piece at a
    time, as the snapshot, tied to the hash at ``position``."""
    if store.read_only or position == 0:
        return False
    digest = store.hash_at(position)
    if digest is None:
        return False
    store.save_snapshot_file(SNAPSHOT_NAME, position, digest, file, size)
    return True


def save_snapshot_bytes(store: EventStore, position: int, data: bytes) -> bool:
    """Store ``data`` (an index's bytes at log ``position``) as the snapshot, tied to the hash at ``position``."""
    if store.read_only or position == 0:
        return False
    digest = store.hash_at(position)
    if digest is None:
        return False
    store.save_snapshot(SNAPSHOT_NAME, position, digest, data)
    return True
