"""Importing AIS files: stream each file through its reader, decide the log entries, append them in batches.

Each batch is one transaction, so an import stopped at any point (Ctrl+C, a kill, a power cut) leaves the
log consistent; because every observation carries a dedupe key, running the same import again appends
only what is missing. Files are checked before anything is written: a layout that cannot be recognised or
an NMEA file without any time refuses the whole command with the file named.

What the summary says was written is what was committed: a batch is counted once its transaction is done.
An import stopped by an error part-way (the store full or failing, the reading process failing) raises
``ImportFailed`` carrying the summary of what was committed before it; a file that ends early (a truncated
or damaged archive) keeps what was read, is named in the summary's ``ended_early`` with where it ended,
and the next file is read. Every line read lands in exactly one of the summary's ``lines`` buckets
(``LINE_BUCKETS``), so ``read`` is their sum.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from app.operator import default_operator
from app.import_reading import PARALLEL_FROM_BYTES, ReadingFailed, ReadingJob, read_in_child
from app.observation_recorder import (
    ALREADY_IN_LOG, DEFAULT_FUTURE_TOLERANCE, QUARANTINED, SKIPPED, STORED, UNCHANGED, Decisions,
    ObservationRecorder, ParticularsHistory, append_redeciding_lost_registrations, known_particulars,
    remember_particulars,
)
from domain.events.report_entries import Appendable
from domain.time import now_micros
from feeds.formats import open_reader
from feeds.input_files import InputEndedEarly
from feeds.readers import PASSED_OVER
from store import AppendResult, EventStore, StoreError

# Observations decided and appended per transaction. Each ship's events sit together in the log's
# (stream, version) index, so a transaction writes a page of it for every ship it touches: a national feed's
# 10,000 ships, one report a minute each, put about one event on each of those pages in a batch of 5,000, and
# the store wrote (and checkpointed) a 4 KiB page per event once the index outgrew the ships (imports slowed
# from 36,000 to 22,000 rows a second by the third million). Ten times as many per transaction share each page
# among several reports of a ship, and the rate holds with the log's size.
DEFAULT_BATCH = 50_000
LINE_BUCKETS: tuple[str, ...] = (STORED, ALREADY_IN_LOG, UNCHANGED, QUARANTINED, SKIPPED, *PASSED_OVER)


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
    parallel: bool | None = None  # None: read big files in a second process


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
    """The result of an import, as the final JSON line prints it.

    ``read`` counts the lines read, and ``lines`` what became of each (``LINE_BUCKETS``; they add up to
    ``read``). ``appended`` and ``duplicates`` count events (a line may give several: a position and a
    registration), ``quarantined`` the records set aside (a row may set aside two bad fields and still be
    stored), ``skipped_types`` the skipped records by what they were. ``ended_early`` names each file that
    ended before its end and where.
    """

    read: int = 0
    lines: Counter[str] = field(default_factory=Counter)
    appended: int = 0
    duplicates: int = 0
    quarantined: int = 0
    skipped_types: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    cancelled: bool = False
    ended_early: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"read": self.read,
                                    "lines": {name: self.lines.get(name, 0) for name in LINE_BUCKETS},
                                    "appended": self.appended, "duplicates": self.duplicates,
                                    "quarantined": self.quarantined,
                                    "skipped_types": dict(sorted(self.skipped_types.items())),
                                    "seconds": round(self.seconds, 3)}
        if self.ended_early:
            document["ended_early"] = list(self.ended_early)
        if self.cancelled:
            document["cancelled"] = True
        return document


class ImportFailed(Exception):
    """An import stopped part-way by an error: ``summary`` is what was committed before it (it stays in the
    log; running the same import again appends what is missing)."""

    def __init__(self, message: str, summary: ImportSummary):
        super().__init__(message)
        self.summary = summary


@dataclass(frozen=True)
class _Input:
    path: str
    name: str
    kind: str
    size: int


def check_inputs(paths: Sequence[str | Path], options: ImportOptions) -> list[_Input]:
    """Open every file's reader once, so a bad file refuses the import before anything is written."""
    problems, inputs = [], []
    for path in paths:
        try:
            reader = open_reader(path, format=options.format, columns=options.columns,
                                 assume_start=options.assume_start, rate_hz=options.rate_hz)
        except (OSError, ValueError) as error:
            problems.append(str(error) if str(path) in str(error) else f"{path}: {error}")
            continue
        inputs.append(_Input(str(path), reader.name, reader.kind, reader.total_bytes or 0))
        reader.close()
    if problems:
        raise ImportRefused("; ".join(problems))
    return inputs


def import_files(store: EventStore, paths: Sequence[str | Path], options: ImportOptions = ImportOptions(), *,
                 append: Callable[[Sequence[Appendable]], AppendResult] | None = None,
                 progress: Callable[[ImportProgress], None] | None = None,
                 cancelled: Callable[[], bool] = lambda: False, clock: Callable[[], int] = now_micros,
                 operator: str | None = None) -> ImportSummary:
    """Import ``paths`` into ``store`` in order and return the summary.

    ``append`` defaults to the store's own batch append; the GUI passes its service's, so the map and the
    index follow the import. ``cancelled`` is asked between batches: a cancelled import keeps every batch
    already committed and says so in the summary. Files of ``PARALLEL_FROM_BYTES`` or more are read in a
    second process (unless ``options.parallel`` says otherwise, or a test clock is given). Raises
    ``ImportRefused`` before writing anything, or ``ImportFailed`` with what was committed.
    """
    inputs = check_inputs(paths, options)
    particulars = known_particulars(store)
    run = _ImportRun(store, append or store.append_batch, particulars, progress, time.monotonic(), len(inputs),
                     sum(item.size for item in inputs))
    who = operator or default_operator()
    for number, item in enumerate(inputs, 1):
        metadata = {"source": "import", "file": item.name, "format": item.kind, "operator": who}
        parallel = options.parallel if options.parallel is not None else (
            item.size >= PARALLEL_FROM_BYTES and clock is now_micros)
        run.begin_file(item, number)
        try:
            if parallel:
                stopped = _import_in_child(item, options, particulars, metadata, run, cancelled)
            else:
                stopped = _import_here(item, options, particulars, metadata, clock, run, cancelled)
        except (StoreError, OSError, ReadingFailed) as error:
            run.summary.seconds = time.monotonic() - run.started
            shown = str(error) if item.name in str(error) or item.path in str(error) else f"{item.name}: {error}"
            raise ImportFailed(shown, run.summary) from error
        if stopped:
            run.summary.cancelled = True
            break
    run.summary.seconds = time.monotonic() - run.started
    return run.summary


class _ImportRun:
    """The running totals of one import, its writes and its progress reports."""

    def __init__(self, store: EventStore, write: Callable[[Sequence[Appendable]], AppendResult],
                 particulars: ParticularsHistory, progress: Callable[[ImportProgress], None] | None,
                 started: float, files: int, total_bytes: int):
        self.store, self.write, self.particulars, self.progress, self.started = \
            store, write, particulars, progress, started
        self.files, self.total_bytes = files, total_bytes
        self.summary = ImportSummary()
        self._file = ""
        self._number = 0
        self._bytes_before = 0
        self._read_before = 0
        self._last_size = 0
        self._fates: Counter[str] = Counter()  # what became of the lines that gave observations, all files
        self._passed_before: Counter[str] = Counter()  # lines passed over, in the files before this one
        self._passed_now: Mapping[str, int] = {}

    def begin_file(self, item: _Input, number: int) -> None:
        self._bytes_before += self._last_size
        self._read_before = self.summary.read
        self._passed_before.update(self._passed_now)
        self._passed_now = {}
        self._file, self._number, self._last_size = item.name, number, item.size

    def commit(self, decisions: Decisions, lines_read: int, passed_over: Mapping[str, int], bytes_read: int) -> None:
        """Append one batch's events and quarantine rows, then count them and its lines (``lines_read`` and
        ``passed_over`` are the reader's figures for this file, up to the last line of the batch)."""
        summary = self.summary
        appended: bool | set[int] = False
        if decisions.events:
            appended = self._append(decisions.events)
        if decisions.quarantine:  # a record an earlier run set aside is not added, nor counted, twice
            summary.quarantined += self.store.quarantine(decisions.quarantine)
        self._fates.update(decisions.line_fates(appended))
        summary.read = self._read_before + lines_read
        self._passed_now = passed_over
        lines = Counter(self._fates)
        for name in PASSED_OVER:
            lines[name] = self._passed_before.get(name, 0) + passed_over.get(name, 0)
        summary.lines = lines
        if self.progress is not None:
            self.progress(ImportProgress(self._file, self._number, self.files, self._bytes_before + bytes_read,
                                         self.total_bytes, summary.read, summary.appended, summary.quarantined,
                                         time.monotonic() - self.started))

    def _write(self, events: Sequence[Appendable]) -> Sequence[Appendable]:
        result = self.write(events)
        self.summary.appended += result.count
        self.summary.duplicates += result.duplicates
        return result.written

    def _append(self, events: list[Appendable]) -> bool | set[int]:
        """Append a batch (see ``append_redeciding_lost_registrations``)."""
        return append_redeciding_lost_registrations(events, self._write, lambda: known_particulars(self.store),
                                                    self.particulars)


HELD_BACK = 1  # a batch ends before the observation that begins the next line: that line is read, not yet decided


def _import_here(item: _Input, options: ImportOptions, particulars: ParticularsHistory, metadata: dict,
                 clock: Callable[[], int], run: _ImportRun, cancelled: Callable[[], bool]) -> bool:
    """Read, decide and append in this process; True when stopped by ``cancelled``."""
    reader = open_reader(item.path, format=options.format, columns=options.columns,
                         assume_start=options.assume_start, rate_hz=options.rate_hz)
    try:
        recorder = ObservationRecorder(reader.kind, particulars, clock=clock, metadata=metadata,
                                       future_tolerance=options.future_tolerance)
        decisions = Decisions(skipped=run.summary.skipped_types)
        pending: list = []
        batch_size = options.batch_size
        try:
            for seen in reader:
                if len(pending) >= batch_size and seen.origin.line != pending[-1].origin.line:
                    recorder.decide(pending, decisions)
                    run.commit(decisions, reader.lines_read - HELD_BACK, reader.passed_over(), reader.bytes_read)
                    decisions.clear()
                    pending = []
                    if cancelled():
                        return True
                pending.append(seen)
        except InputEndedEarly as ended:
            run.summary.ended_early.append(str(ended))
        recorder.decide(pending, decisions)
        run.commit(decisions, reader.lines_read, reader.passed_over(), reader.bytes_read)
        return False
    finally:
        reader.close()


def _import_in_child(item: _Input, options: ImportOptions, particulars: ParticularsHistory, metadata: dict, run: _ImportRun,
                     cancelled: Callable[[], bool]) -> bool:
    """Append what a child process reads and decides; True when stopped by ``cancelled``."""
    job = ReadingJob(item.path, options.format, options.columns, options.assume_start, options.rate_hz,
                     options.future_tolerance, options.batch_size, particulars, metadata)
    batches = read_in_child(job)
    try:
        for batch in batches:
            run.summary.skipped_types.update(batch.decisions.skipped)
            remember_particulars(particulars, batch.decisions.events)  # the next file is decided knowing this one
            run.commit(batch.decisions, batch.lines_read, batch.passed_over, batch.bytes_read)
            if cancelled():
                return True
    except InputEndedEarly as ended:
        run.summary.ended_early.append(str(ended))
    finally:
        batches.close()  # stops the child if it is still reading
    return False
