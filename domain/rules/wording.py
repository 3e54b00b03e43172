"""How the rules word their alerts' one-line summaries: durations, distances, ships."""
from __future__ import annotations

from domain.geo import METRES_PER_NAUTICAL_MILE


def duration_text(seconds: float) -> str:
    """'45 s', '12 min', '3 h 05 min', '2 d 04 h'."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours:02d} h"


def distance_text(metres: float) -> str:
    """'350 m' below a nautical mile, else '4.2 nm'."""
    if metres < METRES_PER_NAUTICAL_MILE:
        return f"{metres:.0f} m"
    return f"{metres / METRES_PER_NAUTICAL_MILE:.1f} nm"


def ship_text(mmsi: int, name: str | None) -> str:
    """'PORTLAND EXPRESS (235000007)', or 'MMSI 235000007' when the name is not known."""
    return f"{name} ({mmsi})" if name else f"MMSI {mmsi}"
