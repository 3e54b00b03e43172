"""Ship colours on the console: the chart's colour groups of ship types (``chart.ship_groups``) as Qt colours,
faded for a ship not heard from lately. The map legend and the table's swatches both read them from here.
"""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QColor

from chart.ship_groups import ALL_GROUPS, UNKNOWN_GROUP, groups_of  # noqa: F401 - the console reads them here
from domain.time import MICROS_PER_MINUTE

STALE_AFTER = 15 * MICROS_PER_MINUTE  # a ship not heard from for this long is drawn faded
STALE_ALPHA = 95


@lru_cache(maxsize=None)
def group_colour(group: int, stale: bool = False) -> QColor:
    """The colour of a group, faded when the ship's last report is stale (cached: never rebuilt per frame)."""
    colour = QColor(ALL_GROUPS[group].colour)
    if stale:
        colour.setAlpha(STALE_ALPHA)
    return colour
