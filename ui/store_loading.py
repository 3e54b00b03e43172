"""Opening a store without freezing the window: the session's ``load`` runs as background work
(``ui.background_work``) while a progress dialog shows how far it got and offers Cancel.

The worker gets only the session (no widgets). Opening another store while one is still opening supersedes
the first: it is cancelled, and a session it still managed to open is closed, never shown.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QWidget

from ui.background_work import BackgroundRun, run_with_progress
from ui.console_session import ConsoleSession

SHOW_AFTER_MS = 250  # a store that opens faster than this opens without a flash of a dialog


def open_with_progress(session: ConsoleSession, parent: QWidget, label: str,
                       on_loaded: Callable[[object], None], on_failed: Callable[[Exception], None]) -> BackgroundRun:
    """Start loading ``session`` with a modal progress dialog over ``parent``; the result goes to
    ``on_loaded`` (the source) or ``on_failed`` (the exception: ``LoadCancelled`` when the operator
    cancelled), both called on the GUI thread."""
    def load(progress: Callable[[object], None], cancelled: Callable[[], bool]) -> object:
        return session.load(lambda done, total: progress(done / total if total > 0 else 0.0), cancelled)

    run = run_with_progress(load, parent, name="storeLoading", title="Fleet Logbook", first_text=label,
                            cancel_text="Cancelling…", describe=lambda fraction: (float(fraction), label),
                            on_done=on_loaded, on_failed=on_failed, minimum_duration_ms=SHOW_AFTER_MS)
    run.discarded.connect(lambda _outcome: session.close())  # superseded: whatever it opened is let go
    return run
