"""Graticule steps and labels in degrees: '5°W', '50°N' at regional scale, '1°30′W' when zoomed in.

Latitude ticks are chosen in latitude and placed at their Mercator ordinates, so the graticule lines
fall on round parallels even though the y axis is not linear in latitude. The chart wraps at 180° (x may
run past ±180), so longitudes are labelled as the meridian they fall on: x = 190 reads '170°W'.

``longitude_step``/``latitude_step`` are the steps chosen for a view, so a backdrop can draw the same lines
over a wider area than the view (``longitude_ticks``/``latitude_ticks``); the map's axes
(``ui.map.graticule``) and the printed report's track map label them alike.
"""
from __future__ import annotations

import math

import numpy as np

from chart.projection import MAX_LATITUDE, latitude_of, mercator_y

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


def longitude_step(x_low: float, x_high: float, pixels: float) -> float:
    return tick_step(x_high - x_low, pixels)


def latitude_step(y_low: float, y_high: float, pixels: float) -> float:
    limit = float(mercator_y(MAX_LATITUDE))
    south, north = (float(v) for v in latitude_of(np.clip([y_low, y_high], -limit, limit)))
    return tick_step(north - south, pixels)


def longitude_ticks(x_low: float, x_high: float, step: float) -> np.ndarray:
    """Meridians every ``step`` degrees between two x values (past ±180 too: the map wraps)."""
    return _ticks(x_low, x_high, step)


def latitude_ticks(y_low: float, y_high: float, step: float) -> np.ndarray:
    """Mercator ordinates of the parallels every ``step`` degrees between two ordinates."""
    limit = float(mercator_y(MAX_LATITUDE))
    south, north = (float(v) for v in latitude_of(np.clip([y_low, y_high], -limit, limit)))
    return mercator_y(_ticks(south, north, step))
