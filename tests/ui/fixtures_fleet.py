"""Hand-made fleet logs and an in-memory stand-in of the console's roles for the UI tests (imported explicitly).

``channel_fleet`` builds a deterministic log of ships in the English Channel and the Solent: ships start
reporting at different times (so the set of ships changes while scrubbing), some are moored or at
anchor, and one ship's reports from a window of time reach the log late (recorded long after they
occurred), as satellite relays do.
"""
from __future__ import annotations

import math
import threading
from dataclasses import replace
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence
from uuid import UUID

import numpy as np

from domain import ais
from domain.alert_board import fold_alerts
from app.console import Console
from app.event_log import EventQuery
from domain.events import (ZONES_STREAM, OperatorNoteAdded, PositionReported, RecordedEvent, ShipRegistered,
                           ship_stream)
from domain.rules import zone_changes, zones_from_geojson
from domain.events.base import Event
from domain.ship import Ship
from domain.temporal_index import FleetArrays, TemporalIndex
from domain.tracks import Track, Trails
from domain.time import MICROS_PER_HOUR, MICROS_PER_MINUTE, from_datetime, now_micros
from domain.zone_list import ZoneList, fold_zones, zone_definition, zone_removal

T0 = from_datetime(datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc))
LATE_MMSI = 235_999_001          # its reports between T0+60 min and T0+90 min are recorded at T0+150 min
LATE_FROM, LATE_UNTIL = T0 + 60 * MICROS_PER_MINUTE, T0 + 90 * MICROS_PER_MINUTE
LATE_RECORDED_AT = T0 + 150 * MICROS_PER_MINUTE
ONLY_LATE_MMSI = 235_999_002     # its only report occurred at T0+30 min and was recorded at T0+150 min
_SHIP_NAMES = ("ATLANTIC", "SOLENT", "CHANNEL", "NORTHERN", "WESSEX", "HAMBLE", "NEEDLES", "DOVER",
               "PORTLAND", "CALSHOT", "SPITHEAD", "EXCELSIOR", "MERIDIAN", "OSPREY", "KESTREL", "ALBION")
_NAME_SUFFIXES = ("STAR", "SPIRIT", "TRADER", "PRIDE", "VENTURE", "EXPRESS", "QUEEN", "HARVEST")


def recorded(event: Event, position: int, recorded_at: int, version: int) -> RecordedEvent:
    """An event as the log would hold it (hash left empty: the UI never reads it)."""
    return RecordedEvent(position=position, event_id=UUID(int=position), stream_id=event.stream_id,
                         version=version, type=event.TYPE, schema_version=event.SCHEMA_VERSION,
                         occurred_at=event.occurred_at, recorded_at=recorded_at, metadata={"source": "test"},
                         event=event, hash=b"")


def in_log_order(facts: Iterable[tuple[Event, int]], first_position: int = 1,
                 versions: dict[str, int] | None = None) -> list[RecordedEvent]:
    """(event, recorded_at) pairs as recorded events, ordered and numbered the way the log appends them."""
    versions = {} if versions is None else versions
    out = []
    for offset, (event, recorded_at) in enumerate(sorted(facts, key=lambda fact: fact[1])):
        versions[event.stream_id] = versions.get(event.stream_id, 0) + 1
        out.append(recorded(event, first_position + offset, recorded_at, versions[event.stream_id]))
    return out


def _ship_name(i: int) -> str:
    return f"{_SHIP_NAMES[i % len(_SHIP_NAMES)]} {_NAME_SUFFIXES[(i // len(_SHIP_NAMES)) % len(_NAME_SUFFIXES)]} {i}"


@lru_cache(maxsize=4)
def channel_fleet(ships: int = 300, hours: float = 3.0, every_minutes: int = 6,
                  seed: int = 7) -> tuple[RecordedEvent, ...]:
    """A deterministic log of ``ships`` ships reporting every few minutes for ``hours``."""
    rng = np.random.default_rng(seed)
    end = T0 + int(hours * MICROS_PER_HOUR)
    facts: list[tuple[Event, int]] = []
    moored_code, anchor_code = ais.NAV_STATUS_CODES["moored"], ais.NAV_STATUS_CODES["at anchor"]
    for i in range(ships):
        mmsi = 235_000_000 + 1_000 * i + 7
        start = T0 + int(rng.integers(0, int(hours * 60 * 0.6))) * MICROS_PER_MINUTE
        ship_type = ais.SHIP_TYPES[int(rng.integers(0, len(ais.SHIP_TYPES)))] if i % 11 else None
        name = _ship_name(i) if i % 13 else None
        facts.append((ShipRegistered(mmsi=mmsi, occurred_at=start - MICROS_PER_MINUTE, name=name,
                                     ship_type=ship_type), start - MICROS_PER_MINUTE + 2_000_000))
        lat, lon = 49.9 + rng.random() * 0.6, -4.5 + rng.random() * 5.5  # mid-Channel
        if i % 10 == 0:
            lat, lon = 50.76 + rng.random() * 0.04, -1.35 + rng.random() * 0.25  # the Solent
        status = moored_code if i % 10 == 0 else anchor_code if i % 17 == 0 else 0
        sog = 0.0 if status else float(rng.uniform(4, 18))
        cog = float(rng.uniform(0, 360))
        at = start
        while at <= end:
            heading = None if i % 7 == 0 else int(round(cog)) % 360
            report = PositionReported(mmsi=mmsi, occurred_at=at, lat=lat, lon=lon, sog=sog,
                                      cog=None if i % 19 == 0 else cog, heading=heading,
                                      nav_status=ais.NAV_STATUSES[status])
            facts.append((report, at + int(rng.integers(1, 30)) * 1_000_000))
            hours_step = every_minutes / 60
            lat += sog * hours_step / 60 * math.cos(math.radians(cog))
            lon += sog * hours_step / 60 * math.sin(math.radians(cog)) / math.cos(math.radians(lat))
            cog = (cog + float(rng.normal(0, 3))) % 360
            at += every_minutes * MICROS_PER_MINUTE
    facts += _late_ships()
    return tuple(in_log_order(facts))


def _late_ships() -> list[tuple[Event, int]]:
    """A ship whose middle reports reach the log late, and one heard of only late."""
    facts: list[tuple[Event, int]] = [
        (ShipRegistered(mmsi=LATE_MMSI, occurred_at=T0, name="LATE RELAY", ship_type="tanker"), T0 + 1_000_000),
        (ShipRegistered(mmsi=ONLY_LATE_MMSI, occurred_at=T0, name="SATELLITE ONLY", ship_type="cargo"), T0 + 1_000_000),
        (PositionReported(mmsi=ONLY_LATE_MMSI, occurred_at=T0 + 30 * MICROS_PER_MINUTE, lat=50.2, lon=-2.0,
                          sog=11.0, cog=90.0, heading=90, nav_status="under way using engine"), LATE_RECORDED_AT),
    ]
    for minute in range(0, 180, 10):
        at = T0 + minute * MICROS_PER_MINUTE
        report = PositionReported(mmsi=LATE_MMSI, occurred_at=at, lat=50.3, lon=-3.0 + minute / 100, sog=12.0,
                                  cog=90.0, heading=90, nav_status="under way using engine")
        late = LATE_FROM <= at <= LATE_UNTIL
        facts.append((report, LATE_RECORDED_AT if late else at + 5_000_000))
    return facts


class InMemoryFleetSource:
    """The console's roles over a ``TemporalIndex`` that tests can append to from any thread."""

    def console(self) -> Console:
        """This source in every role the window hands its panels (it reads and writes one in-memory log)."""
        return Console(fleet=self, alerts=self, zones=self, logbook=self, imports=None, reports=None,  # type: ignore[arg-type]
                       read_only=bool(getattr(self, "read_only", False)))

    def __init__(self, events: Sequence[RecordedEvent] = (), name: str = "memory"):
        self.index = TemporalIndex()
        self.index.add_all(events)
        self.name = name
        self.event_count = len(events)
        self.last_position = events[-1].position if events else 0
        self.versions: dict[str, int] = {}
        for event in events:
            self.versions[event.stream_id] = max(self.versions.get(event.stream_id, 0), event.version)
        self._subscribers: list[Callable[[Sequence[RecordedEvent]], None]] = []
        self._lock = threading.Lock()
        self.log: list[RecordedEvent] = list(events)  # every event, in log order (event_page, track, ...)

    def time_range(self) -> tuple[int, int] | None:
        return self.index.time_range()

    def state_at(self, at: int, known_at: int | None = None) -> FleetArrays:
        return self.index.state_at(at, known_at)

    def describe(self) -> str:
        return f"{self.name} · {self.event_count:,} events"

    def subscribe(self, callback: Callable[[Sequence[RecordedEvent]], None]) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    @property
    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._subscribers)

    def append(self, facts: Iterable[tuple[Event, int]]) -> list[RecordedEvent]:
        """Append (event, recorded_at) pairs, then tell subscribers (on the calling thread)."""
        with self._lock:
            events = in_log_order(facts, self.last_position + 1, self.versions)
            for event in events:
                self.index.add(event)
            self.index.compact()
            self.event_count += len(events)
            self.log.extend(events)
            self.last_position += len(events)
            subscribers = list(self._subscribers)
        for callback in subscribers:
            callback(events)
        return events

    # --- the event log, one ship's track and details, notes (naive scans: this is a test double) ----------

    operator = "Officer of the watch"
    clock: Callable[[], int] = staticmethod(now_micros)

    def _events(self) -> list[RecordedEvent]:
        with self._lock:
            return list(self.log)

    def alerts_at(self, at: int, known_at: int | None = None):
        """The plain fold of the alert events in the log."""
        return fold_alerts(list(self.log), at, known_at)

    def acknowledge(self, alert_id: str, comment: str | None = None) -> RecordedEvent:
        raise PermissionError("this test source takes no acknowledgements")

    def acknowledge_all(self, alert_ids, comment: str | None = None) -> list[RecordedEvent]:
        raise PermissionError("this test source takes no acknowledgements")

    def event_page(self, query: EventQuery, after_position: int, limit: int) -> list[RecordedEvent]:
        self.pages_asked = getattr(self, "pages_asked", 0) + 1
        page = []
        for event in self._events():
            if event.position > after_position and event_matches(query, event):
                page.append(event)
                if len(page) >= limit:
                    break
        return page

    def track(self, mmsi: int, start: int, end: int, known_at: int | None = None) -> Track:
        reports = [e for e in self._events()
                   if isinstance(e.event, PositionReported) and e.event.mmsi == mmsi and start <= e.occurred_at <= end
                   and (known_at is None or e.recorded_at <= known_at)]
        reports.sort(key=lambda e: e.occurred_at)  # stable: ties stay in log order

        def column(values, dtype):
            return np.array(values, dtype=dtype)

        nan = float("nan")
        return Track(
            mmsi=mmsi, occurred=column([e.occurred_at for e in reports], np.int64),
            recorded=column([e.recorded_at for e in reports], np.int64),
            lat=column([e.event.lat for e in reports], np.float64), lon=column([e.event.lon for e in reports], np.float64),
            sog=column([nan if e.event.sog is None else e.event.sog for e in reports], np.float64),
            cog=column([nan if e.event.cog is None else e.event.cog for e in reports], np.float64),
            heading=column([nan if e.event.heading is None else e.event.heading for e in reports], np.float64),
            status=column([-1 if e.event.nav_status is None else ais.NAV_STATUS_CODES[e.event.nav_status]
                           for e in reports], np.int8))

    def ship_details(self, mmsi: int, at: int, known_at: int | None = None) -> Ship | None:
        stream = ship_stream(mmsi)
        ship = None
        for event in self._events():
            if event.stream_id == stream and event.occurred_at <= at and (known_at is None or event.recorded_at <= known_at):
                ship = (ship or Ship(mmsi)).evolve(event.event)
        return ship

    def correct_particulars(self, mmsi: int, changes: dict, reason: str, *, operator: str | None = None
                            ) -> RecordedEvent:
        raise PermissionError("this test source takes no corrections")

    def add_note(self, text: str, *, mmsi: int | None = None, operator: str | None = None) -> RecordedEvent:
        now = self.clock()
        who = operator or self.operator
        note = OperatorNoteAdded(occurred_at=now, operator=who, text=text, mmsi=mmsi)
        [event] = self._append_signed([note], now, {"source": "operator", "operator": who})
        return event

    def _append_signed(self, events: Sequence[Event], now: int, metadata: dict,
                       expected: tuple[str, int] | None = None) -> list[RecordedEvent]:
        """Append events recorded ``now`` with ``metadata``, all or none (a stream not at ``expected``: none)."""
        if getattr(self, "read_only", False):
            raise PermissionError("this test source is read-only")
        with self._lock:
            if expected is not None and self.versions.get(expected[0], 0) != expected[1]:
                raise RuntimeError(f"stream {expected[0]} is not at version {expected[1]}")
            appended = [replace(event, metadata=metadata)
                        for event in in_log_order([(e, now) for e in events], self.last_position + 1, self.versions)]
            for event in appended:
                self.index.add(event)
            self.log.extend(appended)
            self.event_count += len(appended)
            self.last_position += len(appended)
            subscribers = list(self._subscribers)
        for callback in subscribers:
            callback(appended)
        return appended

    # --- zones: the domain's decisions over this log (as app.zone_desk makes them over a store) ------------

    def in_force(self) -> ZoneList:
        return fold_zones(e for e in self._events() if e.stream_id == ZONES_STREAM)

    def define(self, name: str, kind: str, outline=None, speed_limit_kn: float | None = None, *,
                    replacing: str | None = None, expected_version: int | None = None) -> list[RecordedEvent]:
        current = self.in_force()
        if expected_version is not None and expected_version != current.version:
            raise RuntimeError("the zones changed meanwhile")
        now = self.clock()
        events = zone_definition(current, name=name, kind=kind, outline=outline, speed_limit_kn=speed_limit_kn,
                                 replacing=replacing, at=now)
        if not events:
            return []
        return self._append_signed(events, now, {"source": "operator", "operator": self.operator},
                                   (ZONES_STREAM, current.version))

    def remove(self, name: str, *, expected_version: int | None = None) -> RecordedEvent:
        current = self.in_force()
        if expected_version is not None and expected_version != current.version:
            raise RuntimeError("the zones changed meanwhile")
        now = self.clock()
        [event] = self._append_signed([zone_removal(current, name, at=now)], now,
                                      {"source": "operator", "operator": self.operator},
                                      (ZONES_STREAM, current.version))
        return event

    def import_geojson(self, path: str, *, replace: bool = False,
                       expected_version: int | None = None) -> list[RecordedEvent]:
        if expected_version is not None and expected_version != self.in_force().version:
            raise RuntimeError("the zones changed meanwhile")
        now = self.clock()
        loaded = zones_from_geojson(Path(path).read_text(encoding="utf-8"), occurred_at=now)
        changes = zone_changes((view.zone for view in self.in_force()), loaded, occurred_at=now, remove_missing=replace)
        if not changes:
            return []
        return self._append_signed(changes, now, {"source": "operator", "operator": self.operator, "file": str(path)})

    def export_geojson(self, path: str) -> int:
        from app.zone_desk import export_zones

        return export_zones(self.in_force(), path)


    # --- trails, report times, event density (vectorised over the index's columns) ----------------------------

    def _report_columns(self):
        with self._lock:
            track = self.index.positions
            track.compact()
            return (track.ship, track.occurred, track.recorded, track.values["lat"], track.values["lon"],
                    np.array(self.index.mmsis, dtype=np.int64))

    def trails(self, at: int, window: int, known_at: int | None = None) -> Trails:
        ship, occurred, recorded, lat, lon, mmsis = self._report_columns()
        keep = (occurred > at - window) & (occurred <= at)  # rows are sorted by ship, then time
        if known_at is not None:
            keep &= recorded <= known_at
        ship = ship[keep]
        connect = np.zeros(len(ship), dtype=bool)
        connect[:-1] = ship[:-1] == ship[1:]
        return Trails(lon=lon[keep] / 10_000_000, lat=lat[keep] / 10_000_000, connect=connect,
                      mmsi=mmsis[ship] if len(mmsis) else np.empty(0, np.int64))

    def report_times(self, mmsi: int) -> np.ndarray:
        ship, occurred, *_rest, mmsis = self._report_columns()
        slot = np.flatnonzero(mmsis == mmsi)
        if not len(slot):
            return np.empty(0, np.int64)
        return np.unique(occurred[ship == slot[0]])

    def event_density(self, start: int, end: int, bins: int) -> np.ndarray:
        self.density_asked = getattr(self, "density_asked", 0) + 1
        counts = np.zeros(bins, dtype=np.int64)
        span = max(1, end - start)
        for event in self._events():
            if start <= event.occurred_at <= end:
                counts[min(bins - 1, (event.occurred_at - start) * bins // span)] += 1
        return counts

def event_matches(query: EventQuery, event: RecordedEvent) -> bool:
    """The plain reading of an ``EventQuery``: what ``event_page`` must return, event by event."""
    return query.matches(event)
