"""The rules at work in a running console: every appended event is observed, a scan runs every minute, and
what the rules raise is appended as alert events on the ships' streams.

On start the watch first catches up: it replays the log into the rules engine (on a scheduler thread, so
the window is usable meanwhile) and appends the alerts the log does not hold yet. Events appended while it
catches up are held and observed after, in log order. Scans judge silence by the wall clock when the store
is live (a demo fleet or a receiver feed) and by the log's own newest report otherwise, so opening an
archive never flags its ships dark merely for being old.

Escalation (IMO MSC.302(87)): a warning left unacknowledged for ``priorities.escalate_after_s`` (3 min)
becomes an alarm. Only a watch that judges by the clock (live) escalates, and only alerts that fell due
while it watched: an ``AlertEscalated`` occurs when the alert fell due, never for history replayed or
imported. The watch folds the alert facts it sees into its own board to know which warnings are waiting.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable, Sequence

from app.rules import judged_by_todays_zones
from domain.alert_board import ACTIVE_TRANSFERRED, ACTIVE_UNACKNOWLEDGED, AlertBoard
from domain.events import WARNING, AlertEscalated, NewEvent, RecordedEvent
from domain.rules import RaisedAlert, RuleSettings, RulesEngine, run_rules
from domain.time import MICROS_PER_SECOND, now_micros

_WAITING = (ACTIVE_UNACKNOWLEDGED, ACTIVE_TRANSFERRED)

log = logging.getLogger(__name__)


class _Stopped(Exception):
    """The console closed while the watch was catching up."""


class AlertWatch:
    """One rules engine over one service's log."""

    def __init__(self, service, settings: RuleSettings, *, clock: Callable[[], int] = now_micros,
                 judge_by_clock: bool = False, zones=()):
        self._service = service
        self._clock = clock
        self._judge_by_clock = judge_by_clock
        self.settings = settings
        self._engine = RulesEngine(settings, zones)
        self._lock = threading.Lock()
        self._caught_up_to: int | None = None
        self._held: list[RecordedEvent] = []
        self._stopping = threading.Event()
        self._board = AlertBoard()
        self._watching_since = clock()  # escalations fall due from here on, never in history
        self.raised = 0
        self.escalated = 0

    def stop(self) -> None:
        """Ask a catch-up in progress to give up (the console is closing)."""
        self._stopping.set()

    @property
    def caught_up(self) -> bool:
        return self._caught_up_to is not None

    def catch_up(self) -> int:
        """Replay the log into the engine and append the alerts it lacks; returns how many were appended."""
        store = self._service.store
        head = store.head().position

        def events():
            for count, recorded in enumerate(store.read_all(1, to_position=head)):
                if count % 5_000 == 0 and self._stopping.is_set():
                    raise _Stopped
                self._board.add(recorded)
                yield recorded

        try:
            alerts = run_rules(judged_by_todays_zones(events()), engine=self._engine)
        except _Stopped:
            return 0
        with self._lock:
            self._caught_up_to = head
            held, self._held = self._held, []
            for recorded in held:
                if recorded.position > head:
                    alerts.extend(self._engine.observe(recorded))
        return self._append(alerts)

    def notice(self, events: Sequence[RecordedEvent]) -> None:
        """Bus subscriber: observe newly appended events (held until the catch-up is done)."""
        with self._lock:
            self._board.add_all(events)
            if self._caught_up_to is None:
                self._held.extend(events)
                return
            alerts: list[RaisedAlert] = []
            for recorded in events:
                if recorded.position > self._caught_up_to:
                    alerts.extend(self._engine.observe(recorded))
        if alerts:
            self._append(alerts)

    def scan(self) -> int:
        """The time-driven rules (dark ships, loitering, close quarters); returns how many alerts were appended."""
        with self._lock:
            if self._caught_up_to is None:
                return 0
            now = self._clock() if self._judge_by_clock else self._engine.latest_report_at
            if now is None:
                return 0
            alerts = self._engine.scan(now)
        return self._append(alerts) + self.escalate()

    def escalate(self) -> int:
        """Escalate the warnings unacknowledged for ``priorities.escalate_after_s`` that fell due while this
        watch judged by the clock; returns how many were appended."""
        after_s = self.settings.priorities.escalate_after_s
        if not self._judge_by_clock or after_s <= 0 or self._service.read_only:
            return 0
        after_us = round(after_s * MICROS_PER_SECOND)
        now = self._clock()
        with self._lock:
            due = [alert for alert in self._board.standing(now)
                   if alert.priority == WARNING and alert.state in _WAITING
                   and self._watching_since <= alert.raised_at + after_us <= now]
        if not due:
            return 0
        metadata = {"source": "rules", "escalated_by": "clock"}
        result = self._service.append([
            NewEvent(AlertEscalated(mmsi=alert.mmsi, occurred_at=alert.raised_at + after_us, alert_id=alert.alert_id,
                                    after_s=after_s),
                     recorded_at=now, metadata=metadata, dedupe_key=b"escalated:" + alert.alert_id.encode("utf-8"))
            for alert in due])
        with self._lock:
            self._board.add_all(result.appended)
        self.escalated += result.count
        return result.count

    def _append(self, alerts: list[RaisedAlert]) -> int:
        if not alerts or self._service.read_only:
            return 0
        now = self._clock()
        result = self._service.append([alert.new_event(recorded_at=now) for alert in alerts])
        self.raised += result.count
        return result.count
