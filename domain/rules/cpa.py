"""Closest point of approach (CPA) and the time to it (TCPA) of two ships holding course and speed.

Flat earth: the pair is put on a local chart around the two ships (x east, y north, metres; equirectangular
at their mean latitude, ``domain.geo.local_offset_m``). At close-quarters ranges (a few nautical miles to a
few tens of them) the error is far below the precision of AIS positions, speeds and courses; it is not meant
for ranges of hundreds of miles, nor near the poles.

With the other ship at relative position p and relative velocity v (its velocity minus ours), the range at
time t is |p + v t|, least at TCPA = -(p · v) / |v|², where it is CPA = |p + v TCPA|. TCPA < 0 means the
closest point is behind (the ships are opening). Ships with no relative motion keep their range: CPA is the
range now and TCPA is 0.
"""
from __future__ import annotations

import math

import numpy as np

from domain.geo import local_offset_m

METRES_PER_SECOND_PER_KNOT = 1852.0 / 3600.0
_STILL = 1e-12  # (m/s)²: relative speeds below a micrometre a second are no relative motion


def velocity_ms(sog_kn: float, cog_deg: float) -> tuple[float, float]:
    """(east, north) velocity in m/s of a ship making ``sog_kn`` knots over the ground on course ``cog_deg``."""
    speed = sog_kn * METRES_PER_SECOND_PER_KNOT
    course = math.radians(cog_deg)
    return speed * math.sin(course), speed * math.cos(course)


def cpa_tcpa(x_m: float, y_m: float, vx_ms: float, vy_ms: float) -> tuple[float, float]:
    """(CPA metres, TCPA seconds) of a ship at relative position (x, y) moving at relative velocity (vx, vy)."""
    closing = vx_ms * vx_ms + vy_ms * vy_ms
    if closing < _STILL:
        return math.hypot(x_m, y_m), 0.0
    tcpa = -(x_m * vx_ms + y_m * vy_ms) / closing
    return math.hypot(x_m + vx_ms * tcpa, y_m + vy_ms * tcpa), tcpa


def encounter(lat_a: float, lon_a: float, sog_a: float, cog_a: float,
              lat_b: float, lon_b: float, sog_b: float, cog_b: float) -> tuple[float, float]:
    """(CPA metres, TCPA seconds) of ships a and b from their positions, speeds (kn) and courses (°)."""
    x, y = local_offset_m(lat_a, lon_a, lat_b, lon_b)
    vax, vay = velocity_ms(sog_a, cog_a)
    vbx, vby = velocity_ms(sog_b, cog_b)
    return cpa_tcpa(x, y, vbx - vax, vby - vay)


def cpa_tcpa_arrays(x_m: np.ndarray, y_m: np.ndarray, vx_ms: np.ndarray,
                    vy_ms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``cpa_tcpa`` for many pairs at once (arrays of relative positions and velocities)."""
    closing = vx_ms * vx_ms + vy_ms * vy_ms
    moving = closing >= _STILL
    tcpa = np.zeros(len(x_m))
    np.divide(-(x_m * vx_ms + y_m * vy_ms), closing, out=tcpa, where=moving)
    return np.hypot(x_m + vx_ms * tcpa, y_m + vy_ms * tcpa), tcpa
