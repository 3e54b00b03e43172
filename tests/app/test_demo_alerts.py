"""The demo fleet's day as a watch would live it: at any minute at most 25 active alerts, and every active alert
that would be ringed an alarm or a warning (the issue's measured target, README "Alerts on the demo fleet")."""
from __future__ import annotations

import pytest

from app.demo_fleet import seed_history
from app.rules import replay_rules
from bench.rules_figures import demo_alert_figures
from domain.rules import RuleSettings
from domain.time import parse_instant
from store import open_store


@pytest.mark.slow
def test_the_200_ship_demo_day_never_has_more_than_25_active_alerts(tmp_path):
    path = tmp_path / "demo.sqlite"
    with open_store(path) as store:
        seed_history(store, ships=200, hours=24, seed=1, end=parse_instant("2026-11-25T12:00:00Z"))
        summary = replay_rules(store, RuleSettings())
    assert summary.by_type.get("CloseQuarters", 0) % 2 == 0  # each encounter raised on both ships' streams
    figures = demo_alert_figures(str(path), every_s=300)
    assert 0 < figures["max_active"] <= 25
    assert figures["rings_not_alarm_or_warning"] == 0
    close = figures["by_type_at_end"]["CloseQuarters"]
    assert close["raised"] * 2 == summary.by_type["CloseQuarters"]
    assert close.get("rectified-unacknowledged", 0) >= close["raised"] - 5  # encounters end, and are rectified
