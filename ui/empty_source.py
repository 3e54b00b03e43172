"""The source a window shows while its store is still opening: no ships, no events, nothing to do."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from app.errors import ReadOnlyStoreError
from app.event_log import EventQuery
from domain.events import RecordedEvent
from domain.ship import Ship
from domain.tracks import Track, Trails
from domain.zone_list import ZoneList
from ui.fleet_model import empty_fleet


NOT_YET = "no store is open yet: nothing can be appended"


class EmptyFleetSource:
    """A ``FleetSource`` with an empty log, read-only like a store opened so: a write raises the same
    ``ReadOnlyStoreError`` the UI already catches (notes, acknowledgements and zone edits wait for a store)."""

    operator = ""
    read_only = True
    opening = True  # a placeholder while the store opens: the window says nothing of an empty store yet

    def __init__(self, description: str = "opening the store…"):
        self._description = description

    def time_range(self) -> tuple[int, int] | None:
        return None

    def state_at(self, at: int, known_at: int | None = None):
        return empty_fleet()

    def describe(self) -> str:
        return self._description

    def subscribe(self, callback: Callable[[Sequence[RecordedEvent]], None]) -> Callable[[], None]:
        return lambda: None

    def trails(self, at: int, window: int, known_at: int | None = None) -> Trails:
        nothing = np.empty(0)
        return Trails(lon=nothing, lat=nothing, connect=np.empty(0, bool), mmsi=np.empty(0, np.int64))

    def track(self, mmsi: int, start: int, end: int, known_at: int | None = None) -> Track:
        nothing = np.empty(0)
        return Track(mmsi, np.empty(0, np.int64), np.empty(0, np.int64), nothing, nothing, nothing, nothing, nothing,
                     np.empty(0, np.int8))

    def report_times(self, mmsi: int) -> np.ndarray:
        return np.empty(0, np.int64)

    def ship_details(self, mmsi: int, at: int, known_at: int | None = None) -> Ship | None:
        return None

    def event_density(self, start: int, end: int, bins: int) -> np.ndarray:
        return np.zeros(bins, np.int64)

    def event_page(self, query: EventQuery, after_position: int, limit: int) -> list[RecordedEvent]:
        return []

    def alerts_at(self, at: int, known_at: int | None = None) -> list:
        return []

    def acknowledge_alert(self, alert_id: str, comment: str | None = None) -> RecordedEvent:
        raise ReadOnlyStoreError(NOT_YET)

    def add_note(self, text: str, *, mmsi: int | None = None, operator: str | None = None) -> RecordedEvent:
        raise ReadOnlyStoreError(NOT_YET)

    def correct_particulars(self, mmsi: int, changes: dict, reason: str, *, operator: str | None = None
                            ) -> RecordedEvent:
        raise ReadOnlyStoreError(NOT_YET)

    def acknowledge_alerts(self, alert_ids, comment: str | None = None) -> list[RecordedEvent]:
        raise ReadOnlyStoreError(NOT_YET)

    def zones(self) -> ZoneList:
        return ZoneList()

    def define_zone(self, name: str, kind: str, outline=None, speed_limit_kn: float | None = None, *,
                    replacing: str | None = None, expected_version: int | None = None) -> list[RecordedEvent]:
        raise ReadOnlyStoreError(NOT_YET)

    def remove_zone(self, name: str, *, expected_version: int | None = None) -> RecordedEvent:
        raise ReadOnlyStoreError(NOT_YET)

    def import_zones(self, path: str, *, replace: bool = False) -> list[RecordedEvent]:
        raise ReadOnlyStoreError(NOT_YET)

    def export_zones(self, path: str) -> int:
        raise ReadOnlyStoreError(NOT_YET)
