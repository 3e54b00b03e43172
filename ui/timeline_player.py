"""Playing the log: the moment advances by speed × elapsed wall time, about 30 times a second.

The advance is measured on a monotonic clock at each tick (not assumed from the timer's interval), so a
busy event loop makes playback coarser, never slower. Playback reaches the head of the log and stops
there, switching the timeline to Live.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

if TYPE_CHECKING:
    from ui.timeline import TimelineBar

TICK_MS = 33
SPEEDS = (1, 10, 60, 600, 3600)  # log seconds per wall-clock second
DEFAULT_SPEED = 60


class TimelinePlayer(QObject):
    """Moves a ``TimelineBar``'s moment forward in time while playing."""

    playingChanged = Signal(bool)

    def __init__(self, timeline: "TimelineBar"):
        super().__init__(timeline)
        self._timeline = timeline
        self.speed = DEFAULT_SPEED
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._clock = QElapsedTimer()
        self._last_ns = 0
        self._carry = 0.0  # µs of log time owed but not yet moved (below one µs)

    def is_playing(self) -> bool:
        return self._timer.isActive()

    def play(self) -> None:
        """Start moving forward; at the head of the log there is nothing to play (it stays Live)."""
        time_range = self._timeline.time_range()
        if self.is_playing() or time_range is None or self._timeline.moment() >= time_range[1]:
            self.playingChanged.emit(self.is_playing())
            return
        self._clock.start()
        self._last_ns, self._carry = 0, 0.0
        self._timer.start()
        self.playingChanged.emit(True)

    def pause(self) -> None:
        if self.is_playing():
            self._timer.stop()
            self.playingChanged.emit(False)

    def toggle(self) -> None:
        self.pause() if self.is_playing() else self.play()

    def _tick(self) -> None:
        time_range = self._timeline.time_range()
        if time_range is None:
            self.pause()
            return
        now_ns = self._clock.nsecsElapsed()
        owed = self.speed * (now_ns - self._last_ns) / 1_000 + self._carry
        self._last_ns = now_ns
        step = int(owed)
        self._carry = owed - step
        target = self._timeline.moment() + step
        if target >= time_range[1]:
            self.pause()
            self._timeline.set_live(True)  # at the head: follow it
            return
        self._timeline.set_moment(target)
