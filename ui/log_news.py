"""News of committed events for the console: passed on at once to whoever lists events, taken in by the
timeline at most every ``LIVE_UPDATE_MS`` however fast it comes.

Taking news in grows the slider to the log's new range (Live moves to the head), puts the store's size in
the status bar and says ``logGrew`` with the earliest time among the new events, so a late report for the
moment shown redraws it. The density strip above the slider is recounted at most every
``DENSITY_REFRESH_MS``. Alerts raised while the console is Live are announced in the status bar; replaying
the past, they are only in the Alerts dock.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from app.console import Console
from domain.events import AlertEvent, AlertRectified, RecordedEvent
from ui.console_state import ConsoleState
from ui.live_bridge import LiveBridge
from ui.status_bar import ConsoleStatusBar
from ui.timeline import TimelineBar
from ui.timeline_density import DENSITY_BINS

LIVE_UPDATE_MS = 100
DENSITY_REFRESH_MS = 2_000


class LogNews(QObject):
    """Listens to one source at a time and brings its new events to the timeline and the status bar."""

    eventsArrived = Signal(object)  # tuple[RecordedEvent, ...], as soon as they are committed
    logGrew = Signal("qint64")      # taken in: the earliest occurred_at among them (µs UTC)

    def __init__(self, state: ConsoleState, timeline: TimelineBar, status: ConsoleStatusBar,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.state, self.timeline, self.status = state, timeline, status
        self.source: Console | None = None
        self.bridge: LiveBridge | None = None
        self._earliest: int | None = None  # earliest occurred_at among events not yet taken in
        self._density_range: tuple[int, int] | None = None
        self._take_in_timer = QTimer(self)
        self._take_in_timer.setSingleShot(True)
        self._take_in_timer.setInterval(LIVE_UPDATE_MS)
        self._take_in_timer.timeout.connect(self._take_in)
        self.density_timer = QTimer(self)
        self.density_timer.setSingleShot(True)
        self.density_timer.setInterval(DENSITY_REFRESH_MS)
        self.density_timer.timeout.connect(self.refresh_density)

    def use_source(self, source: Console) -> None:
        """Listen to ``source`` (and no longer to the last one); span the timeline over its log."""
        self.close()
        self.source, self._earliest, self._density_range = source, None, None
        self.bridge = LiveBridge(source.fleet, self)
        self.bridge.eventsArrived.connect(self._on_events)
        time_range = source.fleet.time_range()
        self.status.set_store(source.fleet.describe(), time_range)  # again only when events arrive
        self.timeline.set_range(time_range)
        self.refresh_density()

    def close(self) -> None:
        """Stop listening, and drop what was still to be taken in (its timers would read the store); idempotent."""
        self._take_in_timer.stop()
        self.density_timer.stop()
        self._earliest = None
        if self.bridge is not None:
            self.bridge.close()
            self.bridge.deleteLater()
            self.bridge = None

    def refresh_density(self) -> None:
        """Recount the events per slice of the log's time for the strip above the slider, if the range changed."""
        time_range = self.timeline.time_range()
        if time_range == self._density_range or self.source is None:
            return
        self._density_range = time_range
        if time_range is None:
            self.timeline.set_density(np.zeros(0, dtype=np.int64))
        else:
            self.timeline.set_density(self.source.fleet.event_density(time_range[0], time_range[1], DENSITY_BINS))
        alerts = self.source.alerts.alerts_at(time_range[1]) if time_range is not None else []
        self.timeline.set_alert_marks([(alert.raised_at, alert.priority) for alert in alerts
                                       if alert.priority != "caution"])  # marks by priority; cautions clear themselves

    def _on_events(self, events: Sequence[RecordedEvent]) -> None:
        self.eventsArrived.emit(events)
        if self.state.live:  # replaying the past, new alerts are in the dock, not announced
            ended = {e.event.alert_id for e in events if isinstance(e.event, AlertRectified)}
            news: dict[str, str] = {}  # one per alert (an encounter raises two); history rectified already is not news
            for recorded in events:
                event = recorded.event
                if isinstance(event, AlertEvent) and event.priority != "caution" and event.alert_id not in ended:
                    news[event.alert_id] = event.summary
            self.status.notify_alerts(list(news.values()))
        earliest = min(event.occurred_at for event in events)
        self._earliest = earliest if self._earliest is None else min(earliest, self._earliest)
        if not self._take_in_timer.isActive():
            self._take_in_timer.start()

    def _take_in(self) -> None:
        earliest, self._earliest = self._earliest, None
        if self.source is None or earliest is None:
            return
        time_range = self.source.fleet.time_range()
        self.status.set_store(self.source.fleet.describe(), time_range)
        first_range = self.timeline.time_range() is None
        self.timeline.set_range(time_range)  # when Live, this moves to the head
        if first_range:
            self.refresh_density()
        elif not self.density_timer.isActive():
            self.density_timer.start()
        self.logGrew.emit(earliest)
