"""Work off the GUI thread: results on ``finished``, failures as typed exceptions on ``failed``, and new work
of a kind supersedes the old, whose late results are ignored — for imports, reports and opening a store."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading

from PySide6.QtWidgets import QWidget

from app.ais_import import ImportRefused
from app.audit_report import ReportRequest
from app.console_session import LoadCancelled
from app.report_files import ReportCancelled
from tests.ui.fleet_store import T0, channel_fleet
from ui.background_work import BackgroundRun, run_with_progress
from ui.console_controller import ConsoleController
from ui.empty_source import empty_console
from ui.import_dialog import failure_text as import_failure_text
from ui.import_dialog import start_import
from ui.main_window import MainWindow
from ui.report_dialog import failure_text as report_failure_text
from ui.report_dialog import start_report

WAIT_MS = 10_000


class OutOfRange(ValueError):
    """An error of the work's own kind, to tell apart by type."""


def run_of(qtbot, work) -> tuple[BackgroundRun, dict]:
    """Start ``work`` and collect what each signal delivers."""
    run = BackgroundRun(work)
    seen: dict[str, list] = {"progressed": [], "finished": [], "failed": [], "discarded": []}
    for name, values in seen.items():
        getattr(run, name).connect(values.append)
    run.start()
    return run, seen


def test_a_result_arrives_on_finished_after_the_progress(qtbot):
    order = []

    def work(progress, cancelled):
        for step in range(2_000):
            progress(step)
        return "done"

    run, seen = run_of(qtbot, work)
    run.progressed.connect(lambda _step: order.append("progressed"))
    run.finished.connect(lambda _result: order.append("finished"))
    qtbot.waitUntil(lambda: run.settled, timeout=WAIT_MS)
    assert seen["finished"] == ["done"] and seen["failed"] == [] and seen["discarded"] == []
    steps = seen["progressed"]
    assert steps[-1] == 1_999 and steps == sorted(set(steps))  # the newest, in order, and the last always
    assert order[-1] == "finished" and order.count("finished") == 1


def test_a_fast_job_does_not_call_the_gui_thread_for_every_step(qtbot):
    def work(progress, cancelled):
        for step in range(20_000):
            progress(step)
        return "done"

    run, seen = run_of(qtbot, work)
    qtbot.waitUntil(lambda: run.settled, timeout=WAIT_MS)
    assert seen["progressed"][-1] == 19_999 and len(seen["progressed"]) < 100


def test_a_failure_arrives_on_failed_as_the_exception_itself(qtbot):
    def work(progress, cancelled):
        raise OutOfRange("minute 61 is past the hour")

    run, seen = run_of(qtbot, work)
    qtbot.waitUntil(lambda: run.settled, timeout=WAIT_MS)
    assert seen["finished"] == [] and len(seen["failed"]) == 1
    [error] = seen["failed"]
    assert isinstance(error, OutOfRange) and str(error) == "minute 61 is past the hour"


def test_cancel_is_polled_by_the_work_which_still_reports_how_it_ended(qtbot):
    started = threading.Event()

    def work(progress, cancelled):
        started.set()
        steps = 0
        while not cancelled():
            steps += 1
            threading.Event().wait(0.001)
        return f"stopped after {steps} steps"

    run, seen = run_of(qtbot, work)
    assert started.wait(5)
    run.cancel()
    qtbot.waitUntil(lambda: run.settled, timeout=WAIT_MS)
    assert len(seen["finished"]) == 1 and seen["finished"][0].startswith("stopped after")


def test_new_work_of_a_kind_supersedes_the_old_whose_late_result_is_ignored(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    release = threading.Event()
    first_saw_cancel = []

    def slow(progress, cancelled):
        release.wait(5)
        first_saw_cancel.append(cancelled())
        progress("late progress")
        return "stale"

    done, failed = [], []
    kwargs = dict(name="sums", title="Summing", first_text="Summing…", cancel_text="Cancelling…",
                  describe=lambda value: (0.5, str(value)), on_done=done.append, on_failed=failed.append)
    first = run_with_progress(slow, parent, **kwargs)
    discarded = []
    first.discarded.connect(discarded.append)
    second = run_with_progress(lambda progress, cancelled: "fresh", parent, **kwargs)
    qtbot.waitUntil(lambda: second.settled, timeout=WAIT_MS)
    release.set()
    qtbot.waitUntil(lambda: first.settled, timeout=WAIT_MS)
    assert first.superseded and first_saw_cancel == [True]
    assert done == ["fresh"] and failed == [] and discarded == ["stale"]
    assert not first.dialog.isVisible() and not second.dialog.isVisible()


def test_a_run_whose_owner_is_deleted_while_it_works_ends_quietly(qtbot):
    """A window closed while its event log seeks a page deletes the run with it: the work still reports."""
    owner = QWidget()
    go_on, reported = threading.Event(), threading.Event()

    def work(progress, cancelled):
        go_on.wait(WAIT_MS / 1000)
        progress(1)
        reported.set()
        return "late"

    run = BackgroundRun(work, owner)
    run.start()
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive(run), timeout=WAIT_MS)  # the owner took the run with it
    go_on.set()
    assert run.done.wait(WAIT_MS / 1000) and reported.is_set()
    assert run.cancelled()  # nobody is left to tell: the run says it was stopped


def _alive(run: BackgroundRun) -> bool:
    from shiboken6 import isValid

    return isValid(run)


def test_other_work_of_another_kind_is_left_running(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    done = []
    kwargs = dict(title="t", first_text="…", cancel_text="…", describe=lambda value: (0.0, ""),
                  on_done=done.append, on_failed=done.append)
    one = run_with_progress(lambda progress, cancelled: "import", parent, name="imports", **kwargs)
    other = run_with_progress(lambda progress, cancelled: "report", parent, name="reports", **kwargs)
    qtbot.waitUntil(lambda: one.settled and other.settled, timeout=WAIT_MS)
    assert sorted(done) == ["import", "report"] and not one.superseded


# --- the callers: imports, reports, opening a store ------------------------------------------------------------


def test_an_import_of_a_missing_file_fails_with_import_refused_and_says_nothing_was_imported(qtbot, fleet_stores,
                                                                                               tmp_path):
    service = fleet_stores.open(name="empty.sqlite")
    parent = QWidget()
    qtbot.addWidget(parent)
    done, failed = [], []
    start_import(service.imports, [str(tmp_path / "absent.nmea")], parent, on_done=done.append, on_failed=failed.append)
    qtbot.waitUntil(lambda: bool(failed), timeout=WAIT_MS)
    [error] = failed
    assert done == [] and isinstance(error, ImportRefused) and "absent.nmea" in str(error)
    title, text = import_failure_text(error)
    assert title == "Import refused" and text.startswith("Nothing was imported:")
    assert service.fleet.store.head().position == 0


def test_a_cancelled_report_is_told_as_a_cancel_not_as_a_failure():
    title, text = report_failure_text(ReportCancelled("the report was cancelled"))
    assert (title, text) == ("Report cancelled", "The report was cancelled; no file was written.")


def test_a_report_to_a_folder_that_cannot_be_written_fails_naming_it(qtbot, fleet_stores, tmp_path):
    service = fleet_stores.open(channel_fleet(ships=10, hours=0.5))
    parent = QWidget()
    qtbot.addWidget(parent)
    done, failed = [], []
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    start_report(service.reports, ReportRequest(T0, T0 + 30 * 60_000_000), str(blocked / "watch.csv"), parent,
                 on_done=done.append, on_failed=failed.append)
    qtbot.waitUntil(lambda: bool(done or failed), timeout=WAIT_MS)
    [error] = failed
    assert done == [] and isinstance(error, OSError)
    title, text = report_failure_text(error)
    assert title == "Report not exported" and "a-file" in text


class HeldSession:
    """A console session whose store opens only when the test lets it (the real one is app.ConsoleSession)."""

    read_only = False

    def __init__(self, source):
        self.source, self.release, self.closed = source, threading.Event(), False

    def load(self, progress=None, cancelled=lambda: False):
        self.release.wait(5)
        if cancelled() and self.source is None:
            raise LoadCancelled("opening held.sqlite was cancelled")
        return self.source

    def start(self):
        pass

    def feed_state(self):
        return ""

    def feed_warning(self):
        return False

    def shared_state(self):
        return ""

    def shared_warning(self):
        return False

    def job_failure(self):
        return ""

    def integrity_state(self):
        return ""

    def close(self):
        self.closed = True


def test_opening_another_store_while_one_opens_supersedes_it_and_closes_what_it_opened(qtbot, fleet_stores):
    window = MainWindow(empty_console())
    qtbot.addWidget(window)
    controller = ConsoleController(window)
    stale = HeldSession(fleet_stores.open(channel_fleet(ships=10, hours=0.5), name="stale.sqlite"))
    wanted = HeldSession(fleet_stores.open(channel_fleet(ships=20, hours=0.5), name="wanted.sqlite"))
    first = controller.open(stale)
    wanted.release.set()
    second = controller.open(wanted)
    qtbot.waitUntil(lambda: window.source is wanted.source, timeout=WAIT_MS)
    stale.release.set()  # the first store opens after all: too late to be shown
    qtbot.waitUntil(lambda: first.settled, timeout=WAIT_MS)
    assert first.superseded and stale.closed and not wanted.closed and second.settled
    assert window.source is wanted.source and controller.session is wanted
    controller.close()
    assert wanted.closed


def test_a_cancelled_opening_is_said_in_the_status_bar_not_as_a_failure(qtbot, monkeypatch):
    window = MainWindow(empty_console())
    qtbot.addWidget(window)
    warnings = []
    monkeypatch.setattr("ui.console_controller.show_message", lambda *args, **kwargs: warnings.append(args))
    controller = ConsoleController(window)
    held = HeldSession(None)
    run = controller.open(held)
    run.cancel()
    held.release.set()
    qtbot.waitUntil(lambda: run.settled, timeout=WAIT_MS)
    assert warnings == [] and window.statusBar().currentMessage() == "opening held.sqlite was cancelled"
    controller.close()


def test_an_import_stopped_by_a_full_disk_says_what_it_committed_not_that_nothing_was_imported(fleet_stores,
                                                                                               ais_samples):
    from app.ais_import import ImportFailed, ImportOptions
    from tests.store_faults import disk_full

    service = fleet_stores.open(name="filling.sqlite")
    full = disk_full()
    filled = []

    def fill_after_the_first_batch(progress) -> None:
        if progress.appended and not filled:
            filled.append(full.__enter__())

    try:
        service.imports.import_files([str(ais_samples / "stonesoup_SolentAIS_20160112_130211.csv")],
                                     ImportOptions(batch_size=2_000, parallel=False),
                                     progress=fill_after_the_first_batch, cancelled=lambda: False)
    except ImportFailed as error:
        stopped = error
    finally:
        full.__exit__(None, None, None)
    committed = service.fleet.store.head().position
    assert committed > 0 and stopped.summary.appended == committed

    title, text = import_failure_text(stopped)

    assert title == "Import stopped" and "Nothing" not in text
    assert f"{committed:,} events appended" in text and "again completes the rest" in text
