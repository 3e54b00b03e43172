"""Reading and deciding an import file in a second process, so a large import uses both cores.

Parsing a file (CSV cells, NMEA payloads) and building events costs about as much as appending them, and
Python runs only one of the two at a time in a process. For a large file, a child process reads the file
and decides its entries while this process appends them: the child sends each decided batch down a pipe,
position reports as ``ReportEntry`` tuples (cheap to send, and appended as they come) and the rare other
events as objects. The child never
touches the store — it is sent what the log knows of each ship's particulars at the start — so stopping
it at any moment (Cancel, Ctrl+C, the parent killed) cannot harm the log. A file that ends early (a
truncated archive) ends the batches with ``InputEndedEarly``, after the batch of everything read, just as
the file read in this process would; a child that fails sends why, and ``ReadingFailed`` says it after
every batch sent before it.
"""
from __future__ import annotations

import multiprocessing
import pickle
import queue
import signal
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping

from app.observation_recorder import (Decisions, ObservationRecorder, ParticularsHistory, keyed_position_event,
                                      position_key_of)
from domain.events import PositionReported
from domain.events.report_entries import report_entry
from domain.time import now_micros
from feeds.input_files import InputEndedEarly
from store.codec import position_payload_of

PARALLEL_FROM_BYTES = 8 * 1024 * 1024  # below this, starting a process costs more than it saves


@dataclass
class DecidedBatch:
    """One batch of a file, decided (events in file order, quarantine rows, skip counts, the fate of its
    lines), and how far the reader had got: lines read and passed over up to the batch's last line, and
    bytes on disk."""

    decisions: Decisions
    lines_read: int
    passed_over: dict[str, int]
    bytes_read: int

    def followed_by(self, later: "DecidedBatch") -> "DecidedBatch":
        """This batch with the next one of the same file appended to it (the reader's figures: the later's)."""
        self.decisions.extend(later.decisions)
        self.lines_read, self.passed_over, self.bytes_read = later.lines_read, later.passed_over, later.bytes_read
        return self


@dataclass(frozen=True)
class ReadingJob:
    """What the child needs: the file, how to read it, and what the log knows of each ship."""

    path: str
    format: str
    columns: Mapping[str, str] | None
    assume_start: int | None
    rate_hz: float | None
    future_tolerance: int
    batch_size: int
    particulars: ParticularsHistory
    metadata: Mapping[str, Any] = field(default_factory=dict)


class ReadingFailed(Exception):
    """The child process could not read the file; the message says why."""


def read_in_child(job: ReadingJob) -> Iterator[DecidedBatch]:
    """Decided batches of ``job``'s file, read by a child process. Closing the iterator stops the child.

    The child sends what it decided in chunks of at most ``SENT_CHUNK`` lines (its memory stays small); a
    thread of this process receives them and gathers them into batches of ``job.batch_size`` lines (one
    transaction each) while the caller appends the batch before. The thread begins a batch only once the
    caller has taken the one before, so at most two batches are held (one being appended, one ready) and a
    slow store holds the child back."""
    context = multiprocessing.get_context("spawn")  # never fork a process that may run Qt or SQLite threads
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(job, sending), name="import reader", daemon=True)
    child.start()
    sending.close()
    ready: queue.Queue[tuple[str, Any]] = queue.Queue()
    taken = threading.Semaphore(1)  # released as each batch is taken: the thread may begin the next one
    stopped = threading.Event()
    receiver = threading.Thread(target=_receive, args=(job, receiving, ready, taken, stopped),
                                name="import receiver", daemon=True)
    receiver.start()
    try:
        while True:
            kind, value = ready.get()
            if kind == "batch":
                taken.release()
                yield value
            elif kind == "done":
                return
            else:
                raise value
    finally:
        stopped.set()
        if child.is_alive():
            child.terminate()  # its end of the pipe closes, so a receiver waiting on it wakes
        receiver.join()
        receiving.close()
        child.join(10)


SENT_CHUNK = 5_000  # lines the child decides and sends at a time


def _receive(job: ReadingJob, receiving, ready: queue.Queue, taken: threading.Semaphore,
             stopped: threading.Event) -> None:
    """The receiving thread: each message of the child, as ("batch", DecidedBatch), ("done", None) or
    ("error", the exception the caller raises), until the file ends, the child fails or the caller stops."""

    def hand_over(kind: str, value: Any) -> bool:
        if stopped.is_set():
            return False
        ready.put((kind, value))
        return True

    def may_begin() -> bool:
        """Wait until the caller has taken the batch before (or is stopped)."""
        while not stopped.is_set():
            if taken.acquire(timeout=0.1):
                return True
        return False

    try:
        _receive_all(job, receiving, hand_over, may_begin, stopped)
    except Exception as error:  # a thread's edge: the caller raises it (it would otherwise wait for ever)
        hand_over("error", ReadingFailed(f"{job.path}: {type(error).__name__}: {error}"))


def _receive_all(job: ReadingJob, receiving, hand_over: Callable[[str, Any], bool],
                 may_begin: Callable[[], bool], stopped: threading.Event) -> None:
    """Gather the child's chunks into batches of ``job.batch_size`` lines; what was gathered when the file
    ends, or the child fails, is handed over before the end is told."""
    gathering: DecidedBatch | None = None
    lines_before = 0  # the lines of the batches handed over

    def hand_over_gathered() -> bool:
        nonlocal gathering, lines_before
        if gathering is None:
            return True
        batch, gathering = gathering, None
        lines_before = batch.lines_read
        return hand_over("batch", batch)

    while not stopped.is_set():
        if gathering is None and not may_begin():
            return
        try:
            message = pickle.loads(receiving.recv_bytes())
        except (EOFError, OSError):  # it died, at a message's edge or inside one (or was stopped)
            if hand_over_gathered():
                hand_over("error", ReadingFailed(f"{job.path}: the reading process ended unexpectedly"))
            return
        if message[0] == "batch":
            _, items, quarantine, skipped, lines, event_lines, lines_read, passed_over, bytes_read = message
            decisions = Decisions(items, quarantine, skipped, lines, event_lines)
            chunk = DecidedBatch(decisions, lines_read, passed_over, bytes_read)
            gathering = chunk if gathering is None else gathering.followed_by(chunk)
            if gathering.lines_read - lines_before >= job.batch_size and not hand_over_gathered():
                return
            continue
        if hand_over_gathered():
            hand_over(*_ending(message))
        return


def _ending(message: tuple) -> tuple[str, Any]:
    """What the caller is told of the child's last message: the file read to its end, or why not."""
    kind = message[0]
    if kind == "done":
        return "done", None
    if kind == "ended":
        return "error", InputEndedEarly(*message[1:])
    return "error", ReadingFailed(message[1])


class PositionTuples:
    """The child's entry for a position report with the file's own metadata: its ``ReportEntry``, a plain
    tuple of its fields, dedupe key, stored payload (encoded here, by the store's encoder, so the appending
    process need not) and envelope, cheap to build, to send, and to append as it is; a report with other
    metadata (the stations that heard it) stays an event. Each number is written out once, for both the key
    and the payload."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.plain_metadata: Mapping[str, Any] | None = None  # the recorder's own (set once it is made)
        self._event = keyed_position_event(kind)

    def __call__(self, report: PositionReported, recorded_at: int, metadata: Mapping[str, Any]):
        if metadata is not self.plain_metadata:
            return self._event(report, recorded_at, metadata)
        lat, lon, sog, cog = repr(report.lat), repr(report.lon), repr(report.sog), repr(report.cog)
        key = position_key_of(self.kind, report.mmsi, report.occurred_at, lat, lon, sog, cog, report.heading,
                              report.nav_status)
        return report_entry(report, key, position_payload_of(lat, lon, sog, cog, report.heading, report.nav_status),
                            recorded_at, metadata)


def _child_main(job: ReadingJob, sending) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle (it stops us)
    from feeds.formats import open_reader

    try:
        reader = open_reader(job.path, format=job.format, columns=job.columns, assume_start=job.assume_start,
                             rate_hz=job.rate_hz)
    except (OSError, ValueError) as error:
        _send(sending, ("failed", str(error)))
        return
    try:
        entry = PositionTuples(reader.kind)
        recorder = ObservationRecorder(reader.kind, job.particulars, metadata=job.metadata, clock=now_micros,
                                       future_tolerance=job.future_tolerance, position_entry=entry)
        entry.plain_metadata = recorder.metadata
        pending: list = []
        chunk = min(job.batch_size, SENT_CHUNK)
        try:
            for seen in reader:
                if len(pending) >= chunk and seen.origin.line != pending[-1].origin.line:
                    _send_batch(sending, recorder, pending, reader, held_back=1)  # seen's line is not in this batch
                    pending = []
                pending.append(seen)
        except InputEndedEarly as ended:
            _send_batch(sending, recorder, pending, reader)
            _send(sending, ("ended", ended.name, ended.after_line, ended.byte, ended.why))
            return
        _send_batch(sending, recorder, pending, reader)
        _send(sending, ("done",))
    except (BrokenPipeError, EOFError, OSError):
        return  # the parent went away or stopped us: nothing to clean up, nothing was written
    except Exception as error:  # reported to the parent, which stops the import with this message
        _send(sending, ("failed", f"{job.path}: {type(error).__name__}: {error}"))
    finally:
        reader.close()


def _send_batch(sending, recorder: ObservationRecorder, pending: list, reader, held_back: int = 0) -> None:
    decisions = Decisions()
    recorded_at = now_micros()
    recorder.decide(pending, decisions, recorded_at=recorded_at)
    _send(sending, ("batch", decisions.events, decisions.quarantine, decisions.skipped, decisions.lines,
                    decisions.event_lines,
                    reader.lines_read - held_back, dict(reader.passed_over()), reader.bytes_read))


def _send(sending, message: tuple) -> None:
    sending.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
