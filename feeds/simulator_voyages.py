"""What each demo ship does next: the activities of its trade, planned one port call at a time.

A trade plans a cycle that starts moored at the ship's current berth and ends moored at another (or the
same) berth: a coaster loads, sails to a port chosen by distance and traffic, maybe waits at anchor for a
berth; a ferry shuttles on its route; a trawler steams to a fishing ground, tows for a day and comes home; a
pilot boat runs out to the approach and back; a yacht goes out in daylight and is back for dinner.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

from domain.geo import destination_point
from domain.time import MICROS_PER_HOUR, MICROS_PER_SECOND
from feeds.simulator_fleet import OVERSEAS_COUNTRIES, ShipParticulars
from feeds.simulator_seaways import FISHING_GROUNDS, WAYPOINTS, LatLon, Port, Route, Seaways

UNDER_WAY = "under way using engine"
SAILING = "under way sailing"
FISHING = "engaged in fishing"
RESTRICTED = "restricted manoeuvrability"
KNOT = 1852.0 / 3600.0  # metres per second
HOUR = 3600.0


@dataclass(slots=True)
class Moored:
    """Alongside at a berth for ``duration_s`` seconds."""

    port: Port
    duration_s: float


@dataclass(slots=True)
class Anchored:
    """Riding at anchor off a port, waiting for a berth."""

    point: LatLon
    duration_s: float


@dataclass(slots=True)
class Passage:
    """Sailing a route. ``announces`` is the port typed into the AIS destination when the passage begins;
    ``arrives`` is the port whose berth the route ends at; ``tapered`` slows the ship at both ends."""

    route: Route
    speed_kn: float
    nav_status: str = UNDER_WAY
    arrives: Port | None = None
    announces: Port | None = None
    tapered: bool = True

    @property
    def duration_s(self) -> float:
        return self.route.length_m / (self.speed_kn * KNOT)


@dataclass(slots=True)
class Roaming:
    """Working an area: trawling, loitering at a pilot station, sailing about. Legs run between random
    points of the disk, so the ship never leaves the open water the disk was checked for."""

    centre: LatLon
    radius_m: float
    duration_s: float
    speed_kn: tuple[float, float]
    nav_status: str
    long_legs: bool = False


Activity = Moored | Anchored | Passage | Roaming


class VoyagePlanner:
    """Plans the next cycle of activities of one ship, drawing from that ship's own random stream."""

    def __init__(self, ship: ShipParticulars, seaways: Seaways, rng: random.Random):
        self.ship = ship
        self.seaways = seaways
        self.rng = rng

    def cycle(self, port: Port, now: int) -> list[Activity]:
        """Activities from moored at ``port`` (at ``now``, µs UTC) until moored at the next berth."""
        trade = self.ship.trade
        if trade in ("short sea", "deep sea", "cruise"):
            return self._trading(port)
        if trade in ("ferry", "fast ferry"):
            return self._ferry(port)
        if trade == "fishing":
            return self._fishing(port)
        if trade == "leisure":
            return self._leisure(port, now)
        return self._harbour_craft(port)

    # --- trading ships ---------------------------------------------------------------------------------

    def _trading(self, port: Port) -> list[Activity]:
        rng, ship = self.rng, self.ship
        trade = ship.trade
        stay_h = {"short sea": (8, 30), "deep sea": (16, 40), "cruise": (8, 12)}[trade]
        destination = self._next_port(port)
        speed = ship.cruise_kn * rng.uniform(0.9, 1.0)
        plan: list[Activity] = [Moored(port, rng.uniform(*stay_h) * HOUR)]
        anchor_chance = {"short sea": 0.5, "deep sea": 0.6, "cruise": 0.0}[trade]
        if rng.random() < anchor_chance:
            point = self.anchorage(destination)
            to_anchorage = self.seaways.voyage(port, destination, into_berth=False)
            route = Route.through([*to_anchorage.points, point], [*to_anchorage.harbour, True])
            plan.append(Passage(route, speed, announces=destination))
            plan.append(Anchored(point, rng.uniform(3, 24 if trade == "deep sea" else 16) * HOUR))
            inbound = [point, *reversed(destination.fairway), destination.berth]
            plan.append(Passage(Route.through(inbound, [True] * (len(inbound) - 1)), min(speed, 10.0),
                                arrives=destination))
        else:
            plan.append(Passage(self.seaways.voyage(port, destination), speed, arrives=destination,
                                announces=destination))
        return plan

    def anchorage(self, port: Port) -> LatLon:
        """A spot in the anchorage off a port: within 1.5 km of its approach point."""
        distance = 1500.0 * math.sqrt(self.rng.random())
        return destination_point(*port.approach, self.rng.uniform(0.0, 360.0), distance)

    def _next_port(self, port: Port) -> Port:
        rng, ship, ports = self.rng, self.ship, self.seaways.ports
        if ship.trade == "deep sea":
            overseas = port.country in OVERSEAS_COUNTRIES
            go_overseas = not overseas and rng.random() < 0.65
            candidates = [other for other in ports if "ocean" in other.roles and other is not port
                          and (other.country in OVERSEAS_COUNTRIES) == go_overseas]
            return rng.choices(candidates, weights=[other.traffic for other in candidates])[0]
        role, reach_nm = ("leisure", 250.0) if ship.trade == "cruise" else ("cargo", 500.0)
        candidates = [other for other in ports if role in other.roles and other is not port
                      and other.country not in OVERSEAS_COUNTRIES]
        weights = [other.traffic * math.exp(-self.seaways.sea_distance_m(port, other) / 1852.0 / reach_nm)
                   for other in candidates]
        return rng.choices(candidates, weights=weights)[0]

    # --- ferries ---------------------------------------------------------------------------------------

    def _ferry(self, port: Port) -> list[Activity]:
        rng, ship = self.rng, self.ship
        first, second = ship.ferry_route or (port, port)
        destination = second if port is first else first
        turnaround_h = (0.4, 1.0) if ship.trade == "fast ferry" else (0.6, 1.6)
        return [Moored(port, rng.uniform(*turnaround_h) * HOUR),
                Passage(self.seaways.voyage(port, destination), ship.cruise_kn * rng.uniform(0.93, 1.0),
                        arrives=destination, announces=destination)]

    # --- fishing ---------------------------------------------------------------------------------------

    def _fishing(self, port: Port) -> list[Activity]:
        rng, ship = self.rng, self.ship
        ground = rng.choice(self.seaways.grounds_near(port))
        steaming = ship.cruise_kn * rng.uniform(0.9, 1.0)
        return [Moored(port, rng.uniform(10, 40) * HOUR),
                Passage(self.seaways.to_ground(port, ground), steaming),
                Roaming(WAYPOINTS[ground], FISHING_GROUNDS[ground], rng.uniform(8, 36) * HOUR, (2.8, 4.5), FISHING,
                        long_legs=True),
                Passage(self.seaways.from_ground(ground, port), steaming, arrives=port)]

    # --- harbour craft ---------------------------------------------------------------------------------

    def _harbour_craft(self, port: Port) -> list[Activity]:
        rng, ship = self.rng, self.ship
        trade, speed = ship.trade, ship.cruise_kn
        out, back = self.seaways.departure(port), self.seaways.arrival(port)
        if trade == "harbour":  # a tug meets a ship partway down the fairway and escorts it in
            sortie = self.seaways.out_and_back(port, rng.uniform(0.4, 1.0))
            home = Route.through(sortie.points[::-1], sortie.harbour[::-1])
            return [Moored(port, rng.uniform(1, 6) * HOUR), Passage(sortie, speed),
                    Passage(home, rng.uniform(4.0, 7.0), RESTRICTED, arrives=port)]
        if trade == "pilot":
            return [Moored(port, rng.uniform(0.5, 3) * HOUR), Passage(out, speed),
                    Roaming(port.approach, 800.0, rng.uniform(0.2, 0.7) * HOUR, (1.0, 5.0), UNDER_WAY),
                    Passage(back, speed, arrives=port)]
        if trade == "dredging":
            return [Moored(port, rng.uniform(3, 14) * HOUR), Passage(out, 2.5, RESTRICTED),
                    Roaming(port.approach, 700.0, rng.uniform(0.3, 0.6) * HOUR, (1.0, 3.0), RESTRICTED),
                    Passage(back, speed, arrives=port)]
        stay_h, work_h, work_kn = {"rescue": ((8, 40), (0.5, 2), (3.0, 12.0)),
                                   "patrol": ((4, 16), (2, 6), (5.0, 10.0))}[trade]
        return [Moored(port, rng.uniform(*stay_h) * HOUR), Passage(out, speed),
                Roaming(port.approach, 1500.0, rng.uniform(*work_h) * HOUR, work_kn, UNDER_WAY),
                Passage(back, speed * 0.8, arrives=port)]

    # --- leisure ---------------------------------------------------------------------------------------

    def _leisure(self, port: Port, now: int) -> list[Activity]:
        """Out in the morning (local solar time), back by evening; now and then a day stays in port."""
        rng, ship = self.rng, self.ship
        solar_hour = ((now / MICROS_PER_HOUR) + port.berth[1] / 15.0) % 24.0
        leave_at = rng.uniform(8.0, 12.0)
        wait_h = (leave_at - solar_hour) % 24.0
        if rng.random() < 0.3:
            wait_h += 24.0
        status = SAILING if ship.ship_type == "sailing" else UNDER_WAY
        speed = ship.cruise_kn
        return [Moored(port, max(wait_h, 0.5) * HOUR),
                Passage(self.seaways.departure(port), min(speed, 6.0)),
                Roaming(port.approach, 1500.0, rng.uniform(2, 6) * HOUR, (speed * 0.6, speed), status),
                Passage(self.seaways.arrival(port), min(speed, 6.0), arrives=port)]


def micros(seconds: float) -> int:
    """Seconds as whole microseconds."""
    return int(round(seconds * MICROS_PER_SECOND))
