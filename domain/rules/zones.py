"""Zones as the rules see them, and the index that says which zones a position is in, fast.

A ``Zone`` is a named area (``domain.geo``: polygons with holes, even-odd ray casting) of a kind, with an
optional speed limit; it is built from a ``ZoneDefined`` event. ``ZoneIndex`` answers "which zones is
(lat, lon) in?" for every position report, so it must cost about a microsecond:

- the globe is cut into square cells of ``cell_deg`` degrees (0.05° by default, about 5.5 km north-south);
- when a zone is added, each cell its bounding box touches is classified once: cells crossed by one of its
  edges are *boundary* cells (a point there is tested against the zone), cells wholly inside are *inside*
  cells (a point there is in the zone, no test needed) and cells wholly outside are left out;
- a query is one dict lookup of the point's cell; most of the sea is in no zone's cell at all;
- the test itself (``Zone.contains``) is even-odd ray casting against only the edges in the point's
  latitude band of the zone, so a port drawn with thousands of vertices costs a few edges, not thousands.

A zone whose bounding box would cover more than ``MAX_CELLS_PER_ZONE`` cells is not gridded: it is kept
in a short list and tested by bounding box, then polygons, on every query.

Limits: areas may not cross the antimeridian (``domain.geo``; split them at ±180°). Edges are straight in
longitude and latitude, as GeoJSON draws them; a point exactly on an edge may count as inside or outside,
always the same way for the same numbers.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import numpy as np

from domain.events.zones import ZONE_KINDS, ZoneDefined
from domain.geo import Area, area_bounds, area_from_geojson, area_to_geojson

DEFAULT_CELL_DEG = 0.05
MAX_CELLS_PER_ZONE = 100_000
MAX_BANDS = 4_096
_EDGE_MARGIN = 1e-6  # of a cell: edges mark the cells within this much of them too, against rounding


_Edge = tuple[float, float, float, float]  # x1, y1, x2, y2: lon and lat of an edge's two ends


@dataclass(frozen=True, slots=True, eq=False)
class Zone:
    """A named area the rules watch (equal when name, kind, shape and limit are; hashed by name).

    ``contains`` is even-odd ray casting over all the zone's rings (``domain.geo.point_in_area``), made
    fast for shapes of many vertices: the zone's latitude span is cut into horizontal bands, each holding
    the edges that reach into it, so a point is tested only against the edges of its band.
    """

    name: str
    kind: str
    area: Area
    speed_limit_kn: float | None = None
    bounds: tuple[float, float, float, float] = field(init=False)  # west, south, east, north
    _bands: tuple[tuple[_Edge, ...], ...] = field(init=False, repr=False)
    _per_degree: float = field(init=False, repr=False)  # bands per degree of latitude

    def __post_init__(self) -> None:
        if self.kind not in ZONE_KINDS:
            raise ValueError(f"unknown zone kind {self.kind!r}; known: {', '.join(ZONE_KINDS)}")
        west, south, east, north = area_bounds(self.area)
        object.__setattr__(self, "bounds", (west, south, east, north))
        edges = [(x1, y1, x2, y2) for polygon in self.area for ring in polygon
                 for (x1, y1), (x2, y2) in zip(ring[-1:] + ring[:-1], ring) if y1 != y2]
        count = max(1, min(len(edges) // 2, MAX_BANDS))
        per_degree = count / (north - south) if north > south else 0.0
        bands: list[list[_Edge]] = [[] for _ in range(count)]
        for edge in edges:
            low, high = min(edge[1], edge[3]), max(edge[1], edge[3])
            for band in range(min(int((low - south) * per_degree), count - 1),
                              min(int((high - south) * per_degree), count - 1) + 1):
                bands[band].append(edge)
        object.__setattr__(self, "_bands", tuple(map(tuple, bands)))
        object.__setattr__(self, "_per_degree", per_degree)

    @classmethod
    def from_event(cls, event: ZoneDefined) -> "Zone":
        """The zone a ``ZoneDefined`` event defines."""
        return cls(event.name, event.kind, area_from_geojson(json.loads(event.geometry)), event.speed_limit_kn)

    def defined(self, occurred_at: int) -> ZoneDefined:
        """The event that defines this zone."""
        return ZoneDefined(occurred_at=occurred_at, name=self.name, kind=self.kind,
                           geometry=json.dumps(area_to_geojson(self.area)), speed_limit_kn=self.speed_limit_kn)

    @property
    def is_port(self) -> bool:
        return self.kind == "port"

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the position is inside the zone (bounding box first, then the edges of its band). A point
        exactly on an edge may count as inside or outside, always the same way for the same numbers."""
        west, south, east, north = self.bounds
        if not (south <= lat <= north and west <= lon <= east):
            return False
        bands = self._bands
        band = int((lat - south) * self._per_degree)
        inside = False
        for x1, y1, x2, y2 in bands[band if band < len(bands) else -1]:
            if (y2 > lat) != (y1 > lat) and lon < (x1 - x2) * (lat - y2) / (y1 - y2) + x2:
                inside = not inside
        return inside

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Zone):
            return NotImplemented
        return (self.name, self.kind, self.area, self.speed_limit_kn) == \
            (other.name, other.kind, other.area, other.speed_limit_kn)

    def __hash__(self) -> int:
        return hash(self.name)

    def __deepcopy__(self, memo: dict[int, object]) -> "Zone":
        return self  # immutable

    def __repr__(self) -> str:
        return f"Zone({self.name!r}, {self.kind!r}, {len(self.area)} polygon(s), speed_limit_kn={self.speed_limit_kn})"


def _points_in_area(lon: np.ndarray, lat: np.ndarray, area: Area) -> np.ndarray:
    """Even-odd containment of many points in an area, over all its rings (``Zone.contains``, vectorised)."""
    inside = np.zeros(len(lon), dtype=bool)
    for polygon in area:
        for ring in polygon:
            x1, y1 = ring[-1]
            for x2, y2 in ring:
                if y1 != y2:  # a horizontal edge is never crossed by a horizontal ray
                    inside ^= ((y2 > lat) != (y1 > lat)) & (lon < (x1 - x2) * (lat - y2) / (y1 - y2) + x2)
                x1, y1 = x2, y2
    return inside


class ZoneIndex:
    """The zones in force, by name, and which of them contain a position."""

    def __init__(self, zones: Iterable[Zone] = (), *, cell_deg: float = DEFAULT_CELL_DEG):
        if not 0.001 <= cell_deg <= 10.0:
            raise ValueError(f"cell_deg must be in [0.001, 10], got {cell_deg!r}")
        self._cell = cell_deg
        self._inverse = 1.0 / cell_deg
        self._columns = int(360.0 * self._inverse) + 2
        self._zones: dict[str, Zone] = {}
        self._cells: dict[int, tuple[tuple[Zone, bool], ...]] = {}
        self._cells_of: dict[str, list[int]] = {}
        self._large: tuple[Zone, ...] = ()
        for zone in zones:
            self.add(zone)

    def __len__(self) -> int:
        return len(self._zones)

    def __iter__(self) -> Iterator[Zone]:
        return iter(sorted(self._zones.values(), key=lambda zone: zone.name))

    def __contains__(self, name: object) -> bool:
        return name in self._zones

    def get(self, name: str) -> Zone | None:
        return self._zones.get(name)

    def add(self, zone: Zone) -> None:
        """Watch a zone, replacing any zone of the same name."""
        self.remove(zone.name)
        self._zones[zone.name] = zone
        cells = self._classify(zone)
        if cells is None:
            self._large = tuple(sorted(self._large + (zone,), key=lambda z: z.name))
            return
        table = self._cells
        for key, whole in cells:
            entries = table.get(key, ()) + ((zone, whole),)
            table[key] = tuple(sorted(entries, key=lambda entry: entry[0].name)) if len(entries) > 1 else entries
        self._cells_of[zone.name] = [key for key, _ in cells]

    def remove(self, name: str) -> bool:
        """Stop watching the zone of this name; returns whether there was one."""
        zone = self._zones.pop(name, None)
        if zone is None:
            return False
        if self._large:
            self._large = tuple(z for z in self._large if z.name != name)
        table = self._cells
        for key in self._cells_of.pop(name, ()):
            entries = tuple(entry for entry in table[key] if entry[0].name != name)
            if entries:
                table[key] = entries
            else:
                del table[key]
        return True

    def zones_at(self, lat: float, lon: float) -> tuple[Zone, ...]:
        """The zones containing the position, in name order."""
        inverse = self._inverse
        entries = self._cells.get(int((lat + 90.0) * inverse) * self._columns + int((lon + 180.0) * inverse))
        large = self._large
        if entries is None:
            if not large:
                return ()
            return tuple(zone for zone in large if zone.contains(lat, lon))
        found = [zone for zone, whole in entries if whole or zone.contains(lat, lon)]
        if large:
            found.extend(zone for zone in large if zone.contains(lat, lon))
            found.sort(key=lambda zone: zone.name)
        return tuple(found)

    # --- classifying a zone's cells -----------------------------------------------------------------------

    def _cell_range(self, low: float, high: float, offset: float) -> tuple[int, int]:
        margin = _EDGE_MARGIN * self._cell
        return max(0, int((low + offset - margin) * self._inverse)), int((high + offset + margin) * self._inverse)

    def _classify(self, zone: Zone) -> list[tuple[int, bool]] | None:
        """(cell key, wholly inside) for each cell of the zone, or None for a zone too large to grid."""
        west, south, east, north = zone.bounds
        row0, row1 = self._cell_range(south, north, 90.0)
        col0, col1 = self._cell_range(west, east, 180.0)
        if (row1 - row0 + 1) * (col1 - col0 + 1) > MAX_CELLS_PER_ZONE:
            return None
        columns = self._columns
        boundary: set[int] = set()
        for polygon in zone.area:
            for ring in polygon:
                x1, y1 = ring[-1]
                for x2, y2 in ring:
                    boundary.update(self._cells_along(x1, y1, x2, y2))
                    x1, y1 = x2, y2
        grid_rows, grid_cols = np.meshgrid(np.arange(row0, row1 + 1), np.arange(col0, col1 + 1), indexing="ij")
        rows, cols = grid_rows.ravel(), grid_cols.ravel()
        keys = rows * columns + cols
        interior = ~np.isin(keys, np.fromiter(boundary, dtype=np.int64, count=len(boundary)))
        lat = (rows[interior] + 0.5) * self._cell - 90.0
        lon = (cols[interior] + 0.5) * self._cell - 180.0
        inside = _points_in_area(lon, lat, zone.area)
        whole = keys[interior][inside].tolist()
        return sorted([(key, False) for key in boundary] + [(key, True) for key in whole])

    def _cells_along(self, x1: float, y1: float, x2: float, y2: float) -> Iterator[int]:
        """Every cell an edge passes through (and maybe a few next to it): the edge is cut into pieces no
        longer than a cell, and every cell touching a piece's bounding box is taken."""
        steps = max(1, int(max(abs(x2 - x1), abs(y2 - y1)) * self._inverse) + 1)
        columns = self._columns
        for step in range(steps):
            a, b = step / steps, (step + 1) / steps
            xa, ya = x1 + (x2 - x1) * a, y1 + (y2 - y1) * a
            xb, yb = x1 + (x2 - x1) * b, y1 + (y2 - y1) * b
            r0, r1 = self._cell_range(min(ya, yb), max(ya, yb), 90.0)
            c0, c1 = self._cell_range(min(xa, xb), max(xa, xb), 180.0)
            for row in range(r0, r1 + 1):
                for col in range(c0, c1 + 1):
                    yield row * columns + col
