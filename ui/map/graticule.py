"""The map's axes in degrees: '5°W', '50°N' at regional scale, '1°30′W' when zoomed in.

The steps, ticks and labels are the chart's (``chart.graticule``), so the backdrop draws its lines on the
same values the axes label (x = 190 reads '170°W': the map wraps at 180°).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from chart.graticule import degree_label, latitude_step, latitude_ticks, longitude_step, longitude_ticks
from chart.projection import latitude_of, wrap_longitude


class LongitudeAxis(pg.AxisItem):
    """The bottom axis: x is longitude (past ±180° on a wrapped view)."""

    def __init__(self, **kwargs):
        super().__init__("bottom", **kwargs)
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal, maxVal, size):
        step = longitude_step(minVal, maxVal, size)
        return [(step, longitude_ticks(minVal, maxVal, step))]

    def tickStrings(self, values, scale, spacing):
        labels = []
        for value in values:
            meridian = float(wrap_longitude(value))
            labels.append("180°" if abs(abs(meridian) - 180.0) < 1e-9 else degree_label(meridian, spacing, "E", "W"))
        return labels


class LatitudeAxis(pg.AxisItem):
    """The left axis: y is the Mercator ordinate, labelled with the latitude it stands for."""

    def __init__(self, **kwargs):
        super().__init__("left", **kwargs)
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal, maxVal, size):
        step = latitude_step(minVal, maxVal, size)
        return [(step, latitude_ticks(minVal, maxVal, step))]

    def tickStrings(self, values, scale, spacing):
        latitudes = latitude_of(np.asarray(values, dtype=float))
        return [degree_label(round(lat / spacing) * spacing, spacing, "N", "S") for lat in latitudes]
