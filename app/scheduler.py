"""Scheduled jobs (APScheduler): the live demo fleet, catching up with other writers, index snapshots.

Jobs never touch widgets; what they append reaches the UI through the event bus. A failing job is logged
and reported to a listener (the status bar), and never takes the app down. ``shutdown`` stops cleanly.
"""
from __future__ import annotations

import logging
from typing import Callable

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger(__name__)
JobListener = Callable[[str, BaseException | None], None]  # (job id, error or None)


class FleetScheduler:
    """A background scheduler with one-line job registration and failure reporting."""

    def __init__(self, on_job_done: JobListener | None = None):
        self._scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1,
                                                                            "misfire_grace_time": 30})
        self._on_job_done = on_job_done
        self._scheduler.add_listener(self._job_done, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def every(self, seconds: float, job: Callable[[], object], job_id: str) -> None:
        self._scheduler.add_job(job, "interval", seconds=seconds, id=job_id, replace_existing=True)

    def once(self, job: Callable[[], object], job_id: str) -> None:
        """Run a job once, as soon as the scheduler runs (on its threads)."""
        self._scheduler.add_job(job, "date", id=job_id, replace_existing=True)

    def run_soon(self, job_id: str) -> None:
        """Run a job now (on the scheduler's threads) instead of waiting for its first interval."""
        from datetime import datetime, timezone

        self._scheduler.modify_job(job_id, next_run_time=datetime.now(timezone.utc))

    def start(self) -> None:
        if not self._scheduler.running:
            self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    @property
    def running(self) -> bool:
        return self._scheduler.running

    def _job_done(self, event: JobExecutionEvent) -> None:
        if event.exception is not None:
            log.error("scheduled job %s failed: %s", event.job_id, event.exception)
        if self._on_job_done is not None:
            try:
                self._on_job_done(event.job_id, event.exception)
            except Exception:  # a broken listener must not break the scheduler
                log.exception("job listener failed")
