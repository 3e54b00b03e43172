"""What the console needs from the application to open and run a store (``app.ConsoleSession``)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Protocol

from app.console import Console
from domain.progress import PositionProgress as Progress


class ConsoleSession(Protocol):
    read_only: bool

    def load(self, progress: Progress | None = None, cancelled: Callable[[], bool] = lambda: False) -> Console:
        """Open the store and build the roles the console shows (slow: runs on a worker thread)."""
        ...

    def start(self) -> None:
        """Start the session's background jobs (live feed, integrity watch, …)."""
        ...

    def feed_state(self) -> str:
        """A short text on the live feed for the status bar ('' when none), or a job's failure."""
        ...

    def job_failure(self) -> str:
        """The newest failure of a job that has not succeeded since ('' when none)."""
        ...

    def integrity_state(self) -> str:
        """A short text on the log's integrity for the status bar ('' before the first check)."""
        ...

    def close(self) -> None:
        """Stop the jobs and close the store."""
        ...

    def another(self, location: str | Path) -> "ConsoleSession":
        """A session for another store."""
        ...
