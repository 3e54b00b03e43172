"""The thresholds of the rules, section by section, as validated values; and the thresholds of one ship.

``RuleSettings`` (``domain.rules.settings``) puts the sections together with the overrides per ship type
and reads them from a settings file. Every section checks its values when it is made and raises
``InvalidRuleSettings`` naming the key as the settings file spells it (``close_quarters.cpa_m``).
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping, TypeGuard

from domain import ais
from domain.errors import DomainError
from domain.events.alerts import ALARM, CAUTION, PRIORITIES, SEVERITIES, WARNING
from domain.events.zones import ZONE_KINDS
from domain.time import MICROS_PER_SECOND

OFF = "off"
DAY_S = 86_400.0
ENTRY_ZONE_KINDS = tuple(kind for kind in ZONE_KINDS if kind != "port")
"""Zone kinds whose entries and exits are zone events (a port's are arrivals and departures instead)."""
STATIONARY_STATUSES = frozenset({"moored", "at anchor", "aground"})


class InvalidRuleSettings(DomainError, ValueError):
    """A setting that cannot be used; ``key`` names it as the settings file spells it."""

    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}")
        self.key = key
        self.reason = message


class _Inherit:
    """The value of a ship-type override that does not override anything."""

    _instance: "_Inherit | None" = None

    def __new__(cls) -> "_Inherit":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "INHERIT"

    def __reduce__(self) -> str:
        return "INHERIT"


INHERIT: Any = _Inherit()


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_number(key: str, value: object, low: float, high: float, *, open_low: bool = False) -> float:
    if not _is_number(value) or value < low or value > high or (open_low and value == low):
        bracket = "(" if open_low else "["
        raise InvalidRuleSettings(key, f"must be a number in {bracket}{low:g}, {high:g}], got {value!r}")
    return float(value)


def check_knots(key: str, value: object, *, open_low: bool = False) -> float:
    knots = round(check_number(key, value, 0.0, ais.SOG_MAX, open_low=open_low) * 10) / 10
    if open_low and knots == 0.0:
        raise InvalidRuleSettings(key, f"{value!r} kn rounds to 0 at 0.1 kn")
    return knots


def check_limit(key: str, value: object) -> float | None:
    return None if value is None else check_knots(key, value, open_low=True)


def _set(instance: object, name: str, value: object) -> None:
    object.__setattr__(instance, name, value)


@dataclass(frozen=True, slots=True)
class SpeedSettings:
    """Speed limits: one for every ship (none by default), and how an episode over a limit ends."""

    limit_kn: float | None = None
    hysteresis_kn: float = 0.5
    episode_gap_s: float = 900.0
    grace_s: float = 120.0

    def __post_init__(self) -> None:
        _set(self, "limit_kn", check_limit("speed.limit_kn", self.limit_kn))
        _set(self, "hysteresis_kn", check_number("speed.hysteresis_kn", self.hysteresis_kn, 0.0, 10.0))
        _set(self, "episode_gap_s", check_number("speed.episode_gap_s", self.episode_gap_s, 1.0, 30 * DAY_S))
        _set(self, "grace_s", check_number("speed.grace_s", self.grace_s, 0.0, DAY_S))


@dataclass(frozen=True, slots=True)
class DarkSettings:
    """How long a ship may be silent before its signal counts as lost; and how old a report may be, by the
    log's own time, when the log learns of it, for the silence after it to be watched (older ones, from an
    archive imported into a live log, are history)."""

    after_s: float = 1_800.0
    stationary_after_s: float = 10_800.0
    stationary_below_kn: float = 0.5
    history_after_s: float = DAY_S

    def __post_init__(self) -> None:
        _set(self, "after_s", check_number("dark.after_s", self.after_s, 60.0, 30 * DAY_S))
        _set(self, "stationary_after_s",
             check_number("dark.stationary_after_s", self.stationary_after_s, 60.0, 30 * DAY_S))
        _set(self, "stationary_below_kn", check_knots("dark.stationary_below_kn", self.stationary_below_kn))
        _set(self, "history_after_s", check_number("dark.history_after_s", self.history_after_s, 60.0, 3_650 * DAY_S))


@dataclass(frozen=True, slots=True)
class LoiteringSettings:
    """How slow for how long counts as loitering, and in which kinds of zone it is expected."""

    below_kn: float = 0.5
    after_s: float = 3_600.0
    exempt_zone_kinds: tuple[str, ...] = ("port", "anchorage")

    def __post_init__(self) -> None:
        _set(self, "below_kn", check_knots("loitering.below_kn", self.below_kn, open_low=True))
        _set(self, "after_s", check_number("loitering.after_s", self.after_s, 60.0, 30 * DAY_S))
        kinds = self.exempt_zone_kinds
        if isinstance(kinds, str) or not isinstance(kinds, (list, tuple)) or any(k not in ZONE_KINDS for k in kinds):
            raise InvalidRuleSettings("loitering.exempt_zone_kinds",
                                      f"must be a list of zone kinds ({', '.join(ZONE_KINDS)}), got {kinds!r}")
        _set(self, "exempt_zone_kinds", tuple(sorted(set(kinds), key=ZONE_KINDS.index)))


@dataclass(frozen=True, slots=True)
class CloseQuartersSettings:
    """When two ships are closing dangerously: CPA under ``cpa_m`` within ``horizon_s``."""

    cpa_m: float = 926.0
    critical_cpa_m: float = 185.2
    horizon_s: float = 1_200.0
    search_radius_m: float = 22_224.0
    max_report_age_s: float = 360.0
    min_sog_kn: float = 1.0
    release_factor: float = 1.5
    rearm_s: float = 600.0
    in_ports: bool = False

    def __post_init__(self) -> None:
        p = "close_quarters."
        _set(self, "cpa_m", check_number(p + "cpa_m", self.cpa_m, 0.0, 100_000.0, open_low=True))
        _set(self, "critical_cpa_m", check_number(p + "critical_cpa_m", self.critical_cpa_m, 0.0, self.cpa_m))
        _set(self, "horizon_s", check_number(p + "horizon_s", self.horizon_s, 0.0, DAY_S / 2, open_low=True))
        _set(self, "search_radius_m", check_number(p + "search_radius_m", self.search_radius_m, self.cpa_m, 500_000.0))
        _set(self, "max_report_age_s", check_number(p + "max_report_age_s", self.max_report_age_s, 0.0, DAY_S / 2,
                                               open_low=True))
        _set(self, "min_sog_kn", check_knots(p + "min_sog_kn", self.min_sog_kn))
        _set(self, "release_factor", check_number(p + "release_factor", self.release_factor, 1.0, 10.0))
        _set(self, "rearm_s", check_number(p + "rearm_s", self.rearm_s, 0.0, 30 * DAY_S))
        if not isinstance(self.in_ports, bool):
            raise InvalidRuleSettings(p + "in_ports", f"must be true or false, got {self.in_ports!r}")


def _check_priority(key: str, value: object) -> str:
    if not isinstance(value, str) or value not in PRIORITIES:
        raise InvalidRuleSettings(key, f"must be one of {', '.join(PRIORITIES)}, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class PrioritySettings:
    """The bridge priority of each rule's alerts (IMO MSC.302(87)), and when an unacknowledged warning
    becomes an alarm (``escalate_after_s``; 0: never)."""

    restricted_zone: str = ALARM
    critical_cpa: str = ALARM
    close_quarters: str = WARNING
    dark: str = WARNING
    speed: str = WARNING
    position_jump: str = WARNING
    zone: str = CAUTION
    port: str = CAUTION
    loitering: str = CAUTION
    escalate_after_s: float = 180.0

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            if f.name != "escalate_after_s":
                _check_priority(f"priorities.{f.name}", getattr(self, f.name))
        _set(self, "escalate_after_s", check_number("priorities.escalate_after_s", self.escalate_after_s, 0.0, DAY_S))

    def zone_entry(self, kind: str) -> str:
        """The priority of entering a zone of this kind."""
        return self.restricted_zone if kind == "restricted" else self.zone


# Speeds no ship of a type can make (a few knots above the fastest of its kind): faster means bad data.
_DEFAULT_CEILINGS = MappingProxyType({"cargo": 30.0, "tanker": 25.0, "passenger": 35.0, "fishing": 25.0, "tug": 20.0,
                                      "towing": 20.0, "dredging": 20.0, "pilot": 35.0})


@dataclass(frozen=True, slots=True)
class PlausibilitySettings:
    """A report farther from the ship's previous one than ``max_kn`` would carry it in the time, plus
    ``margin_m`` for the noise of a position fix, is a position jump (bad data or spoofing)."""

    max_kn: float = 70.0
    margin_m: float = 2_000.0
    speed_kn: Mapping[str, float | None] = field(default_factory=lambda: _DEFAULT_CEILINGS)

    def __post_init__(self) -> None:
        _set(self, "max_kn", check_number("plausibility.max_kn", self.max_kn, 1.0, 1_000.0))
        _set(self, "margin_m", check_number("plausibility.margin_m", self.margin_m, 0.0, 100_000.0))
        given = self.speed_kn
        if not isinstance(given, Mapping):
            raise InvalidRuleSettings("plausibility.speed_kn", f"must be a table of ship type to knots, got {given!r}")
        merged: dict[str, float | None] = dict(_DEFAULT_CEILINGS)
        for ship_type, knots in given.items():
            knots_given: object = knots
            if ship_type not in ais.SHIP_TYPE_CODES:
                raise InvalidRuleSettings(f"plausibility.speed_kn.{ship_type}",
                                          f"unknown ship type; known: {', '.join(ais.SHIP_TYPES)}")
            merged[ship_type] = None if knots_given is None or knots_given == "none" else \
                check_limit(f"plausibility.speed_kn.{ship_type}", knots_given)
        _set(self, "speed_kn", MappingProxyType(merged))


_DEFAULT_ZONE_SEVERITY = MappingProxyType({"restricted": "critical", "anchorage": "info", "generic": "info"})


@dataclass(frozen=True, slots=True)
class ZoneSettings:
    """The severity of a ``ZoneEntered`` alert by zone kind, or ``"off"`` for no entry and exit events."""

    severity: Mapping[str, str] = field(default_factory=lambda: _DEFAULT_ZONE_SEVERITY)

    def __post_init__(self) -> None:
        given = self.severity
        if not isinstance(given, Mapping):
            raise InvalidRuleSettings("zones.severity", f"must be a table of zone kind to severity, got {given!r}")
        merged = dict(_DEFAULT_ZONE_SEVERITY)
        for kind, severity in given.items():
            if kind not in ENTRY_ZONE_KINDS:
                known = ", ".join(ENTRY_ZONE_KINDS)
                raise InvalidRuleSettings(f"zones.severity.{kind}",
                                          f"unknown zone kind (ports raise arrivals and departures); known: {known}")
            if severity not in SEVERITIES + (OFF,):
                raise InvalidRuleSettings(f"zones.severity.{kind}", f"must be one of {', '.join(SEVERITIES)} or "
                                                                    f"{OFF}, got {severity!r}")
            merged[kind] = severity
        _set(self, "severity", MappingProxyType(merged))


@dataclass(frozen=True, slots=True)
class ShipTypeOverrides:
    """The thresholds one ship type changes; ``INHERIT`` keeps the general setting (for the speed limit,
    None means no limit for that type)."""

    speed_limit_kn: Any = INHERIT
    dark_after_s: Any = INHERIT
    dark_stationary_after_s: Any = INHERIT
    loitering_below_kn: Any = INHERIT
    loitering_after_s: Any = INHERIT
    close_quarters_cpa_m: Any = INHERIT

    def changed(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if getattr(self, f.name) is not INHERIT}


@dataclass(frozen=True, slots=True)
class ShipRules:
    """The thresholds that apply to one ship: the general settings with its type's overrides."""

    speed_limit_kn: float | None
    dark_after_s: float
    dark_stationary_after_s: float
    loitering_below_kn: float
    loitering_after_s: float
    close_quarters_cpa_m: float
    dark_stationary_below_kn: float = 0.5
    speed_ceiling_kn: float | None = None  # a speed no ship of this type can make (plausibility)
    dark_after_us: int = field(init=False, repr=False, compare=False)
    dark_stationary_after_us: int = field(init=False, repr=False, compare=False)
    loitering_after_us: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _set(self, "dark_after_us", round(self.dark_after_s * MICROS_PER_SECOND))
        _set(self, "dark_stationary_after_us", round(self.dark_stationary_after_s * MICROS_PER_SECOND))
        _set(self, "loitering_after_us", round(self.loitering_after_s * MICROS_PER_SECOND))

    def dark_after(self, sog: float | None, nav_status: str | None) -> tuple[int, float]:
        """How long (microseconds, seconds) a ship last seen with this speed and status may stay silent."""
        if nav_status in STATIONARY_STATUSES or (sog is not None and sog < self.dark_stationary_below_kn):
            return self.dark_stationary_after_us, self.dark_stationary_after_s
        return self.dark_after_us, self.dark_after_s


