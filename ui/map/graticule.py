"""Axis labels and grid lines in degrees: '5°W', '50°N' at regional scale, '1°30′W' when zoomed in.

Latitude ticks are chosen in latitude and placed at their Mercator ordinates, so the graticule lines
fall on round parallels even though the y axis is not linear in latitude.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from ui.map.projection import MAX_LATITUDE, latitude_of, mercator_y

_STEPS_IN_MINUTES = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)
_PIXELS_PER_TICK = 110


def tick_step(span_degrees: float, pixels: float) -> float:
    """A round graticule step (degrees) giving about one line per ``_PIXELS_PER_TICK`` pixels."""
    wanted = max(2.0, pixels / _PIXELS_PER_TICK)
    for minutes in _STEPS_IN_MINUTES:
        if span_degrees * 60 / minutes <= wanted:
            return minutes / 60
    return _STEPS_IN_MINUTES[-1] / 60


def degree_label(value: float, step: float, positive: str, negative: str) -> str:
    """'50°N', '1°30′W' (minutes only when the step is finer than a degree); '0°' on the line itself."""
    minutes_total = round(abs(value) * 60)
    if minutes_total == 0:
        return "0°"
    degrees, minutes = divmod(minutes_total, 60)
    hemisphere = positive if value > 0 else negative
    if step < 1 and minutes:
        return f"{degrees}°{minutes:02d}\u2032{hemisphere}"
    return f"{degrees}°{hemisphere}"


def _ticks(low: float, high: float, step: float) -> np.ndarray:
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return np.arange(first, last + 1) * step


class LongitudeAxis(pg.AxisItem):
    """The bottom axis: x is longitude."""

    def __init__(self, **kwargs):
        super().__init__("bottom", **kwargs)
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal, maxVal, size):
        step = tick_step(maxVal - minVal, size)
        return [(step, _ticks(max(minVal, -180.0), min(maxVal, 180.0), step))]

    def tickStrings(self, values, scale, spacing):
        return [degree_label(v, spacing, "E", "W") for v in values]


class LatitudeAxis(pg.AxisItem):
    """The left axis: y is the Mercator ordinate, labelled with the latitude it stands for."""

    def __init__(self, **kwargs):
        super().__init__("left", **kwargs)
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal, maxVal, size):
        limit = float(mercator_y(MAX_LATITUDE))
        south, north = (float(v) for v in latitude_of(np.clip([minVal, maxVal], -limit, limit)))
        step = tick_step(north - south, size)
        return [(step, mercator_y(_ticks(south, north, step)))]

    def tickStrings(self, values, scale, spacing):
        latitudes = latitude_of(np.asarray(values, dtype=float))
        return [degree_label(round(lat / spacing) * spacing, spacing, "N", "S") for lat in latitudes]
