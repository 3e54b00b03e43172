"""Zones for the UI tests, and where a longitude and latitude is on the map's screen (imported explicitly)."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF

from chart.projection import mercator_y

# In the Channel fleet's waters (tests.ui.fleet_store): a restricted box off Portland, an anchorage and a
# port in the Solent, a wide generic zone mid-Channel.
FIRING_RANGE = [(-2.6, 50.35), (-2.2, 50.35), (-2.2, 50.55), (-2.6, 50.55)]
SPITHEAD = [(-1.15, 50.74), (-1.05, 50.74), (-1.05, 50.78), (-1.15, 50.78)]
SOUTHAMPTON = [(-1.42, 50.86), (-1.36, 50.86), (-1.36, 50.91), (-1.42, 50.91)]
MID_CHANNEL = [(-3.5, 49.9), (-0.5, 49.9), (-0.5, 50.3), (-3.5, 50.3)]


def add_zones(source) -> None:
    """Define the four zones in a source, as an operator would."""
    source.zones.define("Portland firing range", "restricted", FIRING_RANGE, 6.0)
    source.zones.define("Spithead anchorage", "anchorage", SPITHEAD)
    source.zones.define("Port of Southampton", "port", SOUTHAMPTON, 8.0)
    source.zones.define("Mid-Channel", "generic", MID_CHANNEL)


def pixel_of(map_view, lon: float, lat: float) -> QPoint:
    """The viewport pixel showing a longitude and latitude."""
    scene = map_view.view_box.mapViewToScene(QPointF(lon, float(mercator_y(lat))))
    return map_view.plot.mapFromScene(scene)
