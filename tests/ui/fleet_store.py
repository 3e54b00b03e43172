"""Real stores for the UI tests: hand-made events appended into an SQLite store in ``tmp_path``, and the real
``FleetService`` opened on it, with the console's roles over it (imported explicitly).

``channel_fleet`` makes a deterministic log of ships in the English Channel and the Solent: ships start
reporting at different times (so the set of ships changes while scrubbing), some are moored or at anchor,
and one ship's reports from a window of time reach the log late (recorded long after they occurred), as
satellite relays do. ``open_service`` is the one place a test's console (the roles over the service) is built; ``FleetStores`` (the
``fleet_stores`` fixtures of ``tests/ui/conftest.py``) makes the stores and closes them after the test.
"""
from __future__ import annotations

import math
import shutil
import weakref
from contextlib import ExitStack
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from app.console import Console
from app.fleet_service import FleetService
from domain import ais
from domain.events import NewEvent, PositionReported, RecordedEvent, ShipRegistered
from domain.events.base import Event
from domain.time import MICROS_PER_HOUR, MICROS_PER_MINUTE, from_datetime, now_micros
from store import EventStore, open_store

T0 = from_datetime(datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc))
LATE_MMSI = 235_999_001          # its reports between T0+60 min and T0+90 min are recorded at T0+150 min
LATE_FROM, LATE_UNTIL = T0 + 60 * MICROS_PER_MINUTE, T0 + 90 * MICROS_PER_MINUTE
LATE_RECORDED_AT = T0 + 150 * MICROS_PER_MINUTE
ONLY_LATE_MMSI = 235_999_002     # its only report occurred at T0+30 min and was recorded at T0+150 min
OPERATOR = "Officer of the watch"
_SHIP_NAMES = ("ATLANTIC", "SOLENT", "CHANNEL", "NORTHERN", "WESSEX", "HAMBLE", "NEEDLES", "DOVER",
               "PORTLAND", "CALSHOT", "SPITHEAD", "EXCELSIOR", "MERIDIAN", "OSPREY", "KESTREL", "ALBION")
_NAME_SUFFIXES = ("STAR", "SPIRIT", "TRADER", "PRIDE", "VENTURE", "EXPRESS", "QUEEN", "HARVEST")


def fact(event: Event, recorded_at: int, source: str = "test") -> NewEvent:
    """An event the log learned at ``recorded_at``."""
    return NewEvent(event, recorded_at=recorded_at, metadata={"source": source})


def in_log_order(facts: Iterable[tuple[Event, int]]) -> tuple[NewEvent, ...]:
    """(event, recorded_at) pairs in the order a log learns them (by ``recorded_at``; ties keep their order)."""
    return tuple(fact(event, recorded_at) for event, recorded_at in sorted(facts, key=lambda pair: pair[1]))


def _ship_name(i: int) -> str:
    return f"{_SHIP_NAMES[i % len(_SHIP_NAMES)]} {_NAME_SUFFIXES[(i // len(_SHIP_NAMES)) % len(_NAME_SUFFIXES)]} {i}"


@lru_cache(maxsize=8)
def channel_fleet(ships: int = 300, hours: float = 3.0, every_minutes: int = 6,
                  seed: int = 7) -> tuple[NewEvent, ...]:
    """A deterministic log of ``ships`` ships reporting every few minutes for ``hours``, in log order."""
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
    return in_log_order(facts)


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


class Clock:
    """The wall clock of a test: stands at ``now`` until the test moves it."""

    def __init__(self, now: int):
        self.now = now

    def __call__(self) -> int:
        return self.now


_services: "weakref.WeakKeyDictionary[Console, FleetService]" = weakref.WeakKeyDictionary()


def open_service(store: EventStore, *, operator: str = OPERATOR,
                 clock: Callable[[], int] = now_micros) -> Console:
    """The console a window gets over ``store``: the roles over the real service (the one place the tests build
    them, as ``ConsoleSession.load`` does)."""
    service = FleetService.open(store)
    console = Console.over(service, operator=operator, clock=clock)
    _services[console] = service
    return console


def service_of(console: Console) -> FleetService:
    """The service under ``console``, for what a test appends as an import or a feed would."""
    return _services[console]


def build_store(path: Path, events: Iterable[NewEvent]) -> Path:
    """Append ``events`` (in that order) into a store at ``path``, then close it."""
    with open_store(path) as store:
        store.append_batch(list(events))
    return path


class StoreTemplates:
    """Stores built once per test session from a tuple of events (``channel_fleet``'s are cached), so that
    each test gets its own copy of the file in a fraction of the time appending them again takes."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._built: dict[int, tuple[tuple[NewEvent, ...], Path]] = {}  # holds the tuple: its id stays unique

    def copy(self, events: tuple[NewEvent, ...], path: Path) -> None:
        built = self._built.get(id(events))
        if built is None:
            built = events, build_store(self.folder / f"template-{len(self._built)}.sqlite", events)
            self._built[id(events)] = built
        shutil.copyfile(built[1], path)


class FleetStores:
    """Real stores in one folder, each opened with its service; ``close`` closes every one."""

    def __init__(self, folder: Path, templates: StoreTemplates | None = None):
        self.folder = folder
        self._templates = templates
        self._open = ExitStack()

    def open(self, events: Iterable[NewEvent] = (), *, name: str = "channel.sqlite", read_only: bool = False,
             operator: str = OPERATOR, clock: Callable[[], int] = now_micros) -> Console:
        """A new store named ``name`` holding ``events``, opened (``read_only``: as an auditor opens it)."""
        path = self.folder / name
        if path.exists():
            raise FileExistsError(f"{path} exists: each store of a test needs its own name")
        if self._templates is not None and isinstance(events, tuple) and events:
            self._templates.copy(events, path)
        else:
            build_store(path, events)
        return self.reopen(path, read_only=read_only, operator=operator, clock=clock)

    def reopen(self, path: Path, *, read_only: bool = False, operator: str = OPERATOR,
               clock: Callable[[], int] = now_micros, busy_timeout_ms: int | None = None) -> Console:
        """Another service over an existing store (another console, or an auditor's read-only one);
        ``busy_timeout_ms``: how long its writes wait for another writer's lock."""
        options = {} if busy_timeout_ms is None else {"busy_timeout_ms": busy_timeout_ms}
        store = self._open.enter_context(open_store(path, create=False, read_only=read_only, **options))
        return open_service(store, operator=operator, clock=clock)

    def close(self) -> None:
        self._open.close()


def logged(console: Console) -> list[RecordedEvent]:
    """Every event in the console's log, in log order."""
    return list(console.fleet.store.read_all())


def append(console: Console, facts: Sequence[tuple[Event, int]]) -> list[RecordedEvent]:
    """Append (event, recorded_at) pairs through the console's service, as an import or a feed would."""
    return list(service_of(console).append([fact(event, recorded_at) for event, recorded_at in facts]).appended)


class Subscriptions:
    """Counts the subscriptions the window holds on a console's fleet view (made through ``subscribe``)."""

    def __init__(self, monkeypatch, console: Console):
        self.count = 0
        fleet = console.fleet
        subscribe = fleet.subscribe

        def counted(callback):
            unsubscribe = subscribe(callback)
            self.count += 1
            done = False

            def counted_unsubscribe() -> None:
                nonlocal done
                if not done:
                    done = True
                    self.count -= 1
                unsubscribe()

            return counted_unsubscribe

        monkeypatch.setattr(fleet, "subscribe", counted)


class Calls:
    """Counts the calls of one method of a real object (the method still runs)."""

    def __init__(self, monkeypatch, target: object, name: str):
        self.count = 0
        method = getattr(target, name)

        def counted(*args, **kwargs):
            self.count += 1
            return method(*args, **kwargs)

        monkeypatch.setattr(target, name, counted)
