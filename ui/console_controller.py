"""Runs a console session in a window: opens the store off the GUI thread, starts its jobs, shows their
state in the status bar, switches stores on File › Open, and closes everything on exit."""
from __future__ import annotations

import logging
import threading
from typing import Callable

from PySide6.QtCore import QObject, QTimer

from app.console_session import LoadCancelled
from app.errors import StoreError
from domain.display_text import visible
from ui.background_work import BackgroundRun
from ui.console_session import ConsoleSession
from ui.plain_text import show_message
from ui.store_loading import open_with_progress

STATUS_POLL_MS = 2_000
STATUS_MS = 8_000
CLOSE_WAIT_S = 30.0
log = logging.getLogger(__name__)


class ConsoleController(QObject):
    """The one place the window and the session meet."""

    def __init__(self, window, parent: QObject | None = None):
        super().__init__(parent or window)
        self.window = window
        self.session: ConsoleSession | None = None
        self.loader: BackgroundRun | None = None
        self._loads: list[tuple[ConsoleSession, BackgroundRun]] = []  # every load started, until it ended
        self._closing: list[threading.Thread] = []  # sessions switched away from, closing off the GUI thread
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_POLL_MS)
        self._status_timer.timeout.connect(self._show_session_state)
        window.commands.openStoreRequested.connect(self._open_other)

    def open(self, session: ConsoleSession, at: int | None = None, label: str = "Opening the store…",
             then: Callable[[], None] | None = None) -> BackgroundRun:
        """Load ``session`` with a progress dialog; the window switches to it when it is ready (and then
        ``then`` runs). A load still under way is superseded: cancelled, and never shown."""
        loader = open_with_progress(session, self.window, label,
                                    on_loaded=lambda source: self._loaded(session, source, at, then),
                                    on_failed=lambda error: self._failed(session, error))
        self._loads = [(s, run) for s, run in self._loads if not run.settled] + [(session, loader)]
        self.loader = loader
        return loader

    def _loaded(self, session: ConsoleSession, source, at: int | None, then: Callable[[], None] | None) -> None:
        previous, self.session = self.session, session
        self.window.set_source(source, at)
        if then is not None:
            QTimer.singleShot(0, then)  # after the docks are rebuilt over the new source
        if previous is not None:
            if self.window.commands.settings_target is previous:
                self.window.commands.settings_target = None
            self._close_in_background(previous)
        # The jobs start on the next turn of the event loop: the switch itself is a frame's work already.
        QTimer.singleShot(0, lambda: self._start_jobs(session))

    def _close_in_background(self, session: ConsoleSession) -> None:
        """Close a session switched away from on a thread of its own: it waits for its jobs and saves its index
        snapshot (at ten million reports, seconds of compressing and writing when its log has grown), none of
        which the window, already showing the other store, needs. ``close`` waits for it."""
        self._closing = [thread for thread in self._closing if thread.is_alive()]
        closing = threading.Thread(target=_close_logging_failure, args=(session,), name="closing a store")
        closing.start()
        self._closing.append(closing)

    def _start_jobs(self, session: ConsoleSession) -> None:
        if session is not self.session:
            return
        session.start()
        self.window.commands.settings_target = session
        self._status_timer.start()
        self._show_session_state()

    def _failed(self, session: ConsoleSession, error: Exception) -> None:
        if isinstance(error, LoadCancelled):  # the operator's choice: no warning, the window stays as it was
            self.window.statusBar().showMessage(visible(str(error)), STATUS_MS)
            return
        show_message(self.window, "Fleet Logbook", f"The store could not be opened:\n{visible(str(error))}",
                     warning=True)

    def _open_other(self, path: str) -> None:
        if self.session is None:
            return
        self.open(self.session.another(path), None, f"Opening {path}…")

    def _show_session_state(self) -> None:
        if self.session is not None:
            self.window.set_feed_state(self.session.feed_state(), warning=self.session.feed_warning())
            self.window.set_integrity(self.session.integrity_state())
            self.window.set_shared_state(self.session.shared_state(), warning=self.session.shared_warning())

    def close(self) -> None:
        """Wait for the loads in flight (cancelled), then close the session and whatever those loads opened."""
        self._status_timer.stop()
        for session, loader in self._loads:
            if not loader.settled:
                loader.supersede()
                loader.done.wait(CLOSE_WAIT_S)
                if session is not self.session:
                    session.close()
        self._loads = []
        self.window.commands.settings_target = None
        if self.session is not None:
            self.window.stop_following()  # nothing the window has queued reads the store once it is closed
            self.session.close()
            self.session = None
        for closing in self._closing:  # the stores switched away from, closed before the program ends
            closing.join(CLOSE_WAIT_S)
        self._closing = []


def _close_logging_failure(session: ConsoleSession) -> None:
    """Close ``session`` on a thread of its own. The store refusing the close (its head witness not written: a
    full disk, a server gone) is logged: no one is waiting to be told."""
    try:
        session.close()
    except (StoreError, OSError) as error:
        log.warning("closing the store switched away from failed: %s", error)
