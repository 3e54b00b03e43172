"""AIS vocabularies: 'not available' sentinels, navigational status names and ship type categories.

Values follow ITU-R M.1371. Events store names, not codes, so the log reads like the domain.
"""
from __future__ import annotations

LAT_NOT_AVAILABLE = 91.0
LON_NOT_AVAILABLE = 181.0
SOG_NOT_AVAILABLE = 102.3
COG_NOT_AVAILABLE = 360.0
HEADING_NOT_AVAILABLE = 511
SOG_MAX = 102.2  # the largest speed the AIS field can carry

NAV_STATUSES: tuple[str, ...] = (
    "under way using engine",
    "at anchor",
    "not under command",
    "restricted manoeuvrability",
    "constrained by her draught",
    "moored",
    "aground",
    "engaged in fishing",
    "under way sailing",
    "reserved for high-speed craft",
    "reserved for wing in ground",
    "towing astern",
    "pushing ahead or towing alongside",
    "reserved",
    "AIS-SART active",
    "not defined",
)
NAV_STATUS_CODES: dict[str, int] = {name: code for code, name in enumerate(NAV_STATUSES)}


def nav_status_name(code: int | None) -> str | None:
    """The status name of an AIS code 0-15; None for a missing or out-of-range code."""
    if code is None or not 0 <= code < len(NAV_STATUSES):
        return None
    return NAV_STATUSES[code]


SHIP_TYPES: tuple[str, ...] = (
    "cargo",
    "tanker",
    "passenger",
    "fishing",
    "tug",
    "towing",
    "pilot",
    "search and rescue",
    "law enforcement",
    "military",
    "high-speed craft",
    "sailing",
    "pleasure craft",
    "dredging",
    "diving",
    "port tender",
    "anti-pollution",
    "medical",
    "wing in ground",
    "other",
)
SHIP_TYPE_CODES: dict[str, int] = {name: code for code, name in enumerate(SHIP_TYPES)}

_SINGLE_CODES = {
    30: "fishing", 31: "towing", 32: "towing", 33: "dredging", 34: "diving", 35: "military",
    36: "sailing", 37: "pleasure craft", 50: "pilot", 51: "search and rescue", 52: "tug",
    53: "port tender", 54: "anti-pollution", 55: "law enforcement", 58: "medical",
}
_DECADES = {2: "wing in ground", 4: "high-speed craft", 6: "passenger", 7: "cargo", 8: "tanker", 9: "other"}


def ship_type_from_code(code: int | None) -> str | None:
    """The category of an AIS 'type of ship and cargo' code (0-99); None when not available."""
    if code is None or not 1 <= code <= 99:
        return None
    if code in _SINGLE_CODES:
        return _SINGLE_CODES[code]
    return _DECADES.get(code // 10, "other")


# What an MMSI belongs to (ITU-R M.585). Only ships enter the fleet; the rest are counted and skipped.
SHIP = "ship"
BASE_STATION = "base station"
AID_TO_NAVIGATION = "aid to navigation"
SAR_AIRCRAFT = "SAR aircraft"
DISTRESS_BEACON = "distress beacon"  # AIS-SART, man overboard, EPIRB-AIS (97x)


def mmsi_kind(mmsi: int) -> str | None:
    """What transmits under ``mmsi``: a ship, a base station, an aid to navigation, a SAR aircraft or a
    distress beacon; None when it is no valid MMSI at all (not 9 digits once leading zeros are restored)."""
    if type(mmsi) is int and 112_000_000 <= mmsi < 970_000_000:  # nearly every MMSI heard: a ship's (MID 2xx-7xx)
        return SHIP
    if isinstance(mmsi, bool) or not isinstance(mmsi, int) or mmsi <= 0 or mmsi > 999_999_999:
        return None
    if 2_000_000 <= mmsi <= 7_999_999:  # 00MIDxxxx: coast and base stations
        return BASE_STATION
    if mmsi < 100_000_000:  # 8 digits or fewer: group calls or a damaged number, not a ship
        return None
    if mmsi >= 990_000_000:  # 99MIDxxxx
        return AID_TO_NAVIGATION
    if 970_000_000 <= mmsi < 980_000_000:
        return DISTRESS_BEACON
    if 111_000_000 <= mmsi < 112_000_000:  # 111MIDxxx
        return SAR_AIRCRAFT
    return SHIP
