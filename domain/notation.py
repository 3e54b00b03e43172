"""How the sea writes positions, courses, speeds and moments, and how a name from outside goes into a
sentence: one notation, so the console and the printed report agree.

Latitudes and longitudes are degrees and decimal minutes ('50°46.38′N 001°05.58′W'), speeds knots (or km/h
where a reader asks for them), courses degrees, moments UTC to the second. Names that came from outside are
shown with their hidden characters made visible and isolated from the text around them
(``domain.display_text``).
"""
from __future__ import annotations

import math

from domain import ais
from domain.display_text import isolated
from domain.time import to_datetime

_PRIME = "\u2032"  # ′ (minutes of arc)

# How speeds are read: knots (the sea's unit) or kilometres per hour.
KNOTS, KMH = "kn", "km/h"
SPEED_UNITS = (KNOTS, KMH)
KMH_PER_KNOT = 1.852


def utc_moment(instant: int) -> str:
    """'2026-11-25 14:03:12 UTC' (whole seconds: what an operator reads off a clock)."""
    return f"{to_datetime(instant).strftime('%Y-%m-%d %H:%M:%S')} UTC"


def _degrees_minutes(value: float, width: int, positive: str, negative: str, decimals: int) -> str:
    hemisphere = positive if value >= 0 else negative
    scale = 10 ** decimals
    total = round(abs(value) * 60 * scale)  # in 1/scale minutes, so rounding carries into the degrees
    degrees, minutes = divmod(total, 60 * scale)
    minute_width = 3 + decimals if decimals else 2
    return f"{degrees:0{width}d}°{minutes / scale:0{minute_width}.{decimals}f}{_PRIME}{hemisphere}"


def format_latitude(lat: float, decimals: int = 2) -> str:
    """'50°46.38′N'."""
    return _degrees_minutes(lat, 2, "N", "S", decimals)


def format_longitude(lon: float, decimals: int = 2) -> str:
    """'001°05.58′W'."""
    return _degrees_minutes(lon, 3, "E", "W", decimals)


def format_position(lat: float, lon: float) -> str:
    """'50°46.38′N 001°05.58′W'."""
    return f"{format_latitude(lat)} {format_longitude(lon)}"


def format_speed(sog: float, unit: str = KNOTS) -> str:
    """'12.3' (speed over ground in knots, or km/h), or '–' when not available."""
    if math.isnan(sog):
        return "–"
    return f"{sog * KMH_PER_KNOT:.1f}" if unit == KMH else f"{sog:.1f}"


def format_course(cog: float) -> str:
    """'245.0' degrees, or '–' when not available."""
    return "–" if math.isnan(cog) else f"{cog:.1f}"


def ship_type_name(code: int) -> str:
    """The type category of a ship-type code, or 'unknown'."""
    return ais.SHIP_TYPES[code] if 0 <= code < len(ais.SHIP_TYPES) else "unknown"


def nav_status_text(code: int) -> str:
    """The navigational status of a status code, or '–' when not available."""
    return ais.NAV_STATUSES[code] if 0 <= code < len(ais.NAV_STATUSES) else "–"


def ship_with_mmsi(name: object, mmsi: int) -> str:
    """'PORTLAND EXPRESS · 235000007' with the name isolated, so a right-to-left name cannot move the MMSI;
    'MMSI 235000007' when the name is not known."""
    return f"{isolated(name)} · {mmsi}" if name else f"MMSI {mmsi}"


def in_text(name: object) -> str:
    """A name from outside to put inside a sentence: hidden characters shown, isolated from its neighbours."""
    return isolated(name)
