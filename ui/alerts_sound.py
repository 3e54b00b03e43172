"""The audible signal of alarms and warnings (IEC 62923): asked for while a live console shows an alarm or a
warning that is active and unacknowledged and not silenced, repeated every ``REPEAT_S``, never for the past
being scrubbed, and never while muted (the operator's choice on this console, not an event: the log records
silences, which every console shares).

The sound itself is the platform's bell (``QApplication.beep``) where the machine has one; tests give the
sounder a player of their own and check it was asked for, without playing anything.
"""
from __future__ import annotations

import time
from typing import Callable, Iterable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from domain.alert_board import ACTIVE_UNACKNOWLEDGED, AlertView

SOUNDING_PRIORITIES = frozenset({"emergency", "alarm", "warning"})
REPEAT_S = 10.0


def sounding(board: Iterable[AlertView]) -> list[AlertView]:
    """The alerts that call for the audible signal: active, unacknowledged, not silenced, alarm or warning."""
    return [alert for alert in board if alert.state == ACTIVE_UNACKNOWLEDGED and alert.priority in SOUNDING_PRIORITIES]


class AlertSounder(QObject):
    """Asks for the audible signal when a live board calls for it; mutable."""

    mutedChanged = Signal(bool)

    def __init__(self, player: Callable[[], None] | None = None, *, clock: Callable[[], float] = time.monotonic,
                 repeat_s: float = REPEAT_S, parent: QObject | None = None):
        super().__init__(parent)
        self._player = player if player is not None else QApplication.beep
        self._clock = clock
        self._repeat_s = repeat_s
        self._last: float | None = None
        self.muted = False
        self.requests = 0  # how many times the signal was asked for

    def set_muted(self, muted: bool) -> None:
        if muted != self.muted:
            self.muted = muted
            self.mutedChanged.emit(muted)

    def consider(self, board: Iterable[AlertView], *, live: bool) -> bool:
        """Sound if the board shown live calls for it (at most once every ``repeat_s``); returns whether the
        signal was asked for now."""
        if not live or self.muted or not sounding(board):
            self._last = None if not live else self._last
            return False
        now = self._clock()
        if self._last is not None and now - self._last < self._repeat_s:
            return False
        self._last = now
        self.requests += 1
        self._player()
        return True
