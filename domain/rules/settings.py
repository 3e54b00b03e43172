"""The thresholds of the rules: defaults a watch can start with, overrides per ship type, read from a mapping.

The application reads a TOML file into a dict and hands it to ``RuleSettings.from_mapping``; every section
and key is optional, anything unknown or out of range is refused with ``InvalidRuleSettings`` naming the key
(``close_quarters.cpa_m``, ``ship_types.tug.dark.after_s``). The file looks like::

    [speed]
    limit_kn = 30            # a limit for every ship; none unless set ("none" says so explicitly)
    hysteresis_kn = 0.5      # an episode ends once the ship is this far back under the limit ...
    grace_s = 120            # ... and has stayed so this long (a ship yawing over the limit stays one episode)
    episode_gap_s = 900      # ... or after a silence this long

    [dark]
    after_s = 1800           # no report for this long: the signal is lost (ship under way)
    stationary_after_s = 10800   # ... when moored, at anchor or aground, or slower than below
    stationary_below_kn = 0.5
    history_after_s = 86400  # a report already older than this (by the log's own time) when it is
                             # recorded starts no silence watch: an archive imported into a live log is history

    [loitering]
    below_kn = 0.5           # slower than this ...
    after_s = 3600           # ... for this long, outside zones of these kinds:
    exempt_zone_kinds = ["port", "anchorage"]

    [close_quarters]
    cpa_m = 926              # closest point of approach under this (0.5 nm) ...
    horizon_s = 1200         # ... within this time
    critical_cpa_m = 185.2   # critical under this (0.1 nm)
    search_radius_m = 22224  # pairs are looked for within this range (12 nm)
    max_report_age_s = 360   # ships whose last report is older take no part
    min_sog_kn = 1.0         # at least one ship of a pair must make this much way
    release_factor = 1.5     # an encounter lasts while its CPA stays under cpa_m times this ...
    rearm_s = 600            # ... and ends once it has not for this long
    in_ports = false         # pairs with a ship inside a port zone are left to the port

    [zones]
    severity = { restricted = "critical", anchorage = "info", generic = "info" }   # or "off"

    [priorities]             # emergency, alarm, warning or caution, per rule (IMO MSC.302(87))
    restricted_zone = "alarm"
    critical_cpa = "alarm"   # a close-quarters encounter under close_quarters.critical_cpa_m
    close_quarters = "warning"
    dark = "warning"
    speed = "warning"
    position_jump = "warning"
    zone = "caution"         # entering an anchorage or other zone
    port = "caution"         # port arrivals and departures
    loitering = "caution"
    escalate_after_s = 180   # a warning unacknowledged this long becomes an alarm (while a console watches; 0: never)

    [plausibility]
    max_kn = 70              # a report farther from the last than this speed would carry the ship ...
    margin_m = 2000          # ... plus this, is a position jump
    speed_kn = { cargo = 30, tanker = 25, passenger = 35, fishing = 25, tug = 20, towing = 20,
                 dredging = 20, pilot = 35 }   # speeds no ship of the type can make ("none": no ceiling)

Plausibility by default: the speed rule holds every ship to the lower of its speed limit and the ceiling of
its type (``plausibility.speed_kn``), so a cargo ship reporting 40 kn raises a speed alert with the default
settings; high-speed craft, SAR aircraft and craft whose speeds vary widely (pleasure craft, sailing,
military, law enforcement) have no ceiling.

    [ship_types."high-speed craft".speed]
    limit_kn = 40
    [ship_types.sailing.dark]
    after_s = 7200

Per ship type only these can change: ``speed.limit_kn``, ``dark.after_s``, ``dark.stationary_after_s``,
``loitering.below_kn``, ``loitering.after_s`` and ``close_quarters.cpa_m`` (a pair uses the larger of its
two ships' distances). A type given in the file keeps the default overrides of that type for the keys it
does not set. Speeds are kept to 0.1 kn, as AIS reports them.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping

from domain import ais
from domain.rules.thresholds import (DAY_S, INHERIT, OFF, CloseQuartersSettings, DarkSettings, InvalidRuleSettings,
                                     LoiteringSettings, PlausibilitySettings, PrioritySettings, ShipRules,
                                     ShipTypeOverrides, SpeedSettings, ZoneSettings, check_knots, check_limit,
                                     check_number)

# Class B sets (most pleasure craft and sailing yachts) report less often and are heard less far.
DEFAULT_SHIP_TYPES: Mapping[str, ShipTypeOverrides] = MappingProxyType({
    "pleasure craft": ShipTypeOverrides(dark_after_s=7_200.0),
    "sailing": ShipTypeOverrides(dark_after_s=7_200.0),
})

# The keys a ship type may override, as the file spells them, and the override field each sets.
_OVERRIDABLE = {("speed", "limit_kn"): "speed_limit_kn", ("dark", "after_s"): "dark_after_s",
                ("dark", "stationary_after_s"): "dark_stationary_after_s",
                ("loitering", "below_kn"): "loitering_below_kn", ("loitering", "after_s"): "loitering_after_s",
                ("close_quarters", "cpa_m"): "close_quarters_cpa_m"}


@dataclass(frozen=True)
class RuleSettings:
    """Everything the rules need to know, validated. ``for_ship_type`` gives the thresholds of one ship."""

    speed: SpeedSettings = field(default_factory=SpeedSettings)
    dark: DarkSettings = field(default_factory=DarkSettings)
    loitering: LoiteringSettings = field(default_factory=LoiteringSettings)
    close_quarters: CloseQuartersSettings = field(default_factory=CloseQuartersSettings)
    zones: ZoneSettings = field(default_factory=ZoneSettings)
    priorities: PrioritySettings = field(default_factory=PrioritySettings)
    plausibility: PlausibilitySettings = field(default_factory=PlausibilitySettings)
    ship_types: Mapping[str, ShipTypeOverrides] = field(default_factory=lambda: DEFAULT_SHIP_TYPES)
    _resolved: Mapping[str | None, ShipRules] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sections = (("speed", SpeedSettings), ("dark", DarkSettings), ("loitering", LoiteringSettings),
                    ("close_quarters", CloseQuartersSettings), ("zones", ZoneSettings),
                    ("priorities", PrioritySettings), ("plausibility", PlausibilitySettings))
        for name, cls in sections:
            if not isinstance(getattr(self, name), cls):
                raise InvalidRuleSettings(name, f"must be {cls.__name__}, got {getattr(self, name)!r}")
        general = ShipRules(self.speed.limit_kn, self.dark.after_s, self.dark.stationary_after_s,
                            self.loitering.below_kn, self.loitering.after_s, self.close_quarters.cpa_m,
                            self.dark.stationary_below_kn)
        resolved: dict[str | None, ShipRules] = {None: general}
        for ship_type in self.plausibility.speed_kn:
            if ship_type not in self.ship_types:
                resolved[ship_type] = dataclasses.replace(general, speed_ceiling_kn=self.plausibility.speed_kn[ship_type])
        for ship_type, overrides in self.ship_types.items():
            if ship_type not in ais.SHIP_TYPE_CODES:
                raise InvalidRuleSettings(f"ship_types.{ship_type}",
                                          f"unknown ship type; known: {', '.join(ais.SHIP_TYPES)}")
            if not isinstance(overrides, ShipTypeOverrides):
                raise InvalidRuleSettings(f"ship_types.{ship_type}", f"must be ShipTypeOverrides, got {overrides!r}")
            resolved[ship_type] = dataclasses.replace(_resolve(general, ship_type, overrides),
                                                      speed_ceiling_kn=self.plausibility.speed_kn.get(ship_type))
        object.__setattr__(self, "ship_types", MappingProxyType(dict(self.ship_types)))
        object.__setattr__(self, "_resolved", MappingProxyType(resolved))

    def __deepcopy__(self, memo: dict[int, object]) -> "RuleSettings":
        return self  # immutable: an engine copied to carry its state over shares its settings

    def for_ship_type(self, ship_type: str | None) -> ShipRules:
        """The thresholds for a ship of this type (the general ones for a type not known or not overridden)."""
        resolved = self._resolved
        return resolved.get(ship_type) or resolved[None]

    def zone_entry_severity(self, kind: str) -> str | None:
        """The severity of entering a zone of this kind; None when its entries raise nothing."""
        severity = self.zones.severity.get(kind, OFF)
        return None if severity == OFF else severity

    # --- reading and writing the settings file's mapping ------------------------------------------------------

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> "RuleSettings":
        """Settings from a parsed settings file (every section and key optional; see the module's example)."""
        if not isinstance(mapping, Mapping):
            raise InvalidRuleSettings("settings", f"must be a table, got {type(mapping).__name__}")
        known = ("speed", "dark", "loitering", "close_quarters", "zones", "priorities", "plausibility", "ship_types")
        for name in mapping:
            if name not in known:
                raise InvalidRuleSettings(str(name), f"unknown section; known: {', '.join(known)}")
        values: dict[str, Any] = {}
        for name, section_class in (("speed", SpeedSettings), ("dark", DarkSettings),
                                    ("loitering", LoiteringSettings), ("close_quarters", CloseQuartersSettings),
                                    ("zones", ZoneSettings), ("priorities", PrioritySettings),
                                    ("plausibility", PlausibilitySettings)):
            if name in mapping:
                values[name] = _section(name, section_class, mapping[name])
        if "ship_types" in mapping:
            values["ship_types"] = _ship_types(mapping["ship_types"])
        return cls(**values)

    def to_mapping(self) -> dict[str, Any]:
        """The settings as a settings file would give them (``from_mapping`` of it gives these settings back)."""
        result: dict[str, Any] = {}
        for name in ("speed", "dark", "loitering", "close_quarters", "zones", "priorities", "plausibility"):
            section = getattr(self, name)
            values = {}
            for f in dataclasses.fields(section):
                value = getattr(section, f.name)
                if value is None:
                    continue
                values[f.name] = list(value) if isinstance(value, tuple) else \
                    {k: "none" if v is None else v for k, v in value.items()} if isinstance(value, Mapping) else value
            result[name] = values
        types: dict[str, Any] = {}
        for ship_type, overrides in self.ship_types.items():
            table: dict[str, dict[str, Any]] = {}
            for (section, key), name in _OVERRIDABLE.items():
                value = getattr(overrides, name)
                if value is not INHERIT:
                    table.setdefault(section, {})[key] = "none" if value is None else value
            types[ship_type] = table
        result["ship_types"] = types
        return result


def _resolve(general: ShipRules, ship_type: str, overrides: ShipTypeOverrides) -> ShipRules:
    p = f"ship_types.{ship_type}."
    values = {f.name: getattr(general, f.name) for f in dataclasses.fields(general) if f.init}
    checks: dict[str, Callable[[object], float | None]] = {
        "speed_limit_kn": lambda v: check_limit(p + "speed.limit_kn", v),
        "dark_after_s": lambda v: check_number(p + "dark.after_s", v, 60.0, 30 * DAY_S),
        "dark_stationary_after_s": lambda v: check_number(p + "dark.stationary_after_s", v, 60.0, 30 * DAY_S),
        "loitering_below_kn": lambda v: check_knots(p + "loitering.below_kn", v, open_low=True),
        "loitering_after_s": lambda v: check_number(p + "loitering.after_s", v, 60.0, 30 * DAY_S),
        "close_quarters_cpa_m": lambda v: check_number(p + "close_quarters.cpa_m", v, 0.0, 100_000.0, open_low=True)}
    for name, value in overrides.changed().items():
        values[name] = checks[name](value)
    return ShipRules(**values)


def _table(key: str, value: object) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidRuleSettings(key, f"must be a table, got {value!r}")
    return value


def _section(name: str, section_class: type, table: object) -> Any:
    table = _table(name, table)
    fields = {f.name: f for f in dataclasses.fields(section_class)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in fields:
            raise InvalidRuleSettings(f"{name}.{key}", f"unknown setting; known: {', '.join(fields)}")
        if name == "speed" and key == "limit_kn" and value == "none":
            value = None
        elif isinstance(value, list):
            value = tuple(value)
        values[key] = value
    return section_class(**values)


def _ship_types(table: object) -> Mapping[str, ShipTypeOverrides]:
    table = _table("ship_types", table)
    result = dict(DEFAULT_SHIP_TYPES)
    for ship_type, sections in table.items():
        where = f"ship_types.{ship_type}"
        if ship_type not in ais.SHIP_TYPE_CODES:
            raise InvalidRuleSettings(where, f"unknown ship type; known: {', '.join(ais.SHIP_TYPES)}")
        changes = result.get(ship_type, ShipTypeOverrides()).changed()
        for section, keys in _table(where, sections).items():
            for key, value in _table(f"{where}.{section}", keys).items():
                name = _OVERRIDABLE.get((section, key))
                if name is None:
                    allowed = ", ".join(f"{s}.{k}" for s, k in _OVERRIDABLE)
                    raise InvalidRuleSettings(f"{where}.{section}.{key}",
                                              f"cannot be set per ship type; these can: {allowed}")
                changes[name] = None if (name == "speed_limit_kn" and value == "none") else value
        result[ship_type] = ShipTypeOverrides(**changes)
    return result
