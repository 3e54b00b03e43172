"""The scheduled report at work in a running console: an APScheduler cron job that exports an audit report
of every ship, daily at the set time, into the set folder, in the set formats.

Each file is exported by ``ReportDesk.export`` and so logged as ``AuditReportExported``, signed by the console's
operator with ``source: schedule`` in its metadata. The log is also where a run is remembered: the latest
scheduled export of the open store is the previous run (for "since the last run" and for the next point).

- **Read-only store** (auditor mode): every run is skipped, saying so; nothing is written.
- **Missed runs**: a run missed because the console was closed at its time is made once when the console
  next opens a store, provided the schedule was saved before that time and the store's log holds no
  scheduled export for it. Only the latest missed time is made up; earlier days are left to File › Export
  report (a week away does not greet the operator with seven reports).
- **Closing**: ``stop()`` cancels a run in hand at its next check (between the report's steps and pages);
  the renderers write under a temporary name and rename only a finished file, so nothing partial is left.
  Files already finished by then stay, as does their log entry.
- **Failure** (the folder gone or full, a renderer failing): the run raises, so the scheduler logs it with
  its traceback and the status bar shows it; the next day's run is tried as usual.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping

from app.audit_report import ReportRequest
from app.report_export import Renderer, ReportDesk
from app.report_files import ReportCancelled
from app.report_schedule import (InvalidSchedule, ReportSchedule, check_folder, jobs_settings_path, latest_run_time,
                                 next_run_time, report_path, report_range, zone_of)
from app.scheduler import FleetScheduler
from domain.time import MICROS_PER_SECOND, format_instant, now_micros

log = logging.getLogger(__name__)
JOB_ID = "scheduled-report"
MISSED_JOB_ID = "scheduled-report-missed"
TITLE = "scheduled report"
SOURCE = "schedule"
WRITTEN, FAILED, SKIPPED, CANCELLED = "written", "failed", "skipped", "cancelled"
READ_ONLY_REASON = "the store is open read-only (auditor mode): scheduled reports are not made"


class ScheduledReportFailed(RuntimeError):
    """A scheduled run that wrote no report (or not all of them); the message says why."""


@dataclass(frozen=True)
class ScheduledRun:
    """How a scheduled run ended: its run time, when it ended, the files it wrote and what happened."""

    run_time: int
    ended_at: int
    outcome: str                 # written, failed, skipped or cancelled
    files: tuple[str, ...] = ()  # file names, in the schedule's folder
    message: str = ""


@dataclass(frozen=True)
class ScheduleState:
    """What the settings dialog shows of the scheduled report."""

    schedule: ReportSchedule
    next_run: int | None
    last_run: ScheduledRun | None
    read_only: bool


class ScheduledReports:
    """The scheduled report of one console session."""

    def __init__(self, reports: ReportDesk, schedule: ReportSchedule, *, software: str,
                 renderers: Mapping[str, Renderer] | None = None, clock: Callable[[], int] = now_micros,
                 settings_file: Path | None = None):
        self._reports = reports
        self.schedule = schedule
        self._software = software
        self._renderers = dict(renderers or {})
        self._clock = clock
        self._settings_file = settings_file if settings_file is not None else jobs_settings_path()
        self._scheduler: FleetScheduler | None = None
        self._stopping = threading.Event()
        self._running = threading.Lock()  # one run at a time (a missed run and the day's may meet)
        self._lock = threading.Lock()
        self._last_run: ScheduledRun | None = None
        self._previous_run_time: int | None = None  # the latest scheduled run of this store, for the range
        logged = self._last_logged_run()
        if logged is not None:
            self._last_run = logged
            self._previous_run_time = logged.run_time

    # --- scheduling -------------------------------------------------------------------------------------------

    def start(self, scheduler: FleetScheduler) -> None:
        """Put the daily job on ``scheduler`` (when the schedule is on), and a missed run if there is one."""
        self._scheduler = scheduler
        self._schedule_job()
        missed = self.missed_run_time()
        if missed is not None:
            log.warning("the scheduled report of %s was missed (the console was closed); making it now",
                        format_instant(missed))
            scheduler.once(lambda: self.run(missed), MISSED_JOB_ID, title=f"{TITLE} (missed run)")

    def apply(self, schedule: ReportSchedule) -> None:
        """Use ``schedule`` from now on: the job is rescheduled (or removed) at once."""
        self.schedule = schedule
        self._schedule_job()

    def _schedule_job(self) -> None:
        scheduler, schedule = self._scheduler, self.schedule
        if scheduler is None:
            return
        if not schedule.enabled:
            scheduler.remove(JOB_ID)
            return
        scheduler.daily(schedule.hour, schedule.minute, self.run_due, JOB_ID, second=schedule.second,
                        zone=zone_of(schedule), zone_name="UTC" if schedule.time_zone == "utc" else "local time",
                        title=TITLE)

    def missed_run_time(self) -> int | None:
        """The run time of a run missed while the console was closed, to make now; None when there is none."""
        schedule = self.schedule
        if not schedule.enabled or self._reports.read_only:
            return None
        latest = latest_run_time(schedule, self._clock())
        try:
            saved = round(os.stat(self._settings_file).st_mtime * MICROS_PER_SECOND)
        except OSError:
            return None
        if latest <= saved:
            return None  # the schedule did not exist (as it is) at that time
        if self._previous_run_time is not None and self._previous_run_time >= latest:
            return None
        return latest

    def stop(self) -> None:
        """Cancel a run in hand (the console is closing); it leaves no partial file."""
        self._stopping.set()

    # --- running ----------------------------------------------------------------------------------------------

    def run_due(self) -> str:
        """The job: the run for the latest time the report was due (the scheduler starts it at that time)."""
        return self.run(latest_run_time(self.schedule, self._clock()))

    def run(self, run_time: int) -> str:
        """Export the report of the run at ``run_time`` in every format set; returns what it did. Raises
        ``ScheduledReportFailed`` when a report could not be written."""
        with self._running:
            return self._run(run_time, self.schedule)

    def _run(self, run_time: int, schedule: ReportSchedule) -> str:
        if self._reports.read_only:
            self._ended(ScheduledRun(run_time, self._clock(), SKIPPED, message=READ_ONLY_REASON))
            return f"skipped: {READ_ONLY_REASON}"
        files: list[str] = []
        try:
            folder = check_folder(schedule.folder)
            start, end = report_range(schedule, run_time, self._previous_run_time)
            request = ReportRequest(start, end)
            self._check_cancelled()
            report = self._reports.build(request, software=self._software)   # once for every format
            for fmt in schedule.formats:
                self._check_cancelled()
                path = report_path(folder, run_time, fmt)
                self._reports.export(request, path, software=self._software, renderers=self._renderers,
                                     source=SOURCE, progress=lambda _fraction, _text: self._check_cancelled(),
                                     cancelled=self._stopping.is_set, report=report)
                files.append(path.name)
        except ReportCancelled:
            message = "cancelled: the console closed" + (f" (written: {', '.join(files)})" if files else "")
            self._ended(ScheduledRun(run_time, self._clock(), CANCELLED, tuple(files), message))
            return message
        except (InvalidSchedule, OSError, ValueError) as error:
            reason = error.reason if isinstance(error, InvalidSchedule) else (str(error) or type(error).__name__)
            self._ended(ScheduledRun(run_time, self._clock(), FAILED, tuple(files), reason))
            raise ScheduledReportFailed(reason) from error
        except Exception as error:
            self._ended(ScheduledRun(run_time, self._clock(), FAILED, tuple(files), str(error) or type(error).__name__))
            raise
        self._previous_run_time = max(run_time, self._previous_run_time or run_time)
        self._ended(ScheduledRun(run_time, self._clock(), WRITTEN, tuple(files)))
        return f"wrote {', '.join(files)} in {folder}"

    def _check_cancelled(self) -> None:
        if self._stopping.is_set():
            raise ReportCancelled("the report was cancelled")

    def _ended(self, run: ScheduledRun) -> None:
        with self._lock:
            self._last_run = run

    # --- asking -----------------------------------------------------------------------------------------------

    def state(self) -> ScheduleState:
        schedule = self.schedule
        next_run = None
        if schedule.enabled:
            scheduled = self._scheduler.next_run(JOB_ID) if self._scheduler is not None else None
            next_run = scheduled if scheduled is not None else next_run_time(schedule, self._clock())
        with self._lock:
            last = self._last_run
        return ScheduleState(schedule, next_run, last, self._reports.read_only)

    def _last_logged_run(self) -> ScheduledRun | None:
        """The latest scheduled export in this store's log, as a run (all the files of its run time)."""
        latest: ScheduledRun | None = None
        for recorded in self._reports.exported():
            if recorded.metadata.get("source") != SOURCE:
                continue
            event = recorded.event
            run_time = event.range_to  # type: ignore[attr-defined]
            name = event.file_name  # type: ignore[attr-defined]
            if latest is None or run_time > latest.run_time:
                latest = ScheduledRun(run_time, recorded.recorded_at, WRITTEN, (name,))
            elif run_time == latest.run_time:
                latest = replace(latest, ended_at=recorded.recorded_at, files=(*latest.files, name))
        return latest

