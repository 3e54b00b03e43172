"""FleetService: the use cases over one open store — append and publish, ask the fleet's state, write notes.

It owns the temporal index of the store and keeps it current with every batch it appends (the index is
the first subscriber of the bus), so the GUI and the CLI ask one object for 'the fleet at T'.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

import numpy as np

from app.event_bus import EventBus, Subscriber
from app.fleet_index import Progress, catch_up, open_index, save_snapshot_bytes
from app.alerts import AlertLog
from app.event_log import EventQuery
from app.operator import default_operator
from domain.alert_board import AlertView
from domain.events import NewEvent, OperatorNoteAdded, RecordedEvent, ShipDetailsChanged, ShipRegistered, ship_stream
from domain.ship import Ship, ShipState
from domain.temporal_index import FleetArrays, TemporalIndex
from domain.tracks import Track, Trails
from domain.time import now_micros
from store import AppendResult, EventStore

if TYPE_CHECKING:
    from app.ais_import import ImportOptions, ImportProgress, ImportSummary
    from app.audit_report import ReportRequest
    from app.feed_control import FeedControl
    from app.report_export import ExportResult
    from domain.zone_list import ZoneList




class FleetService:
    """One store, its index and its bus."""

    def __init__(self, store: EventStore, bus: EventBus, index: TemporalIndex, *,
                 clock: Callable[[], int] = now_micros, operator: str | None = None):
        self.store = store
        self.bus = bus
        self._index = index
        self._clock = clock
        self.operator = operator or default_operator()
        self._lock = threading.RLock()          # the index: held by readers and by folding, never across a write
        self._write_lock = threading.Lock()     # one append at a time here, so batches fold in log order
        self._static_cache: dict[int, list[RecordedEvent]] = {}
        bus.subscribe(self._forget_static)
        self.alerts = AlertLog(store, self.append, clock=clock)
        bus.subscribe(self.alerts.notice)
        self._feeds: "FeedControl | None" = None

    @classmethod
    def open(cls, store: EventStore, *, bus: EventBus | None = None, progress: Progress | None = None,
             cancelled: Callable[[], bool] = lambda: False, clock: Callable[[], int] = now_micros,
             operator: str | None = None) -> "FleetService":
        """Build the index (from a snapshot when one matches) and return the service."""
        index = open_index(store, progress=progress, cancelled=cancelled)
        return cls(store, bus or EventBus(), index, clock=clock, operator=operator)

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    # --- writing --------------------------------------------------------------------------------------------

    def append(self, new_events: Iterable[NewEvent], *, expected: tuple[str, int] | None = None) -> AppendResult:
        """Append a batch (dedupe applies), fold it into the index, then tell the subscribers. With
        ``expected`` (stream, version) the batch is all on that stream, which must be at that version
        (else the store's ``ConcurrencyError``)."""
        with self._write_lock:  # the store's write runs while readers of the index carry on
            if expected is None:
                result = self.store.append_batch(new_events)
            else:
                result = self.store.append(expected[0], list(new_events), expected[1])
            if result.count:
                with self._lock:  # folding the batch in is quick; only that waits for a scrub
                    if result.appended[0].position != self._index.log_position + 1:
                        catch_up(self.store, self._index)  # another process appended in between
                    else:
                        for recorded in result.appended:
                            self._index.add(recorded)
        self.bus.publish(result.appended)
        return result

    def import_files(self, paths: Sequence[str], options: "ImportOptions | None" = None, *,
                     progress: "Callable[[ImportProgress], None] | None" = None,
                     cancelled: Callable[[], bool] = lambda: False) -> "ImportSummary":
        """Import AIS files into this store through ``append``, so the index and the window follow."""
        from app.ais_import import ImportOptions, import_files

        return import_files(self.store, paths, options or ImportOptions(), append=self.append, progress=progress,
                            cancelled=cancelled, clock=self._clock, operator=self.operator)

    def export_report(self, request: "ReportRequest", path: str, *, software: str, renderers: dict | None = None,
                      progress: "Callable[[float, str], None] | None" = None,
                      cancelled: Callable[[], bool] = lambda: False) -> "ExportResult":
        """Make an audit report of ``request`` into ``path`` (format by suffix) and log the export."""
        from app.report_export import export_report

        return export_report(self, request, path, software=software, renderers=renderers, progress=progress,
                             cancelled=cancelled, clock=self._clock)

    def correct_particulars(self, mmsi: int, changes: dict, reason: str, *, operator: str | None = None
                            ) -> RecordedEvent:
        """Append an operator's correction of a ship's particulars (``app.ship_corrections``)."""
        from app.ship_corrections import correct_particulars

        return correct_particulars(self, mmsi, changes, reason, operator=operator or self.operator, clock=self._clock)

    @property
    def feeds(self) -> "FeedControl":
        """The live receiver feeds appending to this store (made on first use)."""
        from app.feed_control import FeedControl

        if self._feeds is None:
            self._feeds = FeedControl(self.store, self.append, operator=self.operator)
        return self._feeds

    def stop_feeds(self) -> None:
        if self._feeds is not None:
            self._feeds.stop_all()

    def add_note(self, text: str, *, mmsi: int | None = None, operator: str | None = None) -> RecordedEvent:
        """Append an operator's note, about one ship or about the watch."""
        now = self._clock()
        who = operator or self.operator
        note = OperatorNoteAdded(occurred_at=now, operator=who, text=text, mmsi=mmsi)
        result = self.append([NewEvent(note, recorded_at=now, metadata={"source": "operator", "operator": who})])
        return result.appended[0]

    # --- zones (app.zone_editing) ---------------------------------------------------------------------------

    def zones(self) -> "ZoneList":
        """The zones in force, with who defined them and the ``zones`` stream's version."""
        from app.rules import zone_list

        return zone_list(self.store)

    def define_zone(self, name: str, kind: str, outline: Sequence[Sequence[float]] | None = None,
                    speed_limit_kn: float | None = None, *, replacing: str | None = None,
                    expected_version: int | None = None) -> list[RecordedEvent]:
        """Define a zone, or change the one now named ``replacing`` (``app.zone_editing.define_zone``)."""
        from app.zone_editing import define_zone

        return define_zone(self, name=name, kind=kind, outline=outline, speed_limit_kn=speed_limit_kn,
                           replacing=replacing, expected_version=expected_version, now=self._clock())

    def remove_zone(self, name: str, *, expected_version: int | None = None) -> RecordedEvent:
        """Stop the rules watching a zone."""
        from app.zone_editing import remove_zone

        return remove_zone(self, name, expected_version=expected_version, now=self._clock())

    def import_zones(self, path: str, *, replace: bool = False) -> list[RecordedEvent]:
        """Add (with ``replace``: and remove) zones from a GeoJSON file, as ``zones add`` does."""
        from app.zone_editing import import_zones

        return import_zones(self, path, replace=replace, now=self._clock())

    def export_zones(self, path: str) -> int:
        """Write the zones in force to a GeoJSON file; returns how many."""
        from app.zone_editing import export_zones

        return export_zones(self.zones(), path)

    def refresh(self) -> int:
        """Fold in events other processes appended; returns how many were new."""
        with self._write_lock, self._lock:  # in order with this process's own appends
            before = self._index.log_position
            if self.store.head().position == before:
                return 0
            catch_up(self.store, self._index)
            after = self._index.log_position
        self.bus.publish(list(self.store.read_all(before + 1, to_position=after)))
        return after - before

    def save_snapshot(self) -> bool:
        """Store the index as a snapshot (a cache for a fast next start); the bytes are taken under the
        index's lock, the write to the store is made outside it."""
        if self.store.read_only:
            return False
        with self._lock:
            position, data = self._index.log_position, self._index.to_bytes()
        return save_snapshot_bytes(self.store, position, data)

    # --- asking ---------------------------------------------------------------------------------------------

    def state_at(self, at: int, known_at: int | None = None) -> FleetArrays:
        with self._lock:
            return self._index.state_at(at, known_at)

    def time_range(self) -> tuple[int, int] | None:
        with self._lock:
            return self._index.time_range()

    @property
    def event_count(self) -> int:
        return self._index.log_position

    def describe(self) -> str:
        return f"{self.store.describe()} · {self.event_count:,} events"

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        return self.bus.subscribe(subscriber)

    def trails(self, at: int, window: int, known_at: int | None = None) -> Trails:
        with self._lock:
            return self._index.trails(at, window, known_at)

    def track(self, mmsi: int, start: int, end: int, known_at: int | None = None) -> Track:
        with self._lock:
            return self._index.track(mmsi, start, end, known_at)

    def ships_reporting(self, start: int, end: int) -> list[int]:
        """The MMSIs of the ships that reported between ``start`` and ``end`` (inclusive), sorted."""
        with self._lock:
            return self._index.ships_reporting(start, end)

    def report_times(self, mmsi: int) -> np.ndarray:
        with self._lock:
            return self._index.report_times(mmsi)

    def event_density(self, start: int, end: int, bins: int) -> np.ndarray:
        """Reports per time slice (position reports are nearly all of the log)."""
        with self._lock:
            return self._index.report_density(start, end, bins)

    def ship_details(self, mmsi: int, at: int, known_at: int | None = None) -> Ship | None:
        """Everything known of one ship at ``at``: its static and voyage data folded from its stream, and
        its position from the index."""
        ship = Ship(mmsi=mmsi)
        for recorded in self._static_events(mmsi):
            if recorded.occurred_at <= at and (known_at is None or recorded.recorded_at <= known_at):
                ship = ship.evolve(recorded.event)
        fleet = self.state_at(at, known_at)
        rows = np.flatnonzero(fleet.mmsi == mmsi)
        if rows.size:
            state = _state_of(fleet, int(rows[0]))
            ship = replace(ship, lat=state.lat, lon=state.lon, sog=state.sog, cog=state.cog, heading=state.heading,
                           nav_status=state.nav_status, last_report_at=state.last_report_at)
        elif not ship.static_stamps:
            return None
        return ship

    def _static_events(self, mmsi: int) -> list[RecordedEvent]:
        cached = self._static_cache.get(mmsi)
        if cached is None:
            cached = self.store.read_page(stream_id=ship_stream(mmsi), limit=100_000,
                                          type_names=(ShipRegistered.TYPE, ShipDetailsChanged.TYPE))
            self._static_cache[mmsi] = cached
        return cached

    def _forget_static(self, events: Sequence[RecordedEvent]) -> None:
        for recorded in events:
            if isinstance(recorded.event, (ShipRegistered, ShipDetailsChanged)):
                self._static_cache.pop(recorded.event.mmsi, None)

    def alerts_at(self, at: int, known_at: int | None = None) -> list[AlertView]:
        """Alerts raised by ``at`` (recorded by ``known_at``), open or acknowledged as of then."""
        return self.alerts.alerts_at(at, known_at)

    def acknowledge_alert(self, alert_id: str, comment: str | None = None) -> RecordedEvent:
        """Append the operator's acknowledgement of an open alert."""
        return self.alerts.acknowledge(alert_id, self.operator, comment)

    def acknowledge_alerts(self, alert_ids: Sequence[str], comment: str | None = None) -> list[RecordedEvent]:
        """Acknowledge several open alerts with one comment, all or none (``AlertLog.acknowledge_all``)."""
        return self.alerts.acknowledge_all(alert_ids, self.operator, comment)

    def event_page(self, query: EventQuery, after_position: int, limit: int) -> list[RecordedEvent]:
        return self.store.read_page(after_position=after_position, limit=limit,
                                    stream_id=None if query.mmsi is None else ship_stream(query.mmsi),
                                    type_names=query.types, occurred_from=query.occurred_from,
                                    occurred_to=query.occurred_to)

    def ship_history(self, mmsi: int, *, occurred_from: int | None = None,
                     occurred_to: int | None = None) -> Iterator[RecordedEvent]:
        return self.store.read_stream(ship_stream(mmsi), occurred_from=occurred_from, occurred_to=occurred_to)

    def publish(self, events: Sequence[RecordedEvent]) -> None:
        self.bus.publish(events)


def _state_of(fleet: FleetArrays, row: int) -> ShipState:
    """One row of a fleet picture as a ``ShipState``."""
    single = FleetArrays(**{name: getattr(fleet, name)[row:row + 1] for name in FleetArrays.__dataclass_fields__})
    return single.ship_states()[0]
