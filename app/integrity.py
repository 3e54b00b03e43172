"""Watching the log's integrity while the console is open: a full verify once, then only each new tail.

Runs on a scheduler thread; the window reads ``state`` (a short text for the status bar).
"""
from __future__ import annotations

import logging
import threading

from store import EventStore, VerifyReport

log = logging.getLogger(__name__)


class IntegrityWatch:
    """The latest verdict on the log, kept current by ``check``."""

    def __init__(self, store: EventStore):
        self._store = store
        self._last: VerifyReport | None = None
        self._lock = threading.Lock()
        self.state = "integrity not checked yet"

    def check(self) -> VerifyReport:
        """Verify what was not verified yet (everything the first time) and update ``state``."""
        with self._lock:
            report = self._store.verify(after=self._last)
            if report.ok:
                self._last = report
                self.state = f"chain verified ✓ ({report.events:,} events)"
            else:
                where = f" at position {report.first_bad_position}" if report.first_bad_position else ""
                self.state = f"INTEGRITY FAILURE{where}: {report.problem}"
                log.error("the log does not verify%s: %s", where, report.problem)
            return report
