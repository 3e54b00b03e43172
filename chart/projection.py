"""Web Mercator in degree-like units: x = longitude, y = the Mercator ordinate of latitude, in degrees.

With the view's aspect locked to 1:1, shapes and compass bearings look right at every latitude (Mercator
is conformal), which is what an operator reading headings off the map needs. Latitudes are clamped to
±85.05113° like every web map, so the poles stay finite.

The map wraps at the 180° meridian: x may run past ±180 (x = 181 is 179°W), so a fleet in the Bering Sea
or around Fiji can be framed in one small box. Ships, trails and land are drawn in the 360° of longitude
around the middle of the view (``wrap_longitude(lon, centre)``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_LATITUDE = 85.05112878


def mercator_y(lat):
    """The Mercator ordinate (degrees) of a latitude or array of latitudes."""
    phi = np.radians(np.clip(lat, -MAX_LATITUDE, MAX_LATITUDE))
    return np.degrees(np.log(np.tan(np.pi / 4 + phi / 2)))


def wrap_longitude(lon, centre: float = 0.0):
    """``lon`` moved by whole turns into [centre - 180, centre + 180): the copy nearest ``centre``."""
    return centre + np.mod(np.asarray(lon, dtype=float) - centre + 180.0, 360.0) - 180.0


def latitude_of(y):
    """The latitude of a Mercator ordinate (inverse of ``mercator_y``)."""
    return np.degrees(2 * np.arctan(np.exp(np.radians(y))) - np.pi / 2)


@dataclass(frozen=True)
class GeoBox:
    """A longitude/latitude rectangle: west, south, east, north in degrees."""

    west: float
    south: float
    east: float
    north: float

    @property
    def width(self) -> float:
        return self.east - self.west

    @property
    def height(self) -> float:
        return self.north - self.south

    @classmethod
    def from_view(cls, x_range: tuple[float, float], y_range: tuple[float, float]) -> "GeoBox":
        """The geographic box of a map view rectangle (x = longitude, y = Mercator ordinate)."""
        south, north = (float(v) for v in latitude_of(np.asarray(y_range, dtype=float)))
        return cls(float(x_range[0]), south, float(x_range[1]), north)

    def expanded(self, fraction: float) -> "GeoBox":
        """The box grown by ``fraction`` of its size on every side."""
        dx, dy = self.width * fraction, self.height * fraction
        return GeoBox(self.west - dx, max(-90.0, self.south - dy), self.east + dx, min(90.0, self.north + dy))
