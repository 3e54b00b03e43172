"""How the rules word their alerts' one-line summaries: distances and ships (durations: domain.time)."""
from __future__ import annotations

from domain.geo import METRES_PER_NAUTICAL_MILE


def distance_text(metres: float) -> str:
    """'350 m' below a nautical mile, else '4.2 nm'."""
    if metres < METRES_PER_NAUTICAL_MILE:
        return f"{metres:.0f} m"
    return f"{metres / METRES_PER_NAUTICAL_MILE:.1f} nm"


def ship_text(mmsi: int, name: str | None) -> str:
    """'PORTLAND EXPRESS (235000007)', or 'MMSI 235000007' when the name is not known."""
    return f"{name} ({mmsi})" if name else f"MMSI {mmsi}"
