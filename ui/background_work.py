"""Work off the GUI thread: one job on Qt's thread pool that reports progress, can be cancelled, and ends
by signalling its result or why it failed.

The job gets two plain callables — ``progress(value)`` and ``cancelled()`` — and nothing of Qt's widgets;
its signals are queued to the GUI thread, so the dialogs that watch it stay responsive (imports, reports).
"""
from __future__ import annotations

import threading
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

Work = Callable[[Callable[[object], None], Callable[[], bool]], object]


class BackgroundRun(QObject):
    """``progressed(value)`` while the work runs, then ``finished(result)`` or ``failed(message)``."""

    progressed = Signal(object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Work, parent: QObject | None = None):
        super().__init__(parent)
        self._work = work
        self._cancel = threading.Event()
        self.done = threading.Event()

    def start(self) -> None:
        QThreadPool.globalInstance().start(_Job(self))

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()


class _Job(QRunnable):
    def __init__(self, run: BackgroundRun):
        super().__init__()
        self._run = run

    def run(self) -> None:
        run = self._run
        try:
            result = run._work(run.progressed.emit, run.cancelled)
        except Exception as error:  # shown to the operator: any failure of the work becomes a message
            run.failed.emit(str(error) or type(error).__name__)
        else:
            run.finished.emit(result)
        finally:
            run.done.set()
