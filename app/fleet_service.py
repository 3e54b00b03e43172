"""FleetService: one open store, its temporal index and its bus — append and publish, and the index kept
current with every batch (the index is folded before the subscribers hear of it).

Nothing else lives here: the use cases are shaped by role (``app.fleet_view``, ``app.alert_desk``,
``app.zone_desk``, ``app.logbook``, ``app.imports``, ``app.report_export``) and take from this object only
what they need — its ``append``, its ``store`` to read, or the index through ``reading()``.

Locks: the store's write runs outside the lock the readers of the index take, so a scrub on the GUI thread
never waits for an import batch to be written; only folding a committed batch into the index is under it,
a few hundred events per hold (a reader in between sees the index at a prefix of the log). Appends of this
process go one at a time, so batches fold in log order; a batch whose first position is not the next one
(another process appended in between) is folded after a catch-up.
"""
from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Sequence

from app.event_bus import EventBus, Subscriber
from app.fleet_index import Progress, catch_up, open_index, save_snapshot_bytes
from domain.events import NewEvent, RecordedEvent
from domain.temporal_index import TemporalIndex
from store import AppendResult, EventStore, StoreError

log = logging.getLogger(__name__)

FOLD_CHUNK = 500  # events folded per hold of the index's lock (about 10 ms): the longest a scrub waits for a fold


class FleetService:
    """One store, its index and its bus."""

    def __init__(self, store: EventStore, bus: EventBus, index: TemporalIndex):
        self.store = store
        self.bus = bus
        self._index = index
        self._stored_position = index.snapshot_position  # the log position the stored snapshot reflects
        self._lock = threading.RLock()          # the index: held by readers and by folding, never across a write
        self._write_lock = threading.Lock()     # one append at a time here, so batches fold in log order

    @classmethod
    def open(cls, store: EventStore, *, bus: EventBus | None = None, progress: Progress | None = None,
             cancelled: Callable[[], bool] = lambda: False) -> "FleetService":
        """Build the index (from a snapshot when one matches) and return the service."""
        index = open_index(store, progress=progress, cancelled=cancelled)
        return cls(store, bus or EventBus(), index)

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    @property
    def event_count(self) -> int:
        """The log position the index reflects."""
        return self._index.log_position

    # --- writing --------------------------------------------------------------------------------------------

    def append(self, new_events: Iterable[NewEvent], *, expected: tuple[str, int] | None = None) -> AppendResult:
        """Append a batch (dedupe applies), fold it into the index, then tell the subscribers. With
        ``expected`` (stream, version) the batch is all on that stream, which must be at that version
        (else the store's ``ConcurrencyError``)."""
        with self._write_lock:  # the store's write runs while readers of the index carry on
            if expected is None:
                result = self.store.append_batch(new_events)
            else:
                result = self.store.append(expected[0], list(new_events), expected[1])
            news: Sequence[RecordedEvent] = result.appended
            if result.count:
                news = self._fold(result.appended)
        self.bus.publish(news)
        return result

    def _fold(self, appended: Sequence[RecordedEvent]) -> Sequence[RecordedEvent]:
        """Fold a committed batch into the index, ``FOLD_CHUNK`` events per hold of the index's lock: a reader
        waits for one chunk at most, and sees the index at a prefix of the log (positions in order).

        Returns what the subscribers must hear: the batch, or, when another process appended in between (a
        shared store, a second writer), everything folded by the catch-up, in log order — the other writers'
        events included, which the next ``refresh`` would no longer see as new."""
        with self._lock:
            before = self._index.log_position
            if appended[0].position != before + 1:
                catch_up(self.store, self._index)  # another process appended in between
                return list(self.store.read_all(before + 1, to_position=self._index.log_position))
        for start in range(0, len(appended), FOLD_CHUNK):
            with self._lock:
                for recorded in appended[start:start + FOLD_CHUNK]:
                    self._index.add(recorded)
            time.sleep(0)  # a lock is not fair: let a reader that waits have it before the next chunk
        return appended

    def refresh(self) -> int:
        """Fold in events other processes appended; returns how many were new."""
        with self._write_lock, self._lock:  # in order with this process's own appends
            before = self._index.log_position
            if self.store.head().position == before:
                return 0
            catch_up(self.store, self._index)
            after = self._index.log_position
        self.bus.publish(list(self.store.read_all(before + 1, to_position=after)))
        return after - before

    def save_snapshot(self) -> bool:
        """Store the index as a snapshot (a cache for a fast next start); the bytes are taken under the
        index's lock, the write to the store is made outside it."""
        if self.store.read_only:
            return False
        with self._lock:
            if self._index.log_position == self._stored_position:
                return False  # the stored snapshot is this index already (at 10 million reports, 100 MB to write)
            position, data = self._index.log_position, self._index.to_bytes()
        self._save_occurred_spans()  # with the index, when the log has grown: an unchanged log asks nothing of the store
        saved = save_snapshot_bytes(self.store, position, data)
        if saved:
            self._stored_position = position
        return saved

    def _save_occurred_spans(self) -> None:
        """Save the time spans of the log's blocks learned since (from appends and the event log's searches):
        the next session's first search of a time window starts knowing them. A cache: a failure is logged."""
        try:
            self.store.save_occurred_spans()
        except StoreError as error:
            log.warning("the spans of the log's blocks were not saved: %s", error)

    # --- hearing and reading --------------------------------------------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call ``subscriber`` (from the appending thread) with each committed batch; returns the unsubscribe."""
        return self.bus.subscribe(subscriber)

    def publish(self, events: Sequence[RecordedEvent]) -> None:
        self.bus.publish(events)

    @contextmanager
    def reading(self) -> Iterator[TemporalIndex]:
        """The index, held still while the ``with`` block reads it (never across a store write)."""
        with self._lock:
            yield self._index
