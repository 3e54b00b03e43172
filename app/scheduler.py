"""Scheduled jobs (APScheduler): the live demo fleet, catching up with other writers, index snapshots, the
rules, scheduled reports.

Jobs never touch widgets; what they append reaches the UI through the event bus. Every run is timed and
logged on the ``app.jobs`` logger (job, start, duration, outcome; a failure with its traceback), which the
job log (``app.job_log``) writes to a file; a failing job is reported to a listener (the status bar) and
never takes the app down. ``statuses()`` tells what each job did last, for the console's Jobs tab.
``shutdown`` waits for the jobs in hand (long ones poll a cancel flag their owner sets first).
"""
from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from typing import Any, Callable

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from domain.time import duration_text, format_instant, from_datetime, now_micros

log = logging.getLogger(__name__)
job_log = logging.getLogger("app.jobs")
JobListener = Callable[[str, BaseException | None], None]  # (job id, error or None)
Describe = Callable[[Any], str]


def _outcome(result: object) -> str:
    return result if isinstance(result, str) and result else "ok"


@dataclass(frozen=True)
class JobStatus:
    """What one job is and did last: for the console's Jobs tab."""

    job_id: str
    title: str
    schedule: str                    # 'every 5 s', 'daily at 06:00 UTC', 'once'
    next_run: int | None             # µs UTC; None when it will not run again
    runs: int = 0
    failures: int = 0
    last_started: int | None = None  # µs UTC
    last_seconds: float | None = None
    last_outcome: str = ""           # 'ok', what the job said it did, or 'failed: <reason>'
    last_ok: bool = True


@dataclass
class _Record:
    title: str
    schedule: str
    runs: int = 0
    failures: int = 0
    last_started: int | None = None
    last_seconds: float | None = None
    last_outcome: str = ""
    last_ok: bool = True
    done: int = 0  # runs whose listener has been told too (what ``wait_for_runs`` counts)


class FleetScheduler:
    """A background scheduler with one-line job registration, run records and failure reporting."""

    def __init__(self, on_job_done: JobListener | None = None, *, clock: Callable[[], int] = now_micros):
        self._scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1,
                                                                            "misfire_grace_time": 30})
        self._on_job_done = on_job_done
        self._clock = clock
        self._lock = threading.Condition()
        self._records: dict[str, _Record] = {}
        self._scheduler.add_listener(self._missed, EVENT_JOB_MISSED)

    # --- registering ------------------------------------------------------------------------------------------

    def every(self, seconds: float, job: Callable[[], object], job_id: str, *, title: str | None = None,
              describe: Describe = _outcome) -> None:
        self._add(job_id, title, f"every {duration_text(seconds)}", job, describe, "interval", seconds=seconds)

    def once(self, job: Callable[[], object], job_id: str, *, title: str | None = None,
             describe: Describe = _outcome, max_instances: int = 1) -> None:
        """Run a job once, as soon as the scheduler runs (on its threads); with ``max_instances`` 2 it runs
        even while an earlier run of it is still in hand (the job itself then waits its turn)."""
        self._add(job_id, title, "once", job, describe, "date", max_instances=max_instances)

    def daily(self, hour: int, minute: int, job: Callable[[], object], job_id: str, *, second: int = 0,
              zone: tzinfo = timezone.utc, zone_name: str = "UTC", title: str | None = None,
              describe: Describe = _outcome, grace_s: int = 3_600) -> None:
        """Run a job every day at ``hour:minute[:second]`` in ``zone`` (a cron trigger); a run the scheduler
        could not start on time (a busy or sleeping machine) still runs up to ``grace_s`` late."""
        at = f"{hour:02d}:{minute:02d}" + (f":{second:02d}" if second else "")
        trigger = CronTrigger(hour=hour, minute=minute, second=second, timezone=zone)
        self._add(job_id, title, f"daily at {at} {zone_name}", job, describe, trigger, misfire_grace_time=grace_s)

    def remove(self, job_id: str) -> None:
        """Stop scheduling a job (a run in hand finishes); its record stays for the Jobs tab."""
        with contextlib.suppress(JobLookupError):  # not scheduled (switched off already): nothing to stop
            self._scheduler.remove_job(job_id)

    def run_soon(self, job_id: str) -> None:
        """Run a job now (on the scheduler's threads) instead of waiting for its first interval."""
        self._scheduler.modify_job(job_id, next_run_time=datetime.now(timezone.utc))

    def _add(self, job_id: str, title: str | None, schedule: str, job: Callable[[], object], describe: Describe,
             trigger: Any, **options: Any) -> None:
        with self._lock:
            record = self._records.get(job_id)
            if record is None:
                self._records[job_id] = _Record(title or job_id.replace("-", " "), schedule)
            else:
                record.schedule = schedule
                record.title = title or record.title
        self._scheduler.add_job(self._run, trigger, args=(job_id, job, describe), id=job_id, replace_existing=True,
                                **options)

    # --- running ----------------------------------------------------------------------------------------------

    def start(self) -> None:
        if not self._scheduler.running:
            self._scheduler.start()

    def shutdown(self) -> None:
        """Stop scheduling and wait for the jobs in hand to finish."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    @property
    def running(self) -> bool:
        return self._scheduler.running

    def _run(self, job_id: str, job: Callable[[], object], describe: Describe) -> None:
        """One run of a job: timed, recorded, logged; a failure is caught here, so it stops nothing else."""
        started, began = self._clock(), time.monotonic()
        error: BaseException | None = None
        try:
            result = job()
            outcome = describe(result)
        except Exception as failure:  # any failure of a job is logged and reported, never raised into APScheduler
            error, outcome = failure, f"failed: {failure}" if str(failure) else f"failed: {type(failure).__name__}"
        seconds = time.monotonic() - began
        with self._lock:
            record = self._records.setdefault(job_id, _Record(job_id, ""))
            record.runs += 1
            record.failures += error is not None
            record.last_started, record.last_seconds = started, seconds
            record.last_outcome, record.last_ok = outcome, error is None
            title = record.title
        if error is None:
            job_log.info("%s started %s, took %.3f s: %s", job_id, format_instant(started), seconds, outcome)
        else:
            job_log.error("%s (%s) started %s, took %.3f s: %s", job_id, title, format_instant(started), seconds,
                          outcome, exc_info=error)
        if self._on_job_done is not None:
            try:
                self._on_job_done(job_id, error)
            except Exception:  # a broken listener must not break the scheduler
                log.exception("job listener failed")
        with self._lock:
            record.done += 1
            self._lock.notify_all()

    def _missed(self, event: JobExecutionEvent) -> None:
        job_log.warning("%s missed its run at %s (the scheduler could not start it in time)", event.job_id,
                        format_instant(from_datetime(event.scheduled_run_time)))

    # --- asking -----------------------------------------------------------------------------------------------

    def next_run(self, job_id: str) -> int | None:
        """When a job runs next (µs UTC), or None when it is not scheduled (or the scheduler is not running)."""
        job = self._scheduler.get_job(job_id)
        when = getattr(job, "next_run_time", None) if job is not None else None
        return None if when is None else from_datetime(when)

    def title(self, job_id: str) -> str:
        """A job's name as the operator reads it (safe to ask from a job's own thread, unlike ``statuses``,
        which asks APScheduler, whose shutdown holds its lock while it waits for the jobs in hand)."""
        with self._lock:
            record = self._records.get(job_id)
            return record.title if record is not None else job_id.replace("-", " ")

    def wait_for_runs(self, job_id: str, runs: int = 1, timeout: float = 30.0) -> bool:
        """Block until ``job_id`` has run ``runs`` times since the scheduler was made (False on timeout)."""
        with self._lock:
            return self._lock.wait_for(lambda: job_id in self._records and self._records[job_id].done >= runs,
                                       timeout)

    def statuses(self) -> list[JobStatus]:
        """Every job registered since the scheduler was made, in the order they were registered."""
        with self._lock:
            records = list(self._records.items())
        return [JobStatus(job_id, record.title, record.schedule, self.next_run(job_id), record.runs, record.failures,
                          record.last_started, record.last_seconds, record.last_outcome, record.last_ok)
                for job_id, record in records]
