"""What the rules remember about one ship between its reports: its last report and its open episodes.

A ``ShipWatch`` is mutable and private to one ``RulesEngine``; the rules (``dark``, ``zone_visits``,
``speed``, ``loitering``) read and update it, each its own fields. It holds plain values only, so an engine
can be copied (``copy.deepcopy``) to carry its state over.
"""
from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.events import PositionReported
from domain.rules.thresholds import ShipRules


@dataclass(frozen=True, slots=True)
class Visit:
    """A ship inside a zone: since when, the zone's kind then, and whether its entry raised an event (so its
    exit does too)."""

    entered_at: int
    kind: str
    announced: bool


class ShipWatch:
    """One ship as the rules know it."""

    __slots__ = ("mmsi", "name", "name_stamp", "ship_type", "type_stamp", "rules",
                 "last_at", "last_id", "lat", "lon", "sog", "cog", "nav_status", "silent_after_us", "silent_after_s",
                 "lost", "history", "visits", "in_port", "exempt", "speed_since", "speed_under_since", "slow_since",
                 "loitering_raised")

    def __init__(self, mmsi: int, rules: ShipRules):
        self.mmsi = mmsi
        self.name: str | None = None
        self.name_stamp: int | None = None
        self.ship_type: str | None = None
        self.type_stamp: int | None = None
        self.rules = rules
        # the last report (by occurred_at): none yet
        self.last_at: int | None = None
        self.last_id: UUID | None = None
        self.lat = 0.0
        self.lon = 0.0
        self.sog: float | None = None
        self.cog: float | None = None
        self.nav_status: str | None = None
        # dark: how long the ship may stay silent after its last report, and whether it was found silent
        self.silent_after_us = 0
        self.silent_after_s = 0.0
        self.lost = False
        self.history = False  # the last report was old news when it came: scans leave its silence alone
        # zones: the ones it is in; whether one is a port; whether one excuses loitering
        self.visits: dict[str, Visit] = {}
        self.in_port = False
        self.exempt = False
        # speed: the start of the episode over a limit
        self.speed_since: int | None = None
        self.speed_under_since: int | None = None  # back under the limit since (the grace before it ends)
        # loitering: since when slow outside a port, and whether that was raised
        self.slow_since: int | None = None
        self.loitering_raised = False

    def remember(self, event_id: UUID, report: PositionReported) -> None:
        """Take a report (not older than the last one) as the ship's latest."""
        self.last_at = report.occurred_at
        self.last_id = event_id
        self.lat = report.lat
        self.lon = report.lon
        self.sog = report.sog
        self.cog = report.cog
        self.nav_status = report.nav_status
        self.silent_after_us, self.silent_after_s = self.rules.dark_after(report.sog, report.nav_status)

    def __repr__(self) -> str:
        return f"ShipWatch({self.mmsi}, last_at={self.last_at}, zones={sorted(self.visits)})"
