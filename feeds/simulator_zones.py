"""The demo fleet's ports as zones: a circle of ``PORT_RADIUS_NM`` around each berth of ``resources/ports.csv``,
so the rules see port arrivals and departures and leave ships at their berths out of close-quarters and
loitering alarms, as a real watch would with its ports drawn in."""
from __future__ import annotations

import json
import math

from domain.events import ZoneDefined
from feeds.simulator_seaways import load_ports

PORT_RADIUS_NM = 3.0
VERTICES = 24


def port_zones(occurred_at: int) -> list[ZoneDefined]:
    """One ``port`` zone per port of the demo fleet, defined at ``occurred_at``."""
    zones = []
    for port in load_ports():
        lat, lon = port.berth
        ring = [[round(lon + PORT_RADIUS_NM / 60 * math.sin(a) / math.cos(math.radians(lat)), 6),
                 round(lat + PORT_RADIUS_NM / 60 * math.cos(a), 6)]
                for a in (2 * math.pi * k / VERTICES for k in range(VERTICES))]
        ring.append(ring[0])
        zones.append(ZoneDefined(occurred_at=occurred_at, name=f"Port of {port.name}", kind="port",
                                 geometry=json.dumps({"type": "Polygon", "coordinates": [ring]})))
    return zones
