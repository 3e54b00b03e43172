"""How one demo ship moves between reports: along its route, round its anchor, about a fishing ground.

The state advances by time alone (``advance_to``), never by how often someone looks, so the same ship is in
the same place at the same instant however the simulation is sliced. Motion is integrated in steps of at
most two minutes, which keeps the slowing down at a berth smooth even across a long AIS gap.

A ship under way at sea keeps to the starboard side of its lane line, as the collision regulations and the
traffic separation schemes have it: 0.3–0.9 nm off it where the water allows (``feeds.simulator_sea_room``),
eased in over the first miles at sea, so ships meeting on a lane pass port to port at a safe distance; in
a fairway, near a port, everyone follows the line. It wanders a little about that track
(slow sines of up to 200 m north and east) and its heading differs from its course by a small leeway, as
on a real plot.
"""
from __future__ import annotations

import math
import random
from collections import deque

from domain.geo import EARTH_RADIUS_M, destination_point, haversine_m, initial_bearing_deg
from feeds.simulator_fleet import ShipParticulars
from feeds.simulator_sea_room import starboard_room
from feeds.simulator_seaways import LatLon, Port, Route
from feeds.simulator_voyages import KNOT, Activity, Anchored, Moored, Passage, Roaming, VoyagePlanner, micros

MOORED = "moored"
AT_ANCHOR = "at anchor"
HARBOUR_KN = 10.0
STEP_US = 120_000_000
NM = 1852.0
TIDE_S = 12.42 * 3600.0
LONG_SEGMENT_M = 250_000.0
STARBOARD_EASE = 4.0   # ships move over to starboard of the lane line over the first 20 km at sea (4 × 5 km)
WIDEST_STARBOARD_NM = 0.9
TURN_BLEND_M = 3_000.0  # the side a ship keeps to turns with the lane over this far either side of a waypoint

# How far back a ship's story starts before the simulation does, so that at the start some ships are mid-leg,
# some alongside and some at anchor, in the proportions their trade spends in each.
LOOKBACK_H = {"short sea": 60, "deep sea": 720, "cruise": 36, "ferry": 6, "fast ferry": 3, "fishing": 60,
              "harbour": 8, "pilot": 4, "dredging": 16, "rescue": 40, "patrol": 20, "leisure": 30}

Observation = tuple[float, float, float, float, int, str]


class ShipMotion:
    """Position, speed and course of one ship, driven by the activities its planner hands out."""

    def __init__(self, ship: ShipParticulars, planner: VoyagePlanner, rng: random.Random):
        self.ship = ship
        self.planner = planner
        self.rng = rng
        self.port: Port = ship.home
        self.plan: deque[Activity] = deque()
        self.activity: Activity = Moored(ship.home, 0.0)
        self.t = 0
        self.ends_at = 0
        self.lat, self.lon = self._berth_spot(ship.home)
        self.course = rng.uniform(0.0, 360.0)
        self.announcement: tuple[Port, int] | None = None
        # passage
        self.route: Route | None = None
        self.rooms: tuple[float, ...] = ()  # how far to starboard of each leg the water allows
        self.travelled = 0.0
        self.segment = 0
        self.speed_kn = 0.0
        self.speed_ms = 0.0
        self.sea_from = self.sea_to = 0.0
        # roaming
        self.target: LatLon | None = None
        self.leg_kn = 0.0
        # at anchor
        self.anchor: LatLon = (self.lat, self.lon)
        self.swing_m = 0.0
        # character of this ship: how it wanders off the lane line and how its heading differs from course
        self.wander_m = rng.uniform(40.0, 200.0)
        # drawn apart from the ship's own random stream, so its voyages are the ones it always sailed
        self.starboard_m = random.Random(f"starboard {ship.mmsi}").uniform(0.3, WIDEST_STARBOARD_NM) * NM
        self.wander_period_s = rng.uniform(3600.0, 10800.0)
        self.wander_phase = rng.uniform(0.0, 2 * math.pi)
        self.leeway_deg = rng.uniform(-4.0, 4.0)
        self.tide_phase = rng.uniform(0.0, 2 * math.pi)

    # --- placing the ship at the start ----------------------------------------------------------------

    def place(self, start: int) -> None:
        """Play the ship's trade forward from a random moment before ``start`` without reporting, so that at
        ``start`` it is wherever that story has taken it: alongside, at anchor or partway along a leg."""
        remaining_s = self.rng.random() * LOOKBACK_H[self.ship.trade] * 3600.0
        t = start - micros(remaining_s)
        while True:
            activity = self._next_activity(t)
            duration = activity.duration_s
            if duration > remaining_s:
                self._begin(activity, start, elapsed_s=remaining_s)
                return
            remaining_s -= duration
            t += micros(duration)
            self._pass_over(activity, t)

    def _pass_over(self, activity: Activity, finished_at: int) -> None:
        """Apply the outcome of an activity that happened entirely before the start."""
        if isinstance(activity, Passage):
            self.lat, self.lon = activity.route.end
            self.course = activity.route.bearings[-1] if activity.route.bearings else self.course
            if activity.announces is not None:
                self.announcement = (activity.announces, finished_at)
            if activity.arrives is not None:
                self.port = activity.arrives
                self.lat, self.lon = self._berth_spot(activity.arrives)
        elif isinstance(activity, Anchored):
            self.lat, self.lon = activity.point
        elif isinstance(activity, Roaming):
            self.lat, self.lon = activity.centre

    # --- activities -----------------------------------------------------------------------------------

    def _next_activity(self, now: int) -> Activity:
        if not self.plan:
            self.plan.extend(self.planner.cycle(self.port, now))
        return self.plan.popleft()

    def _berth_spot(self, port: Port) -> LatLon:
        """Where along the quay this ship lies: a few hundred metres from the port's reference point."""
        return destination_point(*port.berth, self.rng.uniform(0.0, 360.0), self.rng.uniform(30.0, 300.0))

    def _begin(self, activity: Activity, at: int, elapsed_s: float = 0.0) -> None:
        self.activity = activity
        self.t = at
        started = at - micros(elapsed_s)
        if isinstance(activity, Passage):
            self._begin_passage(activity, started, elapsed_s)
            return
        self.ends_at = started + micros(activity.duration_s)
        if isinstance(activity, Anchored):
            self.anchor = (self.lat, self.lon)
            self.swing_m = self.rng.uniform(60.0, 160.0)
        elif isinstance(activity, Roaming):
            self.target = None

    def _begin_passage(self, passage: Passage, started: int, elapsed_s: float) -> None:
        route = passage.route
        points, harbour = list(route.points), list(route.harbour)
        if haversine_m(self.lat, self.lon, *points[0]) > 5.0:  # cast off from where the ship actually is
            points.insert(0, (self.lat, self.lon))
            harbour.insert(0, True)
        if passage.arrives is not None:
            points.append(self._berth_spot(passage.arrives))
            harbour.append(True)
        route = Route.through(points, harbour)
        self.route = route
        self.rooms = starboard_room(route, WIDEST_STARBOARD_NM * NM)
        self.speed_kn = passage.speed_kn * self.rng.uniform(0.97, 1.03)
        sea = [index for index, flag in enumerate(route.harbour) if not flag]
        self.sea_from = route.starts[sea[0]] if sea else 0.0
        self.sea_to = route.starts[sea[-1] + 1] if sea else 0.0
        self.travelled = min(elapsed_s * self.speed_kn * KNOT, max(route.length_m - 1.0, 0.0))
        self.segment = route.segment_at(self.travelled)
        self.speed_ms = self._speed_ms()
        if passage.announces is not None:
            eta = started + micros(route.length_m / (passage.speed_kn * KNOT))
            self.announcement = (passage.announces, eta - eta % 60_000_000)

    def _finish(self, at: int) -> None:
        activity = self.activity
        if isinstance(activity, Passage):
            self.course = self._course_now()
            self.lat, self.lon = self.route.end
            if activity.arrives is not None:
                self.port = activity.arrives
        self._begin(self._next_activity(at), at)

    # --- moving ---------------------------------------------------------------------------------------

    def advance_to(self, t: int) -> None:
        """Move the ship on to instant ``t`` (µs UTC), through as many activities as that takes."""
        while self.t < t:
            activity = self.activity
            if isinstance(activity, Passage):
                if self._sail(t):
                    self._finish(self.t)
            elif isinstance(activity, Roaming):
                self._roam(min(t, self.ends_at))
                if self.t >= self.ends_at:
                    self._finish(self.ends_at)
            elif self.ends_at <= t:
                self.t = self.ends_at
                self._finish(self.ends_at)
            else:
                self.t = t

    def _speed_ms(self) -> float:
        """Planned speed, held to harbour speed in a fairway and slowed near a berth, in m/s."""
        route, travelled = self.route, self.travelled
        speed = self.speed_kn
        if speed > HARBOUR_KN and route.harbour and route.harbour[self.segment]:
            speed = HARBOUR_KN
        if self.activity.tapered:
            to_end = min(travelled, route.length_m - travelled)
            if to_end < 2.0 * NM:
                speed = min(speed, 2.0 + 5.0 * to_end / NM)
        return (speed if speed > 1.5 else 1.5) * KNOT

    def _sail(self, until: int) -> bool:
        """Sail on until ``until``; True when the route's end was reached first (``self.t`` is then the arrival)."""
        route = self.route
        length = route.length_m
        while self.t < until:
            step_us = min(until - self.t, STEP_US)
            speed = self.speed_ms = self._speed_ms()
            step_m = speed * step_us / 1e6
            if self.travelled + step_m >= length:
                self.t += micros((length - self.travelled) / speed)
                self.travelled = length
                self.segment = max(len(route.points) - 2, 0)
                return True
            self.travelled += step_m
            self.t += step_us
            if self.travelled > route.starts[self.segment + 1]:
                self.segment = route.segment_at(self.travelled, self.segment)
        return self.travelled >= length

    def _roam(self, until: int) -> None:
        activity = self.activity
        rng = self.rng
        while self.t < until:
            if self.target is None:
                self.target = self._roaming_target(activity)
                self.leg_kn = rng.uniform(*activity.speed_kn)
            speed = self.leg_kn * KNOT
            step_us = min(until - self.t, STEP_US)
            distance = haversine_m(self.lat, self.lon, *self.target)
            if distance <= speed * step_us / 1e6:
                self.lat, self.lon = self.target
                self.t += max(micros(distance / speed), 1)
                self.target = None
                continue
            self.course = initial_bearing_deg(self.lat, self.lon, *self.target)
            self.lat, self.lon = destination_point(self.lat, self.lon, self.course, speed * step_us / 1e6)
            self.t += step_us

    def _roaming_target(self, activity: Roaming) -> LatLon:
        rng = self.rng
        candidate = activity.centre
        for _ in range(12):
            distance = activity.radius_m * math.sqrt(rng.random())
            candidate = destination_point(*activity.centre, rng.uniform(0.0, 360.0), distance)
            if not activity.long_legs or haversine_m(self.lat, self.lon, *candidate) >= 0.8 * activity.radius_m:
                break
        return candidate

    # --- what the transponder would send --------------------------------------------------------------

    def _course_now(self) -> float:
        return self.route.locate(self.travelled, self.segment)[2] if self.route is not None else self.course

    def observe(self) -> Observation:
        """Position, SOG (kn), COG (°), heading (°) and navigational status at the current instant."""
        activity = self.activity
        rng = self.rng
        if isinstance(activity, Passage):
            return self._observe_passage(activity)
        if isinstance(activity, Roaming):
            cog = (self.course + rng.gauss(0.0, 1.0)) % 360.0
            sog = self.leg_kn * rng.uniform(0.97, 1.03)
            return self.lat, self.lon, sog, cog, int(cog + self.leeway_deg) % 360, activity.nav_status
        if isinstance(activity, Anchored):
            seconds = self.t / 1e6
            heading = (self.course + 60.0 * math.sin(2 * math.pi * seconds / TIDE_S + self.tide_phase)) % 360.0
            lat, lon = destination_point(*self.anchor, (heading + 180.0) % 360.0, self.swing_m)
            return lat, lon, round(rng.uniform(0.0, 0.4), 1), rng.uniform(0.0, 359.9), int(heading) % 360, AT_ANCHOR
        jitter = 1.5e-5
        lat = self.lat + rng.uniform(-jitter, jitter)
        lon = self.lon + rng.uniform(-jitter, jitter)
        return lat, lon, 0.1 if rng.random() < 0.15 else 0.0, rng.uniform(0.0, 359.9), int(self.course) % 360, MOORED

    def _observe_passage(self, passage: Passage) -> Observation:
        route, travelled, segment = self.route, self.travelled, self.segment
        if len(route.points) < 2:
            return self.lat, self.lon, 0.0, self.course, int(self.course) % 360, passage.nav_status
        lat, lon = route.points[segment]
        course = route.bearings[segment]
        along = travelled - route.starts[segment]
        lat, lon = destination_point(lat, lon, course, along)
        if route.starts[segment + 1] - route.starts[segment] > LONG_SEGMENT_M:  # a great circle turns as it goes
            end_lat, end_lon = route.points[segment + 1]
            if route.starts[segment + 1] - travelled > 1000.0:
                course = initial_bearing_deg(lat, lon, end_lat, end_lon)
        speed_ms = self.speed_ms
        fade = min(travelled - self.sea_from, self.sea_to - travelled) / 5000.0
        cog = course
        if fade > 0.0:
            share = fade if fade < 1.0 else 1.0
            keep_right = fade / STARBOARD_EASE
            side_course, room = _keeping_right(route, self.rooms, segment, along, course)
            offset = min(self.starboard_m, room) * (keep_right if keep_right < 1.0 else 1.0)
            if offset > 0.0:
                lat, lon = destination_point(lat, lon, (side_course + 90.0) % 360.0, offset)
            # Wander about the track in a fixed north/east frame, so a turn at a waypoint stays smooth.
            amplitude = self.wander_m * share
            seconds = self.t / 1e6
            omega = 2 * math.pi / self.wander_period_s
            north_angle = omega * seconds + self.wander_phase
            east_angle = 0.77 * omega * seconds + 2.0 * self.wander_phase
            lat += math.degrees(amplitude * math.sin(north_angle) / EARTH_RADIUS_M)
            parallel_m = EARTH_RADIUS_M * max(math.cos(math.radians(lat)), 0.01)
            lon += math.degrees(amplitude * math.sin(east_angle) / parallel_m)
            lon = (lon + 540.0) % 360.0 - 180.0
            radians = math.radians(course)
            north = speed_ms * math.cos(radians) + amplitude * omega * math.cos(north_angle)
            east = speed_ms * math.sin(radians) + 0.77 * amplitude * omega * math.cos(east_angle)
            cog = math.degrees(math.atan2(east, north))
            speed_ms = math.hypot(north, east)
        random_unit = self.rng.random
        cog = (cog + (random_unit() - random_unit()) * 1.2) % 360.0
        sog = speed_ms / KNOT * (0.98 + 0.04 * random_unit())
        return lat, lon, sog, cog, int(cog + self.leeway_deg) % 360, passage.nav_status


def _keeping_right(route: Route, rooms: tuple[float, ...], segment: int, along: float,
                   course: float) -> tuple[float, float]:
    """The course a ship's starboard offset is square to, and the room there is for it (metres): its own leg's,
    turned half-way to the next leg's at a waypoint and blended in over ``TURN_BLEND_M`` either side, so the
    offset turns, widens and narrows with the lane instead of jumping at the corner."""
    room = rooms[segment]
    length = route.starts[segment + 1] - route.starts[segment]
    blend = min(TURN_BLEND_M, length / 2.0)
    if blend <= 0.0:
        return course, room
    if along < blend and segment > 0:
        other, share = segment - 1, 0.5 * (1.0 - along / blend)
    elif length - along < blend and segment + 1 < len(route.bearings):
        other, share = segment + 1, 0.5 * (1.0 - (length - along) / blend)
    else:
        return course, room
    turn = (route.bearings[other] - course + 540.0) % 360.0 - 180.0
    return (course + share * turn) % 360.0, room + share * (rooms[other] - room)
