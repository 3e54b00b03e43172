"""Opening a store without freezing the window: the session's ``load`` runs on a worker thread while a
progress dialog shows how far it got and offers Cancel.

The worker gets only the session (no widgets); it reports by signals, which Qt queues to the GUI thread.
"""
from __future__ import annotations

import threading
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QLabel, QProgressDialog, QWidget

from domain.display_text import visible
from ui.console_session import ConsoleSession
from ui.plain_text import plain_label

_STEPS = 1_000


class StoreLoader(QObject):
    """Runs ``session.load`` on the thread pool; emits ``progressed``, then ``loaded`` or ``failed``."""

    progressed = Signal(int)       # per mille done
    loaded = Signal(object)        # the app.console.Console
    failed = Signal(str)           # why not (a cancel says so too)

    def __init__(self, session: ConsoleSession, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self._cancel = threading.Event()
        self.finished = threading.Event()

    def start(self) -> None:
        QThreadPool.globalInstance().start(_LoadJob(self))

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, done: int, total: int) -> None:
        self.progressed.emit(int(_STEPS * done / total) if total > 0 else 0)


class _LoadJob(QRunnable):
    def __init__(self, loader: StoreLoader):
        super().__init__()
        self._loader = loader

    def run(self) -> None:
        loader = self._loader
        try:
            source = loader.session.load(loader._progress, loader.cancelled)
        except Exception as error:  # shown to the operator: any failure to open becomes a message
            loader.failed.emit(str(error) or type(error).__name__)
        else:
            loader.loaded.emit(source)
        finally:
            loader.finished.set()


def open_with_progress(session: ConsoleSession, parent: QWidget, label: str,
                       on_loaded: Callable[[object], None], on_failed: Callable[[str], None]) -> StoreLoader:
    """Start loading ``session`` with a modal progress dialog over ``parent``; the result goes to
    ``on_loaded`` (the source) or ``on_failed`` (why not), both called on the GUI thread."""
    loader = StoreLoader(session, parent)
    dialog = QProgressDialog(label, "Cancel", 0, _STEPS, parent)
    dialog.setLabel(plain_label(QLabel(visible(label))))  # the label names the store's file: never markup
    dialog.setWindowTitle("Fleet Logbook")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(250)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    loader.progressed.connect(dialog.setValue)
    dialog.canceled.connect(loader.cancel)
    loader.loaded.connect(lambda _source: dialog.close())
    loader.failed.connect(lambda _message: dialog.close())
    loader.loaded.connect(on_loaded)  # connected before the worker starts, so no result can be missed
    loader.failed.connect(on_failed)
    loader.dialog = dialog  # type: ignore[attr-defined]
    loader.start()
    return loader
