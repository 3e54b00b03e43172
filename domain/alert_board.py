"""The alert board: the state of every alert at any moment, folded from the log (IEC 62923 states).

An alert is raised by the first event carrying its ``alert_id`` (``domain.events.alerts``); what happens to
it after is told by ``AlertAcknowledged``, ``AlertRectified``, ``AlertSilenced``, ``AlertEscalated``,
``AlertResponsibilityTransferred`` and ``AlertsSuppressed`` (``domain.events.alert_states``). The board
folds them in the order they occurred (ties in log order), with the same two clocks as the fleet: at ``at``
only events with ``occurred_at <= at`` count, and "as known at ``known_at``" only those also recorded by
then.

States (IEC 62923) and their moves:

- raised: an alarm or warning is *active-unacknowledged*; a caution is *active* (cautions are never
  acknowledged, silenced, transferred or escalated); a momentary alert (one report: a notice, a position
  jump) is born rectified: *rectified-unacknowledged*, or *normal* for a caution;
- ``AlertSilenced``: *active-silenced* for its 30 s, then *active-unacknowledged* again;
- ``AlertResponsibilityTransferred``: *active-responsibility-transferred* to the named operator;
- ``AlertAcknowledged``: *active-acknowledged*, or *normal* when already rectified;
- ``AlertRectified``: *rectified-unacknowledged* when still unacknowledged, else *normal*;
- ``AlertEscalated``: an unacknowledged warning becomes an alarm (the state stays);
- ``AlertsSuppressed``: the ship's unacknowledged alerts of the type are acknowledged by the operator, and
  those raised before ``until`` are acknowledged as they are raised.

*Normal* is the end: nothing moves an alert out of it. A move that does not apply to the state (an
acknowledgement of a caution, a second acknowledgement, a rectification of a rectified alert, anything
about an alert not raised yet) changes nothing. A close-quarters encounter is one alert raised on both
ships' streams with one id: the board names both ships. Logs written before encounters had one id gave
each ship's side its own (``close-quarters:<ship>:<other>:<start>``); the board reads both sides, and the
moves on either, as the one alert ``close-quarters:<lower>:<higher>:<start>`` (``alert_key``).

``fold_alerts`` is the plain definition (one pass over all events). ``AlertBoard`` keeps each alert's life
(its state after each of its events) so the board at a moment is, per alert, a binary search, and the
alerts that stand at a moment (not normal) are found with two array comparisons.
"""
from __future__ import annotations

import dataclasses
from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable, Iterator

import numpy as np

from domain.errors import DomainError
from domain.events import (ALARM, CAUTION, PRIORITIES, WARNING, AlertAcknowledged, AlertEscalated, AlertEvent,
                           AlertRectified, AlertResponsibilityTransferred, AlertSilenced, AlertsSuppressed,
                           CloseQuarters, RecordedEvent)

ACTIVE = "active"                                  # a caution, while its condition lasts
ACTIVE_UNACKNOWLEDGED = "active-unacknowledged"
ACTIVE_SILENCED = "active-silenced"
ACTIVE_ACKNOWLEDGED = "active-acknowledged"
ACTIVE_TRANSFERRED = "active-responsibility-transferred"
RECTIFIED_UNACKNOWLEDGED = "rectified-unacknowledged"
NORMAL = "normal"
STATES = (ACTIVE_UNACKNOWLEDGED, ACTIVE_SILENCED, ACTIVE_TRANSFERRED, ACTIVE_ACKNOWLEDGED, ACTIVE,
          RECTIFIED_UNACKNOWLEDGED, NORMAL)
"""Every state, in the order a console lists them: the ones that need someone first."""
ACTIVE_STATES = frozenset({ACTIVE, ACTIVE_UNACKNOWLEDGED, ACTIVE_SILENCED, ACTIVE_ACKNOWLEDGED, ACTIVE_TRANSFERRED})
UNACKNOWLEDGED_STATES = frozenset({ACTIVE_UNACKNOWLEDGED, ACTIVE_SILENCED, ACTIVE_TRANSFERRED,
                                   RECTIFIED_UNACKNOWLEDGED})
_NEVER = np.iinfo(np.int64).max


class AlertError(DomainError):
    """A move on an alert that cannot be made; ``alert_id`` names the alert."""

    def __init__(self, alert_id: str, message: str):
        super().__init__(message)
        self.alert_id = alert_id


class UnknownAlert(AlertError):
    """No alert with this id is in the log."""


class AlertAlreadyAcknowledged(AlertError):
    """Someone acknowledged this alert already."""


class AlertNeedsNoAcknowledgement(AlertError):
    """The id names a caution (a port call, a zone exit, a restored signal): it is never acknowledged."""


class AlertNotActive(AlertError):
    """The alert is no longer active (rectified or back to normal): it cannot be silenced or handed over."""


@dataclass(frozen=True, slots=True)
class AlertView:
    """One alert as it stands at a moment."""

    alert_id: str
    type: str
    severity: str
    mmsi: int
    raised_at: int
    summary: str
    state: str
    priority: str = WARNING
    ships: tuple[int, ...] = ()
    acknowledged_by: str | None = None
    acknowledged_at: int | None = None
    comment: str | None = None
    recorded_at: int | None = None        # when the log learned of the alert
    event: AlertEvent | None = None       # the event that raised it, for its type's own fields
    rectified_at: int | None = None
    rectified_reason: str | None = None
    escalated_at: int | None = None
    silenced_until: int | None = None
    silenced_by: str | None = None
    responsible: str | None = None        # to whom the responsibility was transferred
    transferred_at: int | None = None
    suppressed: bool = False              # acknowledged by a suppression rather than by hand

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def is_open(self) -> bool:
        """Waiting for an operator's acknowledgement."""
        return self.state in UNACKNOWLEDGED_STATES

    @property
    def needs_acknowledgement(self) -> bool:
        return self.priority != CAUTION

    @property
    def urgency(self) -> int:
        """0 for the most urgent priority (emergency), 3 for a caution."""
        return PRIORITIES.index(self.priority)


def alert_key(alert_id: str) -> str:
    """The id the board knows an alert by: the id itself, or for the higher ship's side of an encounter
    written by an older version (``close-quarters:<higher>:<lower>:<start>``) the encounter's one id."""
    if alert_id.startswith("close-quarters:"):
        parts = alert_id.split(":")
        if len(parts) == 4 and parts[1].isdigit() and parts[2].isdigit() and int(parts[1]) > int(parts[2]):
            return ":".join((parts[0], parts[2], parts[1], parts[3]))
    return alert_id


def _order(recorded: RecordedEvent) -> tuple[int, int]:
    return recorded.occurred_at, recorded.position


def _counts(recorded: RecordedEvent, at: int, known_at: int | None) -> bool:
    return recorded.occurred_at <= at and (known_at is None or recorded.recorded_at <= known_at)


_MOVES = (AlertAcknowledged, AlertRectified, AlertSilenced, AlertEscalated, AlertResponsibilityTransferred)


def is_alert_fact(recorded: RecordedEvent) -> bool:
    """Whether the board folds this event (a raise, a move on an alert, a suppression)."""
    return isinstance(recorded.event, (AlertEvent, AlertsSuppressed) + _MOVES)


# --- the moves ---------------------------------------------------------------------------------------------------


def _raised(recorded: RecordedEvent, suppressions: Iterable[RecordedEvent]) -> AlertView:
    event: AlertEvent = recorded.event  # type: ignore[assignment]
    at = recorded.occurred_at
    ships = tuple(sorted((event.mmsi, event.other_mmsi))) if isinstance(event, CloseQuarters) else (event.mmsi,)
    priority = event.priority or WARNING
    caution = priority == CAUTION
    if event.MOMENTARY:
        state = NORMAL if caution else RECTIFIED_UNACKNOWLEDGED
    else:
        state = ACTIVE if caution else ACTIVE_UNACKNOWLEDGED
    view = AlertView(alert_key(event.alert_id), event.TYPE, event.severity, ships[0], at, event.summary, state, priority, ships,
                     recorded_at=recorded.recorded_at, event=event,
                     rectified_at=at if event.MOMENTARY else None,
                     rectified_reason="a single report" if event.MOMENTARY else None)
    for suppression in suppressions:
        s: AlertsSuppressed = suppression.event  # type: ignore[assignment]
        if _suppresses(s, view) and suppression.occurred_at <= at < s.until:
            return _acknowledged(view, s.operator, at, f"suppressed: {s.reason}", suppressed=True) or view
    return view


def _suppresses(suppression: AlertsSuppressed, view: AlertView) -> bool:
    return suppression.mmsi in view.ships and suppression.alert_type in (None, view.type)


def _acknowledged(view: AlertView, operator: str, at: int, comment: str | None, *,
                  suppressed: bool = False) -> AlertView | None:
    if not view.needs_acknowledgement or view.state not in UNACKNOWLEDGED_STATES:
        return None
    state = NORMAL if view.state == RECTIFIED_UNACKNOWLEDGED else ACTIVE_ACKNOWLEDGED
    return dataclasses.replace(view, state=state, acknowledged_by=operator, acknowledged_at=at, comment=comment,
                               silenced_until=None, silenced_by=None, suppressed=suppressed)


def _moved(view: AlertView, recorded: RecordedEvent) -> AlertView | None:
    """The alert after one move, or None when the move does not apply to it."""
    event = recorded.event
    at = recorded.occurred_at
    state = view.state
    if isinstance(event, AlertAcknowledged):
        return _acknowledged(view, event.operator, at, event.comment)
    if isinstance(event, AlertRectified):
        if state not in ACTIVE_STATES:
            return None
        new = NORMAL if state in (ACTIVE, ACTIVE_ACKNOWLEDGED) else RECTIFIED_UNACKNOWLEDGED
        return dataclasses.replace(view, state=new, rectified_at=at, rectified_reason=event.reason)
    if isinstance(event, AlertSilenced):
        if state != ACTIVE_UNACKNOWLEDGED:
            return None
        return dataclasses.replace(view, silenced_until=at + round(event.duration_s * 1_000_000),
                                   silenced_by=event.operator)
    if isinstance(event, AlertResponsibilityTransferred):
        if state not in (ACTIVE_UNACKNOWLEDGED, ACTIVE_TRANSFERRED):
            return None
        return dataclasses.replace(view, state=ACTIVE_TRANSFERRED, responsible=event.to_operator, transferred_at=at,
                                   silenced_until=None, silenced_by=None)
    if isinstance(event, AlertEscalated):
        if view.priority != WARNING or state not in (ACTIVE_UNACKNOWLEDGED, ACTIVE_TRANSFERRED):
            return None
        return dataclasses.replace(view, priority=ALARM, escalated_at=at)
    if isinstance(event, AlertsSuppressed):
        if not _suppresses(event, view):
            return None
        return _acknowledged(view, event.operator, at, f"suppressed: {event.reason}", suppressed=True)
    return None


def as_seen_at(view: AlertView, at: int) -> AlertView:
    """The view at ``at`` within its state: a silence over by then no longer silences it."""
    if view.silenced_until is not None and view.state == ACTIVE_UNACKNOWLEDGED:
        if at < view.silenced_until:
            return dataclasses.replace(view, state=ACTIVE_SILENCED)
    return view


# --- the plain fold ----------------------------------------------------------------------------------------------


def fold_alerts(events: Iterable[RecordedEvent], at: int, known_at: int | None = None) -> list[AlertView]:
    """The board at ``at`` (as known at ``known_at``): every alert raised by then, in the order raised."""
    board: dict[str, AlertView] = {}
    suppressions: list[RecordedEvent] = []
    for recorded in sorted((e for e in events if is_alert_fact(e) and _counts(e, at, known_at)), key=_order):
        event = recorded.event
        if isinstance(event, AlertEvent):
            key = alert_key(event.alert_id)
            if key not in board:
                board[key] = _raised(recorded, suppressions)
        elif isinstance(event, AlertsSuppressed):
            suppressions.append(recorded)
            for alert_id, view in board.items():
                moved = _moved(view, recorded)
                if moved is not None:
                    board[alert_id] = moved
        else:
            found = board.get(alert_key(event.alert_id))  # type: ignore[attr-defined]
            if found is not None:
                moved = _moved(found, recorded)
                if moved is not None:
                    board[found.alert_id] = moved
    return [as_seen_at(view, at) for view in board.values()]


def check_acknowledgeable(board: Iterable[AlertView], alert_id: str) -> AlertView:
    """The unacknowledged alert ``alert_id`` on a board; raises the ``AlertError`` that says why it cannot be
    acknowledged."""
    alert = find_alert(board, alert_id)
    if not alert.needs_acknowledgement:
        raise AlertNeedsNoAcknowledgement(alert_id, f"{alert_id!r} is a caution ({alert.type}): it is never "
                                                    "acknowledged")
    if alert.state not in UNACKNOWLEDGED_STATES:
        raise AlertAlreadyAcknowledged(alert_id, f"alert {alert_id!r} was already acknowledged by "
                                                 f"{alert.acknowledged_by}")
    return alert


def check_active_unacknowledged(board: Iterable[AlertView], alert_id: str) -> AlertView:
    """The alert ``alert_id`` if it is active and unacknowledged (it may be silenced or handed over)."""
    alert = check_acknowledgeable(board, alert_id)
    if alert.state == RECTIFIED_UNACKNOWLEDGED:
        raise AlertNotActive(alert_id, f"alert {alert_id!r} was rectified: acknowledge it instead")
    return alert


def find_alert(board: Iterable[AlertView], alert_id: str) -> AlertView:
    """The alert ``alert_id`` names on a board (by ``alert_key``), or ``UnknownAlert``."""
    key = alert_key(alert_id)
    for alert in board:
        if alert.alert_id == key:
            return alert
    raise UnknownAlert(alert_id, f"no alert {alert_id!r} in the log")


# --- the board kept as lives -------------------------------------------------------------------------------------


class _Life:
    """One alert's events and, once folded, its state after each of them."""

    __slots__ = ("raises", "moves", "times", "views")

    def __init__(self) -> None:
        self.raises: list[RecordedEvent] = []
        self.moves: list[RecordedEvent] = []
        self.times: list[int] = []
        self.views: list[AlertView] = []

    def fold(self, suppressions: Iterable[RecordedEvent], known_at: int | None = None) -> tuple[list[int],
                                                                                                list[AlertView]]:
        def known(recorded: RecordedEvent) -> bool:
            return known_at is None or recorded.recorded_at <= known_at

        raises = [r for r in self.raises if known(r)]
        times: list[int] = []
        views: list[AlertView] = []
        if not raises:
            return times, views
        first = min(raises, key=_order)
        event: AlertEvent = first.event  # type: ignore[assignment]
        ships = (event.mmsi, event.other_mmsi) if isinstance(event, CloseQuarters) else (event.mmsi,)
        related = [s for s in suppressions if s.event.mmsi in ships and known(s)]  # type: ignore[attr-defined]
        start = _order(first)
        earlier = sorted((s for s in related if _order(s) < start), key=_order)
        view = _raised(first, earlier)
        times.append(first.occurred_at)
        views.append(view)
        later = [m for m in self.moves if known(m) and _order(m) > start]
        later.extend(s for s in related if _order(s) > start)
        for recorded in sorted(later, key=_order):
            moved = _moved(view, recorded)
            if moved is not None:
                view = moved
                times.append(recorded.occurred_at)
                views.append(view)
        return times, views


class AlertBoard:
    """Alert facts kept per alert, each alert's life folded once, so the board at any moment is a lookup."""

    def __init__(self, events: Iterable[RecordedEvent] = ()):
        self._lives: dict[str, _Life] = {}
        self._suppressions: dict[int, list[RecordedEvent]] = {}
        self._positions: set[int] = set()
        self._dirty: set[str] = set()
        self._ship_alerts: dict[int, set[str]] = {}
        self._order: list[str] = []           # alert ids in raised order, with the arrays below
        self._raised = np.zeros(0, dtype=np.int64)
        self._normal = np.zeros(0, dtype=np.int64)
        self._stale = False
        self.add_all(events)

    def __len__(self) -> int:
        return len(self._positions)

    def alert_count(self) -> int:
        self._refresh()
        return len(self._order)

    def add(self, recorded: RecordedEvent) -> bool:
        """Fold in one event (any order, any thread's batch); other types and events already held are
        ignored. Returns whether it was new."""
        if not is_alert_fact(recorded) or recorded.position in self._positions:
            return False
        self._positions.add(recorded.position)
        event = recorded.event
        if isinstance(event, AlertsSuppressed):
            assert event.mmsi is not None
            self._suppressions.setdefault(event.mmsi, []).append(recorded)
            self._dirty.update(self._ship_alerts.get(event.mmsi, ()))
        else:
            alert_id = alert_key(event.alert_id)  # type: ignore[attr-defined]
            life = self._lives.get(alert_id)
            if life is None:
                life = self._lives[alert_id] = _Life()
            if isinstance(event, AlertEvent):
                life.raises.append(recorded)
                ships = (event.mmsi, event.other_mmsi) if isinstance(event, CloseQuarters) else (event.mmsi,)
                for mmsi in ships:
                    self._ship_alerts.setdefault(mmsi, set()).add(alert_id)
            else:
                life.moves.append(recorded)
            self._dirty.add(alert_id)
        self._stale = True
        return True

    def add_all(self, events: Iterable[RecordedEvent]) -> int:
        return sum(self.add(recorded) for recorded in events)

    def _suppressions_of(self, life: _Life) -> list[RecordedEvent]:
        if not self._suppressions or not life.raises:
            return []
        ships = {recorded.event.mmsi for recorded in life.raises}  # type: ignore[attr-defined]
        ships.update(r.event.other_mmsi for r in life.raises if isinstance(r.event, CloseQuarters))
        return [s for mmsi in sorted(ships) for s in self._suppressions.get(mmsi, ())]

    def _refresh(self) -> None:
        if not self._stale:
            return
        for alert_id in self._dirty:
            life = self._lives[alert_id]
            life.times, life.views = life.fold(self._suppressions_of(life))
        self._dirty.clear()
        raised = [(*_order(min(life.raises, key=_order)), alert_id)
                  for alert_id, life in self._lives.items() if life.views]
        raised.sort()
        self._order = [alert_id for _, _, alert_id in raised]
        self._raised = np.fromiter((t for t, _, _ in raised), dtype=np.int64, count=len(raised))
        self._normal = np.fromiter((self._normal_at(self._lives[alert_id]) for alert_id in self._order),
                                   dtype=np.int64, count=len(raised))
        self._stale = False

    @staticmethod
    def _normal_at(life: _Life) -> int:
        last = life.views[-1]
        return life.times[-1] if last.state == NORMAL else _NEVER

    def _view_at(self, alert_id: str, at: int) -> AlertView:
        life = self._lives[alert_id]
        return as_seen_at(life.views[bisect_right(life.times, at) - 1], at)

    def at(self, at: int, known_at: int | None = None) -> list[AlertView]:
        """The board at ``at`` (as known at ``known_at``): every alert raised by then, in the order raised."""
        if known_at is not None:
            return list(self._as_known(at, known_at))
        self._refresh()
        count = int(np.searchsorted(self._raised, at, side="right"))
        return [self._view_at(alert_id, at) for alert_id in self._order[:count]]

    def standing(self, at: int, known_at: int | None = None) -> list[AlertView]:
        """The alerts not back to normal at ``at``: active or rectified but unacknowledged, in raised order."""
        if known_at is not None:
            return [view for view in self._as_known(at, known_at) if view.state != NORMAL]
        self._refresh()
        picked = np.flatnonzero((self._raised <= at) & (self._normal > at))
        order = self._order
        return [self._view_at(order[i], at) for i in picked.tolist()]

    def _as_known(self, at: int, known_at: int) -> Iterator[AlertView]:
        found = []
        for alert_id, life in self._lives.items():
            suppressions = [s for s in self._suppressions_of(life) if s.occurred_at <= at]
            times, views = life.fold(suppressions, known_at)
            if times and times[0] <= at:
                first = min((r for r in life.raises if r.recorded_at <= known_at), key=_order)
                found.append((times[0], first.position, as_seen_at(views[bisect_right(times, at) - 1], at)))
        found.sort(key=lambda item: item[:2])
        return (view for _, _, view in found)

    def latest(self) -> list[AlertView]:
        """Everything the log holds: the board at the end of time."""
        self._refresh()
        ends = [life.times[-1] for life in self._lives.values() if life.times]
        moves = [m.occurred_at for life in self._lives.values() for m in life.moves[-1:]]
        return self.at(max(ends + moves, default=0))


def counts_by_state(board: Iterable[AlertView]) -> dict[str, int]:
    """How many alerts of a board are in each state (every state named, zeros included)."""
    counts = dict.fromkeys(STATES, 0)
    for view in board:
        counts[view.state] += 1
    return counts


__all__ = ["ACTIVE", "ACTIVE_ACKNOWLEDGED", "ACTIVE_SILENCED", "ACTIVE_STATES", "ACTIVE_TRANSFERRED",
           "ACTIVE_UNACKNOWLEDGED", "NORMAL", "RECTIFIED_UNACKNOWLEDGED", "STATES", "UNACKNOWLEDGED_STATES",
           "AlertAlreadyAcknowledged", "AlertBoard", "AlertError", "AlertNeedsNoAcknowledgement", "AlertNotActive",
           "AlertView", "UnknownAlert", "as_seen_at", "check_acknowledgeable", "check_active_unacknowledged",
           "alert_key", "counts_by_state", "find_alert", "fold_alerts", "is_alert_fact"]
