"""Use cases of the rules: their settings file, and replaying the rules over history (the zones they watch
are the zone desk's, ``app.zone_desk``).

Thresholds live in a TOML file in the user's config folder (``rules.toml``; missing means the defaults).
``replay_rules`` runs the
rules over the log as it stands, judging time by the log's own clock (so an archive is not flagged dark for
being old), and appends the alerts the log does not hold yet — each alert's dedupe key is its id, and ids
come from rule, ship and episode start, so a replay never duplicates an alert already in the log.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from app.config_files import CONFIG_VARIABLE, config_folder, read_toml, write_toml
from domain.events import RecordedEvent
from app.zone_desk import zones_in_force
from domain.rules import InvalidRuleSettings, RuleSettings, RulesEngine, run_rules
from domain.time import now_micros
from store import EventStore

SETTINGS_FILE = "rules.toml"
SETTINGS_VARIABLE = CONFIG_VARIABLE
ZONE_TYPES = ("ZoneDefined", "ZoneRemoved")


class RuleSettingsError(ValueError):
    """A rules settings file that cannot be used; the message names the file and the key."""


def settings_path() -> Path:
    """Where the rules' settings live: ``$FLEET_LOGBOOK_CONFIG/rules.toml`` or the user's config folder."""
    return config_folder() / SETTINGS_FILE


def load_rule_settings(path: str | Path | None = None) -> RuleSettings:
    """The thresholds from ``path`` (default ``settings_path()``); the defaults when that file is missing."""
    chosen = Path(path) if path is not None else settings_path()
    if not chosen.exists():
        if path is not None:
            raise RuleSettingsError(f"{chosen}: no such settings file")
        return RuleSettings()
    mapping = read_toml(chosen, RuleSettingsError)
    try:
        return RuleSettings.from_mapping(mapping)
    except InvalidRuleSettings as error:
        raise RuleSettingsError(f"{chosen}: {error}") from None


SETTINGS_HEADER = """Fleet Logbook: the thresholds of the alert rules (speed, dark ships, loitering, close quarters,
zone entries), with overrides per ship type. Read when the console opens a store; File › Settings
edits it and rewrites it whole (comments added here are not kept). Every key is described in
domain/rules/settings.py; a missing key takes its default."""


def save_rule_settings(settings: RuleSettings, path: str | Path | None = None) -> Path:
    """Write ``settings`` to ``path`` (default ``settings_path()``) atomically; ``load_rule_settings`` reads
    the same settings back. Raises ``RuleSettingsError`` naming the file when it cannot be written."""
    chosen = Path(path) if path is not None else settings_path()
    try:
        return write_toml(chosen, settings.to_mapping(), SETTINGS_HEADER)
    except OSError as error:
        raise RuleSettingsError(f"{chosen}: cannot write ({error.strerror or error})") from None


def judged_by_todays_zones(events: Iterable[RecordedEvent]) -> Iterator[RecordedEvent]:
    """The history to replay into an engine that starts with today's zones: without its zone definitions and
    removals, which made today's zones — replayed, an old shape of a zone would stand in for today's for a
    while, and a zone removed since would watch the ships that sailed before its removal."""
    for recorded in events:
        if recorded.type not in ZONE_TYPES:
            yield recorded


@dataclass
class ReplaySummary:
    events: int = 0
    raised: int = 0
    appended: int = 0
    already_in_log: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"events": self.events, "raised": self.raised, "appended": self.appended,
                "already_in_log": self.already_in_log, "by_type": dict(sorted(self.by_type.items())),
                "seconds": round(self.seconds, 3)}


def replay_rules(store: EventStore, settings: RuleSettings, *, since: int | None = None,
                 clock: Callable[[], int] = now_micros, scan_every_s: float = 60.0,
                 batch: int = 5_000) -> ReplaySummary:
    """Run the rules over the whole log (their state needs it) and append the alerts raised at or after
    ``since`` (all when None) that the log does not hold yet. The zones in force now apply from the start
    of the history: a zone drawn today was there when yesterday's imported ships sailed through it."""
    started = time.monotonic()
    summary = ReplaySummary()
    engine = RulesEngine(settings, zones_in_force(store))  # history is judged against today's zones too

    def counted():
        for recorded in store.read_all():
            summary.events += 1
            yield recorded

    raised = run_rules(judged_by_todays_zones(counted()), engine=engine, scan_every_s=scan_every_s)
    wanted = [alert for alert in raised if since is None or alert.event.occurred_at >= since]
    summary.raised = len(wanted)
    for alert in wanted:
        summary.by_type[alert.event.TYPE] = summary.by_type.get(alert.event.TYPE, 0) + 1
    for start in range(0, len(wanted), batch):
        now = clock()
        result = store.append_batch([alert.new_event(recorded_at=now) for alert in wanted[start:start + batch]])
        summary.appended += result.count
        summary.already_in_log += result.duplicates
    summary.seconds = time.monotonic() - started
    return summary
