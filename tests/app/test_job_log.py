"""The job log: every run of a job (start, duration, outcome) and every failure with its traceback, in a
file in the user's log folder; a failing job stops no other."""
from __future__ import annotations

import re

from app.job_log import open_job_log
from app.scheduler import FleetScheduler


class HarbourMasterUnreachable(RuntimeError):
    pass


def test_each_run_and_each_failure_with_its_traceback_go_to_the_job_log(user_folders):
    def failing() -> None:
        raise HarbourMasterUnreachable("no answer from the harbour master")

    with open_job_log() as job_log:
        scheduler = FleetScheduler()
        scheduler.every(3_600, lambda: "3 reports read", "read-reports", title="read reports")
        scheduler.once(failing, "ask-harbour-master")
        scheduler.start()
        try:
            scheduler.run_soon("read-reports")
            assert scheduler.wait_for_runs("ask-harbour-master", 1) and scheduler.wait_for_runs("read-reports", 1)
            statuses = {status.job_id: status for status in scheduler.statuses()}
        finally:
            scheduler.shutdown()
        text = job_log.path.read_text(encoding="utf-8")
    assert job_log.path == user_folders["logs"] / "jobs.log"
    assert re.search(r"INFO app\.jobs: read-reports started \S+Z, took \d+\.\d{3} s: 3 reports read", text)
    assert re.search(r"ERROR app\.jobs: ask-harbour-master \(ask harbour master\) started \S+Z, took \d+\.\d{3} s: "
                     r"failed: no answer from the harbour master\nTraceback", text)
    assert "HarbourMasterUnreachable" in text
    assert statuses["read-reports"].schedule == "every 1 h 00 min" and statuses["read-reports"].last_ok
    assert statuses["read-reports"].next_run is not None
    failed = statuses["ask-harbour-master"]
    assert (failed.runs, failed.failures, failed.last_ok, failed.next_run) == (1, 1, False, None)


def test_a_log_folder_that_cannot_be_made_leaves_the_console_without_a_log_file(tmp_path):
    blocker = tmp_path / "logs"
    blocker.write_text("a file where the log folder should be", encoding="utf-8")
    assert open_job_log(blocker) is None
