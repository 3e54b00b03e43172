"""The scheduled report's settings: when (daily at a time, in UTC or local time), where (a folder), in which
formats, covering which range; read from and written to ``jobs.toml`` next to ``rules.toml``.

The file (every key optional; a missing file means no scheduled report)::

    [report_schedule]
    enabled = true
    at = "06:00"              # HH:MM (or HH:MM:SS), daily, in time_zone
    time_zone = "utc"         # or "local": this computer's time zone, summer time included
    folder = "/home/kim/watch-reports"
    formats = ["pdf", "csv"]  # any of pdf, csv, json; at least one
    covers = "24h"            # the 24 hours before the run time, or "since-last-run": from the previous
                              # scheduled run of this store (24 hours for the first)

Reports cover every ship. A bad key or value is refused naming the file and the key
(``jobs.toml: report_schedule.at: …``). Whether the folder can be written is checked when the settings are
saved and again at every run (a folder may go away in between), not when the file is read.

Also here, as plain functions of the settings and a clock: the run time a run belongs to, the next one,
the range a run covers and the name of each file it writes (``audit-report-2026-12-03T0600Z.pdf``, never
an existing file's name).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, Mapping

from app.config_files import config_folder, read_toml, write_toml
from domain.time import MICROS_PER_HOUR, from_datetime, to_datetime

JOBS_FILE = "jobs.toml"
SECTION = "report_schedule"
UTC, LOCAL = "utc", "local"
FORMATS = ("pdf", "csv", "json")
LAST_DAY, SINCE_LAST_RUN = "24h", "since-last-run"
COVERS = (LAST_DAY, SINCE_LAST_RUN)
_AT = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2}))?$")
_KEYS = ("enabled", "at", "time_zone", "folder", "formats", "covers")


class InvalidSchedule(ValueError):
    """A scheduled report setting that cannot be used; ``key`` names it as the file spells it."""

    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}")
        self.key = key
        self.reason = message


class ScheduleSettingsError(ValueError):
    """A ``jobs.toml`` that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class ReportSchedule:
    """A daily audit report of every ship, validated; ``enabled`` off (the default) means none is made."""

    enabled: bool = False
    hour: int = 6
    minute: int = 0
    second: int = 0
    time_zone: str = UTC
    folder: str = ""
    formats: tuple[str, ...] = ("pdf",)
    covers: str = LAST_DAY

    def __post_init__(self) -> None:
        p = f"{SECTION}."
        if not isinstance(self.enabled, bool):
            raise InvalidSchedule(p + "enabled", f"must be true or false, got {self.enabled!r}")
        for name, high in (("hour", 23), ("minute", 59), ("second", 59)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
                raise InvalidSchedule(p + "at", f"the {name} must be 0–{high}, got {value!r}")
        if self.time_zone not in (UTC, LOCAL):
            raise InvalidSchedule(p + "time_zone", f"must be {UTC!r} or {LOCAL!r}, got {self.time_zone!r}")
        if not isinstance(self.folder, str):
            raise InvalidSchedule(p + "folder", f"must be a folder's path, got {self.folder!r}")
        formats = self.formats
        if isinstance(formats, str) or not isinstance(formats, (list, tuple)) or any(f not in FORMATS for f in formats):
            raise InvalidSchedule(p + "formats", f"must be a list of {', '.join(FORMATS)}, got {formats!r}")
        if not formats:
            raise InvalidSchedule(p + "formats", "choose at least one of pdf, csv, json")
        object.__setattr__(self, "formats", tuple(f for f in FORMATS if f in formats))
        if self.covers not in COVERS:
            raise InvalidSchedule(p + "covers", f"must be {LAST_DAY!r} or {SINCE_LAST_RUN!r}, got {self.covers!r}")
        if self.enabled and not self.folder.strip():
            raise InvalidSchedule(p + "folder", "choose the folder the reports are written to")

    @property
    def at(self) -> str:
        """'06:00', or '06:00:30' when the time has seconds."""
        return f"{self.hour:02d}:{self.minute:02d}" + (f":{self.second:02d}" if self.second else "")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> "ReportSchedule":
        """The schedule from a parsed ``jobs.toml`` (its ``[report_schedule]`` table; every key optional)."""
        if not isinstance(mapping, Mapping):
            raise InvalidSchedule("jobs", f"must be a table, got {type(mapping).__name__}")
        for name in mapping:
            if name != SECTION:
                raise InvalidSchedule(str(name), f"unknown section; known: {SECTION}")
        table = mapping.get(SECTION, {})
        if not isinstance(table, Mapping):
            raise InvalidSchedule(SECTION, f"must be a table, got {table!r}")
        values: dict[str, Any] = {}
        for key, value in table.items():
            if key not in _KEYS:
                raise InvalidSchedule(f"{SECTION}.{key}", f"unknown setting; known: {', '.join(_KEYS)}")
            if key == "at":
                values["hour"], values["minute"], values["second"] = _clock_time(value)
            elif key == "formats" and isinstance(value, list):
                values[key] = tuple(value)
            else:
                values[key] = value
        return cls(**values)

    def to_mapping(self) -> dict[str, Any]:
        """The schedule as ``jobs.toml`` gives it (``from_mapping`` of it gives this schedule back)."""
        return {SECTION: {"enabled": self.enabled, "at": self.at, "time_zone": self.time_zone, "folder": self.folder,
                          "formats": list(self.formats), "covers": self.covers}}


def _clock_time(value: object) -> tuple[int, int, int]:
    match = _AT.match(value) if isinstance(value, str) else None
    if match is None:
        raise InvalidSchedule(f"{SECTION}.at", f"must be a time of day as HH:MM (e.g. \"06:00\"), got {value!r}")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise InvalidSchedule(f"{SECTION}.at", f"must be a time of day from 00:00 to 23:59, got {value!r}")
    return hour, minute, second


# --- the file -----------------------------------------------------------------------------------------------

HEADER = """Fleet Logbook: scheduled jobs. [report_schedule] is the daily audit report the console exports
while it is open. File › Settings › Scheduled reports edits it and rewrites this file whole
(comments added here are not kept). The keys are described in app/report_schedule.py."""


def jobs_settings_path() -> Path:
    """``jobs.toml`` in the config folder, next to ``rules.toml``."""
    return config_folder() / JOBS_FILE


def load_report_schedule(path: str | Path | None = None) -> ReportSchedule:
    """The schedule in ``path`` (default ``jobs_settings_path()``); no scheduled report when it is missing."""
    chosen = Path(path) if path is not None else jobs_settings_path()
    if not chosen.exists():
        return ReportSchedule()
    mapping = read_toml(chosen, ScheduleSettingsError)
    try:
        return ReportSchedule.from_mapping(mapping)
    except InvalidSchedule as error:
        raise ScheduleSettingsError(f"{chosen}: {error}") from None


def save_report_schedule(schedule: ReportSchedule, path: str | Path | None = None) -> Path:
    """Write ``schedule`` to ``path`` (default ``jobs_settings_path()``) atomically."""
    chosen = Path(path) if path is not None else jobs_settings_path()
    try:
        return write_toml(chosen, schedule.to_mapping(), HEADER)
    except OSError as error:
        raise ScheduleSettingsError(f"{chosen}: cannot write ({error.strerror or error})") from None


def check_folder(folder: str | Path) -> Path:
    """The folder reports go to, if it is a folder this user can write; else ``InvalidSchedule`` saying why."""
    key = f"{SECTION}.folder"
    text = str(folder).strip()
    if not text:
        raise InvalidSchedule(key, "choose the folder the reports are written to")
    path = Path(text).expanduser()
    if not path.exists():
        raise InvalidSchedule(key, f"{path} does not exist")
    if not path.is_dir():
        raise InvalidSchedule(key, f"{path} is not a folder")
    if not os.access(path, os.W_OK | os.X_OK):
        raise InvalidSchedule(key, f"{path} cannot be written by this user")
    return path


# --- times, ranges and names ----------------------------------------------------------------------------------


def zone_of(schedule: ReportSchedule) -> tzinfo:
    """The time zone the schedule's time of day is read in."""
    if schedule.time_zone == LOCAL:
        from tzlocal import get_localzone  # APScheduler's own way to the local zone, so both agree

        return get_localzone()
    return timezone.utc


def _run_on(day: date, schedule: ReportSchedule, zone: tzinfo) -> int:
    return from_datetime(datetime.combine(day, time(schedule.hour, schedule.minute, schedule.second), tzinfo=zone))


def latest_run_time(schedule: ReportSchedule, now: int) -> int:
    """The last time at or before ``now`` the report was due (µs UTC): the run time a run belongs to."""
    zone = zone_of(schedule)
    today = to_datetime(now).astimezone(zone).date()
    for day in (today, today - timedelta(days=1), today - timedelta(days=2)):
        due = _run_on(day, schedule, zone)
        if due <= now:
            return due
    raise AssertionError("a daily time is due at least once in two days")


def next_run_time(schedule: ReportSchedule, now: int) -> int:
    """The first time after ``now`` the report is due (µs UTC)."""
    zone = zone_of(schedule)
    today = to_datetime(now).astimezone(zone).date()
    for day in (today - timedelta(days=1), today, today + timedelta(days=1), today + timedelta(days=2)):
        due = _run_on(day, schedule, zone)
        if due > now:
            return due
    raise AssertionError("a daily time is due at least once in two days")


def report_range(schedule: ReportSchedule, run_time: int, previous_run_time: int | None) -> tuple[int, int]:
    """The range of ``occurred_at`` a run covers: the 24 hours before its run time, or since the previous
    scheduled run (24 hours when there was none), both ends included."""
    start = run_time - 24 * MICROS_PER_HOUR
    if schedule.covers == SINCE_LAST_RUN and previous_run_time is not None and previous_run_time < run_time:
        start = previous_run_time
    return start, run_time


def report_path(folder: str | Path, run_time: int, fmt: str) -> Path:
    """``audit-report-2026-12-03T0600Z.<fmt>`` in ``folder`` (the run time in UTC), with ``-2``, ``-3``, … when
    a file of that name is there already: a scheduled run never overwrites a file."""
    moment = to_datetime(run_time)
    stamp = moment.strftime("%Y-%m-%dT%H%M") + (moment.strftime("%S") if moment.second else "") + "Z"
    base = Path(folder) / f"audit-report-{stamp}"
    candidate, number = base.with_name(f"{base.name}.{fmt}"), 1
    while candidate.exists():
        number += 1
        candidate = base.with_name(f"{base.name}-{number}.{fmt}")
    return candidate
