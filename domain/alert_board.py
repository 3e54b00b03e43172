"""The alert board: which alerts stand at a moment, open or acknowledged, folded from the log.

The board folds alert events (``domain.events.alerts``) and ``AlertAcknowledged`` events in the order
they occurred (ties in log order), with the same two clocks as the fleet: at ``at`` only events with
``occurred_at <= at`` count, and "as known at ``known_at``" only those also recorded by then.

- An alert is raised by the first event carrying its ``alert_id``; a later event with the same id (a rule
  raising it again) changes nothing.
- An acknowledgement of an alert that is not (yet) on the board is ignored, as is one of a notice (notices
  need no one); a second acknowledgement keeps the first.

``fold_alerts`` is the plain definition; ``AlertBoard`` keeps the events sorted so the board at any
moment is a scan of the prefix that occurred by then, and new events can be added as they commit.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable

from domain.errors import DomainError
from domain.events import AlertAcknowledged, AlertEvent, RecordedEvent

OPEN = "open"
ACKNOWLEDGED = "acknowledged"
NOTICE = "notice"
STATES = (OPEN, ACKNOWLEDGED, NOTICE)


class AlertError(DomainError):
    """An acknowledgement that cannot be made; ``alert_id`` names the alert."""

    def __init__(self, alert_id: str, message: str):
        super().__init__(message)
        self.alert_id = alert_id


class UnknownAlert(AlertError):
    """No alert with this id is in the log."""


class AlertAlreadyAcknowledged(AlertError):
    """Someone acknowledged this alert already."""


class AlertNeedsNoAcknowledgement(AlertError):
    """The id names a notice (a zone exit, a port call, a restored signal): there is nothing to acknowledge."""


@dataclass(frozen=True, slots=True)
class AlertView:
    """One alert as it stands at a moment."""

    alert_id: str
    type: str
    severity: str
    mmsi: int
    raised_at: int
    summary: str
    state: str                            # "open", "acknowledged", or "notice" (needs no acknowledgement)
    acknowledged_by: str | None = None
    acknowledged_at: int | None = None
    comment: str | None = None
    recorded_at: int | None = None        # when the log learned of the alert
    event: AlertEvent | None = None       # the event that raised it, for its type's own fields

    @property
    def is_open(self) -> bool:
        return self.state == OPEN


def _order(recorded: RecordedEvent) -> tuple[int, int]:
    return recorded.occurred_at, recorded.position


def _counts(recorded: RecordedEvent, at: int, known_at: int | None) -> bool:
    return recorded.occurred_at <= at and (known_at is None or recorded.recorded_at <= known_at)


def is_alert_fact(recorded: RecordedEvent) -> bool:
    """Whether the board folds this event (an alert, a notice or an acknowledgement)."""
    return isinstance(recorded.event, (AlertEvent, AlertAcknowledged))


def fold_alerts(events: Iterable[RecordedEvent], at: int, known_at: int | None = None) -> list[AlertView]:
    """The board at ``at`` (as known at ``known_at``): alerts in the order they were raised."""
    board: dict[str, AlertView] = {}
    for recorded in sorted((e for e in events if is_alert_fact(e) and _counts(e, at, known_at)), key=_order):
        _evolve(board, recorded)
    return list(board.values())


def _evolve(board: dict[str, AlertView], recorded: RecordedEvent) -> None:
    event = recorded.event
    if isinstance(event, AlertEvent):
        if event.alert_id not in board:
            board[event.alert_id] = AlertView(
                alert_id=event.alert_id, type=event.TYPE, severity=event.severity, mmsi=event.mmsi,
                raised_at=recorded.occurred_at, summary=event.summary,
                state=OPEN if event.NEEDS_ACKNOWLEDGEMENT else NOTICE, recorded_at=recorded.recorded_at, event=event)
    elif isinstance(event, AlertAcknowledged):
        alert = board.get(event.alert_id)
        if alert is not None and alert.state == OPEN:
            board[event.alert_id] = _acknowledged(alert, event, recorded.occurred_at)


def _acknowledged(alert: AlertView, event: AlertAcknowledged, at: int) -> AlertView:
    return AlertView(alert.alert_id, alert.type, alert.severity, alert.mmsi, alert.raised_at, alert.summary,
                     ACKNOWLEDGED, event.operator, at, event.comment, alert.recorded_at, alert.event)


def check_acknowledgeable(board: Iterable[AlertView], alert_id: str) -> AlertView:
    """The open alert ``alert_id`` on a board; raises the ``AlertError`` that says why it cannot be acknowledged."""
    for alert in board:
        if alert.alert_id == alert_id:
            if alert.state == ACKNOWLEDGED:
                raise AlertAlreadyAcknowledged(alert_id, f"alert {alert_id!r} was already acknowledged by "
                                                         f"{alert.acknowledged_by}")
            if alert.state == NOTICE:
                raise AlertNeedsNoAcknowledgement(alert_id, f"{alert_id!r} is a notice ({alert.type}): "
                                                            "it needs no acknowledgement")
            return alert
    raise UnknownAlert(alert_id, f"no alert {alert_id!r} in the log")


class AlertBoard:
    """Alert facts kept in occurred order, so the board at any moment folds only the prefix up to it."""

    def __init__(self, events: Iterable[RecordedEvent] = ()):
        self._events: list[RecordedEvent] = []
        self._keys: list[tuple[int, int]] = []
        self._positions: set[int] = set()
        self.add_all(events)

    def __len__(self) -> int:
        return len(self._events)

    def add(self, recorded: RecordedEvent) -> bool:
        """Fold in one event (any order, any thread's batch); other types and events already held are
        ignored. Returns whether it was new."""
        if not is_alert_fact(recorded) or recorded.position in self._positions:
            return False
        key = _order(recorded)
        index = bisect_right(self._keys, key)
        self._keys.insert(index, key)
        self._events.insert(index, recorded)
        self._positions.add(recorded.position)
        return True

    def add_all(self, events: Iterable[RecordedEvent]) -> int:
        return sum(self.add(recorded) for recorded in events)

    def at(self, at: int, known_at: int | None = None) -> list[AlertView]:
        """The board at ``at`` (as known at ``known_at``): alerts in the order they were raised."""
        board: dict[str, AlertView] = {}
        end = bisect_right(self._keys, (at, float("inf")))
        for recorded in self._events[:end]:
            if known_at is None or recorded.recorded_at <= known_at:
                _evolve(board, recorded)
        return list(board.values())

    def latest(self) -> list[AlertView]:
        """Everything the log holds: the board at the end of time."""
        return self.at(max((key[0] for key in self._keys[-1:]), default=0))


__all__ = ["ACKNOWLEDGED", "NOTICE", "OPEN", "STATES", "AlertAlreadyAcknowledged", "AlertBoard", "AlertError",
           "AlertNeedsNoAcknowledgement", "AlertView", "UnknownAlert", "check_acknowledgeable", "fold_alerts",
           "is_alert_fact"]
