"""Spherical geometry on the WGS 84 mean radius: distances, bearings and great-circle legs; and areas
(polygons with holes, as GeoJSON gives them) with the point-in-area test the zone rules use."""
from __future__ import annotations

import math
from typing import Any

from domain.errors import DomainError

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_NAUTICAL_MILE = 1852.0


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def initial_bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial true bearing in [0, 360) from the first point towards the second."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


def destination_point(lat: float, lon: float, bearing_deg: float, distance_m: float) -> tuple[float, float]:
    """The point reached by sailing ``distance_m`` on the great circle that starts at ``bearing_deg``."""
    delta = distance_m / EARTH_RADIUS_M
    theta = math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(delta) + math.cos(p1) * math.sin(delta) * math.cos(theta))
    l2 = l1 + math.atan2(math.sin(theta) * math.sin(delta) * math.cos(p1), math.cos(delta) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), (math.degrees(l2) + 540.0) % 360.0 - 180.0


def intermediate_point(lat1: float, lon1: float, lat2: float, lon2: float, fraction: float) -> tuple[float, float]:
    """The point at ``fraction`` (0..1) of the great-circle leg between two points."""
    d = haversine_m(lat1, lon1, lat2, lon2) / EARTH_RADIUS_M
    if d < 1e-12:
        return lat1, lon1
    p1, l1, p2, l2 = map(math.radians, (lat1, lon1, lat2, lon2))
    a = math.sin((1 - fraction) * d) / math.sin(d)
    b = math.sin(fraction * d) / math.sin(d)
    x = a * math.cos(p1) * math.cos(l1) + b * math.cos(p2) * math.cos(l2)
    y = a * math.cos(p1) * math.sin(l1) + b * math.cos(p2) * math.sin(l2)
    z = a * math.sin(p1) + b * math.sin(p2)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


# --- areas: polygons with holes, as GeoJSON describes them --------------------------------------------------------
#
# An area is planar in (longitude, latitude): edges are straight lines on the chart, not great circles, which
# is what GeoJSON (RFC 7946 §3.1.1) means by them and what a zone drawn on a chart means too. An area may not
# cross the antimeridian: an edge spanning more than 180° of longitude is refused, and such a zone must be given
# as a MultiPolygon split at ±180° (RFC 7946 §3.1.9).

Ring = tuple[tuple[float, float], ...]
"""The vertices of a ring as (lon, lat), in order, without repeating the first at the end."""
Polygon = tuple[Ring, ...]
"""An exterior ring followed by its holes."""
Area = tuple[Polygon, ...]
"""One or more polygons (a GeoJSON Polygon or MultiPolygon)."""

AREA_TYPES = ("Polygon", "MultiPolygon")
METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180.0


class InvalidArea(DomainError, ValueError):
    """A GeoJSON geometry that is not a usable area; the message says which polygon and ring, and why."""


def _degrees(value: float) -> float:
    return round(value * 10_000_000) / 10_000_000


def _ring_from_geojson(positions: object, where: str) -> Ring:
    if not isinstance(positions, (list, tuple)):
        raise InvalidArea(f"{where}: must be a list of [lon, lat] positions")
    vertices: list[tuple[float, float]] = []
    for index, position in enumerate(positions):
        if (not isinstance(position, (list, tuple)) or len(position) < 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                           for v in position[:2])):
            raise InvalidArea(f"{where}, position {index}: must be [lon, lat] numbers, got {position!r}")
        lon, lat = float(position[0]), float(position[1])
        if not -180.0 <= lon <= 180.0 or not -90.0 <= lat <= 90.0:
            raise InvalidArea(f"{where}, position {index}: [{lon:g}, {lat:g}] is not a longitude and latitude")
        vertex = (_degrees(lon), _degrees(lat))
        if not vertices or vertices[-1] != vertex:  # repeated vertices add nothing
            vertices.append(vertex)
    if len(vertices) > 1 and vertices[0] == vertices[-1]:
        vertices.pop()  # GeoJSON closes rings by repeating the first position; an open ring is closed here
    if len(vertices) < 3:
        raise InvalidArea(f"{where}: a ring needs at least 3 distinct positions, got {len(vertices)}")
    for index, (a, b) in enumerate(zip(vertices, vertices[1:] + vertices[:1])):
        if abs(a[0] - b[0]) > 180.0:
            raise InvalidArea(f"{where}, edge {index}: spans more than 180° of longitude (crosses the antimeridian); "
                              "split the area at ±180° into a MultiPolygon")
    if ring_area_deg2(tuple(vertices)) == 0.0:
        raise InvalidArea(f"{where}: the ring encloses no area")
    return tuple(vertices)


def area_from_geojson(geometry: object) -> Area:
    """The area of a GeoJSON ``Polygon`` or ``MultiPolygon`` geometry (a parsed mapping).

    Positions beyond [lon, lat] (an altitude) are ignored, coordinates are kept to 1e-7°, consecutive
    repeated positions are dropped and an open ring is closed. Holes are not checked to lie inside their
    exterior, polygons not to overlap, nor rings for self-intersection: containment is even-odd over all
    the rings (``point_in_area``), so such shapes mean what that rule makes of them. Raises ``InvalidArea``
    naming the polygon, ring and position at fault.
    """
    if not isinstance(geometry, dict):
        raise InvalidArea(f"geometry must be a GeoJSON object, got {type(geometry).__name__}")
    kind = geometry.get("type")
    if kind not in AREA_TYPES:
        raise InvalidArea(f"geometry type must be Polygon or MultiPolygon, got {kind!r}")
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, (list, tuple)) or not coordinates:
        raise InvalidArea(f"{kind} needs non-empty coordinates")
    polygons = [coordinates] if kind == "Polygon" else list(coordinates)
    area: list[Polygon] = []
    for p, rings in enumerate(polygons):
        where = "polygon" if kind == "Polygon" else f"polygon {p}"
        if not isinstance(rings, (list, tuple)) or not rings:
            raise InvalidArea(f"{where}: must be a non-empty list of rings")
        area.append(tuple(_ring_from_geojson(ring, f"{where}, ring {r}" if r else f"{where}, exterior ring")
                          for r, ring in enumerate(rings)))
    return tuple(area)


def area_to_geojson(area: Area) -> dict[str, Any]:
    """The GeoJSON geometry of an area (a Polygon when it has one polygon), rings closed as GeoJSON wants."""
    polygons = [[[list(v) for v in ring + ring[:1]] for ring in polygon] for polygon in area]
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def ring_area_deg2(ring: Ring) -> float:
    """The signed area of a ring in square degrees (shoelace; positive anticlockwise)."""
    total = 0.0
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        total += x1 * y2 - x2 * y1
        x1, y1 = x2, y2
    return total / 2.0


def area_bounds(area: Area) -> tuple[float, float, float, float]:
    """(west, south, east, north) of an area's exterior rings."""
    xs = [x for polygon in area for x, _ in polygon[0]]
    ys = [y for polygon in area for _, y in polygon[0]]
    return min(xs), min(ys), max(xs), max(ys)


def point_in_ring(lon: float, lat: float, ring: Ring) -> bool:
    """Whether a point is inside a ring by ray casting (even-odd). A point exactly on an edge may fall on
    either side, but always the same side for the same numbers."""
    inside = False
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        if (y2 > lat) != (y1 > lat) and lon < (x1 - x2) * (lat - y2) / (y1 - y2) + x2:
            inside = not inside
        x1, y1 = x2, y2
    return inside


def point_in_area(lon: float, lat: float, area: Area) -> bool:
    """Whether a point is inside an area: a ray from it crosses the area's rings, exteriors and holes
    together, an odd number of times (even-odd). For the shapes GeoJSON allows (holes inside their exterior,
    polygons apart) that is: inside some polygon's exterior ring and none of its holes."""
    inside = False
    for polygon in area:
        for ring in polygon:
            if point_in_ring(lon, lat, ring):
                inside = not inside
    return inside


def local_offset_m(lat0: float, lon0: float, lat: float, lon: float) -> tuple[float, float]:
    """(east, north) metres from the first point to the second on a flat chart around them (equirectangular,
    scaled at their mean latitude). Good to well under 1 % within a few tens of nautical miles away from
    the poles; across the antimeridian the shorter way round is taken."""
    dlon = (lon - lon0 + 180.0) % 360.0 - 180.0
    mean_lat = math.radians((lat + lat0) / 2.0)
    return dlon * METRES_PER_DEGREE * math.cos(mean_lat), (lat - lat0) * METRES_PER_DEGREE
