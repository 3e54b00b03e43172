"""What a window shows while its store is still opening: a console with no ships, no events and nothing to
do — the same roles as ``app.console.Console`` over a store, each empty and read-only like a store opened so:
a write raises the same ``ReadOnlyStoreError`` the UI already catches."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from app.console import Console
from app.errors import ReadOnlyStoreError
from app.event_log import EventQuery
from domain.events import RecordedEvent
from domain.ship import Ship
from domain.temporal_index import FleetArrays
from domain.tracks import Track, Trails
from domain.zone_list import ZoneList
from ui.fleet_model import empty_fleet

NOT_YET = "no store is open yet: nothing can be appended"


class EmptyFleetView:
    """The fleet view of an empty log."""

    def __init__(self, description: str):
        self._description = description

    def time_range(self) -> tuple[int, int] | None:
        return None

    def state_at(self, at: int, known_at: int | None = None) -> FleetArrays:
        return empty_fleet()

    def describe(self) -> str:
        return self._description

    def subscribe(self, callback: Callable[[Sequence[RecordedEvent]], None]) -> Callable[[], None]:
        return lambda: None

    def trails(self, at: int, window: int, known_at: int | None = None, mmsis: np.ndarray | None = None) -> Trails:
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


class EmptyAlertDesk:
    operator = ""
    read_only = True

    def alerts_at(self, at: int, known_at: int | None = None) -> list:
        return []

    def acknowledge(self, alert_id: str, comment: str | None = None) -> RecordedEvent:
        raise ReadOnlyStoreError(NOT_YET)

    def acknowledge_all(self, alert_ids, comment: str | None = None) -> list[RecordedEvent]:
        raise ReadOnlyStoreError(NOT_YET)


class EmptyZoneDesk:
    operator = ""
    read_only = True

    def in_force(self) -> ZoneList:
        return ZoneList()

    def define(self, name: str, kind: str, outline=None, speed_limit_kn: float | None = None, *,
               replacing: str | None = None, expected_version: int | None = None) -> list[RecordedEvent]:
        raise ReadOnlyStoreError(NOT_YET)

    def remove(self, name: str, *, expected_version: int | None = None) -> RecordedEvent:
        raise ReadOnlyStoreError(NOT_YET)

    def import_geojson(self, path: str, *, replace: bool = False,
                       expected_version: int | None = None) -> list[RecordedEvent]:
        raise ReadOnlyStoreError(NOT_YET)

    def export_geojson(self, path: str) -> int:
        raise ReadOnlyStoreError(NOT_YET)


class EmptyLogbook:
    operator = ""
    read_only = True

    def event_page(self, query: EventQuery, after_position: int, limit: int, *,
                   to_position: int | None = None) -> list[RecordedEvent]:
        return []

    def head_position(self) -> int:
        return 0

    def add_note(self, text: str, *, mmsi: int | None = None) -> RecordedEvent:
        raise ReadOnlyStoreError(NOT_YET)

    def correct_particulars(self, mmsi: int, changes: dict, reason: str) -> RecordedEvent:
        raise ReadOnlyStoreError(NOT_YET)


def empty_console(description: str = "opening the store…") -> Console:
    """A console over no store (read-only; nothing to import into or report on), shown while one opens."""
    return Console(fleet=EmptyFleetView(description),  # type: ignore[arg-type]
                   alerts=EmptyAlertDesk(), zones=EmptyZoneDesk(), logbook=EmptyLogbook(),  # type: ignore[arg-type]
                   imports=None, reports=None, read_only=True, opening=True)
