"""A demo fleet on AIS: a deterministic simulation of 50 to 1,000 ships, as the observations a receiver
network would log.

Ships trade between real ports (``resources/ports.csv``) along sea lanes that keep them off the land,
at the speeds of their kind; they moor, wait at anchor, fish, run pilot and tug jobs, and go sailing in
daylight. What reaches the log is what AIS would deliver, imperfections included:

- Report rate. Real class A units report every 2-10 s under way and every 3 min at anchor or moored. To keep
  a day of 200 ships near half a million events, the simulator reports every 10 s above 23 kn, every 20 s
  from 14 kn, every 30 s from 3 kn, every 60 s below that and every 3 min moored or at anchor (each ±10 %).
  The rules and the map only need a ship's track, not every AIS slot.
- Gaps: now and then a transponder goes silent for 20-90 min (a few ships are much more prone to it).
- Late delivery: about 3 % of position reports arrive 1-30 min after they happened (a satellite pass, a
  buffered receiver), in short runs of one to five; the rest are recorded 0-3 s after they happened.
- Each ship's ``ShipRegistered`` comes with its first report, then a ``ShipDetailsChanged`` with draught and
  (for ships on a voyage) destination and ETA, and another whenever it sets off for a new destination.

Determinism: the fleet is drawn from ``random.Random(seed)`` and every ship moves on its own
``random.Random`` seeded by (seed, MMSI), advancing by simulated time only. The same seed and start give
the same events, whether read with ``history`` in one go or with ``advance`` in any steps; no clock and no
global random state is ever read. Each event carries a dedupe key (a 16-byte BLAKE2b of its content) so
replaying a simulation into the same log appends nothing twice.
"""
from __future__ import annotations

import hashlib
import heapq
import random
import struct
from dataclasses import dataclass
from typing import Iterator

from domain import ais
from domain.events import NewEvent, PositionReported, ShipDetailsChanged, ShipRegistered
from domain.events.base import Event
from domain.time import MICROS_PER_MINUTE, MICROS_PER_SECOND
from feeds.simulator_fleet import ShipParticulars, build_fleet
from feeds.simulator_motion import AT_ANCHOR, MOORED, ShipMotion
from feeds.simulator_seaways import Seaways, load_ports
from feeds.simulator_voyages import VoyagePlanner, micros

MIN_SHIPS, MAX_SHIPS = 50, 1_000
SLICE_US = 5 * MICROS_PER_MINUTE
SOURCE = "simulator"

LATE_RUN_CHANCE = 0.012  # per report: a run of late deliveries starts
GAP_RATE_PER_HOUR = (1 / 150, 1 / 8)  # an ordinary transponder, a patchy one
PATCHY_SHARE = 0.12
TRADES_WITH_DESTINATION = frozenset({"short sea", "deep sea", "cruise", "ferry", "fast ferry"})
CARGO_TRADES = frozenset({"short sea", "deep sea"})

# (sort key..., event) entries: recorded_at, occurred_at, MMSI, the ship's own sequence number
Entry = tuple[int, int, int, int, NewEvent]


@dataclass(frozen=True)
class FleetConfig:
    """How big a fleet to simulate and which one (the seed)."""

    ships: int = 200
    seed: int = 1

    def __post_init__(self) -> None:
        if isinstance(self.ships, bool) or not isinstance(self.ships, int) or not MIN_SHIPS <= self.ships <= MAX_SHIPS:
            raise ValueError(f"a simulated fleet has {MIN_SHIPS} to {MAX_SHIPS:,} ships, got {self.ships!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError(f"the simulation seed must be an integer, got {self.seed!r}")


def report_interval_s(sog: float, nav_status: str) -> float:
    """Seconds until the next position report (see the module docstring for why these values)."""
    if nav_status in (MOORED, AT_ANCHOR):
        return 180.0
    if sog >= 23.0:
        return 10.0
    if sog >= 14.0:
        return 20.0
    if sog >= 3.0:
        return 30.0
    return 60.0


_POSITION_KEY = struct.Struct("<qqddddhB")


def dedupe_key(event: Event) -> bytes:
    """A digest of what was observed: kind, ship, time and values (positions take a fast packed path)."""
    if isinstance(event, PositionReported):
        content = b"P" + _POSITION_KEY.pack(event.mmsi, event.occurred_at, event.lat, event.lon, event.sog, event.cog,
                                            event.heading, ais.NAV_STATUS_CODES[event.nav_status])
    else:
        content = repr((event.TYPE, event.occurred_at, sorted(event.payload().items()))).encode()
    return hashlib.blake2b(content, digest_size=16).digest()


class _Transponder:
    """One ship's AIS unit: when it reports, whether a report is lost in a gap or delivered late, and the
    static and voyage data it sends."""

    __slots__ = ("ship", "motion", "rng", "next_report", "seq", "registered", "gap_rate", "late_left",
                 "late_delay_us", "draught", "announced")

    def __init__(self, ship: ShipParticulars, motion: ShipMotion, rng: random.Random, start: int):
        self.ship = ship
        self.motion = motion
        self.rng = rng
        self.seq = 0
        self.registered = False
        self.gap_rate = GAP_RATE_PER_HOUR[rng.random() < PATCHY_SHARE]
        self.late_left = 0
        self.late_delay_us = 0
        loaded = rng.uniform(0.55, 1.0) if ship.trade in CARGO_TRADES else 1.0
        self.draught = round(ship.max_draught * loaded, 1)
        self.announced: object = None
        first_interval = report_interval_s(*self._glance())
        self.next_report = start + rng.randrange(MICROS_PER_SECOND, micros(first_interval) + MICROS_PER_SECOND)

    def _glance(self) -> tuple[float, str]:
        _, _, sog, _, _, status = self.motion.observe()
        return sog, status

    def _entry(self, event: Event, recorded_at: int) -> Entry:
        self.seq += 1
        envelope = NewEvent(event, recorded_at, {"source": SOURCE}, dedupe_key(event))
        return recorded_at, event.occurred_at, self.ship.mmsi, self.seq, envelope

    def report(self) -> list[Entry]:
        """Everything this ship's transponder delivers for its report at ``next_report``."""
        t, rng, ship = self.next_report, self.rng, self.ship
        self.motion.advance_to(t)
        lat, lon, sog, cog, heading, status = self.motion.observe()
        received = t + int(rng.random() * 3 * MICROS_PER_SECOND)
        entries = []
        first = not self.registered
        if first:
            self.registered = True
            entries.append(self._entry(ShipRegistered(
                mmsi=ship.mmsi, occurred_at=t, name=ship.name, imo=ship.imo, callsign=ship.callsign,
                ship_type=ship.ship_type, length=ship.length, beam=ship.beam), received))
        if first or self.motion.announcement is not self.announced:
            details = self._voyage_details(first)
            if details:
                entries.append(self._entry(ShipDetailsChanged(mmsi=ship.mmsi, occurred_at=t, **details), received))
        position = PositionReported(mmsi=ship.mmsi, occurred_at=t, lat=lat, lon=lon, sog=min(sog, ais.SOG_MAX),
                                    cog=cog, heading=heading, nav_status=status)
        late = not first and (self.late_left > 0 or rng.random() < LATE_RUN_CHANCE)
        entries.append(self._entry(position, self._late_delivery(received) if late else received))
        interval = report_interval_s(sog, status) * (0.9 + 0.2 * rng.random())
        if rng.random() < self.gap_rate * interval / 3600.0:
            interval = rng.uniform(20.0, 90.0) * 60.0
        self.next_report = t + int(interval * MICROS_PER_SECOND)
        return entries

    def _late_delivery(self, received: int) -> int:
        """When a delayed position report reaches the log: late runs are one to five reports long and share
        one delay of 1-30 minutes (a satellite pass, a receiver flushing its buffer)."""
        if self.late_left == 0:
            self.late_left = self.rng.randint(1, 5)
            self.late_delay_us = micros(self.rng.uniform(60.0, 1800.0))
        self.late_left -= 1
        return received + self.late_delay_us

    def _voyage_details(self, first: bool) -> dict[str, object]:
        """Draught with the first report; destination and ETA whenever a new passage is announced, and a
        new draught then for cargo ships that loaded or discharged."""
        ship, announcement = self.ship, self.motion.announcement
        details: dict[str, object] = {}
        if announcement is not None and announcement is not self.announced and ship.trade in TRADES_WITH_DESTINATION:
            self.announced = announcement
            details["destination"], details["eta"] = announcement[0].destination, announcement[1]
            if not first and ship.trade in CARGO_TRADES:
                draught = round(ship.max_draught * self.rng.uniform(0.55, 1.0), 1)
                if abs(draught - self.draught) >= 0.3:
                    self.draught = draught
                    details["draught"] = draught
        if first:
            details["draught"] = self.draught
        return details


def _check_instant(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be integer microseconds UTC, got {value!r}")


class FleetSimulator:
    """The demo fleet from ``start`` (µs UTC) onwards, as ``NewEvent``s in the order the log learns them."""

    def __init__(self, config: FleetConfig, start: int):
        _check_instant("start", start)
        self.config = config
        ports = load_ports()
        seaways = Seaways(ports)
        self.fleet: tuple[ShipParticulars, ...] = tuple(build_fleet(config.ships, ports, random.Random(config.seed)))
        self._transponders = []
        for ship in self.fleet:
            rng = random.Random(f"fleet {config.seed} ship {ship.mmsi}")
            motion = ShipMotion(ship, VoyagePlanner(ship, seaways, rng), rng)
            motion.place(start)
            self._transponders.append(_Transponder(ship, motion, rng, start))
        self._now = start
        self._held: list[Entry] = []  # reports already made but not yet delivered, by recorded_at

    @property
    def now(self) -> int:
        """The instant up to which events have been handed out."""
        return self._now

    def history(self, end: int) -> Iterator[NewEvent]:
        """Everything recorded after ``now`` up to and including ``end``, in recorded_at order (ties by
        occurred_at, then MMSI), generated a few minutes at a time. ``now`` moves on as the iterator is
        consumed and reaches ``end`` when it is exhausted; reports recorded after ``end`` are held back for
        a later ``advance``."""
        _check_instant("end", end)
        return self._stream(end)

    def _stream(self, end: int) -> Iterator[NewEvent]:
        while self._now < end:
            yield from self._slice(min(self._now + SLICE_US, end))

    def advance(self, until: int) -> list[NewEvent]:
        """Live mode: the events recorded after ``now`` up to and including ``until`` (none if ``until`` is
        not after ``now``). Identical, step by step, to what ``history`` gives for the same span."""
        _check_instant("until", until)
        events: list[NewEvent] = []
        while self._now < until:
            events.extend(self._slice(min(self._now + SLICE_US, until)))
        return events

    def _slice(self, until: int) -> list[NewEvent]:
        ready: list[Entry] = []
        held = self._held
        for transponder in self._transponders:
            while transponder.next_report <= until:
                for entry in transponder.report():
                    if entry[0] <= until:
                        ready.append(entry)
                    else:
                        heapq.heappush(held, entry)
        while held and held[0][0] <= until:
            ready.append(heapq.heappop(held))
        ready.sort()
        self._now = until
        return [entry[4] for entry in ready]
