"""AlertLog: the alert board of one store for the console, and the operator's moves on alerts (acknowledge,
silence, transfer responsibility, acknowledge-and-suppress a ship's alerts of a kind).

The log's alert events and acknowledgements are read once, a page at a time and only those types
(``store.read_page(type_names=...)``), on first use; after that the log is kept current by ``notice``,
which the integrator subscribes to the event bus, so asking for the board at a moment never reads the
store again. Events may arrive twice (the bus and the first read overlapping) or out of order (two writers
publishing): the board keeps each log position once, in occurred order.

``acknowledge`` appends an ``AlertAcknowledged`` through the function it was given (``FleetService.append``,
which also publishes it) and raises an ``AlertError`` for an alert that is unknown, already acknowledged or a
caution, before anything is appended; ``silence`` and ``transfer`` likewise, for an alert that is active and
unacknowledged. ``suppress`` appends an ``AlertsSuppressed`` of a ship (and, optionally, one alert type) for
some minutes with a reason. Every move is signed with the operator's name in the event and its metadata.
"""
from __future__ import annotations

import threading
from typing import Callable, Iterable, Sequence

from domain.alert_board import (AlertAlreadyAcknowledged, AlertBoard, AlertView, check_acknowledgeable,
                                check_active_unacknowledged)
from domain.events import (ALERT_STATE_TYPE_NAMES, ALERT_TYPE_NAMES, SILENCE_S, AlertAcknowledged,
                           AlertResponsibilityTransferred, AlertSilenced, AlertsSuppressed, NewEvent, RecordedEvent)
from domain.time import MICROS_PER_MINUTE, format_instant, now_micros
from store import AppendResult, EventStore


def acknowledgement_key(alert_id: str) -> bytes:
    """The dedupe key of an alert's acknowledgement: an alert is acknowledged once in the log, even when two
    consoles on one shared store acknowledge it in the same instant (the second append appends nothing)."""
    return b"ack|" + alert_id.encode("utf-8")


ALERT_FACT_TYPES: tuple[str, ...] = ALERT_TYPE_NAMES + (AlertAcknowledged.TYPE,) + ALERT_STATE_TYPE_NAMES
MAX_SUPPRESS_MINUTES = 24 * 60
PAGE_SIZE = 2_000

Append = Callable[[Iterable[NewEvent]], AppendResult]


class AlertLog:
    """The alerts of one store: the board at any moment, and acknowledgements."""

    def __init__(self, store: EventStore, append: Append | None = None, *, clock: Callable[[], int] = now_micros,
                 page_size: int = PAGE_SIZE):
        self._store = store
        self._append = append if append is not None else store.append_batch
        self._clock = clock
        self._page_size = page_size
        self._board = AlertBoard()
        self._loaded = False
        self._lock = threading.RLock()              # the board: readers and folding, never across a write
        self._acknowledging = threading.Lock()      # one acknowledgement at a time, its append included
        self.pages_read = 0

    def load(self) -> None:
        """Read the log's alerts into the board now (read lazily otherwise): a console does it while it opens,
        off the GUI thread, so its first moment never waits for a log of a hundred thousand alerts."""
        with self._lock:
            self._load()

    def alerts_at(self, at: int, known_at: int | None = None) -> list[AlertView]:
        """Alerts raised by ``at`` (recorded by ``known_at``), open or acknowledged then, in raised order."""
        with self._lock:
            self._load()
            return self._board.at(at, known_at)

    def standing_at(self, at: int, known_at: int | None = None) -> list[AlertView]:
        """The alerts not back to normal at ``at``: active, or rectified and still unacknowledged."""
        with self._lock:
            self._load()
            return self._board.standing(at, known_at)

    def latest(self) -> list[AlertView]:
        """Every alert in the log as it stands now."""
        with self._lock:
            self._load()
            return self._board.latest()

    def notice(self, events: Sequence[RecordedEvent]) -> None:
        """Fold newly committed events in (an event-bus subscriber; any thread)."""
        with self._lock:
            self._board.add_all(events)

    def acknowledge(self, alert_id: str, operator: str, comment: str | None = None, *,
                    clock: Callable[[], int] | None = None) -> RecordedEvent:
        """Append an operator's acknowledgement of an open alert and return it as recorded.

        It occurs now (by ``clock``), but never before the alert was raised: a log whose times run ahead of
        this machine's clock still gets an acknowledgement that the board applies.
        """
        return self.acknowledge_all([alert_id], operator, comment, clock=clock)[0]

    def acknowledge_all(self, alert_ids: Sequence[str], operator: str, comment: str | None = None, *,
                        clock: Callable[[], int] | None = None) -> list[RecordedEvent]:
        """Acknowledge several open alerts with one comment, in one atomic append: all of them or, when one
        cannot be acknowledged (unknown, already acknowledged, a notice), none, with the ``AlertError`` of
        the first that cannot."""
        wanted = list(dict.fromkeys(alert_ids))
        if not wanted:
            return []
        with self._acknowledging:  # the check and the append see the same board; readers never wait on this
            board = self.latest()
            try:
                alerts = [check_acknowledgeable(board, alert_id) for alert_id in wanted]
            except AlertAlreadyAcknowledged as error:
                raise self._taken(error.alert_id) from None
            now = (clock or self._clock)()
            if comment is not None:
                comment = comment.strip() or None
            metadata = {"source": "operator", "operator": operator}
            result = self._append([NewEvent(AlertAcknowledged(occurred_at=max(now, alert.raised_at), operator=operator,
                                                              mmsi=alert.mmsi, alert_id=alert.alert_id, comment=comment),
                                            recorded_at=now, metadata=metadata, dedupe_key=acknowledgement_key(alert.alert_id))
                                   for alert in alerts])
            with self._lock:
                self._board.add_all(result.appended)  # when the append function does not publish to notice()
            if result.duplicates:  # another console's acknowledgement reached the log first (a shared store)
                mine = {recorded.event.alert_id for recorded in result.appended}
                raise self._taken(next(alert.alert_id for alert in alerts if alert.alert_id not in mine))
            return list(result.appended)

    def silence(self, alert_ids: Sequence[str], operator: str, *, duration_s: float = SILENCE_S,
                clock: Callable[[], int] | None = None) -> list[RecordedEvent]:
        """Silence active unacknowledged alerts for ``duration_s`` (30 s by the standard), in one append."""
        return self._move(alert_ids, lambda alert, at: AlertSilenced(
            occurred_at=at, operator=operator, mmsi=alert.mmsi, alert_id=alert.alert_id, duration_s=duration_s),
            operator, clock, check_active_unacknowledged)

    def transfer(self, alert_ids: Sequence[str], operator: str, to_operator: str, comment: str | None = None, *,
                 clock: Callable[[], int] | None = None) -> list[RecordedEvent]:
        """Hand active unacknowledged alerts over to ``to_operator``, in one append."""
        comment = (comment or "").strip() or None
        return self._move(alert_ids, lambda alert, at: AlertResponsibilityTransferred(
            occurred_at=at, operator=operator, mmsi=alert.mmsi, alert_id=alert.alert_id,
            to_operator=to_operator.strip(), comment=comment), operator, clock, check_active_unacknowledged)

    def suppress(self, mmsi: int, minutes: float, reason: str, operator: str, *, alert_type: str | None = None,
                 clock: Callable[[], int] | None = None) -> RecordedEvent:
        """Acknowledge a ship's unacknowledged alerts (of ``alert_type``, or of every type) and those raised in
        the next ``minutes``, for ``reason``: one ``AlertsSuppressed``."""
        if not 0 < minutes <= MAX_SUPPRESS_MINUTES:
            raise ValueError(f"minutes must be in (0, {MAX_SUPPRESS_MINUTES}], got {minutes!r}")
        if alert_type is not None and alert_type not in ALERT_TYPE_NAMES:
            raise ValueError(f"unknown alert type {alert_type!r}; known: {', '.join(ALERT_TYPE_NAMES)}")
        now = (clock or self._clock)()
        event = AlertsSuppressed(occurred_at=now, operator=operator, mmsi=mmsi, alert_type=alert_type,
                                 until=now + round(minutes * MICROS_PER_MINUTE), reason=reason.strip())
        result = self._append([NewEvent(event, recorded_at=now, metadata={"source": "operator", "operator": operator})])
        with self._lock:
            self._board.add_all(result.appended)
        return result.appended[0]

    def _move(self, alert_ids, make, operator: str, clock, check) -> list[RecordedEvent]:
        wanted = list(dict.fromkeys(alert_ids))
        if not wanted:
            return []
        with self._acknowledging:
            board = self.latest()
            alerts = [check(board, alert_id) for alert_id in wanted]
            now = (clock or self._clock)()
            metadata = {"source": "operator", "operator": operator}
            result = self._append([NewEvent(make(alert, max(now, alert.raised_at)), recorded_at=now, metadata=metadata)
                                   for alert in alerts])
            with self._lock:
                self._board.add_all(result.appended)
            return list(result.appended)

    def _taken(self, alert_id: str) -> AlertAlreadyAcknowledged:
        """The error for an alert someone acknowledged already, saying who and when (read from the log, which
        may know of an acknowledgement from another console before this board does)."""
        for recorded in self._store.read_types([AlertAcknowledged.TYPE]):
            if recorded.event.alert_id == alert_id:
                with self._lock:
                    self._board.add_all([recorded])
                when = format_instant(recorded.recorded_at)
                return AlertAlreadyAcknowledged(alert_id, f"alert {alert_id!r} was already acknowledged by "
                                                          f"{recorded.event.operator} at {when}")
        return AlertAlreadyAcknowledged(alert_id, f"alert {alert_id!r} was already acknowledged")

    def _load(self) -> None:
        if self._loaded:
            return
        after = 0
        while True:
            page = self._store.read_page(after_position=after, limit=self._page_size, type_names=ALERT_FACT_TYPES)
            self.pages_read += 1
            self._board.add_all(page)
            if len(page) < self._page_size:
                break
            after = page[-1].position
        self._loaded = True
