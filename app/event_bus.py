"""The EventBus delivers each committed batch of events to its subscribers (index, rules, the UI bridge).

A failing subscriber is logged and does not stop the others: one broken view must never cost the log or
the other views an event.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable, Sequence

from domain.events import RecordedEvent

Subscriber = Callable[[Sequence[RecordedEvent]], None]
log = logging.getLogger(__name__)


class EventBus:
    """Synchronous fan-out after commit, in subscription order, from whichever thread appended."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Add a subscriber; returns the function that removes it again."""
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def publish(self, events: Sequence[RecordedEvent]) -> None:
        if not events:
            return
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(events)
            except Exception:  # a subscriber's failure is its own; the others still hear the news
                log.exception("event subscriber %r failed on %d events", subscriber, len(events))
