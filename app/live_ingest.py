"""Live ingest: an AIS receiver's NMEA feed (UDP or TCP) decoded and appended as it arrives, never forgotten.

A receiver thread writes every line, with its time of receipt, to the feed's spool beside the store
(``app.live_spool``) and does nothing else, so a slow or failing store never keeps it from the socket. The
committer (the thread calling ``run``) reads the spool back in order, decodes (a tag block's own time wins
when present), decides with the same recorder as a file import, and appends in small batches — at least
once a second, or every ``max_batch`` lines — so the map follows the feed within a second and a burst never
holds a transaction open for long. A committed batch is released from the spool.

When the store cannot be written (disk full, read-only, busy) the lines stay in the spool, the listener
says so once (``notice``) and retries with exponential backoff: from the first line not yet released,
through a fresh decoder and a recorder that re-reads what the log knows (a failed batch's registrations
never happened), so nothing is lost and nothing is appended twice. What an earlier run left in the spool
(killed, or stopped while the store could not be written) is appended first when the next feed on that store
starts, decoded as an input of its own. Lines the spool could not keep (its bound reached, or the disk
refused them) are counted as ``lost`` and said loudly.

Quarantine rows from a live feed carry no dedupe key: there is no file to read twice. ``LiveIngest`` runs
in the caller's thread (``run``, for the CLI) or on its own (``start``/``stop``, for the GUI).
"""
from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence

from app.operator import default_operator
from app.live_spool import DEFAULT_LIMIT_BYTES, Spool, SpoolError, SpoolMark, spool_anchor
from app.station_merge import DEFAULT_MERGE_WINDOW_S, StationMerger
from app.observation_recorder import (Decisions, ObservationRecorder, append_redeciding_lost_registrations,
                                      known_particulars)
from domain.events import NewEvent
from domain.observations import Seen
from domain.time import now_micros
from feeds.network import FeedLine
from feeds.nmea import NmeaDecoder
from store import AppendResult, EventStore, StoreError

log = logging.getLogger(__name__)
FLUSH_EVERY_S = 1.0
RETRY_FIRST_S, RETRY_MAX_S = 1.0, 60.0
CATCH_UP_SLICE_S = 0.25  # a replay works in slices this long, so the feed keeps being read meanwhile
FINAL_CATCH_UP_S = 3.0  # a stopping feed appends what it can in this long; the spool keeps the rest
HOLD_MAX_LINES = 10_000  # lines kept back for a message's missing fragment before they are released anyway


class LineFeed(Protocol):
    name: str
    status: str

    def open(self) -> None: ...

    def lines(self, stop: threading.Event): ...


@dataclass
class IngestStats:
    """What a feed has done since it started. ``spooled``: received lines not yet known to be in the log;
    ``lost``: received lines the spool could not keep; ``problem``: why the log is not being written now."""

    lines: int = 0
    appended: int = 0
    duplicates: int = 0
    quarantined: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    failures: int = 0
    replayed: int = 0
    spooled: int = 0
    lost: int = 0
    merged: int = 0  # copies of a report other stations heard too, merged into it (see app.station_merge)
    problem: str = ""
    started: float = field(default_factory=time.monotonic)

    @property
    def complete(self) -> bool:
        """Everything received is in the log."""
        return self.spooled == 0 and self.lost == 0

    def to_json(self) -> dict:
        seconds = max(time.monotonic() - self.started, 1e-9)
        return {"lines": self.lines, "appended": self.appended, "duplicates": self.duplicates,
                "quarantined": self.quarantined, "skipped_types": dict(sorted(self.skipped.items())),
                "failures": self.failures, "replayed": self.replayed, "spooled": self.spooled, "lost": self.lost,
                "merged": self.merged,
                "seconds": round(seconds, 1), "lines_per_s": round(self.lines / seconds, 1)}


class LiveIngest:
    """One feed into one store, through a spool beside it.

    Two threads: the receiver reads the feed and writes each line to the spool, and nothing else, so a slow
    or failing store never keeps it from the socket (a UDP datagram not read in time would be lost in the
    kernel without a word); the committer (the thread calling ``run``) reads the spool back from its cursor,
    decodes, decides, appends and releases."""

    def __init__(self, feed: LineFeed, store: EventStore, *,
                 append: Callable[[Sequence[NewEvent]], AppendResult] | None = None,
                 clock: Callable[[], int] = now_micros, operator: str | None = None, max_batch: int = 2_000,
                 flush_every_s: float = FLUSH_EVERY_S, spool_limit_bytes: int = DEFAULT_LIMIT_BYTES,
                 retry_s: tuple[float, float] = (RETRY_FIRST_S, RETRY_MAX_S),
                 notice: Callable[[str], None] | None = None, merge_window_s: float = DEFAULT_MERGE_WINDOW_S):
        self.feed = feed
        self.store = store
        self._append = append or store.append_batch
        self._clock = clock
        self._max_batch = max_batch
        self._flush_every_s = flush_every_s
        self._spool_limit = spool_limit_bytes
        self._retry_s = retry_s
        self._notice = notice or (lambda text: log.warning("%s", text))
        self.stats = IngestStats()
        self._stop = threading.Event()
        self._arrived = threading.Event()
        self._thread: threading.Thread | None = None
        self._receiver: threading.Thread | None = None
        self._receiver_done = threading.Event()
        self._operator = operator or default_operator()
        self._spool: Spool | None = None
        # Decoding state: a decoder and recorder are made from the log when needed and dropped when a batch
        # fails (the recorder would otherwise believe in registrations that were never written).
        self._decoder: NmeaDecoder | None = None
        self._recorder: ObservationRecorder | None = None
        self._pending: list[Seen] = []
        self._merger: StationMerger[SpoolMark] = StationMerger(merge_window_s)
        self._cursor: SpoolMark | None = None  # the next spooled line to decode
        self._earlier: SpoolMark | None = None  # the end of what an earlier run left (decoded under its name)
        self._decided: SpoolMark | None = None  # after the last line decoded into ``_pending``
        self._safe: SpoolMark | None = None  # after the last line with no message left waiting for fragments
        self._retry_at = 0.0
        self._delay = retry_s[0]
        self._last_flush = self._last_sync = time.monotonic()
        self._lost_said = 0.0
        self._reason = ""

    def open(self) -> None:
        """Open the feed and the spool now (``run`` does it otherwise), so failures come before running."""
        self._prepare()

    def _prepare(self) -> None:
        """Open the spool and the feed (a UDP port is bound now and its name settled): either failing here
        fails at once, in the caller, with the reason, and leaves nothing open."""
        if self._spool is not None:
            return
        spool = Spool.acquire(spool_anchor(self.store.path, self.store.key), limit_bytes=self._spool_limit)
        try:
            self.feed.open()
        except BaseException:
            spool.close()
            raise
        self._spool = spool
        left = spool.lines
        self._cursor = self._safe = spool.released
        if left:
            self._earlier = spool.end
            self.stats.replayed = left
            self._notice(f"{self.feed.name}: {left:,} received lines from an earlier run are not yet in the log "
                         f"({spool.path}); appending them first")
        else:
            spool.mark_writer(self.feed.name)
        self.stats.spooled = left

    def _decoding(self) -> tuple[NmeaDecoder, ObservationRecorder]:
        if self._decoder is None or self._recorder is None:
            assert self._spool is not None
            name = self._spool.written_by if self._earlier is not None and self._spool.written_by else self.feed.name
            self._decoder = NmeaDecoder(name)
            self._recorder = ObservationRecorder("nmea", known_particulars(self.store), clock=self._clock,
                                                 metadata={"source": "feed", "feed": name, "format": "nmea",
                                                           "operator": self._operator})
        return self._decoder, self._recorder

    # --- running --------------------------------------------------------------------------------------------

    def run(self, duration_s: float | None = None, on_tick: Callable[[IngestStats], None] | None = None,
            tick_s: float = 5.0) -> IngestStats:
        """Ingest until ``stop()``, ``duration_s`` seconds, or the feed's end; ``on_tick`` hears the stats every
        ``tick_s``. At the end one last attempt is made to put everything received into the log;
        ``stats.complete`` says whether it did (otherwise the spool keeps the rest for the next start)."""
        self._prepare()
        deadline = None if duration_s is None else time.monotonic() + duration_s
        last_tick = time.monotonic()
        self._receiver = threading.Thread(target=self._receive_all, name=f"receiver {self.feed.name}", daemon=True)
        self._receiver.start()
        try:
            while not self._stop.is_set() and not self._receiver_done.is_set():
                now = time.monotonic()
                if deadline is not None and now >= deadline:
                    break
                self._work(now)
                if on_tick is not None and now - last_tick >= tick_s:
                    on_tick(self.stats)
                    last_tick = now
                self._arrived.wait(min(self._flush_every_s, 0.2) if self._flush_every_s > 0 else 0.01)
                self._arrived.clear()
        finally:
            self._stop.set()
            self._receiver.join()
            self._finish()
        return self.stats

    def _receive_all(self) -> None:
        """The receiver thread: every line to the spool at once; decoding is the committer's."""
        try:
            for line in self.feed.lines(self._stop):
                if line is not None:
                    self._receive(line)
        except Exception:  # a feed that breaks must not break silently
            log.exception("%s: the feed stopped by an error", self.feed.name)
            self._notice(f"{self.feed.name}: the feed stopped by an error (see the log)")
        finally:
            self._receiver_done.set()
            self._arrived.set()

    def _receive(self, line: FeedLine) -> None:
        spool = self._spool
        assert spool is not None
        self.stats.lines += 1
        try:
            spool.append(line)
        except SpoolError as error:
            self.stats.lost += 1
            now = time.monotonic()
            if now - self._lost_said >= 5.0:
                self._lost_said = now
                self._notice(f"{self.feed.name}: RECEIVED LINES ARE BEING LOST: {error} "
                             f"({self.stats.lost:,} lost so far)")
            return
        self.stats.spooled = spool.lines
        if spool.end.ordinal - self._cursor_ordinal() >= self._max_batch:
            self._arrived.set()

    def _cursor_ordinal(self) -> int:
        cursor = self._cursor
        return 0 if cursor is None else cursor.ordinal

    def _note_decoded(self, mark: SpoolMark) -> None:
        assert self._decoder is not None
        self._decided = mark
        if self._decoder.waiting_messages == 0 or self._safe is None \
                or mark.ordinal - self._safe.ordinal > HOLD_MAX_LINES:
            self._safe = mark  # a message still waiting keeps its first fragment's line (and those after) spooled
        self._keep_held_spooled()

    def _keep_held_spooled(self) -> None:
        """A report held for other stations' copies keeps its line (and those after) in the spool."""
        held = self._merger.earliest_before
        if held is not None and (self._safe is None or held.ordinal < self._safe.ordinal):
            self._safe = held

    def _work(self, now: float) -> None:
        """Flush the spool to disk once per batch; append what is due, or retry when the retry is due."""
        spool = self._spool
        assert spool is not None
        if now - self._last_sync >= self._flush_every_s:
            self._sync()
            self._last_sync = now
        if now < self._retry_at:
            return
        unread = spool.end.ordinal - self._cursor_ordinal()
        if unread and (unread >= self._max_batch or now - self._last_flush >= self._flush_every_s
                       or self.stats.problem or self._earlier is not None):
            self._sync()
            self._catch_up(time.monotonic() + CATCH_UP_SLICE_S)
            self._last_flush = now
        elif self._merger.due():  # a quiet feed: reports held for other stations' copies go in on time
            self._catch_up(time.monotonic() + CATCH_UP_SLICE_S)

    def _sync(self) -> None:
        assert self._spool is not None
        try:
            self._spool.sync()
        except OSError as error:
            self._notice(f"{self.feed.name}: cannot flush the spool to disk: {error.strerror or error}")

    def _catch_up(self, until: float, *, final: bool = False) -> None:
        """Decode and append spooled lines from the cursor, a batch at a time, until all is read, out of time,
        or the store refuses one. ``final``: the feed has stopped, so messages still waiting for fragments
        are quarantined once all is read."""
        spool = self._spool
        assert spool is not None and self._cursor is not None
        while True:
            try:
                decoder, recorder = self._decoding()
            except (StoreError, OSError) as error:
                self._failed(error)
                return
            end = self._earlier or spool.end
            chunk = spool.read(self._cursor, min(self._max_batch, end.ordinal - self._cursor.ordinal))
            merger, before = self._merger, self._cursor
            for line, mark in chunk:
                seen = decoder.feed(line.data, None, received_at=line.received_at, too_long=line.too_long)
                if merger.enabled:
                    seen = merger.take(seen, line.data, line.received_at, before)
                self._pending.extend(seen)
                self._note_decoded(mark)
                before = mark
            if chunk:
                self._cursor = chunk[-1][1]
            ended_earlier = self._earlier is not None and self._cursor.ordinal >= self._earlier.ordinal
            all_read = self._cursor.ordinal >= spool.end.ordinal
            if ended_earlier or (final and all_read):
                self._pending.extend(decoder.flush())  # that input has ended: its broken messages are quarantined
                self._pending.extend(merger.release_all())
                self._safe = self._decided or self._safe
            elif all_read and merger.due():
                self._pending.extend(merger.release_due())
                if self._decided is not None and decoder.waiting_messages == 0:
                    self._safe = self._decided
                self._keep_held_spooled()
            pending, self._pending = self._pending, []
            merged = merger.take_copies()
            if not self._store_batch(recorder, pending):
                return
            self.stats.merged += merged
            if ended_earlier:
                self._earlier = None
                self._decoder = self._recorder = None  # the lines after are this feed's own
            self._release()
            if all_read and not ended_earlier or time.monotonic() >= until:
                return

    def _release(self) -> None:
        spool = self._spool
        assert spool is not None
        if self._safe is not None:
            spool.release(self._safe)
        released = spool.released
        if self._cursor is not None and self._cursor.ordinal <= released.ordinal:
            self._cursor = released  # all was released: the spool starts over after its header, and so do we
        self.stats.spooled = spool.lines

    def _store_batch(self, recorder: ObservationRecorder, observations: list[Seen]) -> bool:
        decisions = Decisions(skipped=Counter())
        recorder.decide(observations, decisions)

        def write(events: Sequence[NewEvent]) -> Sequence[NewEvent]:
            result = self._append(events)
            self.stats.appended += result.count
            self.stats.duplicates += result.duplicates
            return result.written

        set_aside = 0
        try:
            if decisions.events:  # a registration another writer made first is re-decided as of its time
                append_redeciding_lost_registrations(decisions.events, write, lambda: known_particulars(self.store),
                                                     recorder.particulars)
            if decisions.quarantine:  # a record replayed from the spool is already set aside: counted once
                set_aside = self.store.quarantine(decisions.quarantine)
        except (StoreError, OSError) as error:
            self._failed(error)
            return False
        self.stats.quarantined += set_aside
        self.stats.skipped = self.stats.skipped + decisions.skipped  # a new counter: a reader never sees one change
        if self.stats.problem:
            self._notice(f"{self.feed.name}: the store takes events again; appending the spooled lines")
            self.stats.problem = self._reason = ""
        self._delay = self._retry_s[0]
        return True

    def _failed(self, error: BaseException) -> None:
        """The store refused a batch: keep everything in the spool and read it back later, from the start
        of what is not yet released, with decoding state rebuilt from the log."""
        spool = self._spool
        assert spool is not None
        self.stats.failures += 1
        self._decoder = self._recorder = None
        self._pending = []
        self._merger.reset()
        self._decided = None
        self._cursor = self._safe = spool.released
        self.stats.spooled = spool.lines
        self._retry_at = time.monotonic() + self._delay
        reason = str(error) or type(error).__name__
        if reason != self._reason or self._delay >= self._retry_s[1]:
            self._notice(f"{self.feed.name}: cannot write the store ({reason}); {self.stats.spooled:,} received "
                         f"lines kept in the spool {spool.path}; retrying in {self._delay:.0f} s")
        self._reason = reason
        self.stats.problem = f"cannot write the store ({reason}); received lines kept in the spool"
        self._delay = min(self._delay * 2, self._retry_s[1])

    def _finish(self) -> None:
        """The end: one last attempt to put everything received into the log, then close the spool (removed
        when nothing is left in it)."""
        spool = self._spool
        if spool is None:
            return
        try:
            if spool.lines:
                self._catch_up(time.monotonic() + FINAL_CATCH_UP_S, final=True)
            self._sync()
            self.stats.spooled = spool.lines
        finally:
            spool.close()
            self._spool = None
        if not self.stats.complete:
            self._notice(f"{self.feed.name}: stopped with {self.stats.spooled:,} received lines not in the log "
                         f"(kept in {spool.path} for the next start)"
                         + (f" and {self.stats.lost:,} lost" if self.stats.lost else ""))

    def start(self) -> None:
        """Run on a thread of its own (the GUI's feeds); ``stop`` ends it."""
        self._prepare()  # fail here, in the caller, when the port cannot be used
        self._thread = threading.Thread(target=self._run_quietly, name=f"feed {self.feed.name}", daemon=False)
        self._thread.start()

    def _run_quietly(self) -> None:
        try:
            self.run()
        except Exception:  # a feed thread must never die silently
            log.exception("%s: feed stopped by an error", self.feed.name)
            self.feed.status = "stopped by an error (see the log)"

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()
