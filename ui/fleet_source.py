"""What the UI needs from the application: the fleet at any moment, and news of events as they commit.

Implemented by ``app.FleetService`` (the UI tests too run against it, over stores built in ``tmp_path``) and,
while a store opens, by ``ui.empty_source.EmptyFleetSource``.
"""
from __future__ import annotations

from typing import Callable, Protocol, Sequence, runtime_checkable

import numpy as np

from app.event_log import EventQuery
from domain.alert_board import AlertView
from domain.events import RecordedEvent
from domain.ship import Ship
from domain.temporal_index import FleetArrays
from domain.tracks import Track, Trails
from domain.zone_list import ZoneList

Unsubscribe = Callable[[], None]


@runtime_checkable
class FleetSource(Protocol):
    """The read side of the fleet log, as the window sees it."""

    def time_range(self) -> tuple[int, int] | None:
        """First and last ``occurred_at`` (µs UTC) of any report; None while the log is empty."""
        ...

    def state_at(self, at: int, known_at: int | None = None) -> FleetArrays:
        """Every positioned ship at ``at``; with ``known_at``, only reports recorded by then."""
        ...

    def describe(self) -> str:
        """A one-line description for the status bar, e.g. 'demo.sqlite · 1,234,567 events'."""
        ...

    def subscribe(self, callback: Callable[[Sequence[RecordedEvent]], None]) -> Unsubscribe:
        """Call ``callback`` (from any thread) with each batch of newly committed events."""
        ...

    def trails(self, at: int, window: int, known_at: int | None = None) -> Trails:
        """Every ship's reports with ``at - window < occurred_at <= at`` (recorded by ``known_at``)."""
        ...

    def track(self, mmsi: int, start: int, end: int, known_at: int | None = None) -> Track:
        """One ship's reports with ``start <= occurred_at <= end`` (recorded by ``known_at``), in time order."""
        ...

    def report_times(self, mmsi: int) -> np.ndarray:
        """Sorted ``occurred_at`` of all of one ship's reports (to step to its previous/next report)."""
        ...

    def ship_details(self, mmsi: int, at: int, known_at: int | None = None) -> Ship | None:
        """Everything known of one ship at ``at``: static data, voyage data, last position (None if unknown)."""
        ...

    def event_density(self, start: int, end: int, bins: int) -> np.ndarray:
        """How many events occurred in each of ``bins`` equal slices of [start, end] (int array)."""
        ...

    def event_page(self, query: EventQuery, after_position: int, limit: int) -> list[RecordedEvent]:
        """Up to ``limit`` events matching ``query`` with log position > ``after_position``, in log order."""
        ...

    def add_note(self, text: str, *, mmsi: int | None = None, operator: str | None = None) -> RecordedEvent:
        """Append an operator's note (the operator defaults to the session's)."""
        ...

    def correct_particulars(self, mmsi: int, changes: dict, reason: str, *, operator: str | None = None
                            ) -> RecordedEvent:
        """Append the operator's correction of a ship's particulars (only the fields that differ; raises a
        ``DomainError`` naming what is wrong)."""
        ...

    @property
    def operator(self) -> str:
        """The operator's name for notes and acknowledgements."""
        ...

    def alerts_at(self, at: int, known_at: int | None = None) -> list[AlertView]:
        """Alerts raised by ``at`` (recorded by ``known_at``), with their state as of then."""
        ...

    def acknowledge_alert(self, alert_id: str, comment: str | None = None) -> RecordedEvent:
        """Append the operator's acknowledgement of an open alert (raises when it cannot be)."""
        ...

    def acknowledge_alerts(self, alert_ids: Sequence[str], comment: str | None = None) -> list[RecordedEvent]:
        """Acknowledge several open alerts with one comment, all of them or none (raises naming the first
        that cannot be)."""
        ...

    def zones(self) -> ZoneList:
        """The zones in force (with who defined them) and the version of the zones stream they reflect."""
        ...

    def define_zone(self, name: str, kind: str, outline: Sequence[Sequence[float]] | None = None,
                    speed_limit_kn: float | None = None, *, replacing: str | None = None,
                    expected_version: int | None = None) -> list[RecordedEvent]:
        """Append a zone's definition: a new zone from its drawn ``outline`` (lon, lat corners), or a change
        of the zone now named ``replacing`` (``outline`` None keeps its shape). Raises
        ``domain.zone_list.InvalidZone`` naming what is wrong, or when the log refuses (read-only, or the
        zones changed since ``expected_version``)."""
        ...

    def remove_zone(self, name: str, *, expected_version: int | None = None) -> RecordedEvent:
        """Append the removal of a zone."""
        ...

    def import_zones(self, path: str, *, replace: bool = False) -> list[RecordedEvent]:
        """Append the zones of a GeoJSON file that are new or changed (``replace``: and remove the others)."""
        ...

    def export_zones(self, path: str) -> int:
        """Write the zones in force to a GeoJSON FeatureCollection; returns how many."""
        ...
