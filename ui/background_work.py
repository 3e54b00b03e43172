"""Work off the GUI thread: one job on Qt's thread pool that reports progress, can be cancelled, and ends
by signalling its result or why it failed.

The job gets two plain callables — ``progress(value)`` and ``cancelled()`` — and nothing of Qt's widgets;
its signals are queued to the GUI thread, so the dialogs that watch it stay responsive (imports, reports).
"""
from __future__ import annotations

import threading
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QLabel, QProgressDialog, QWidget

from domain.display_text import visible
from ui.plain_text import plain_label

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


PROGRESS_STEPS = 1_000


def run_with_progress(work: Work, parent: QWidget, *, name: str, title: str, first_text: str, cancel_text: str,
                      describe: Callable[[object], tuple[float, str]],
                      on_done: Callable[[object], None]) -> BackgroundRun:
    """Start ``work`` behind a window-modal progress dialog over ``parent`` (Cancel asks the work to stop).

    ``describe`` turns each progress value into (fraction done, text); ``on_done`` gets the result, or the
    failure's message as a str, once the dialog has closed. The dialog is kept as ``run.dialog``.
    """
    run = BackgroundRun(work, parent)
    dialog = QProgressDialog(first_text, "Cancel", 0, PROGRESS_STEPS, parent)
    dialog.setLabel(plain_label(QLabel(first_text)))  # progress texts name files: never markup
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(460)

    def show(value: object) -> None:
        fraction, text = describe(value)
        dialog.setValue(int(PROGRESS_STEPS * max(0.0, min(fraction, 1.0))))
        dialog.setLabelText(visible(text))

    def cancel() -> None:
        run.cancel()
        dialog.setLabelText(cancel_text)

    def finished(result: object) -> None:
        dialog.close()
        on_done(result)

    run.progressed.connect(show)
    dialog.canceled.connect(cancel)
    run.finished.connect(finished)
    run.failed.connect(finished)
    run.dialog = dialog  # type: ignore[attr-defined]
    run.start()
    return run
