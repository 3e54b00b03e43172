"""An import that leaves the index snapshot behind, so the first ``state`` or ``gui`` after it is ready at once.

Building the temporal index from a log of millions of events takes a minute; folding the events an import
appends, while it still holds them, takes a few seconds. The import's index starts from the store's
snapshot (caught up to the head of the log, never rebuilt when one matches), takes in each batch the
moment it is committed, and is saved as the snapshot at the end. A batch that does not follow the index's
position (another writer appended in between) is read back from the log instead, so the snapshot is always
the log's own fold at its position.

The index is a ``SpilledIndex``: its position reports wait on disk, in a folder beside the store (removed
when the import ends, however it ends), so that the import's memory does not grow with the day it imports.
"""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable, Sequence, cast

import numpy as np

from domain.events import NewEvent, PositionReported
from domain.events.report_entries import Appendable, ReportEntry
from domain.progress import PositionProgress
from domain.temporal_index import TemporalIndex
from app.fleet_index import SNAPSHOT_NAME, catch_up, save_snapshot_file
from app.spilled_index import SpilledIndex, entry_columns, report_columns
from store import AppendResult, EventStore, StoreError

log = logging.getLogger(__name__)


class ImportIndex:
    """The temporal index following one import's appends; ``append`` is the import's write. ``save`` is the
    last thing asked of it; ``close`` (or leaving ``with``) removes its files if the import ends before."""

    def __init__(self, store: EventStore, *, progress: PositionProgress | None = None,
                 cancelled: Callable[[], bool] = lambda: False):
        """Open the index (snapshot plus the events after it); raises ``IndexBuildCancelled`` when asked to
        stop before it is ready, with nothing written."""
        self._store = store
        self._folder = _index_folder(store)
        self._broken: str | None = None
        self._start: BinaryIO | None = None
        self._index: SpilledIndex
        try:
            self._index = self._open()
            catch_up(store, self._index, progress=progress, cancelled=cancelled)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> "ImportIndex":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def log_position(self) -> int:
        """The log position the index has folded up to."""
        return self._index.log_position

    def append(self, events: Sequence[Appendable]) -> AppendResult:
        """Append a batch to the store, then fold what was appended into the index."""
        result = self._store.append_batch(events)
        head = result.head
        if head is None or self._broken is not None:
            return result
        first = head.position - result.count + 1
        try:
            if first != self._index.log_position + 1:  # someone else wrote in between: read it all from the log
                catch_up(self._store, self._index)
            else:
                _fold(self._index, result)
        except OSError as error:  # the batch is committed all the same: only the snapshot is given up
            self._give_up(f"its reports could not be kept on disk: {error}")
        return result

    def save(self) -> bool:
        """Store the index as the snapshot (at the position it has reached) and remove the index's files;
        False when it cannot be saved (a full disk, a busy store: the import's events are committed all the
        same, and the next reader catches up from the older snapshot)."""
        try:
            if self._broken is not None:
                log.warning("the index snapshot was not saved: %s", self._broken)
                return False
            if self._store.read_only or self._index.log_position == 0:
                return False
            with open(Path(self._folder.name) / "snapshot", "w+b") as out:
                self._index.write_snapshot(out)
                self._index.close()
                return save_snapshot_file(self._store, self._index.log_position, out, out.tell())
        except StoreError as error:
            log.warning("the index snapshot was not saved: %s", error)
            return False
        except (OSError, ValueError) as error:  # no room for the snapshot's files, a damaged start snapshot
            log.warning("the index snapshot was not saved: it could not be written: %s", error)
            return False
        finally:
            self.close()

    def close(self) -> None:
        """Remove the index's files (again: nothing)."""
        if hasattr(self, "_index"):  # not when the start snapshot could not be read
            self._index.close()
        self._close_start()
        self._folder.cleanup()

    def _open(self) -> SpilledIndex:
        """The index from the store's snapshot, copied into the index's folder; from nothing when there is
        none or it is unreadable (the index is then read from the whole log)."""
        folder = Path(self._folder.name)
        path = folder / "start"
        with open(path, "wb") as copy:
            if self._store.load_snapshot_into(SNAPSHOT_NAME, copy) is None:
                return SpilledIndex(folder)
        try:
            return SpilledIndex(folder, self._opened(path))
        except (ValueError, KeyError) as error:
            problem = error
        self._close_start()
        try:  # a snapshot of an older format: rewritten in today's (it is loaded whole, once)
            path.write_bytes(TemporalIndex.from_bytes(path.read_bytes()).to_bytes())
            return SpilledIndex(folder, self._opened(path))
        except (ValueError, KeyError, OSError, EOFError) as again:
            log.warning("ignoring an unreadable index snapshot: %s (%s)", problem, again)
        self._close_start()
        return SpilledIndex(folder)

    def _opened(self, path: Path) -> BinaryIO:
        self._close_start()
        self._start = open(path, "rb")
        return self._start

    def _close_start(self) -> None:
        if self._start is not None:
            self._start.close()
            self._start = None

    def _give_up(self, reason: str) -> None:
        log.warning("the index snapshot will not be saved: %s", reason)
        self._broken = reason
        self.close()


def _index_folder(store: EventStore) -> tempfile.TemporaryDirectory[str]:
    """A new folder for the index's files beside the store's file (the disk chosen for the log has room for
    its index), or in the system's temporary folder for a server store, one in memory, or a folder that
    cannot be written."""
    if store.path is not None:
        try:
            return tempfile.TemporaryDirectory(prefix=".fleet-import-index-", dir=Path(store.path).resolve().parent)
        except OSError as error:
            log.info("the index's files go to the temporary folder: %s", error)
    return tempfile.TemporaryDirectory(prefix="fleet-import-index-")


def _fold(index: SpilledIndex, result: AppendResult) -> None:
    """Fold a committed batch in, in log order: runs of position reports as columns (a run of entries, or of
    events: a report heard by several stations, a file read in this process), the rest one by one."""
    written = result.written
    head = result.head
    assert head is not None
    first = head.position - result.count + 1
    start, entries = 0, True  # the run of reports in hand, and whether it is of entries

    def fold_run(end: int) -> None:
        if end > start:
            index.extend_positions(*_run_columns(written[start:end], entries), first + end - 1)

    for at, item in enumerate(written):
        if type(item) is tuple:
            if not entries:
                fold_run(at)
                start, entries = at, True
        elif type(item.event) is PositionReported:  # type: ignore[union-attr]
            if entries:
                fold_run(at)
                start, entries = at, False
        else:
            fold_run(at)
            index.add(result.recorded(at))
            start = at + 1
    fold_run(len(written))


def _run_columns(run: Sequence[Appendable], entries: bool) -> tuple[np.ndarray, ...]:
    """The index columns of a run of position reports: all of them entries, or all events."""
    if entries:
        return entry_columns(cast(Sequence[ReportEntry], run))
    events = cast(Sequence[NewEvent], run)
    return report_columns([item.event for item in events], [item.recorded_at for item in events])
