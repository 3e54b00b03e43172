"""Work off the GUI thread, one mechanism for every kind of it (opening a store, imports, reports).

A job runs on Qt's thread pool with two plain callables, ``progress(value)`` and ``cancelled()``, and nothing
of Qt's widgets; it polls ``cancelled`` between steps. It ends with its result on ``finished``, or with the
exception it raised on ``failed`` (the exception itself: callers tell failures apart by type), both
delivered on the GUI thread, so the dialogs that watch it stay responsive.

Starting new work of a kind supersedes the run of that kind still in hand (as Orange3's
``ConcurrentMixin`` does): the old run is cancelled and whatever it still reports is ignored — its late
result or failure goes to ``discarded`` only, for the owner to release what it holds.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, SignalInstance, Slot
from PySide6.QtWidgets import QLabel, QProgressDialog, QWidget

from domain.display_text import visible
from ui.plain_text import plain_label

Work = Callable[[Callable[[object], None], Callable[[], bool]], object]
PROGRESS_EVERY_S = 0.05  # progress reaches the GUI thread at most this often (the newest value; the last always)


class BackgroundRun(QObject):
    """One job: ``progressed(value)`` while it runs, then ``finished(result)`` or ``failed(exception)`` —
    or, once superseded, ``discarded(result or exception)`` and nothing else."""

    progressed = Signal(object)
    finished = Signal(object)
    failed = Signal(object)      # the Exception the work raised
    discarded = Signal(object)   # the late result or exception of a superseded run

    _reported = Signal()         # emitted on the worker thread, delivered on this object's (the GUI) thread
    _ended = Signal(bool, object)

    def __init__(self, work: Work, parent: QObject | None = None):
        super().__init__(parent)
        self._work = work
        self._cancel = threading.Event()
        self._superseded = False
        self.settled = False          # its end was delivered (GUI thread)
        self.done = threading.Event()  # the work returned or raised (any thread)
        self._progress_lock = threading.Lock()
        self._newest: tuple[object] | None = None  # the newest progress not yet delivered
        self._progress_queued = False
        self._progress_sent_at = float("-inf")
        self._reported.connect(self._deliver_progress, Qt.ConnectionType.QueuedConnection)
        self._ended.connect(self._deliver_end, Qt.ConnectionType.QueuedConnection)

    def start(self) -> None:
        QThreadPool.globalInstance().start(_Job(self._execute))

    def cancel(self) -> None:
        """Ask the work to stop; it still reports how it ended (an import's summary says it was cancelled)."""
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def supersede(self) -> None:
        """Newer work of the same kind started: stop, and ignore all this run still reports."""
        if not self.settled:
            self._superseded = True
            self._cancel.set()

    @property
    def superseded(self) -> bool:
        return self._superseded

    def _execute(self) -> None:
        """The job's body, on a worker thread."""
        try:
            result = self._work(self._progress, self.cancelled)
        except Exception as error:  # a thread boundary: the failure is reported, as itself, on the GUI thread
            self._send_progress()
            self._tell(self._ended, False, error)
        else:
            self._send_progress()
            self._tell(self._ended, True, result)
        finally:
            self.done.set()

    def _tell(self, signal: SignalInstance, *values: object) -> None:
        """Emit one of the run's own signals from the worker thread. The run may be gone: its owner (a window
        closed while its event log sought a page) deleted it while the work ran. No one is left to tell, so
        the work is asked to stop, and ends quietly instead of raising on a pool thread."""
        try:
            signal.emit(*values)
        except RuntimeError:  # "Signal source has been deleted"
            self._cancel.set()

    def _progress(self, value: object) -> None:
        """The work's ``progress`` (worker thread): kept as the newest, sent on now and then. A GUI thread that
        ran a Python slot for every step of a fast job would wait on the interpreter lock for each."""
        with self._progress_lock:
            self._newest = (value,)
        if time.monotonic() - self._progress_sent_at >= PROGRESS_EVERY_S:
            self._send_progress()

    def _send_progress(self) -> None:
        with self._progress_lock:
            if self._newest is None or self._progress_queued:
                return  # nothing new, or a delivery on its way will take the newest
            self._progress_queued = True
            self._progress_sent_at = time.monotonic()
        self._tell(self._reported)

    @Slot()
    def _deliver_progress(self) -> None:
        with self._progress_lock:
            newest, self._newest, self._progress_queued = self._newest, None, False
        if newest is not None and not self._superseded:
            self.progressed.emit(newest[0])

    @Slot(bool, object)
    def _deliver_end(self, succeeded: bool, outcome: object) -> None:
        self.settled = True
        if self._superseded:
            self.discarded.emit(outcome)
        elif succeeded:
            self.finished.emit(outcome)
        else:
            self.failed.emit(outcome)


class _Job(QRunnable):
    def __init__(self, body: Callable[[], None]):
        super().__init__()
        self._body = body

    def run(self) -> None:
        self._body()


class WorkOfOneKind(QObject):
    """The run of one kind of work for one window: starting another supersedes it."""

    def __init__(self, parent: QObject, kind: str):
        super().__init__(parent)
        self.setObjectName(kind)
        self.current: BackgroundRun | None = None

    @staticmethod
    def of(parent: QObject, kind: str) -> "WorkOfOneKind":
        """The ``kind`` of work of ``parent`` (made on first use)."""
        found = parent.findChild(WorkOfOneKind, kind, Qt.FindChildOption.FindDirectChildrenOnly)
        return found if found is not None else WorkOfOneKind(parent, kind)

    def start(self, run: BackgroundRun) -> BackgroundRun:
        if self.current is not None:
            self.current.supersede()
        self.current = run
        run.start()
        return run


PROGRESS_STEPS = 1_000


def run_with_progress(work: Work, parent: QWidget, *, name: str, title: str, first_text: str, cancel_text: str,
                      describe: Callable[[object], tuple[float, str]], on_done: Callable[[object], None],
                      on_failed: Callable[[Exception], None], minimum_duration_ms: int = 0) -> BackgroundRun:
    """Start ``work`` behind a window-modal progress dialog over ``parent`` (Cancel asks the work to stop);
    it supersedes the work of the same ``name`` still running for ``parent``.

    ``describe`` turns each progress value into (fraction done, text); ``on_done`` gets the result and
    ``on_failed`` the exception, once the dialog has closed. The dialog is kept as ``run.dialog``.
    """
    run = BackgroundRun(work, parent)
    dialog = QProgressDialog(first_text, "Cancel", 0, PROGRESS_STEPS, parent)
    dialog.setLabel(plain_label(QLabel(visible(first_text))))  # progress texts name files: never markup
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(minimum_duration_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(460)

    shown = {"value": -1, "text": first_text}

    def show(value: object) -> None:  # the dialog relays itself out on each change: change only what changed
        fraction, text = describe(value)
        steps = int(PROGRESS_STEPS * max(0.0, min(fraction, 1.0)))
        if steps != shown["value"]:
            shown["value"] = steps
            dialog.setValue(steps)
        if text != shown["text"]:
            shown["text"] = text
            dialog.setLabelText(visible(text))

    def cancel() -> None:
        run.cancel()
        dialog.setLabelText(cancel_text)

    def finished(result: object) -> None:
        dialog.close()
        on_done(result)

    def failed(error: Exception) -> None:
        dialog.close()
        on_failed(error)

    run.progressed.connect(show)
    dialog.canceled.connect(cancel)
    run.finished.connect(finished)
    run.failed.connect(failed)
    run.discarded.connect(lambda _outcome: dialog.close())
    run.dialog = dialog  # type: ignore[attr-defined]
    return WorkOfOneKind.of(parent, name).start(run)
