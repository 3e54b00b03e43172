"""Following a shared log: what other consoles, listeners and imports append reaches this console's index and
event bus within a second, as this console's own appends do.

A LISTEN on the store's channel is only a wake-up; the follower always catches up by position (the service's
``refresh``: events after the last one folded, in log order), and does so every ``poll_s`` seconds anyway,
because a notification is not replayed after a reconnect. A server that goes away is said in ``state`` (the
console keeps showing the fleet as last known), and the follower reconnects with growing pauses (1 s, 2 s, 4 s
… at most ``max_backoff_s``), catching up without loss when the server is back.

Every poll also marks this console present (operator and host), and reads who else is: the status bar shows
the operators seen within the last minute.
"""
from __future__ import annotations

import logging
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Callable, Protocol

from app.fleet_service import FleetService
from domain.time import format_instant, now_micros
from store import StoreError, StoreUnreachableError
from store.postgres_store import Presence

log = logging.getLogger(__name__)
POLL_S = 3.0
MAX_BACKOFF_S = 30.0
WAKE_S = 0.25  # the longest one wait for a notification lasts: how soon a stop is noticed


class Listener(Protocol):
    def wait(self, timeout: float) -> int | None: ...
    def close(self) -> None: ...


class SharedLog(Protocol):
    """What following needs of a shared store (``store.postgres_store.PostgresEventStore``)."""

    def describe(self) -> str: ...
    def listener(self) -> Listener: ...
    def mark_present(self, console: str, operator: str, host: str, at: int | None = None) -> None: ...
    def present(self, now: int | None = None) -> list[Presence]: ...
    def leave(self, console: str) -> None: ...


@dataclass(frozen=True)
class FollowState:
    """What the status bar says of the shared store."""

    connected: bool
    text: str


class LogFollower:
    """A thread that keeps one console's service caught up with a shared log."""

    def __init__(self, service: FleetService, shared: SharedLog, *, operator: Callable[[], str],
                 poll_s: float = POLL_S, max_backoff_s: float = MAX_BACKOFF_S,
                 clock: Callable[[], int] = now_micros):
        self._service = service
        self._shared = shared
        self._operator = operator
        self._poll_s = poll_s
        self._max_backoff_s = max_backoff_s
        self._clock = clock
        self.console_id = uuid.uuid4().hex
        self.host = socket.gethostname()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._state = FollowState(False, f"shared: {shared.describe()} · connecting…")
        self._others: list[Presence] = []
        self.caught_up = threading.Event()  # set after each catch-up (tests and benchmarks wait on it)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="log-follower", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop following (this console leaves the presence list); waits for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        try:
            self._shared.leave(self.console_id)
        except StoreError as error:  # the server is gone: the row ages out of the list within a minute
            log.info("could not say this console left: %s", error)

    @property
    def state(self) -> FollowState:
        with self._lock:
            return self._state

    def present(self) -> list[Presence]:
        """The other consoles (not this one) seen within the last minute."""
        with self._lock:
            return list(self._others)

    # --- the thread -----------------------------------------------------------------------------------------

    def _run(self) -> None:
        backoff = 1.0
        listener: Listener | None = None
        try:
            while not self._stop.is_set():
                try:
                    if listener is None:
                        listener = self._shared.listener()
                        self._catch_up()  # what NOTIFY told others while this console did not listen
                        backoff = 1.0
                    self._wait_for_news(listener)
                    if self._stop.is_set():
                        break
                    self._catch_up()
                except StoreError as error:
                    if listener is not None:
                        listener.close()
                        listener = None
                    when = format_instant(self._clock())[11:19]
                    self._set_state(False, f"shared: {self._shared.describe()} · lost the server at {when} UTC "
                                           f"({_first_line(error)}); showing the fleet as last known, retrying in "
                                           f"{backoff:.0f} s")
                    log.warning("shared store unreachable: %s", error)
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, self._max_backoff_s)
        finally:  # however the thread ends, its connection to the server is not left open behind it
            if listener is not None:
                listener.close()

    def _wait_for_news(self, listener: Listener) -> None:
        """Until an append is announced or ``poll_s`` has passed, in short waits so that a stop is quick."""
        deadline = time.monotonic() + self._poll_s
        while not self._stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or listener.wait(min(WAKE_S, left)) is not None:
                return

    def _catch_up(self) -> None:
        self._service.refresh()
        self._set_state(True, f"shared: {self._shared.describe()}{self._watching()}")
        self.caught_up.set()

    def _watching(self) -> str:
        """Say this console is here and read who else is (what the status bar adds to the store's name)."""
        now = self._clock()
        try:
            self._shared.mark_present(self.console_id, self._operator() or "(no name)", self.host, now)
            others = [p for p in self._shared.present(now) if p.console != self.console_id]
        except StoreUnreachableError:
            raise
        except StoreError as error:  # e.g. a login without rights on the presence list: following goes on
            log.info("who else watches is not known: %s", error)
            return ""
        with self._lock:
            self._others = others
        names = sorted({p.operator for p in others})
        return f" · also watching: {', '.join(names)}" if names else " · no other console"

    def _set_state(self, connected: bool, text: str) -> None:
        with self._lock:
            self._state = FollowState(connected, text)


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
