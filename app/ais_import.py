"""Importing AIS files: stream each file through its reader, decide the log entries, append them in batches.

Each batch is one transaction, so an import stopped at any point (Ctrl+C, a kill, a power cut) leaves the
log consistent; because every observation carries a dedupe key, running the same import again appends
only what is missing. Files are checked before anything is written: a layout that cannot be recognised or
an NMEA file without any time refuses the whole command with the file named.
"""
from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from app.fleet_service import default_operator
from app.observation_recorder import DEFAULT_FUTURE_TOLERANCE, Decisions, ObservationRecorder, known_particulars
from domain.events import NewEvent
from domain.time import now_micros
from feeds.formats import open_reader
from feeds.readers import ObservationReader
from store import AppendResult, EventStore

DEFAULT_BATCH = 5_000


class ImportRefused(ValueError):
    """An input that cannot be imported at all (unknown layout, no time, unreadable); nothing was written."""


@dataclass(frozen=True)
class ImportOptions:
    """How to read the files: format ('auto' detects it), an explicit CSV column mapping, and for NMEA files
    with no time of their own an assumed start (µs) and sentence rate."""

    format: str = "auto"
    columns: Mapping[str, str] | None = None
    assume_start: int | None = None
    rate_hz: float | None = None
    future_tolerance: int = DEFAULT_FUTURE_TOLERANCE
    batch_size: int = DEFAULT_BATCH


@dataclass(frozen=True)
class ImportProgress:
    """Where an import is: the file, how far through all files (bytes on disk) and what it has done."""

    file: str
    file_number: int
    files: int
    bytes_done: int
    bytes_total: int
    read: int
    appended: int
    quarantined: int
    seconds: float

    @property
    def fraction(self) -> float:
        return self.bytes_done / self.bytes_total if self.bytes_total else 1.0


@dataclass
class ImportSummary:
    """The result of an import, as the final JSON line prints it."""

    read: int = 0
    appended: int = 0
    duplicates: int = 0
    quarantined: int = 0
    skipped_types: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    cancelled: bool = False

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"read": self.read, "appended": self.appended, "duplicates": self.duplicates,
                                    "quarantined": self.quarantined,
                                    "skipped_types": dict(sorted(self.skipped_types.items())),
                                    "seconds": round(self.seconds, 3)}
        if self.cancelled:
            document["cancelled"] = True
        return document


def check_inputs(paths: Sequence[str | Path], options: ImportOptions) -> None:
    """Open every file's reader once, so a bad file refuses the import before anything is written."""
    problems = []
    for path in paths:
        try:
            open_reader(path, format=options.format, columns=options.columns, assume_start=options.assume_start,
                        rate_hz=options.rate_hz).close()
        except (OSError, ValueError) as error:
            problems.append(str(error) if str(path) in str(error) else f"{path}: {error}")
    if problems:
        raise ImportRefused("; ".join(problems))


def import_files(store: EventStore, paths: Sequence[str | Path], options: ImportOptions = ImportOptions(), *,
                 append: Callable[[Sequence[NewEvent]], AppendResult] | None = None,
                 progress: Callable[[ImportProgress], None] | None = None,
                 cancelled: Callable[[], bool] = lambda: False, clock: Callable[[], int] = now_micros,
                 operator: str | None = None) -> ImportSummary:
    """Import ``paths`` into ``store`` in order and return the summary.

    ``append`` defaults to the store's own batch append; the GUI passes its service's, so the map and the
    index follow the import. ``cancelled`` is asked between batches: a cancelled import keeps every batch
    already committed and says so in the summary.
    """
    check_inputs(paths, options)
    started = time.monotonic()
    write = append or store.append_batch
    summary = ImportSummary()
    particulars = known_particulars(store)
    sizes = [_size(path) for path in paths]
    who = operator or default_operator()
    for number, path in enumerate(paths, 1):
        reader = open_reader(path, format=options.format, columns=options.columns, assume_start=options.assume_start,
                             rate_hz=options.rate_hz)
        try:
            recorder = ObservationRecorder(reader.kind, particulars, clock=clock,
                                           future_tolerance=options.future_tolerance,
                                           metadata={"source": "import", "file": reader.name, "format": reader.kind,
                                                     "operator": who})
            done_before = sum(sizes[:number - 1])

            def report() -> None:
                if progress is not None:
                    progress(ImportProgress(reader.name, number, len(paths), done_before + reader.bytes_read,
                                            sum(sizes), summary.read + reader.lines_read, summary.appended,
                                            summary.quarantined, time.monotonic() - started))

            stopped = _import_one(reader, recorder, store, write, summary, options.batch_size, report, cancelled)
            summary.read += reader.lines_read
        finally:
            reader.close()
        if stopped:
            summary.cancelled = True
            break
    summary.seconds = time.monotonic() - started
    return summary


def _import_one(reader: ObservationReader, recorder: ObservationRecorder, store: EventStore,
                write: Callable[[Sequence[NewEvent]], AppendResult], summary: ImportSummary, batch_size: int,
                report: Callable[[], None], cancelled: Callable[[], bool]) -> bool:
    """Stream one reader into the log; True when stopped by ``cancelled``.

    Reading and deciding run here while the previous batch is written on a second thread: SQLite lets go
    of the interpreter while it writes, so on two cores the parsing of one batch overlaps the commit of
    the one before. Batches are still committed one at a time, in file order.
    """
    writer = _BatchWriter(store, write, summary, report)
    stopped = False
    try:
        pending: list = []
        for seen in reader:
            pending.append(seen)
            if len(pending) >= batch_size:
                writer.put(_decided(recorder, pending, summary))
                pending = []
                if cancelled():
                    stopped = True
                    break
        if not stopped:
            writer.put(_decided(recorder, pending, summary))
    finally:
        writer.close()
    return stopped


def _decided(recorder: ObservationRecorder, pending: list, summary: ImportSummary) -> Decisions:
    decisions = Decisions(skipped=summary.skipped_types)
    recorder.decide(pending, decisions)
    return decisions


class _BatchWriter:
    """Commits decided batches in order on its own thread; a failure stops the import at the next batch."""

    def __init__(self, store: EventStore, write: Callable[[Sequence[NewEvent]], AppendResult],
                 summary: ImportSummary, report: Callable[[], None]):
        self._store, self._write, self._summary, self._report = store, write, summary, report
        self._queue: queue.Queue[Decisions | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="import writer")
        self._thread.start()

    def put(self, decisions: Decisions) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(decisions)

    def close(self) -> None:
        """Commit what is queued, stop the thread, and raise what made it fail, if anything did."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while True:
            decisions = self._queue.get()
            if decisions is None:
                return
            if self._error is not None:
                continue  # drain: nothing more is written after a failure
            try:
                self._commit(decisions)
                self._report()
            except BaseException as error:  # handed to the reading thread, which raises it
                self._error = error

    def _commit(self, decisions: Decisions) -> None:
        summary = self._summary
        if decisions.events:
            result = self._write(decisions.events)
            summary.appended += result.count
            summary.duplicates += result.duplicates
        if decisions.quarantine:
            self._store.quarantine(decisions.quarantine)  # a record quarantined by an earlier run is not added twice
            summary.quarantined += len(decisions.quarantine)


def _size(path: str | Path) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0
