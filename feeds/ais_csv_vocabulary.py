"""The words AIS CSV files use for navigational status, ship type and type of mobile, in the domain's terms.

NOAA MarineCadastre writes status and ship type as AIS codes (older files write the status as text);
the Danish Maritime Authority writes English text ("Under way using engine", "Cargo", "HSC"); other
tools write either. Codes and text both come out as the names of ``domain.ais``. Text nobody maps is
'not available' (None), never an error: a new word in next year's files must not stop an import.
"""
from __future__ import annotations

from typing import Callable

from domain import ais

# Text that means "no value" in the files we read: DMA writes "Unknown", data-frame exports "nan" or "null".
MISSING: frozenset[str] = frozenset({"", "unknown", "nan", "null", "none", "n/a", "-"})


def _key(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").split())


_NAV_STATUS_WORDS: dict[str, str | None] = {
    **{_key(name): name for name in ais.NAV_STATUSES},
    "restricted maneuverability": "restricted manoeuvrability",
    "restricted manoeuverability": "restricted manoeuvrability",
    "restricted manoeuvrability": "restricted manoeuvrability",
    "constrained by her draft": "constrained by her draught",
    "reserved for future amendment [hsc]": "reserved for high-speed craft",
    "reserved for future amendment [wig]": "reserved for wing in ground",
    "power-driven vessel towing astern": "towing astern",
    "power driven vessel towing astern": "towing astern",
    "power-driven vessel pushing ahead or towing alongside": "pushing ahead or towing alongside",
    "power driven vessel pushing ahead or towing alongside": "pushing ahead or towing alongside",
    "reserved for future use": "reserved",
    "ais-sart": "AIS-SART active",
    "ais-sart (active)": "AIS-SART active",
    "ais sart": "AIS-SART active",
    "unknown value": "not defined",  # DMA's words for AIS status 15, which NOAA files carry as the code 15
    "undefined": "not defined",
    "default": "not defined",
}

_SHIP_TYPE_WORDS: dict[str, str | None] = {
    **{_key(name): name for name in ais.SHIP_TYPES},
    "sar": "search and rescue",
    "pleasure": "pleasure craft",
    "hsc": "high-speed craft",
    "high speed craft": "high-speed craft",
    "wig": "wing in ground",
    "towing long/wide": "towing",
    "anti pollution": "anti-pollution",
    # AIS codes 38-39 and 56-57 (reserved, spare) and 59 (not party to conflict): ship_type_from_code
    # files them as "other", so their words do too
    "spare": "other",
    "spare 1": "other",
    "spare 2": "other",
    "reserved": "other",
    "not party to conflict": "other",
    "undefined": None,
}

# Type of mobile (DMA): what transmitted. Only class A and B transponders are ships.
SHIP_TRANSPONDERS: frozenset[str] = frozenset({"class a", "class b", "class b/so", "class b/cs"})


def _without_bracket(key: str) -> str:
    """'reserved for future use [11]' -> 'reserved for future use'."""
    for opening in ("[", "("):
        cut = key.find(opening)
        if cut > 0:
            return key[:cut].strip()
    return key


def _code(text: str) -> int | None:
    """The integer a numeric cell holds ('5', '5.0'), None if it holds something else."""
    cleaned = text.strip()
    if cleaned.isdecimal():
        return int(cleaned)
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return int(value) if value.is_integer() and value >= 0 else None


def nav_status_of(text: str) -> str | None:
    """The navigational status a cell names, by AIS code or by its words; None when not available or unknown."""
    key = _key(text)
    if key in MISSING:
        return None
    code = _code(key)
    if code is not None:
        return ais.nav_status_name(code)
    if key in _NAV_STATUS_WORDS:
        return _NAV_STATUS_WORDS[key]
    return _NAV_STATUS_WORDS.get(_without_bracket(key))


def ship_type_of(text: str) -> str | None:
    """The ship type category a cell names, by AIS code (70, 1-99) or by its words ('Cargo', 'HSC');
    None when not available or unknown."""
    key = _key(text)
    if key in MISSING:
        return None
    code = _code(key)
    if code is not None:
        return ais.ship_type_from_code(code)
    if key in _SHIP_TYPE_WORDS:
        return _SHIP_TYPE_WORDS[key]
    return _SHIP_TYPE_WORDS.get(_without_bracket(key))


def non_ship_transponder(text: str) -> str | None:
    """What a 'Type of mobile' cell names when it is no ship ('Base Station', 'AtoN', 'SAR Airborne'),
    None for a ship's class A or B transponder or an empty cell (the MMSI then decides)."""
    cleaned = text.strip()
    key = _key(cleaned)
    if key in MISSING or key in SHIP_TRANSPONDERS:
        return None
    return cleaned


class Vocabulary:
    """Remembers what each distinct cell text meant, so a file repeating 'Moored' a million times looks it
    up once: readers look in ``known`` first and ``learn`` what is not there. Bounded: a file of endless
    distinct words costs lookups, not memory."""

    MAX_ENTRIES = 4_096

    def __init__(self, meaning: Callable[[str], str | None]):
        self._meaning = meaning
        self.known: dict[str, str | None] = {}

    def learn(self, text: str) -> str | None:
        value = self._meaning(text)
        if len(self.known) < self.MAX_ENTRIES:
            self.known[text] = value
        return value

    def __call__(self, text: str) -> str | None:
        known = self.known
        return known[text] if text in known else self.learn(text)
