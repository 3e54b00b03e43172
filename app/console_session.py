"""A console session over one store: open it (making a demo fleet in an empty default store), keep it
live with scheduled jobs, watch its integrity, switch to another store, close it cleanly.

No Qt here: the window runs ``load`` on a worker thread with a progress dialog and calls the rest on the
GUI thread. Loading is the slow part (seeding a demo fleet, building the index); everything else is quick.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from app.alert_watch import AlertWatch
from app.rules import RuleSettingsError, load_rule_settings, zones_in_force
from app.demo_fleet import LiveDemoFleet, resume_simulator, seed_history
from app.feed_meter import FeedMeter
from app.fleet_index import IndexBuildCancelled
from app.fleet_service import FleetService
from app.integrity import IntegrityWatch
from app.scheduler import FleetScheduler
from domain.rules import RuleSettings
from domain.time import now_micros
from store import EventStore, open_store

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

LIVE_TICK_S = 5
CATCH_UP_S = 10
INTEGRITY_S = 15
SNAPSHOT_S = 600
RULES_SCAN_S = 60


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
                 clock: Callable[[], int] = now_micros, live: bool = True):
        self.location = location
        self.read_only = read_only
        self.demo = demo
        self.live = live
        self._clock = clock
        self.store: EventStore | None = None
        self.service: FleetService | None = None
        self._simulator = None
        self._scheduler: FleetScheduler | None = None
        self._watch: IntegrityWatch | None = None
        self._meter: FeedMeter | None = None
        self._job_failure: str | None = None
        self._alerts: AlertWatch | None = None

    # --- opening (on a worker thread) -----------------------------------------------------------------------

    def load(self, progress: Progress | None = None, cancelled: Cancelled = lambda: False) -> FleetService:
        """Open the store, fill an empty one with the demo fleet, build the index; returns the service."""
        if not self.read_only and _cannot_write(self.location):
            self.read_only = True  # a store the user cannot write opens for reading, as an auditor's would
        store = open_store(self.location, create=not self.read_only, read_only=self.read_only)
        try:
            if self.demo is not None and not store.read_only and store.head().position == 0:
                self._simulator = self._seed(store, progress, cancelled)
            service = FleetService.open(store, progress=progress, cancelled=cancelled, clock=self._clock)
        except IndexBuildCancelled:
            store.close()
            raise LoadCancelled(f"opening {store.describe()} was cancelled") from None
        except BaseException:
            store.close()
            raise
        self.store, self.service = store, service
        return service

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
        self._scheduler = FleetScheduler(on_job_done=self._job_done)
        self._watch = IntegrityWatch(service.store)
        self._meter = FeedMeter("demo fleet" if service.store.info("demo_fleet") else "log")
        service.subscribe(self._meter.notice)
        if self.live and not service.store.read_only:
            simulator = self._simulator or resume_simulator(service.store, self._clock())
            if simulator is not None:
                self._scheduler.every(LIVE_TICK_S, LiveDemoFleet(simulator, service.append, self._clock).tick,
                                      "live-demo-fleet")
            self._scheduler.every(SNAPSHOT_S, service.save_snapshot, "index-snapshot")
        if self.live and not service.store.read_only:
            self._start_rules(service, judge_by_clock=simulator is not None)
        self._scheduler.every(CATCH_UP_S, service.refresh, "catch-up-with-other-writers")
        self._scheduler.every(INTEGRITY_S, self._watch.check, "integrity-watch")
        self._scheduler.start()
        self._scheduler.run_soon("integrity-watch")

    def _start_rules(self, service: FleetService, *, judge_by_clock: bool) -> None:
        """The alert rules: catch up with the log once, then observe every append and scan every minute."""
        try:
            settings = load_rule_settings()
        except RuleSettingsError as error:  # the defaults, and the reason shown in the status bar
            log.error("%s", error)
            self._job_failure = f"rules use their defaults: {error}"
            settings = RuleSettings()
        self._alerts = AlertWatch(service, settings, clock=self._clock, judge_by_clock=judge_by_clock,
                                  zones=zones_in_force(service.store))
        service.subscribe(self._alerts.notice)
        assert self._scheduler is not None
        self._scheduler.once(self._alerts.catch_up, "rules-catch-up")
        self._scheduler.every(RULES_SCAN_S, self._alerts.scan, "rules-scan")

    def _job_done(self, job_id: str, error: BaseException | None) -> None:
        self._job_failure = None if error is None else f"{job_id} failed: {error}"

    def feed_state(self) -> str:
        if self._meter is None:
            return ""
        return self._job_failure or self._meter.state()

    def integrity_state(self) -> str:
        return "" if self._watch is None else self._watch.state

    def close(self) -> None:
        """Stop the jobs, leave an index snapshot for a fast next start, close the store."""
        if self._alerts is not None:
            self._alerts.stop()
        if self._scheduler is not None:
            self._scheduler.shutdown()
            self._scheduler = None
        if self.service is not None:
            self.service.stop_feeds()
            try:
                self.service.save_snapshot()
            except Exception:  # a snapshot is a cache: failing to write one must not stop the close
                log.exception("could not save the index snapshot")
        if self.store is not None:
            self.store.close()
        self.store = self.service = None

    def another(self, location: str | Path) -> "ConsoleSession":
        """A session for another store, in the same mode (its demo fleet is not made: only an empty
        default store gets one)."""
        return ConsoleSession(location, read_only=self.read_only, demo=None, clock=self._clock, live=self.live)
