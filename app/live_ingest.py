"""Live ingest: an AIS receiver's NMEA feed (UDP or TCP) decoded and appended as it arrives.

Lines are decoded with their time of receipt (a tag block's own time wins when present), decided by the
same recorder as a file import, and appended in small batches — at least once a second, or every
``max_batch`` observations — so the map follows the feed within a second and a burst never holds a
transaction open for long. Quarantine rows from a live feed carry no dedupe key: there is no file to read
twice. ``LiveIngest`` runs in the caller's thread (``run``, for the CLI) or on its own (``start``/``stop``,
for the GUI); either way a failing append is logged and counted, never fatal.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence

from app.fleet_service import default_operator
from app.observation_recorder import Decisions, ObservationRecorder, known_particulars
from domain.events import NewEvent
from domain.observations import Seen
from domain.time import now_micros
from feeds.nmea import NmeaDecoder
from store import AppendResult, EventStore, StoreError

log = logging.getLogger(__name__)
FLUSH_EVERY_S = 1.0


class LineFeed(Protocol):
    name: str
    status: str

    def open(self) -> None: ...

    def lines(self, stop: threading.Event): ...


@dataclass
class IngestStats:
    """What a feed has done since it started."""

    lines: int = 0
    appended: int = 0
    duplicates: int = 0
    quarantined: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    failures: int = 0
    started: float = field(default_factory=time.monotonic)

    def to_json(self) -> dict:
        seconds = max(time.monotonic() - self.started, 1e-9)
        return {"lines": self.lines, "appended": self.appended, "duplicates": self.duplicates,
                "quarantined": self.quarantined, "skipped_types": dict(sorted(self.skipped.items())),
                "failures": self.failures, "seconds": round(seconds, 1),
                "lines_per_s": round(self.lines / seconds, 1)}


class LiveIngest:
    """One feed into one store."""

    def __init__(self, feed: LineFeed, store: EventStore, *,
                 append: Callable[[Sequence[NewEvent]], AppendResult] | None = None,
                 clock: Callable[[], int] = now_micros, operator: str | None = None, max_batch: int = 2_000,
                 flush_every_s: float = FLUSH_EVERY_S):
        self.feed = feed
        self.store = store
        self._append = append or store.append_batch
        self._clock = clock
        self._max_batch = max_batch
        self._flush_every_s = flush_every_s
        self.stats = IngestStats()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._operator = operator or default_operator()
        self._decoder: NmeaDecoder | None = None
        self._recorder: ObservationRecorder | None = None

    def _prepare(self) -> None:
        """Open the feed (a UDP port is bound now and its name settled) and set up decoding for it."""
        self.feed.open()
        if self._recorder is None:
            self._decoder = NmeaDecoder(self.feed.name)
            self._recorder = ObservationRecorder("nmea", known_particulars(self.store), clock=self._clock,
                                                 keyed_quarantine=False,
                                                 metadata={"source": "feed", "feed": self.feed.name, "format": "nmea",
                                                           "operator": self._operator})

    # --- running --------------------------------------------------------------------------------------------

    def run(self, duration_s: float | None = None, on_tick: Callable[[IngestStats], None] | None = None,
            tick_s: float = 5.0) -> IngestStats:
        """Ingest until ``stop()`` or ``duration_s`` seconds; ``on_tick`` hears the stats every ``tick_s``."""
        self._prepare()
        decoder = self._decoder
        assert decoder is not None
        deadline = None if duration_s is None else time.monotonic() + duration_s
        pending: list[Seen] = []
        last_flush = last_tick = time.monotonic()
        try:
            for line in self.feed.lines(self._stop):
                if line is not None:
                    self.stats.lines += 1
                    pending.extend(decoder.feed(line.data, None, received_at=line.received_at,
                                                too_long=line.too_long))
                now = time.monotonic()
                if pending and (len(pending) >= self._max_batch or now - last_flush >= self._flush_every_s):
                    self._commit(pending)
                    pending = []
                    last_flush = now
                if on_tick is not None and now - last_tick >= tick_s:
                    on_tick(self.stats)
                    last_tick = now
                if deadline is not None and now >= deadline:
                    break
        finally:
            pending.extend(decoder.flush())
            if pending:
                self._commit(pending)
        return self.stats

    def _commit(self, pending: list[Seen]) -> None:
        decisions = Decisions(skipped=self.stats.skipped)
        assert self._recorder is not None
        self._recorder.decide(pending, decisions)
        try:
            if decisions.events:
                result = self._append(decisions.events)
                self.stats.appended += result.count
                self.stats.duplicates += result.duplicates
            if decisions.quarantine:
                self.store.quarantine(decisions.quarantine)
                self.stats.quarantined += len(decisions.quarantine)
        except StoreError as error:  # the store is busy or failing: say so, keep listening
            self.stats.failures += 1
            log.error("%s: could not store %d events: %s", self.feed.name, len(decisions.events), error)

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

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()
