"""Zone outlines as an operator draws them on the chart, checked before they become a zone; and what the
console shows of a zone's shape: its area in square nautical miles and where its name is written.

A drawn outline is the list of its corners, (lon, lat) in the order they were clicked. The chart wraps at
the 180° meridian, so the longitudes may be those of another world copy (181 is 179°W): an outline is
moved by whole turns into [-180, 180], and one that cannot be (it spans the 180° meridian) is refused, as
``domain.geo`` refuses such areas — the operator draws two zones, one on each side. Corners are kept to
1e-7° like every stored area; a corner repeated at once adds nothing. The outline must have at least 3
distinct corners, enclose some area, and not cross itself (an edge may not touch any other edge but its
two neighbours, and those only at their shared corner): a zone shaped like a figure 8 is almost always a
slip of the hand, and even-odd containment would silently cut its overlap out.

Edges are straight in longitude and latitude, as GeoJSON draws them (``domain.geo``), so the area of a
zone is that of the region such edges enclose on the sphere, computed exactly for it (no projection).
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from domain.geo import EARTH_RADIUS_M, METRES_PER_NAUTICAL_MILE, Area, InvalidArea, Polygon, Ring, ring_area_deg2

_QUANTUM = 10_000_000  # stored coordinates are whole 1e-7 degrees
_LABEL_LINES = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8)  # fractions of a polygon's height tried for its label


class InvalidOutline(InvalidArea):
    """A drawn outline that cannot be a zone. The message says why as what the outline does ('crosses
    itself: ...'), naming corners by their number (1 first), so it reads after 'The outline '."""


def outline_ring(corners: Sequence[Sequence[float]]) -> Ring:
    """The ring of a drawn outline: corners as (lon, lat), longitudes of any world copy.

    Returns the corners moved into [-180, 180] of longitude, kept to 1e-7°, without immediate repeats.
    Raises ``InvalidOutline`` naming the problem.
    """
    points: list[tuple[float, float]] = []
    for number, corner in enumerate(corners, start=1):
        if (len(corner) < 2 or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                                       for v in corner[:2])):
            raise InvalidOutline(f"has a corner {number} that is not a longitude and latitude: {tuple(corner)!r}")
        lon, lat = float(corner[0]), float(corner[1])
        if not -90.0 <= lat <= 90.0:
            raise InvalidOutline(f"has corner {number} at latitude {lat:g}°, beyond the pole")
        points.append((lon, lat))
    if points:
        west = min(lon for lon, _ in points)
        east = max(lon for lon, _ in points)
        shift = -360.0 * math.floor((west + 180.0) / 360.0)
        if east + shift > 180.0:
            raise InvalidOutline("crosses the 180° meridian: draw one zone on each side of it")
        points = [(lon + shift, lat) for lon, lat in points]
    ring: list[tuple[float, float]] = []
    for lon, lat in points:
        corner = (round(lon * _QUANTUM) / _QUANTUM, round(lat * _QUANTUM) / _QUANTUM)
        if not ring or ring[-1] != corner:
            ring.append(corner)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    distinct = len(set(ring))
    if distinct < 3:
        raise InvalidOutline(f"has {distinct} distinct corner{'' if distinct == 1 else 's'}: a zone needs at least 3")
    (x0, y0), (x1, y1) = ring[0], next(corner for corner in ring if corner != ring[0])
    if all((x1 - x0) * (y - y0) == (y1 - y0) * (x - x0) for x, y in ring):
        raise InvalidOutline("has all its corners in a line: it encloses no area")
    crossing = crossing_edges(tuple(ring))
    if crossing is not None:
        first, second = crossing
        raise InvalidOutline(f"crosses itself: the edge {_edge_name(first, len(ring))} meets the edge "
                             f"{_edge_name(second, len(ring))}")
    if ring_area_deg2(tuple(ring)) == 0.0:
        raise InvalidOutline("encloses no area")
    return tuple(ring)


def _edge_name(edge: int, count: int) -> str:
    return f"from corner {edge + 1} to corner {(edge + 1) % count + 1}"


def crossing_edges(ring: Ring) -> tuple[int, int] | None:
    """The first two edges of a closed ring that meet where they should not, as edge numbers (edge ``i``
    runs from corner ``i`` to corner ``i + 1``, the last one back to corner 0); None when the ring is simple.

    Neighbouring edges may only share their corner (one folding back along the other meets it too); any
    other two edges may not touch at all.
    """
    n = len(ring)
    if n < 3:
        return None
    xy = np.asarray(ring, dtype=float)
    a, b = xy, np.roll(xy, -1, axis=0)  # edge i runs from a[i] to b[i]
    west, east = np.minimum(a[:, 0], b[:, 0]), np.maximum(a[:, 0], b[:, 0])
    south, north = np.minimum(a[:, 1], b[:, 1]), np.maximum(a[:, 1], b[:, 1])
    for i in range(n):
        # Neighbours: a fold back (the next edge turning onto this one) is the only way they can meet wrongly.
        j = (i + 1) % n
        if _cross(a[i], b[i], b[j]) == 0.0 and _dot(b[i] - a[i], b[j] - b[i]) < 0.0:
            return (i, j) if i < j else (j, i)
        others = np.arange(i + 2, n if i > 0 else n - 1)
        if not len(others):
            continue
        near = others[(west[others] <= east[i]) & (east[others] >= west[i])
                      & (south[others] <= north[i]) & (north[others] >= south[i])]
        if len(near):
            hits = _segments_meet(a[i], b[i], a[near], b[near])
            if hits.any():
                return i, int(near[np.argmax(hits)])
    return None


def _cross(o: np.ndarray, p: np.ndarray, q: np.ndarray) -> float:
    return float((p[0] - o[0]) * (q[1] - o[1]) - (p[1] - o[1]) * (q[0] - o[0]))


def _dot(u: np.ndarray, v: np.ndarray) -> float:
    return float(u[0] * v[0] + u[1] * v[1])


def _segments_meet(p1: np.ndarray, p2: np.ndarray, q1: np.ndarray, q2: np.ndarray) -> np.ndarray:
    """Whether segment p1–p2 meets each segment q1[k]–q2[k] (touching counts)."""

    def orient(o: np.ndarray, p: np.ndarray, q: np.ndarray) -> np.ndarray:
        turn: np.ndarray = np.sign((p[..., 0] - o[..., 0]) * (q[..., 1] - o[..., 1])
                                   - (p[..., 1] - o[..., 1]) * (q[..., 0] - o[..., 0]))
        return turn

    def within(o: np.ndarray, p: np.ndarray, q: np.ndarray) -> np.ndarray:
        """Whether q lies in the bounding box of o–p (for collinear points)."""
        inside: np.ndarray = ((np.minimum(o[..., 0], p[..., 0]) <= q[..., 0])
                              & (q[..., 0] <= np.maximum(o[..., 0], p[..., 0]))
                              & (np.minimum(o[..., 1], p[..., 1]) <= q[..., 1])
                              & (q[..., 1] <= np.maximum(o[..., 1], p[..., 1])))
        return inside

    p1b, p2b = np.broadcast_to(p1, q1.shape), np.broadcast_to(p2, q1.shape)
    d1, d2 = orient(q1, q2, p1b), orient(q1, q2, p2b)
    d3, d4 = orient(p1b, p2b, q1), orient(p1b, p2b, q2)
    proper = (d1 * d2 < 0) & (d3 * d4 < 0)
    touching = (((d1 == 0) & within(q1, q2, p1b)) | ((d2 == 0) & within(q1, q2, p2b))
                | ((d3 == 0) & within(p1b, p2b, q1)) | ((d4 == 0) & within(p1b, p2b, q2)))
    meets: np.ndarray = proper | touching
    return meets


# --- measures -------------------------------------------------------------------------------------------------


def ring_area_m2(ring: Ring) -> float:
    """The area a ring encloses on the sphere, in square metres, its edges straight in lon/lat.

    By Green's theorem the area is R² |∮ sin φ dλ|; along an edge where φ is linear in λ the integral is
    Δλ · sin φ̄ · sinc(Δφ / 2), exact (φ̄ the mean latitude of the edge).
    """
    total = 0.0
    lon1, lat1 = ring[-1]
    for lon2, lat2 in ring:
        d_lon = math.radians(lon2 - lon1)
        half = math.radians(lat2 - lat1) / 2.0
        mean = math.radians(lat1 + lat2) / 2.0
        total += d_lon * math.sin(mean) * (math.sin(half) / half if half else 1.0)
        lon1, lat1 = lon2, lat2
    return abs(total) * EARTH_RADIUS_M ** 2


def polygon_area_m2(polygon: Polygon) -> float:
    """A polygon's area: its exterior ring less its holes."""
    return max(0.0, ring_area_m2(polygon[0]) - sum(ring_area_m2(hole) for hole in polygon[1:]))


def area_nm2(area: Area) -> float:
    """An area's size in square nautical miles."""
    return sum(polygon_area_m2(polygon) for polygon in area) / METRES_PER_NAUTICAL_MILE ** 2


def label_point(area: Area) -> tuple[float, float]:
    """Where to write an area's name, (lon, lat): inside its largest polygon (not in a hole), in the middle
    of the widest stretch across it along one of a few parallels near its middle. A convex shape gets its
    middle; a crescent or an L gets a point inside it, where a centroid would fall outside."""
    polygon = max(area, key=polygon_area_m2)
    lats = [lat for _, lat in polygon[0]]
    south, north = min(lats), max(lats)
    best: tuple[float, float] | None = None
    best_width = -1.0
    for fraction in _LABEL_LINES:
        lat = south + (north - south) * fraction
        crossings = sorted(lon1 + (lat - lat1) * (lon2 - lon1) / (lat2 - lat1)
                           for ring in polygon
                           for (lon1, lat1), (lon2, lat2) in zip(ring[-1:] + ring[:-1], ring)
                           if (lat1 > lat) != (lat2 > lat))
        for west, east in zip(crossings[0::2], crossings[1::2]):  # even-odd: inside between pairs
            if east - west > best_width:
                best_width, best = east - west, ((west + east) / 2.0, lat)
    if best is None:  # a sliver thinner than the parallels tried: its first corner is on it at least
        return polygon[0][0]
    return best
