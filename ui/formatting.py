"""How the console writes positions, times, ages, speeds and courses: one place, so every view agrees."""
from __future__ import annotations

import math
from datetime import datetime

from domain import ais
from domain.display_text import isolated
from domain.time import MICROS_PER_SECOND, duration_text, to_datetime

_PRIME = "\u2032"  # ′ (minutes of arc)

# Where times are read: UTC (the log's own clock) or the computer's local time zone.
UTC, LOCAL = "utc", "local"
TIME_ZONES = (UTC, LOCAL)
# How speeds are read: knots (the sea's unit) or kilometres per hour.
KNOTS, KMH = "kn", "km/h"
SPEED_UNITS = (KNOTS, KMH)
KMH_PER_KNOT = 1.852


def local_datetime(instant: int) -> datetime:
    """The instant in the computer's time zone (by the zone's rules on that date, summer time included)."""
    return to_datetime(instant).astimezone()


def zone_name(instant: int, zone: str = UTC) -> str:
    """'UTC', or the local zone's abbreviation at that instant ('CET'), or its offset when it has none."""
    if zone != LOCAL:
        return "UTC"
    moment = local_datetime(instant)
    name = moment.tzname() or ""
    if not name or name[0] in "+-":
        offset = moment.strftime("%z")
        name = f"UTC{offset[:3]}:{offset[3:]}" if offset else "local"
    return name


def format_moment(instant: int, zone: str = UTC) -> str:
    """'2026-11-25 14:03:12 UTC' (whole seconds: what an operator reads off a clock), or in local time."""
    moment = local_datetime(instant) if zone == LOCAL else to_datetime(instant)
    return f"{moment.strftime('%Y-%m-%d %H:%M:%S')} {zone_name(instant, zone)}"


def format_minute(instant: int, zone: str = UTC) -> str:
    """'2026-11-25 14:03' (the ends of the timeline)."""
    moment = local_datetime(instant) if zone == LOCAL else to_datetime(instant)
    return moment.strftime("%Y-%m-%d %H:%M")


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


def format_age(micros: int) -> str:
    """How long ago, briefly: '12 s', '2 min', '1 h 05 min', '3 d 4 h'."""
    return duration_text(max(0, int(micros) // MICROS_PER_SECOND))


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


# Short forms for table cells, in the words (and COLREG abbreviations) watch officers use.
_SHORT_STATUS = {
    "under way using engine": "under way", "not under command": "NUC", "restricted manoeuvrability": "RAM",
    "constrained by her draught": "CBD", "engaged in fishing": "fishing", "under way sailing": "sailing",
    "reserved for high-speed craft": "reserved", "reserved for wing in ground": "reserved",
    "pushing ahead or towing alongside": "pushing / towing", "AIS-SART active": "AIS-SART",
}
_SHORT_TYPE = {"search and rescue": "SAR", "high-speed craft": "HSC", "wing in ground": "WIG",
               "law enforcement": "law enforcement"}


def nav_status_short(code: int) -> str:
    """The status as a table cell has room for ('under way', 'NUC', 'moored', ...)."""
    text = nav_status_text(code)
    return _SHORT_STATUS.get(text, text)


def ship_type_short(code: int) -> str:
    """The type as a table cell has room for ('cargo', 'SAR', 'HSC', ...)."""
    text = ship_type_name(code)
    return _SHORT_TYPE.get(text, text)


def ship_label(name: object, mmsi: int) -> str:
    """The name an operator knows a ship by: its name (hidden characters shown and, when it runs right to left,
    isolated from the text around it: see domain.display_text), or 'MMSI 235012345' when it has none yet."""
    return isolated(name) if name else f"MMSI {mmsi}"


def ship_with_mmsi(name: object, mmsi: int) -> str:
    """'PORTLAND EXPRESS · 235000007' with the name isolated, so a right-to-left name cannot move the MMSI;
    'MMSI 235000007' when the name is not known."""
    return f"{isolated(name)} · {mmsi}" if name else f"MMSI {mmsi}"


def in_text(name: object) -> str:
    """A name from outside to put inside a sentence: hidden characters shown, isolated from its neighbours."""
    return isolated(name)
