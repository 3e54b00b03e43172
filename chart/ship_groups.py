"""Ship types in colour groups: every AIS type category belongs to one group, plus one for 'unknown'.

Twenty categories are too many colours to tell apart on a dark map, so related ones share a colour
(tugs with other harbour craft, pilots with search-and-rescue and law enforcement, ...). The grouping is
fixed, so an operator learns it once; the console's map, legend and table swatches (``ui.map.ship_palette``)
and the printed report's track map all colour ships from here.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from domain import ais


@dataclass(frozen=True)
class ShipGroup:
    """A colour and the ship type categories drawn in it."""

    label: str
    colour: str
    types: tuple[str, ...]


GROUPS: tuple[ShipGroup, ...] = (
    ShipGroup("Cargo", "#63c466", ("cargo",)),
    ShipGroup("Tanker", "#e5574c", ("tanker",)),
    ShipGroup("Passenger", "#4ea3ec", ("passenger",)),
    ShipGroup("High-speed craft", "#f0d84a", ("high-speed craft", "wing in ground")),
    ShipGroup("Fishing", "#f0994a", ("fishing",)),
    ShipGroup("Tug & harbour craft", "#46d0c8", ("tug", "towing", "dredging", "diving", "port tender",
                                                 "anti-pollution")),
    ShipGroup("Pilot, SAR & authorities", "#f277c0", ("pilot", "search and rescue", "law enforcement",
                                                      "military", "medical")),
    ShipGroup("Sailing & pleasure", "#b58cf0", ("sailing", "pleasure craft")),
    ShipGroup("Other", "#c9d1d9", ("other",)),
)
UNKNOWN = ShipGroup("Type unknown", "#7a8794", ())
ALL_GROUPS: tuple[ShipGroup, ...] = (*GROUPS, UNKNOWN)
UNKNOWN_GROUP = len(GROUPS)


def _group_of_code() -> np.ndarray:
    table = np.full(len(ais.SHIP_TYPES) + 1, UNKNOWN_GROUP, dtype=np.intp)
    for number, group in enumerate(GROUPS):
        for name in group.types:
            table[ais.SHIP_TYPE_CODES[name]] = number
    missing = [name for code, name in enumerate(ais.SHIP_TYPES) if table[code] == UNKNOWN_GROUP]
    if missing:
        raise RuntimeError(f"ship types without a colour group: {missing}")
    return table


# Indexed by ship-type code; code -1 ('not available') reads the last entry, the unknown group.
_GROUP_OF_CODE = _group_of_code()


def groups_of(ship_type: np.ndarray) -> np.ndarray:
    """The colour-group number of each ship-type code (-1 = unknown)."""
    return _GROUP_OF_CODE[np.asarray(ship_type, dtype=np.intp)]


def group_of(ship_type: int) -> ShipGroup:
    return ALL_GROUPS[int(_GROUP_OF_CODE[int(ship_type)])]
