"""Imports: AIS files read into the log, and live receiver feeds appending to it — both through the
console's ``append``, so the index, the rules and the window follow, and both signed by the operator."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from app.ais_import import ImportOptions, ImportProgress, ImportSummary, import_files
from app.feed_control import FeedControl
from domain.events import NewEvent
from domain.time import now_micros
from store import AppendResult, EventStore

Append = Callable[[Sequence[NewEvent]], AppendResult]


class Imports:
    """What comes into one store from outside: files and live feeds."""

    def __init__(self, store: EventStore, append: Append, *, operator: str, clock: Callable[[], int] = now_micros):
        self._store = store
        self._append = append
        self.operator = operator
        self._clock = clock
        self._feeds: FeedControl | None = None

    @property
    def read_only(self) -> bool:
        return self._store.read_only

    def import_files(self, paths: Sequence[str | Path], options: ImportOptions | None = None, *,
                     progress: Callable[[ImportProgress], None] | None = None,
                     cancelled: Callable[[], bool] = lambda: False) -> ImportSummary:
        """Import AIS files (``app.ais_import``); returns what was read, appended and quarantined."""
        return import_files(self._store, paths, options or ImportOptions(), append=self._append, progress=progress,
                            cancelled=cancelled, clock=self._clock, operator=self.operator)

    @property
    def feeds(self) -> FeedControl:
        """The live receiver feeds appending to this store (made on first use)."""
        if self._feeds is None:
            self._feeds = FeedControl(self._store, self._append, operator=self.operator)
        return self._feeds

    def stop_feeds(self) -> None:
        if self._feeds is not None:
            self._feeds.stop_all()
