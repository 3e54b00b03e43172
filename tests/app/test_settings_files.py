"""The settings files: rules.toml and jobs.toml are written whole and atomically, read back to the same
settings, and a bad value is refused naming the file and the key."""
from __future__ import annotations

import os

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.report_schedule import (InvalidSchedule, ReportSchedule, ScheduleSettingsError, check_folder,
                                 jobs_settings_path, load_report_schedule, save_report_schedule)
from app.rules import RuleSettingsError, load_rule_settings, save_rule_settings, settings_path
from domain import ais
from domain.events.zones import ZONE_KINDS
from domain.rules import InvalidRuleSettings, RuleSettings
from domain.rules.thresholds import ENTRY_ZONE_KINDS

DAY = 86_400.0

def within(low: float, high: float) -> st.SearchStrategy:
    return st.one_of(st.integers(min_value=int(low) + 1, max_value=int(high)),
                     st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False))


def section(**keys: st.SearchStrategy) -> st.SearchStrategy:
    return st.fixed_dictionaries({}, optional=keys)


ship_type_overrides = section(
    speed=section(limit_kn=st.one_of(st.just("none"), within(0.1, ais.SOG_MAX))),
    dark=section(after_s=within(60, 30 * DAY), stationary_after_s=within(60, 30 * DAY)),
    loitering=section(below_kn=within(0.1, ais.SOG_MAX), after_s=within(60, 30 * DAY)),
    close_quarters=section(cpa_m=within(1, 100_000)),
)
settings_files = section(
    speed=section(limit_kn=st.one_of(st.just("none"), within(0.1, ais.SOG_MAX)), hysteresis_kn=within(0, 10),
                  episode_gap_s=within(1, 30 * DAY)),
    dark=section(after_s=within(60, 30 * DAY), stationary_after_s=within(60, 30 * DAY),
                 stationary_below_kn=within(0, ais.SOG_MAX), history_after_s=within(60, 3_650 * DAY)),
    loitering=section(below_kn=within(0.1, ais.SOG_MAX), after_s=within(60, 30 * DAY),
                      exempt_zone_kinds=st.lists(st.sampled_from(ZONE_KINDS), unique=True)),
    close_quarters=section(cpa_m=within(1, 5_000), critical_cpa_m=within(0, 900), horizon_s=within(1, DAY / 2),
                           search_radius_m=within(5_000, 500_000), max_report_age_s=within(1, DAY / 2),
                           min_sog_kn=within(0, 50), release_factor=within(1, 10), rearm_s=within(0, 30 * DAY),
                           in_ports=st.booleans()),
    zones=section(severity=st.dictionaries(st.sampled_from(ENTRY_ZONE_KINDS),
                                           st.sampled_from(("info", "warning", "critical", "off")))),
    ship_types=st.dictionaries(st.sampled_from(ais.SHIP_TYPES), ship_type_overrides, max_size=4),
)


@given(mapping=settings_files)
def test_any_valid_rules_saved_read_back_as_the_same_rules(mapping, tmp_path_factory):
    try:
        settings = RuleSettings.from_mapping(mapping)
    except InvalidRuleSettings:  # e.g. a critical CPA over the CPA: not a valid file to begin with
        assume(False)
    path = tmp_path_factory.mktemp("config") / "rules.toml"
    save_rule_settings(settings, path)
    assert load_rule_settings(path) == settings


def test_the_rules_file_says_what_it_is_and_lands_whole_in_the_config_folder(user_folders):
    settings = RuleSettings.from_mapping({"speed": {"limit_kn": 14},
                                          "ship_types": {"high-speed craft": {"speed": {"limit_kn": 40}}}})
    written = save_rule_settings(settings)
    assert written == settings_path() == user_folders["config"] / "rules.toml"
    text = written.read_text(encoding="utf-8")
    assert text.startswith("# Fleet Logbook: the thresholds of the alert rules")
    assert 'ship_types."high-speed craft".speed' in text
    assert os.listdir(user_folders["config"]) == ["rules.toml"], "no temporary file is left behind"
    assert load_rule_settings() == settings


def test_saving_over_a_broken_rules_file_replaces_it(user_folders):
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text("[speed\nlimit_kn = ", encoding="utf-8")
    with pytest.raises(RuleSettingsError, match="not valid TOML"):
        load_rule_settings()
    save_rule_settings(RuleSettings())
    assert load_rule_settings() == RuleSettings()


def test_rules_that_cannot_be_written_say_which_file(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the config folder should be", encoding="utf-8")
    with pytest.raises(RuleSettingsError, match="not-a-folder.*cannot write"):
        save_rule_settings(RuleSettings(), blocker / "rules.toml")


def test_a_report_schedule_is_saved_next_to_the_rules_and_read_back(user_folders, tmp_path):
    schedule = ReportSchedule(enabled=True, hour=6, minute=30, time_zone="local", folder=str(tmp_path / "reports"),
                              formats=("json", "pdf"), covers="since-last-run")
    path = save_report_schedule(schedule)
    assert path == jobs_settings_path() == settings_path().with_name("jobs.toml")
    assert "[report_schedule]" in path.read_text(encoding="utf-8")
    loaded = load_report_schedule()
    assert loaded == schedule and loaded.formats == ("pdf", "json") and loaded.at == "06:30"


def test_no_jobs_file_means_no_scheduled_report():
    assert load_report_schedule().enabled is False


@pytest.mark.parametrize("table, key", [
    ('at = "25:00"', "report_schedule.at"),
    ('at = "6 am"', "report_schedule.at"),
    ('formats = []', "report_schedule.formats"),
    ('formats = ["docx"]', "report_schedule.formats"),
    ('covers = "week"', "report_schedule.covers"),
    ('time_zone = "CET"', "report_schedule.time_zone"),
    ('enabled = "yes"', "report_schedule.enabled"),
    ('enabled = true', "report_schedule.folder"),
    ('every = "day"', "report_schedule.every"),
])
def test_a_bad_schedule_is_refused_naming_the_file_and_the_key(table, key):
    path = jobs_settings_path()
    path.parent.mkdir(parents=True)
    path.write_text(f"[report_schedule]\n{table}\n", encoding="utf-8")
    with pytest.raises(ScheduleSettingsError) as refused:
        load_report_schedule()
    assert str(refused.value).startswith(f"{path}: {key}: ")


def test_the_report_folder_must_exist_and_be_writable(tmp_path):
    assert check_folder(tmp_path) == tmp_path
    with pytest.raises(InvalidSchedule, match="does not exist"):
        check_folder(tmp_path / "gone")
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InvalidSchedule, match="is not a folder"):
        check_folder(tmp_path / "file.txt")
