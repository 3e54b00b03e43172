"""How fast events are arriving: a sliding count over the bus, for the status bar's feed state."""
from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable, Sequence

from domain.events import RecordedEvent

WINDOW_S = 60.0


class FeedMeter:
    """Counts events published on the bus over the last minute (wall clock)."""

    def __init__(self, name: str, clock: Callable[[], float] = time.monotonic):
        self.name = name
        self._clock = clock
        self._arrivals: deque[tuple[float, int]] = deque()
        self._lock = threading.Lock()

    def notice(self, events: Sequence[RecordedEvent]) -> None:
        with self._lock:
            self._arrivals.append((self._clock(), len(events)))

    def per_minute(self) -> float:
        now = self._clock()
        with self._lock:
            while self._arrivals and self._arrivals[0][0] < now - WINDOW_S:
                self._arrivals.popleft()
            return float(sum(count for _, count in self._arrivals)) * 60.0 / WINDOW_S

    def state(self) -> str:
        rate = self.per_minute()
        return f"{self.name} · {rate:,.0f} events/min" if rate else f"{self.name} · idle"
