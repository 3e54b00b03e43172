"""The rules that watch for trouble: pure, deterministic functions of the log that raise alert events.

``RulesEngine`` (``engine``) observes every event in log order and scans on a time the caller gives; each
rule is a small module with one job:

- ``speed``: over the limit of the zone a ship is in, or its general limit (``SpeedLimitExceeded``);
- ``zone_visits``: zones entered and left, port arrivals and departures (``ZoneEntered``, ``ZoneExited``,
  ``PortArrived``, ``PortDeparted``);
- ``dark``: ships silent too long, and back (``SignalLost``, ``SignalRestored``);
- ``loitering``: stopped too long where ships are not expected to wait (``Loitering``);
- ``close_quarters``: pairs closing dangerously (``CloseQuarters``), with the CPA/TCPA math in ``cpa`` and
  the neighbour search in ``proximity``.

Zones come from GeoJSON (``geojson``) as ``ZoneDefined`` events and are indexed for fast lookups
(``zones``); thresholds come from ``RuleSettings`` (``settings``, made of the sections in ``thresholds``).
Rules return ``RaisedAlert``s (``episodes``): the alert event with its causation and correlation ids, for
the application to append on the ship's stream. Nothing here reads a clock, a file or a database.
"""
from domain.rules.engine import RulesEngine, run_rules
from domain.rules.episodes import RaisedAlert
from domain.rules.geojson import InvalidZoneFile, zone_changes, zones_from_geojson, zones_to_geojson
from domain.rules.settings import RuleSettings
from domain.rules.thresholds import (INHERIT, CloseQuartersSettings, DarkSettings, InvalidRuleSettings,
                                     LoiteringSettings, ShipRules, ShipTypeOverrides, SpeedSettings, ZoneSettings)
from domain.rules.zones import Zone, ZoneIndex

__all__ = ["RulesEngine", "run_rules", "RaisedAlert", "InvalidZoneFile", "zone_changes", "zones_from_geojson",
           "zones_to_geojson", "INHERIT", "CloseQuartersSettings", "DarkSettings", "InvalidRuleSettings", "LoiteringSettings",
           "RuleSettings", "ShipRules", "ShipTypeOverrides", "SpeedSettings", "ZoneSettings", "Zone", "ZoneIndex"]
