"""New thresholds apply at once to a running console: the alert watch starts over with them, and what the
log already holds stays there, never raised twice."""
from __future__ import annotations

from app.console_session import ConsoleSession
from app.rules import save_rule_settings
from domain.rules import RuleSettings
from store import open_store
from tests.fleet_events import MINUTE, T0, registered, report

NOW = T0 + 200 * MINUTE


def types_of(store_path) -> list[str]:
    with open_store(store_path) as store:
        return [r.type for r in store.read_all()]


def test_a_lower_speed_limit_raises_speed_alerts_from_the_next_report(store_path):
    with open_store(store_path) as store:
        store.append_batch([registered(235000001, 0, "ARIA"),
                            *[report(235000001, m, sog=12.0) for m in range(10)],
                            *[report(235000001, 60 + m, sog=12.0) for m in range(3)]])  # 50 silent minutes
    session = ConsoleSession(store_path, clock=lambda: NOW, live=True)
    session.load()
    session.start()
    try:
        assert session.wait_for_job("rules-catch-up", 1)
        assert types_of(store_path).count("SignalLost") == 1 and "SpeedLimitExceeded" not in types_of(store_path)
        assert session.apply_rule_settings(RuleSettings.from_mapping({"speed": {"limit_kn": 15}}))
        assert session.rule_settings.speed.limit_kn == 15.0
        assert session.wait_for_job("rules-catch-up", 2)
        session.service.append([report(235000001, 64, sog=18.5)])
        speeding = [r for r in _events(store_path) if r.type == "SpeedLimitExceeded"]
        assert len(speeding) == 1 and speeding[0].event.limit == 15.0
        assert types_of(store_path).count("SignalLost") == 1, "the alert already in the log is not raised again"
    finally:
        session.close()


def test_a_rules_file_that_cannot_be_used_is_said_in_the_status_until_new_settings_are_saved(store_path,
                                                                                             user_folders):
    with open_store(store_path) as store:
        store.append_batch([registered(235000001, 0, "ARIA"), report(235000001, 1)])
    broken = user_folders["config"] / "rules.toml"
    broken.parent.mkdir(parents=True)
    broken.write_text("[speed]\nlimit_kn = -3\n", encoding="utf-8")
    session = ConsoleSession(store_path, clock=lambda: NOW, live=True)
    session.load()
    session.start()
    try:
        assert session.job_failure().startswith("rules use their defaults: ")
        assert "speed.limit_kn" in session.job_failure()
        save_rule_settings(RuleSettings())
        session.apply_rule_settings(RuleSettings())
        assert session.job_failure() == ""
    finally:
        session.close()


def test_a_console_that_watches_no_rules_says_so_when_given_new_settings(store_path):
    with open_store(store_path) as store:
        store.append_batch([registered(235000001, 0, "ARIA"), report(235000001, 1)])
    session = ConsoleSession(store_path, read_only=True, clock=lambda: NOW)
    session.load()
    session.start()
    try:
        assert session.rule_settings is None
        assert session.apply_rule_settings(RuleSettings()) is False
    finally:
        session.close()


def _events(store_path):
    with open_store(store_path) as store:
        return list(store.read_all())
