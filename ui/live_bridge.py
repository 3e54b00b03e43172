"""News of committed events, carried from whatever thread the app publishes on to the GUI thread.

``FleetView.subscribe`` calls back on any thread; widgets may only be touched on the GUI thread, so
the callback does nothing but emit a signal that is always delivered queued. After ``close`` (or once
the Qt object is gone) late callbacks are dropped.
"""
from __future__ import annotations

import threading
from typing import Sequence

from PySide6.QtCore import QObject, Qt, Signal

from domain.events import RecordedEvent
from app.fleet_view import FleetView


class LiveBridge(QObject):
    """Re-emits each batch of new events as ``eventsArrived(tuple[RecordedEvent, ...])`` on the GUI thread."""

    eventsArrived = Signal(object)
    _delivered = Signal(object)

    def __init__(self, source: FleetView, parent: QObject | None = None):
        super().__init__(parent)
        self._lock = threading.Lock()
        self._open = True
        self._delivered.connect(self._relay, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = source.subscribe(self._deliver)

    def close(self) -> None:
        """Stop listening; idempotent."""
        with self._lock:
            if not self._open:
                return
            self._open = False
        self._unsubscribe()

    def _deliver(self, events: Sequence[RecordedEvent]) -> None:  # any thread
        with self._lock:
            if not self._open:
                return
            try:
                self._delivered.emit(tuple(events))
            except RuntimeError:  # the Qt object is gone without close(): stop delivering
                self._open = False

    def _relay(self, events: tuple[RecordedEvent, ...]) -> None:  # GUI thread
        if self._open and events:
            self.eventsArrived.emit(events)
