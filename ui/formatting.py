"""How the console writes positions, times, ages, speeds and courses: one place, so every view agrees.

The notation itself (positions, courses, speeds, status and type names, names in text) is the domain's
(``domain.notation``), shared with the printed report; the console adds its reader's choices (UTC or local
time), ages, and the short forms a table cell has room for.
"""
from __future__ import annotations

from datetime import datetime

from domain.display_text import isolated
from domain.notation import (KMH, KMH_PER_KNOT, KNOTS, SPEED_UNITS, format_course, format_latitude,  # noqa: F401
                             format_longitude, format_position, format_speed, in_text, nav_status_text,
                             ship_type_name, ship_with_mmsi, utc_moment)
from domain.time import MICROS_PER_SECOND, duration_text, to_datetime

# Where times are read: UTC (the log's own clock) or the computer's local time zone.
UTC, LOCAL = "utc", "local"
TIME_ZONES = (UTC, LOCAL)


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
    if zone != LOCAL:
        return utc_moment(instant)
    return f"{local_datetime(instant).strftime('%Y-%m-%d %H:%M:%S')} {zone_name(instant, zone)}"


def format_minute(instant: int, zone: str = UTC) -> str:
    """'2026-11-25 14:03' (the ends of the timeline)."""
    moment = local_datetime(instant) if zone == LOCAL else to_datetime(instant)
    return moment.strftime("%Y-%m-%d %H:%M")


def format_age(micros: int) -> str:
    """How long ago, briefly: '12 s', '2 min', '1 h 05 min', '3 d 4 h'."""
    return duration_text(max(0, int(micros) // MICROS_PER_SECOND))


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
