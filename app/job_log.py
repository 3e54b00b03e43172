"""The job log: a rotating file in the user's log folder with every run of a scheduled job (job, start,
duration, outcome) and every failure with its traceback, so an operator can see afterwards what the
background work did while nobody watched.

The folder is ``platformdirs.user_log_dir('fleet-logbook')`` (``~/.local/state/fleet-logbook/log`` on
Linux); ``FLEET_LOGBOOK_LOGS`` points elsewhere (the tests point it at ``tmp_path``). The composition root
opens the log when the console starts and closes it on exit. The file takes the ``app.jobs`` logger's runs
(INFO) and warnings and errors from the application (``app``) and the scheduler library (``apscheduler``).
It is rotated at 10 MB, keeping five old files (``jobs.log.1`` … ``jobs.log.5``): a console with a live
demo fleet logs about 4 MB of runs a day, so about two weeks are kept. Times are UTC.
"""
from __future__ import annotations

import logging
import os
import time
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOGS_VARIABLE = "FLEET_LOGBOOK_LOGS"
LOG_FILE = "jobs.log"
MAX_BYTES = 10_000_000
BACKUPS = 5
_LOGGERS = ("app", "apscheduler")

log = logging.getLogger(__name__)


def log_folder() -> Path:
    """``$FLEET_LOGBOOK_LOGS``, or the platform's log folder for this user."""
    folder = os.environ.get(LOGS_VARIABLE)
    if not folder:
        from platformdirs import user_log_dir

        folder = user_log_dir("fleet-logbook", appauthor=False)
    return Path(folder)


class _UtcFormatter(logging.Formatter):
    converter = time.gmtime

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created)) + f".{int(record.msecs):03d}Z"


class JobLog:
    """The open job log; ``close()`` takes its handler off the loggers and closes the file."""

    def __init__(self, path: Path, handler: logging.Handler, levels: dict[str, int]):
        self.path = path
        self._handler = handler
        self._levels = levels

    def close(self) -> None:
        for name in _LOGGERS:
            logging.getLogger(name).removeHandler(self._handler)
        for name, level in self._levels.items():
            logging.getLogger(name).setLevel(level)
        self._handler.close()

    def __enter__(self) -> "JobLog":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_job_log(folder: str | Path | None = None) -> JobLog | None:
    """Start writing the job log in ``folder`` (default ``log_folder()``); None, with a warning on stderr,
    when the folder cannot be made or written (the console runs on without a log file)."""
    chosen = Path(folder) if folder is not None else log_folder()
    path = chosen / LOG_FILE
    try:
        chosen.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError as error:
        log.warning("no job log: cannot write %s (%s)", path, error.strerror or error)
        return None
    handler.setFormatter(_UtcFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    jobs = logging.getLogger("app.jobs")
    levels = {"app.jobs": jobs.level}
    if jobs.getEffectiveLevel() > logging.INFO:
        jobs.setLevel(logging.INFO)
    for name in _LOGGERS:
        logging.getLogger(name).addHandler(handler)
    return JobLog(path, handler, levels)
