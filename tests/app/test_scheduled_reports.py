"""The scheduled report: daily at its time, into its folder, in its formats, logged as exported by the
schedule; never overwriting a file, skipped in a read-only store, made up once after a missed run,
cancelled cleanly when the console closes, and a failure reported without stopping the other jobs."""
from __future__ import annotations

import csv
import os
import threading
from datetime import datetime, timedelta, timezone

import pytest

from app.console_session import ConsoleSession
from app.demo_fleet import seed_history
from app.console import Console
from app.fleet_service import FleetService
from app.report_files import write_csv
from app.report_schedule import ReportSchedule, save_report_schedule
from app.scheduled_reports import (CANCELLED, FAILED, JOB_ID, SKIPPED, WRITTEN, ScheduledReportFailed,
                                   ScheduledReports)
from app.scheduler import FleetScheduler
from domain.time import MICROS_PER_HOUR, MICROS_PER_SECOND, from_datetime, now_micros
from store import open_store
from tests.fleet_events import T0, registered, report

RUN = T0 + 2 * MICROS_PER_HOUR            # 2024-05-01 14:00 UTC, the schedule's time
AFTER_RUN = RUN + 3 * MICROS_PER_SECOND   # the scheduler starts the job a moment after it is due


def desk(service, clock=now_micros, operator: str | None = None):
    """The report desk of a console over ``service`` (what the session hands the scheduled reports)."""
    return Console.over(service, clock=clock, operator=operator).reports


@pytest.fixture
def watch_store(store_path):
    with open_store(store_path) as store:
        store.append_batch([registered(219000001, 0, "ARIA"), registered(219000002, 0, "BORA"),
                            *[report(219000001 + minute % 2, minute, lat=50 + minute / 100) for minute in range(1, 90)]])
    return store_path


@pytest.fixture
def reports_folder(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    return folder


def daily(folder, **choices) -> ReportSchedule:
    return ReportSchedule(**{"enabled": True, "hour": 14, "minute": 0, "folder": str(folder),
                             "formats": ("csv", "json"), **choices})


def exports(store) -> list:
    return [r for r in store.read_all() if r.type == "AuditReportExported"]


def test_a_scheduled_run_writes_each_format_and_logs_it_as_exported_by_the_schedule(watch_store, reports_folder):
    with open_store(watch_store) as store:
        service = FleetService.open(store)
        reports = ScheduledReports(desk(service, lambda: AFTER_RUN, operator="kim"), daily(reports_folder),
                                   software="Fleet Logbook test",
                                   clock=lambda: AFTER_RUN)
        outcome = reports.run_due()
        assert sorted(os.listdir(reports_folder)) == ["audit-report-2024-05-01T1400Z.changes.csv",  # beside the CSV
                                                     "audit-report-2024-05-01T1400Z.csv",
                                                     "audit-report-2024-05-01T1400Z.json"]
        assert outcome.startswith("wrote audit-report-2024-05-01T1400Z.csv, audit-report-2024-05-01T1400Z.json")
        with open(reports_folder / "audit-report-2024-05-01T1400Z.csv", newline="", encoding="utf-8") as rows:
            assert len(list(csv.DictReader(rows))) == 91  # two ships registered, 89 reports
        logged = exports(store)
        assert [e.event.format for e in logged] == ["csv", "json"]
        for exported in logged:
            assert exported.metadata == {"source": "schedule", "operator": "kim"}
            assert (exported.event.range_from, exported.event.range_to) == (RUN - 24 * MICROS_PER_HOUR, RUN)
        last = reports.state().last_run
        assert last.outcome == WRITTEN and last.run_time == RUN and len(last.files) == 2
        # one report, gathered (and the log verified) once: both files stand on the same chain head
        assert len({(e.event.head_position, e.event.head_hash) for e in logged}) == 1
        assert logged[0].event.head_position < logged[0].position


def test_a_scheduled_run_never_overwrites_a_file_already_in_the_folder(watch_store, reports_folder):
    kept = reports_folder / "audit-report-2024-05-01T1400Z.csv"
    kept.write_text("an investigator's copy\n", encoding="utf-8")
    with open_store(watch_store) as store:
        service = FleetService.open(store)
        ScheduledReports(desk(service, lambda: AFTER_RUN), daily(reports_folder, formats=("csv",)), software="test",
                         clock=lambda: AFTER_RUN).run_due()
    assert kept.read_text(encoding="utf-8") == "an investigator's copy\n"
    assert (reports_folder / "audit-report-2024-05-01T1400Z-2.csv").exists()


def test_since_the_last_run_covers_from_the_previous_scheduled_run_even_after_a_restart(watch_store, reports_folder):
    schedule = daily(reports_folder, formats=("json",), covers="since-last-run")
    next_day = AFTER_RUN + 24 * MICROS_PER_HOUR
    with open_store(watch_store) as store:
        service = FleetService.open(store)
        ScheduledReports(desk(service, lambda: AFTER_RUN), schedule, software="test", clock=lambda: AFTER_RUN).run_due()
    with open_store(watch_store) as store:  # the console was closed and opened again
        service = FleetService.open(store)
        reports = ScheduledReports(desk(service, lambda: next_day), schedule, software="test", clock=lambda: next_day)
        assert reports.state().last_run.run_time == RUN  # remembered from the log
        reports.run_due()
        first, second = exports(store)
        assert (first.event.range_from, first.event.range_to) == (RUN - 24 * MICROS_PER_HOUR, RUN)
        assert (second.event.range_from, second.event.range_to) == (RUN, RUN + 24 * MICROS_PER_HOUR)


def test_a_read_only_store_skips_the_scheduled_report_saying_why(watch_store, reports_folder):
    with open_store(watch_store, read_only=True) as store:
        service = FleetService.open(store)
        reports = ScheduledReports(desk(service, lambda: AFTER_RUN), daily(reports_folder), software="test",
                                   clock=lambda: AFTER_RUN)
        assert reports.run_due().startswith("skipped: the store is open read-only")
        assert reports.state().last_run.outcome == SKIPPED and reports.state().read_only
    assert os.listdir(reports_folder) == []


def test_a_scheduled_run_into_a_folder_that_is_gone_fails_naming_it(watch_store, tmp_path):
    with open_store(watch_store) as store:
        service = FleetService.open(store)
        reports = ScheduledReports(desk(service, lambda: AFTER_RUN), daily(tmp_path / "gone"), software="test",
                                   clock=lambda: AFTER_RUN)
        with pytest.raises(ScheduledReportFailed, match="gone does not exist"):
            reports.run_due()
        last = reports.state().last_run
        assert last.outcome == FAILED and "does not exist" in last.message and exports(store) == []


def test_a_run_missed_while_the_console_was_closed_is_made_once_on_the_next_start(watch_store, reports_folder):
    schedule = daily(reports_folder, formats=("csv",))
    saved = save_report_schedule(schedule)
    day_before = (RUN - 24 * MICROS_PER_HOUR) / MICROS_PER_SECOND
    os.utime(saved, (day_before, day_before))  # saved yesterday: today's 14:00 run was due while closed
    later = RUN + 3 * MICROS_PER_HOUR
    with open_store(watch_store) as store:
        service = FleetService.open(store)
        reports = ScheduledReports(desk(service, lambda: later), schedule, software="test", clock=lambda: later)
        assert reports.missed_run_time() == RUN
        scheduler = FleetScheduler(clock=lambda: later)
        reports.start(scheduler)
        scheduler.start()
        try:
            assert scheduler.wait_for_runs("scheduled-report-missed", 1, timeout=30)
        finally:
            scheduler.shutdown()
        assert sorted(os.listdir(reports_folder)) == ["audit-report-2024-05-01T1400Z.changes.csv",
                                                     "audit-report-2024-05-01T1400Z.csv"]
        again = ScheduledReports(desk(service, lambda: later), schedule, software="test", clock=lambda: later)
        assert again.missed_run_time() is None, "made once: the log holds it now"


def test_a_schedule_saved_after_its_time_today_has_missed_nothing(watch_store, reports_folder):
    schedule = daily(reports_folder)
    saved = save_report_schedule(schedule)
    at = (RUN + MICROS_PER_HOUR) / MICROS_PER_SECOND
    os.utime(saved, (at, at))
    with open_store(watch_store) as store:
        service = FleetService.open(store)
        later = RUN + 2 * MICROS_PER_HOUR
        reports = ScheduledReports(desk(service, lambda: later), schedule, software="test", clock=lambda: later)
        assert reports.missed_run_time() is None


def test_apscheduler_starts_the_report_at_its_time_of_day(watch_store, reports_folder):
    due = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=2)
    schedule = daily(reports_folder, hour=due.hour, minute=due.minute, second=due.second, formats=("json",))
    fired = threading.Event()
    with open_store(watch_store) as store:
        service = FleetService.open(store)
        reports = ScheduledReports(desk(service), schedule, software="test")
        scheduler = FleetScheduler(on_job_done=lambda job_id, error: fired.set() if job_id == JOB_ID else None)
        reports.start(scheduler)
        assert reports.state().next_run == from_datetime(due)
        scheduler.start()
        try:
            assert fired.wait(timeout=30), "the cron trigger fired"
        finally:
            scheduler.shutdown()
        stamp = due.strftime("%Y-%m-%dT%H%M%SZ") if due.second else due.strftime("%Y-%m-%dT%H%MZ")
        assert os.listdir(reports_folder) == [f"audit-report-{stamp}.json"]
        (exported,) = exports(store)
        assert exported.event.range_to == from_datetime(due) and exported.metadata["source"] == "schedule"
        assert now_micros() >= from_datetime(due)


def test_closing_the_console_during_a_scheduled_export_cancels_it_leaving_no_partial_file(store_path, reports_folder):
    now = from_datetime(datetime(2026, 2, 1, 6, 0, 5, tzinfo=timezone.utc))
    with open_store(store_path) as store:
        seed_history(store, ships=50, hours=2, seed=3, end=now)  # enough events for the writer to check twice
    save_report_schedule(ReportSchedule(enabled=True, hour=6, minute=0, folder=str(reports_folder),
                                        formats=("pdf",)))
    writing = threading.Event()

    def slow_pdf(report, path, *, progress=None, cancelled):
        """The CSV writer standing in for a long PDF: still at work when the console starts closing."""
        writing.set()
        for _ in range(1_000):  # at most 10 s
            if cancelled():
                break
            threading.Event().wait(0.01)
        return write_csv(report, path, progress=progress, cancelled=cancelled)

    session = ConsoleSession(store_path, clock=lambda: now, live=False, renderers={"pdf": slow_pdf})
    session.load()
    session.start()
    try:
        session.run_job_soon(JOB_ID)
        assert writing.wait(timeout=30)
    finally:
        session.close()
    assert os.listdir(reports_folder) == [], "neither the report nor its partial file is left"
    last = session.report_schedule_state().last_run
    assert last.outcome == CANCELLED and session.job_failure() == ""
    with open_store(store_path) as store:
        assert exports(store) == []


def test_a_failing_scheduled_report_shows_in_the_status_and_the_job_log_while_other_jobs_go_on(
        watch_store, tmp_path, user_folders):
    from app.job_log import open_job_log

    folder = tmp_path / "usb-stick"
    folder.mkdir()
    save_report_schedule(daily(folder))
    folder.rmdir()  # the stick was pulled out
    with open_job_log() as job_log:
        session = ConsoleSession(watch_store, clock=lambda: AFTER_RUN, live=False, log_file=job_log.path)
        session.load()
        session.start()
        try:
            session.run_job_soon(JOB_ID)
            assert session.wait_for_job(JOB_ID, 1)
            assert session.feed_state() == session.job_failure() == (
                f"scheduled report failed 14:00 UTC: {folder} does not exist — see {job_log.path}")
            assert session.wait_for_job("integrity-watch", 1)  # the run at start: one asked for meanwhile is skipped
            session.run_job_soon("integrity-watch")
            assert session.wait_for_job("integrity-watch", 2), "the other jobs go on"
            statuses = {status.job_id: status for status in session.job_statuses()}
        finally:
            session.close()
        text = job_log.path.read_text(encoding="utf-8")
    assert job_log.path.parent == user_folders["logs"]
    assert f"scheduled-report (scheduled report) started 2024-05-01T14:00:03Z" in text
    assert "Traceback" in text and "ScheduledReportFailed" in text and "does not exist" in text
    assert "INFO app.jobs: integrity-watch started" in text and ": chain verified" in text
    assert statuses[JOB_ID].failures == 1 and not statuses[JOB_ID].last_ok
    assert statuses["integrity-watch"].last_ok and statuses["integrity-watch"].runs >= 2


def test_the_day_after_a_failure_the_report_is_made_and_the_status_clears(watch_store, tmp_path):
    folder = tmp_path / "reports"
    save_report_schedule(daily(folder, formats=("csv",)))
    clock = [AFTER_RUN]
    session = ConsoleSession(watch_store, clock=lambda: clock[0], live=False)
    session.load()
    session.start()
    try:
        session.run_job_soon(JOB_ID)
        assert session.wait_for_job(JOB_ID, 1) and "scheduled report failed" in session.job_failure()
        folder.mkdir()
        clock[0] += 24 * MICROS_PER_HOUR
        session.run_job_soon(JOB_ID)
        assert session.wait_for_job(JOB_ID, 2)
        assert session.job_failure() == ""
        assert sorted(os.listdir(folder)) == ["audit-report-2024-05-02T1400Z.changes.csv",
                                              "audit-report-2024-05-02T1400Z.csv"]
    finally:
        session.close()


def test_rescheduling_from_the_settings_takes_effect_at_once(watch_store, reports_folder):
    session = ConsoleSession(watch_store, clock=lambda: AFTER_RUN, live=False)
    session.load()
    session.start()
    try:
        assert session.report_schedule_state().next_run is None  # no jobs.toml: no scheduled report
        assert session.apply_report_schedule(daily(reports_folder, hour=5, minute=30))
        next_run = session.report_schedule_state().next_run
        assert next_run is not None and datetime.fromtimestamp(next_run / 1e6, timezone.utc).strftime("%H:%M") == "05:30"
        assert any(status.job_id == JOB_ID and status.schedule == "daily at 05:30 UTC"
                   for status in session.job_statuses())
        session.apply_report_schedule(ReportSchedule())
        assert session.report_schedule_state().next_run is None
    finally:
        session.close()



