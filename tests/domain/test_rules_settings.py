"""Rule settings: sensible defaults, overrides per ship type, and a settings file refused by the key at fault."""
from __future__ import annotations

import pytest

from domain.rules import INHERIT, InvalidRuleSettings, RuleSettings, ShipTypeOverrides, SpeedSettings


def test_the_defaults_watch_a_ship_under_way_for_half_an_hour_and_one_at_anchor_for_three():
    rules = RuleSettings().for_ship_type("cargo")
    assert rules.speed_limit_kn is None
    assert rules.dark_after(12.0, "under way using engine") == (30 * 60 * 1_000_000, 1_800.0)
    assert rules.dark_after(0.0, "at anchor")[1] == rules.dark_after(9.0, "moored")[1] == 10_800.0
    assert rules.dark_after(0.2, None)[1] == 10_800.0  # no status (class B): stopped is stopped
    assert (rules.loitering_below_kn, rules.loitering_after_s, rules.close_quarters_cpa_m) == (0.5, 3_600.0, 926.0)


def test_class_b_craft_may_stay_silent_longer_by_default():
    assert RuleSettings().for_ship_type("pleasure craft").dark_after_s == 7_200.0
    assert RuleSettings().for_ship_type(None).dark_after_s == 1_800.0


def test_a_settings_file_sets_general_limits_and_ship_type_overrides():
    settings = RuleSettings.from_mapping({
        "speed": {"limit_kn": 25.04, "hysteresis_kn": 1},
        "dark": {"after_s": 900},
        "loitering": {"exempt_zone_kinds": ["port"]},
        "close_quarters": {"cpa_m": 1_000, "in_ports": True},
        "zones": {"severity": {"generic": "off", "restricted": "warning"}},
        "ship_types": {"high-speed craft": {"speed": {"limit_kn": 40}},
                       "tug": {"speed": {"limit_kn": "none"}, "close_quarters": {"cpa_m": 100}},
                       "sailing": {"loitering": {"after_s": 7_200}}},
    })
    assert settings.speed == SpeedSettings(limit_kn=25.0, hysteresis_kn=1.0)
    assert settings.for_ship_type("cargo").speed_limit_kn == 25.0
    assert settings.for_ship_type("high-speed craft").speed_limit_kn == 40.0
    assert settings.for_ship_type("tug").speed_limit_kn is None
    assert settings.for_ship_type("tug").close_quarters_cpa_m == 100.0
    assert settings.for_ship_type("tug").dark_after_s == 900.0
    sailing = settings.for_ship_type("sailing")
    assert (sailing.dark_after_s, sailing.loitering_after_s) == (7_200.0, 7_200.0)  # the default override stays
    assert settings.loitering.exempt_zone_kinds == ("port",)
    assert settings.zone_entry_severity("generic") is None
    assert settings.zone_entry_severity("restricted") == "warning"
    assert settings.zone_entry_severity("anchorage") == "info"
    assert settings.close_quarters.in_ports is True


def test_settings_read_back_from_their_own_mapping():
    settings = RuleSettings.from_mapping({"speed": {"limit_kn": 30},
                                          "ship_types": {"tug": {"speed": {"limit_kn": "none"}}}})
    assert RuleSettings.from_mapping(settings.to_mapping()) == settings
    assert RuleSettings.from_mapping({}) == RuleSettings()


def test_overrides_built_in_code_inherit_what_they_do_not_set():
    settings = RuleSettings(ship_types={"fishing": ShipTypeOverrides(loitering_after_s=14_400)})
    assert settings.ship_types["fishing"].dark_after_s is INHERIT
    assert settings.for_ship_type("fishing").loitering_after_s == 14_400.0
    assert settings.for_ship_type("sailing").dark_after_s == 1_800.0  # defaults replaced wholesale in code


@pytest.mark.parametrize("mapping, key", [
    ({"sped": {}}, "sped"),
    ({"speed": {"limit": 10}}, "speed.limit"),
    ({"speed": {"limit_kn": -1}}, "speed.limit_kn"),
    ({"speed": {"limit_kn": 0.01}}, "speed.limit_kn"),
    ({"speed": {"hysteresis_kn": "0.5"}}, "speed.hysteresis_kn"),
    ({"speed": 5}, "speed"),
    ({"dark": {"after_s": 10}}, "dark.after_s"),
    ({"dark": {"stationary_after_s": True}}, "dark.stationary_after_s"),
    ({"dark": {"history_after_s": 1}}, "dark.history_after_s"),
    ({"loitering": {"exempt_zone_kinds": ["harbour"]}}, "loitering.exempt_zone_kinds"),
    ({"loitering": {"below_kn": 0}}, "loitering.below_kn"),
    ({"close_quarters": {"cpa_m": 0}}, "close_quarters.cpa_m"),
    ({"close_quarters": {"critical_cpa_m": 2_000}}, "close_quarters.critical_cpa_m"),
    ({"close_quarters": {"search_radius_m": 500}}, "close_quarters.search_radius_m"),
    ({"close_quarters": {"horizon_s": 100_000}}, "close_quarters.horizon_s"),
    ({"close_quarters": {"in_ports": "yes"}}, "close_quarters.in_ports"),
    ({"zones": {"severity": {"port": "info"}}}, "zones.severity.port"),
    ({"zones": {"severity": {"generic": "loud"}}}, "zones.severity.generic"),
    ({"ship_types": {"submarine": {}}}, "ship_types.submarine"),
    ({"ship_types": {"tug": {"dark": {"after_s": 5}}}}, "ship_types.tug.dark.after_s"),
    ({"ship_types": {"tug": {"speed": {"hysteresis_kn": 1}}}}, "ship_types.tug.speed.hysteresis_kn"),
    ({"ship_types": {"tug": {"speed": 3}}}, "ship_types.tug.speed"),
])
def test_a_bad_setting_is_refused_naming_its_key(mapping, key):
    with pytest.raises(InvalidRuleSettings) as refused:
        RuleSettings.from_mapping(mapping)
    assert refused.value.key == key
    assert str(refused.value).startswith(key + ": ")


def test_priorities_are_set_per_rule_and_refused_naming_the_key():
    defaults = RuleSettings().priorities
    assert (defaults.restricted_zone, defaults.critical_cpa, defaults.close_quarters, defaults.dark) == (
        "alarm", "alarm", "warning", "warning")
    assert (defaults.port, defaults.loitering, defaults.zone, defaults.escalate_after_s) == (
        "caution", "caution", "caution", 180.0)
    changed = RuleSettings.from_mapping({"priorities": {"dark": "alarm", "escalate_after_s": 300}})
    assert (changed.priorities.dark, changed.priorities.escalate_after_s) == ("alarm", 300.0)
    assert RuleSettings.from_mapping(changed.to_mapping()) == changed
    with pytest.raises(InvalidRuleSettings) as refused:
        RuleSettings.from_mapping({"priorities": {"speed": "loud"}})
    assert refused.value.key == "priorities.speed"


def test_every_ship_type_has_a_plausible_speed_ceiling_by_default_except_fast_and_unpredictable_craft():
    settings = RuleSettings()
    assert settings.for_ship_type("cargo").speed_ceiling_kn == 30.0
    assert settings.for_ship_type("tanker").speed_ceiling_kn == 25.0
    for free in ("high-speed craft", "search and rescue", "pleasure craft", "military", None):
        assert settings.for_ship_type(free).speed_ceiling_kn is None
    lifted = RuleSettings.from_mapping({"plausibility": {"speed_kn": {"cargo": "none", "sailing": 15}}})
    assert lifted.for_ship_type("cargo").speed_ceiling_kn is None
    assert lifted.for_ship_type("sailing").speed_ceiling_kn == 15.0
    assert lifted.for_ship_type("sailing").dark_after_s == 7_200.0  # its other defaults stay
    assert RuleSettings.from_mapping(lifted.to_mapping()) == lifted
    with pytest.raises(InvalidRuleSettings) as refused:
        RuleSettings.from_mapping({"plausibility": {"speed_kn": {"hovercraft": 50}}})
    assert refused.value.key == "plausibility.speed_kn.hovercraft"
