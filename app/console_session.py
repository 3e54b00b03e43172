"""A console session over one store: open it (making a demo fleet in an empty default store), keep it
live with scheduled jobs, watch its integrity, raise alerts, export the scheduled report, switch to another
store, close it cleanly.

Settings saved in File › Settings apply at once: ``apply_rule_settings`` makes the alert watch start over
with the new thresholds, ``apply_report_schedule`` reschedules the report. A failing job shows in the
status bar (``feed_state``, ``job_failure``) until that job next succeeds; ``job_statuses`` lists what
every job did last.

No Qt here: the window runs ``load`` on a worker thread with a progress dialog and calls the rest on the
GUI thread. Loading is the slow part (seeding a demo fleet, building the index); everything else is quick.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping

from app.alert_watch import AlertWatch
from app.console import Console
from app.rules import RuleSettingsError, load_rule_settings
from app.zone_desk import zones_in_force
from app.demo_fleet import LiveDemoFleet, resume_simulator, seed_history
from app.feed_meter import FeedMeter
from app.fleet_index import IndexBuildCancelled
from app.fleet_service import FleetService
from app.integrity import IntegrityWatch
from app.report_export import Renderer
from app.report_schedule import ReportSchedule, ScheduleSettingsError, load_report_schedule
from app.scheduled_reports import JOB_ID as REPORT_JOB_ID, ScheduleState, ScheduledReports
from app.scheduler import FleetScheduler, JobStatus
from domain.progress import PositionProgress as Progress
from domain.rules import RuleSettings
from domain.time import format_instant, now_micros
from store import EventStore, open_store

if TYPE_CHECKING:
    from app.log_follower import LogFollower

log = logging.getLogger(__name__)
Cancelled = Callable[[], bool]

LIVE_TICK_S = 5
CATCH_UP_S = 10
INTEGRITY_S = 15
SNAPSHOT_S = 600
RULES_SCAN_S = 60
RULES_SETTINGS = "rules-settings"        # not a job: the rules' settings file, when it could not be used
SCHEDULE_SETTINGS = "schedule-settings"  # the same for jobs.toml


@dataclass(frozen=True)
class DemoFleetSpec:
    """What to put in an empty store: a simulated fleet of ``ships`` with ``hours`` of history."""

    ships: int = 200
    hours: float = 24.0
    seed: int = 1


def _cannot_write(location: str | Path) -> bool:
    """True for an existing store file (or its folder) this user may not write."""
    text = str(location)
    if text.startswith("sqlite:") or text == ":memory:":
        return False
    path = Path(location)
    if not path.exists():
        return False
    return not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)


class LoadCancelled(Exception):
    """The operator cancelled opening a store; nothing was changed."""


class ConsoleSession:
    """Owns the open store, its service, and the jobs that keep it live while the console is open."""

    def __init__(self, location: str | Path, *, read_only: bool = False, demo: DemoFleetSpec | None = None,
                 clock: Callable[[], int] = now_micros, live: bool = True,
                 renderers: Mapping[str, Renderer] | None = None, software: str = "Fleet Logbook",
                 log_file: Path | None = None):
        self.location = location
        self.read_only = read_only
        self.demo = demo
        self.live = live
        self.renderers = dict(renderers or {})  # report renderers only the UI has (PDF), from the composition root
        self.software = software
        self.log_file = log_file  # the job log, named in the status bar when a job fails
        self._clock = clock
        self.store: EventStore | None = None
        self.service: FleetService | None = None
        self.console: Console | None = None  # what the window is handed: the roles over the service
        self._simulator = None
        self._scheduler: FleetScheduler | None = None
        self._watch: IntegrityWatch | None = None
        self._meter: FeedMeter | None = None
        self._failures: dict[str, str] = {}  # job id → what the status bar says of its last failure
        self._failures_lock = threading.Lock()
        self._alerts: AlertWatch | None = None
        self._unsubscribe_alerts: Callable[[], None] | None = None
        self._judge_by_clock = False
        self._rules_catch_up = threading.Lock()
        self._reports: ScheduledReports | None = None
        self._follower: LogFollower | None = None  # a shared store's follower (app.log_follower)

    # --- opening (on a worker thread) -----------------------------------------------------------------------

    def load(self, progress: Progress | None = None, cancelled: Cancelled = lambda: False) -> Console:
        """Open the store, fill an empty one with the demo fleet, build the index; returns the console's roles
        over it."""
        if not self.read_only and _cannot_write(self.location):
            self.read_only = True  # a store the user cannot write opens for reading, as an auditor's would
        store = open_store(self.location, create=not self.read_only, read_only=self.read_only)
        try:
            if self.demo is not None and not store.read_only and store.head().position == 0:
                self._simulator = self._seed(store, progress, cancelled)
            service = FleetService.open(store, progress=progress, cancelled=cancelled)
        except IndexBuildCancelled:
            store.close()
            raise LoadCancelled(f"opening {store.describe()} was cancelled") from None
        except BaseException:
            store.close()
            raise
        self.store, self.service = store, service
        console = Console.over(service, clock=self._clock)
        console.alerts.prepare()  # here, off the GUI thread: the first moment shown never waits for the board
        self.console = console
        return console

    def _seed(self, store: EventStore, progress: Progress | None, cancelled: Cancelled):
        spec = self.demo
        end = self._clock()
        start = end - round(spec.hours * 3_600_000_000)

        def seeding_progress(reached: int, _end: int) -> None:
            if cancelled():
                raise LoadCancelled("making the demo fleet was cancelled (what was written stays; reopening "
                                    "the store carries on)")
            if progress is not None:
                progress(reached - start, end - start)

        _, simulator = seed_history(store, ships=spec.ships, hours=spec.hours, seed=spec.seed, end=end,
                                    progress=seeding_progress)
        return simulator

    # --- running (GUI thread) -------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the jobs: the live demo fleet (for a demo store), catching up with other writers, the
        integrity watch and index snapshots."""
        service = self.service
        if service is None:
            raise RuntimeError("load the store before starting its jobs")
        self._scheduler = FleetScheduler(on_job_done=self._job_done, clock=self._clock)
        self._watch = IntegrityWatch(service.store)
        self._meter = FeedMeter("demo fleet" if service.store.info("demo_fleet") else "log")
        service.subscribe(self._meter.notice)
        if self.live and not service.store.read_only:
            simulator = self._simulator or resume_simulator(service.store, self._clock())
            if simulator is not None:
                self._scheduler.every(LIVE_TICK_S, LiveDemoFleet(simulator, service.append, self._clock).tick,
                                      "live-demo-fleet", title="live demo fleet",
                                      describe=lambda reports: f"{reports:,} reports")
            self._scheduler.every(SNAPSHOT_S, service.save_snapshot, "index-snapshot", title="index snapshot",
                                  describe=lambda saved: "saved" if saved else "up to date")
        if self.live and not service.store.read_only:
            self._start_rules(service, judge_by_clock=simulator is not None)
        self._scheduler.every(CATCH_UP_S, service.refresh, "catch-up-with-other-writers",
                              title="catch up with other writers", describe=lambda new: f"{new:,} new events")
        if self.live:
            self._follow_shared(service)
        self._scheduler.every(INTEGRITY_S, self._watch.check, "integrity-watch", title="integrity watch",
                              describe=lambda _result: self.integrity_state() or "ok")
        self._start_reports(service)
        self._scheduler.start()
        self._scheduler.run_soon("integrity-watch")

    def _follow_shared(self, service: FleetService) -> None:
        """On a shared store, follow what other consoles and processes append (within a second)."""
        from store.shared_location import is_postgres_location

        if not is_postgres_location(self.location):
            return
        from app.log_follower import LogFollower

        console = self.console
        self._follower = LogFollower(service, service.store, clock=self._clock,  # type: ignore[arg-type]
                                     operator=lambda: console.operator if console is not None else "")
        self._follower.start()

    def shared_state(self) -> str:
        """The shared store and who else watches it, or that its server is lost ('' for a store file)."""
        return "" if self._follower is None else self._follower.state.text

    def shared_warning(self) -> bool:
        return self._follower is not None and not self._follower.state.connected

    def _start_rules(self, service: FleetService, *, judge_by_clock: bool) -> None:
        """The alert rules: catch up with the log once, then observe every append and scan every minute."""
        try:
            settings = load_rule_settings()
        except RuleSettingsError as error:  # the defaults, and the reason shown in the status bar
            log.error("%s", error)
            self._set_failure(RULES_SETTINGS, f"rules use their defaults: {error}")
            settings = RuleSettings()
        self._judge_by_clock = judge_by_clock
        self._watch_rules(service, settings)
        assert self._scheduler is not None
        self._scheduler.every(RULES_SCAN_S, self._scan_rules, "rules-scan", title="rules scan",
                              describe=lambda raised: f"{raised:,} alerts appended")

    def _watch_rules(self, service: FleetService, settings: RuleSettings) -> None:
        """A new alert watch with ``settings``, observing every append, caught up on a scheduler thread."""
        self._alerts = AlertWatch(service, settings, clock=self._clock, judge_by_clock=self._judge_by_clock,
                                  zones=zones_in_force(service.store))
        self._unsubscribe_alerts = service.subscribe(self._alerts.notice)
        assert self._scheduler is not None
        self._scheduler.once(self._catch_up_rules, "rules-catch-up", title="rules catch-up", max_instances=2,
                             describe=lambda raised: f"{raised:,} alerts appended")

    def _catch_up_rules(self) -> int:
        with self._rules_catch_up:  # one at a time: a watch replaced meanwhile has stopped its own
            watch = self._alerts
            if watch is None or watch.caught_up:
                return 0
            return watch.catch_up()

    def _scan_rules(self) -> int:
        watch = self._alerts
        return 0 if watch is None else watch.scan()

    @property
    def rule_settings(self) -> RuleSettings | None:
        """The thresholds the running alert watch uses (None when no watch runs: read-only, or not live)."""
        return None if self._alerts is None else self._alerts.settings

    def apply_rule_settings(self, settings: RuleSettings) -> bool:
        """Use ``settings`` from now on: the alert watch starts over with them, catching up with the log again
        on a scheduler thread. Alerts already in the log stay, and none is appended twice (an alert's id is
        made of its rule, ship and episode start). False when no watch runs in this session."""
        self._set_failure(RULES_SETTINGS, None)
        service = self.service
        if self._alerts is None or self._scheduler is None or service is None:
            return False
        self._alerts.stop()
        if self._unsubscribe_alerts is not None:
            self._unsubscribe_alerts()
        self._watch_rules(service, settings)
        log.info("the rules use new settings; the alert watch starts over")
        return True

    # --- the scheduled report --------------------------------------------------------------------------------

    def _start_reports(self, service: FleetService) -> None:
        try:
            schedule = load_report_schedule()
        except ScheduleSettingsError as error:  # no scheduled report, and the reason shown in the status bar
            log.error("%s", error)
            self._set_failure(SCHEDULE_SETTINGS, f"no scheduled report: {error}")
            schedule = ReportSchedule()
        assert self.console is not None and self.console.reports is not None
        self._reports = ScheduledReports(self.console.reports, schedule, software=self.software,
                                         renderers=self.renderers, clock=self._clock)
        assert self._scheduler is not None
        self._reports.start(self._scheduler)

    def apply_report_schedule(self, schedule: ReportSchedule) -> bool:
        """Use ``schedule`` from now on (rescheduled at once); False when no store's jobs are running."""
        self._set_failure(SCHEDULE_SETTINGS, None)
        self._set_failure(REPORT_JOB_ID, None)
        if self._reports is None:
            return False
        self._reports.apply(schedule)
        return True

    def report_schedule_state(self) -> ScheduleState | None:
        """The scheduled report's next run and last run (None before the jobs start)."""
        return None if self._reports is None else self._reports.state()

    # --- how the jobs are doing ------------------------------------------------------------------------------

    def job_statuses(self) -> list[JobStatus]:
        """Every job of this session: its schedule, next run, last run and result."""
        return [] if self._scheduler is None else self._scheduler.statuses()

    def run_job_soon(self, job_id: str) -> None:
        """Run a scheduled job now, on the scheduler's threads (its schedule stays as it was)."""
        if self._scheduler is None:
            raise RuntimeError("the jobs have not started")
        self._scheduler.run_soon(job_id)

    def wait_for_job(self, job_id: str, runs: int = 1, timeout: float = 30.0) -> bool:
        """Block until ``job_id`` has run ``runs`` times in this session (False on timeout)."""
        return self._scheduler is not None and self._scheduler.wait_for_runs(job_id, runs, timeout)

    def _job_done(self, job_id: str, error: BaseException | None) -> None:
        if error is None:
            self._set_failure(job_id, None)
            return
        scheduler = self._scheduler
        title = scheduler.title(job_id) if scheduler is not None else job_id.replace("-", " ")
        when = format_instant(self._clock())[11:16]
        where = f" — see {self.log_file}" if self.log_file is not None else ""
        self._set_failure(job_id, f"{title} failed {when} UTC: {error or type(error).__name__}{where}")

    def _set_failure(self, key: str, text: str | None) -> None:
        with self._failures_lock:
            self._failures.pop(key, None)
            if text is not None:
                self._failures[key] = text  # the newest failure last

    def job_failure(self) -> str:
        """The newest failure still standing (a job that failed and has not succeeded since), or ''."""
        with self._failures_lock:
            return next(reversed(self._failures.values()), "")

    def feed_state(self) -> str:
        if self._meter is None:
            return ""
        return self.feed_trouble() or self.job_failure() or self._meter.state()

    def feed_trouble(self) -> str:
        """A live feed whose lines do not reach the log (store not writable, lines lost), or ''."""
        console = self.console
        return "" if console is None or console.imports is None else console.imports.feeds.trouble()

    def feed_warning(self) -> bool:
        """The feed state is a warning (a feed in trouble or a failed job), shown in the warning colour."""
        return bool(self.feed_trouble() or self.job_failure())

    def integrity_state(self) -> str:
        return "" if self._watch is None else self._watch.state

    def close(self) -> None:
        """Stop the jobs, leave an index snapshot for a fast next start, close the store."""
        if self._alerts is not None:
            self._alerts.stop()
        if self._reports is not None:
            self._reports.stop()
        if self._follower is not None:
            self._follower.stop()
            self._follower = None
        if self._scheduler is not None:
            self._scheduler.shutdown()
            self._scheduler = None
        if self.console is not None and self.console.imports is not None:
            self.console.imports.stop_feeds()
        if self.service is not None:
            try:
                self.service.save_snapshot()
            except Exception:  # a snapshot is a cache: failing to write one must not stop the close
                log.exception("could not save the index snapshot")
        if self.store is not None:
            self.store.close()
        self.store = self.service = self.console = None

    def another(self, location: str | Path) -> "ConsoleSession":
        """A session for another store, in the same mode (its demo fleet is not made: only an empty
        default store gets one)."""
        return ConsoleSession(location, read_only=self.read_only, demo=None, clock=self._clock, live=self.live,
                              renderers=self.renderers, software=self.software, log_file=self.log_file)
