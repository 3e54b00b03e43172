"""The rules engine: every event of the log in, the alerts it calls for out, deterministically.

``RulesEngine.observe`` takes each recorded event in log order and returns the alerts it raises at once:

- ``PositionReported`` drives the report rules, in this order: the silence before it (``dark``), how far it
  is from the last (``plausibility``), the zones it is in (``zone_visits``), its speed (``speed``) and
  loitering (``loitering``);
- ``ShipRegistered`` / ``ShipDetailsChanged`` set a ship's type (which picks its thresholds) and name (for
  the wording of close-quarters alerts), the newest by ``occurred_at`` winning;
- ``ZoneDefined`` / ``ZoneRemoved`` keep the zone set current;
- everything else, alerts included, is ignored (so the engine can hear its own alerts come back).

``RulesEngine.scan(now)`` runs the rules driven by time: silences that have run out, loitering that has
lasted, and close quarters over the ships' last positions. ``now`` is whatever the caller says: the clock
in live mode, the log's own time in a replay (``run_rules`` scans that way), so an old archive is not
flagged dark merely for being old. The engine never reads a clock.

Time and order. Reports arrive in log order but may have occurred earlier than one already seen (late
reports). The rules judge by ``occurred_at``: a report older than the ship's latest changes nothing and
raises nothing (the past it describes was already judged without it); one at the same time as the latest
counts as new. Alerts carry the time their episode made them true (a silence that ran out, the report that
crossed an edge), never the time the engine happened to run. Zones apply from their place in the log: a
``ZoneDefined`` is in force for the reports observed after it, whatever their ``occurred_at``.

Determinism. The same events observed, with scans at the same ``now`` between the same events, give the
same alerts, in the same order, with the same ids, causations and correlations. Ids depend only on the rule,
the ship and the start of the episode (see ``domain.rules.episodes``), so running the rules over a log
that already holds their alerts raises alerts with the ids already there: the application appends each
``RaisedAlert`` with its ``dedupe_key`` and the store keeps the first. The silences and speed, zone and port
episodes found from reports do not depend on when scans ran at all; loitering and close quarters found
by a scan may (a scan judges with what the log knows by then).

An engine is plain mutable state, not thread-safe: one caller at a time (``observe`` and ``scan`` under
one lock, or on one thread). ``copy.deepcopy`` carries its state over to another engine.
"""
from __future__ import annotations

from typing import Iterable
from uuid import UUID

from domain.events import (PositionReported, RecordedEvent, ShipDetailsChanged, ShipRegistered, ZoneDefined,
                           ZoneRemoved)
from domain.rules import dark, loitering, plausibility, speed, zone_visits
from domain.rules.close_quarters import EncounterWatch
from domain.rules.episodes import RaisedAlert
from domain.rules.settings import RuleSettings
from domain.rules.watch import ShipWatch
from domain.rules.zones import Zone, ZoneIndex
from domain.time import MICROS_PER_SECOND

class RulesEngine:
    """The rules over one log: per-ship state, the zones in force and the open encounters."""

    def __init__(self, settings: RuleSettings | None = None, zones: Iterable[Zone] = ()):
        self._settings = settings if settings is not None else RuleSettings()
        self._zones = ZoneIndex(zones)
        self._ships: dict[int, ShipWatch] = {}
        self._order: list[int] | None = []  # MMSIs sorted, for scans; None when a ship was added since
        self._encounters = EncounterWatch()
        self._speed_gap_us = round(self._settings.speed.episode_gap_s * MICROS_PER_SECOND)
        self._latest_report_at: int | None = None
        self._history_us = round(self._settings.dark.history_after_s * MICROS_PER_SECOND)

    @property
    def settings(self) -> RuleSettings:
        return self._settings

    @property
    def zones(self) -> tuple[Zone, ...]:
        """The zones in force, in name order."""
        return tuple(self._zones)

    @property
    def latest_report_at(self) -> int | None:
        """The ``occurred_at`` of the newest report observed: the log's own time, for a replay's scans."""
        return self._latest_report_at

    def ship(self, mmsi: int) -> ShipWatch | None:
        """What the rules remember of a ship (read only, for inspection and tests)."""
        return self._ships.get(mmsi)

    def __len__(self) -> int:
        return len(self._ships)

    # --- events -------------------------------------------------------------------------------------------

    def observe(self, recorded: RecordedEvent) -> list[RaisedAlert]:
        """The alerts one event of the log raises (events must come in log order)."""
        event = recorded.event
        kind = type(event)
        if kind is PositionReported:
            return self._report(recorded.event_id, event)  # type: ignore[arg-type]
        if kind is ShipRegistered or kind is ShipDetailsChanged:
            self._particulars(event)  # type: ignore[arg-type]
        elif kind is ZoneDefined:
            self._define(event)  # type: ignore[arg-type]
        elif kind is ZoneRemoved:
            self._remove(event.name)  # type: ignore[attr-defined]
        return []

    def observe_all(self, events: Iterable[RecordedEvent]) -> list[RaisedAlert]:
        """``observe`` each event in turn; all the alerts, in order."""
        alerts: list[RaisedAlert] = []
        observe = self.observe
        for recorded in events:
            raised = observe(recorded)
            if raised:
                alerts.extend(raised)
        return alerts

    def _watch(self, mmsi: int) -> ShipWatch:
        watch = self._ships.get(mmsi)
        if watch is None:
            watch = self._ships[mmsi] = ShipWatch(mmsi, self._settings.for_ship_type(None))
            self._order = None
        return watch

    def _report(self, event_id: UUID, report: PositionReported) -> list[RaisedAlert]:
        watch = self._ships.get(report.mmsi) or self._watch(report.mmsi)
        at = report.occurred_at
        if self._latest_report_at is None or at > self._latest_report_at:
            self._latest_report_at = at
        last = watch.last_at
        if last is not None and at < last:
            return []  # a late report: older than what the rules already judged
        alerts: list[RaisedAlert] = []
        settings = self._settings
        if last is not None:
            if at - last >= watch.silent_after_us or watch.lost:
                if dark.on_report(watch, event_id, report, alerts, settings):
                    speed.end_episode(watch, at, alerts)
                    loitering.end_episode(watch, at, alerts)
            elif at - last > self._speed_gap_us:
                speed.end_episode(watch, at, alerts)
            plausibility.on_report(watch, event_id, report, settings, alerts)
        zones = self._zones.zones_at(report.lat, report.lon)
        if zones or watch.visits:
            zone_visits.on_report(watch, event_id, report, zones, settings, alerts)
        speed.on_report(watch, event_id, report, zones, settings, alerts)
        loitering.on_report(watch, event_id, at, report.sog, report.lat, report.lon, alerts, settings)
        watch.remember(event_id, report)
        watch.history = self._latest_report_at - at > self._history_us
        return alerts

    def _particulars(self, event: ShipRegistered | ShipDetailsChanged) -> None:
        if event.ship_type is None and event.name is None:
            return
        watch = self._watch(event.mmsi)
        at = event.occurred_at
        if event.ship_type is not None and (watch.type_stamp is None or at >= watch.type_stamp):
            watch.ship_type, watch.type_stamp = event.ship_type, at
            watch.rules = self._settings.for_ship_type(event.ship_type)
            if watch.last_at is not None:
                watch.silent_after_us, watch.silent_after_s = watch.rules.dark_after(watch.sog, watch.nav_status)
        if event.name is not None and (watch.name_stamp is None or at >= watch.name_stamp):
            watch.name, watch.name_stamp = event.name, at

    def _define(self, event: ZoneDefined) -> None:
        self._zones.add(Zone.from_event(event))

    def _remove(self, name: str) -> None:
        if self._zones.remove(name):
            for watch in self._ships.values():
                zone_visits.forget_zone(watch, name, self._settings)

    # --- time ---------------------------------------------------------------------------------------------

    def scan(self, now: int) -> list[RaisedAlert]:
        """The alerts due by ``now`` (microseconds UTC): silences run out, loitering lasted long enough,
        ships closing. Ship by ship in MMSI order, then the encounters."""
        if self._order is None:
            self._order = sorted(self._ships)
        alerts: list[RaisedAlert] = []
        ships = self._ships
        settings = self._settings.close_quarters
        oldest = now - round(settings.max_report_age_s * MICROS_PER_SECOND)
        in_ports = settings.in_ports
        moving: list[ShipWatch] = []
        for mmsi in self._order:
            watch = ships[mmsi]
            if watch.last_at is None:
                continue
            dark.on_scan(watch, now, alerts, self._settings)
            loitering.on_scan(watch, now, alerts, self._settings)
            if (not watch.lost and watch.last_at >= oldest and watch.sog is not None and watch.cog is not None
                    and (in_ports or not watch.in_port)):
                moving.append(watch)
        alerts.extend(self._encounters.scan(now, moving, settings, self._settings.priorities))
        return alerts


def run_rules(events: Iterable[RecordedEvent], settings: RuleSettings | None = None, zones: Iterable[Zone] = (), *,
              scan_every_s: float | None = 60.0, engine: RulesEngine | None = None) -> list[RaisedAlert]:
    """Replay the rules over events in log order, scanning on the log's own time (the newest report's
    ``occurred_at``): before a report that takes that time past a multiple of ``scan_every_s`` (counted from
    the epoch), ``scan`` runs at the last multiple reached. The scans depend only on the reports, so a replay
    cut in two (the engine carried over with ``engine=``) scans at the same moments as one run.
    ``scan_every_s=None`` observes only."""
    engine = engine if engine is not None else RulesEngine(settings, zones)
    if scan_every_s is None:
        return engine.observe_all(events)
    interval = round(scan_every_s * MICROS_PER_SECOND)
    if interval <= 0:
        raise ValueError(f"scan_every_s must be positive, got {scan_every_s!r}")
    alerts: list[RaisedAlert] = []
    observe = engine.observe
    for recorded in events:
        if type(recorded.event) is PositionReported:
            latest = engine.latest_report_at
            tick = recorded.occurred_at // interval
            if latest is not None and tick > latest // interval:
                alerts.extend(engine.scan(tick * interval))
        raised = observe(recorded)
        if raised:
            alerts.extend(raised)
    return alerts
