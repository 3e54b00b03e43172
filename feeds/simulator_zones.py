"""The demo fleet's ports as zones: each port's limits, a circle round its berth reaching 1.5 nm past its
approach point (at least 3 nm, at most 12 nm across the water a harbour's traffic service watches), so the
rules see port arrivals and departures and leave ships in a port's approaches and fairway to the port's
own traffic service rather than raising close-quarters and loitering alarms, as a real watch would with
its ports drawn in. Rivers longer than that (the Elbe up to Hamburg) are port waters only near the port."""
from __future__ import annotations

import json
import math

from domain.events import ZoneDefined
from domain.geo import haversine_m
from feeds.simulator_seaways import Port, load_ports

NM = 1852.0
MIN_RADIUS_NM = 3.0
MAX_RADIUS_NM = 12.0
PAST_APPROACH_NM = 1.5
VERTICES = 36


def port_radius_nm(port: Port) -> float:
    """How far the port's limits reach from its berth."""
    to_approach = haversine_m(*port.berth, *port.approach) / NM
    return min(max(MIN_RADIUS_NM, to_approach + PAST_APPROACH_NM), MAX_RADIUS_NM)


def port_zones(occurred_at: int) -> list[ZoneDefined]:
    """One ``port`` zone per port of the demo fleet, defined at ``occurred_at``."""
    zones = []
    for port in load_ports():
        lat, lon = port.berth
        radius = port_radius_nm(port)
        ring = [[round(lon + radius / 60 * math.sin(a) / math.cos(math.radians(lat)), 6),
                 round(lat + radius / 60 * math.cos(a), 6)]
                for a in (2 * math.pi * k / VERTICES for k in range(VERTICES))]
        ring.append(ring[0])
        zones.append(ZoneDefined(occurred_at=occurred_at, name=f"Port of {port.name}", kind="port",
                                 geometry=json.dumps({"type": "Polygon", "coordinates": [ring]})))
    return zones
