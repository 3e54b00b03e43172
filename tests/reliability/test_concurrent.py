"""Two imports of two halves of one watch and a live listener, all at once into one store: nothing lost,
nothing twice, every ship registered once."""
from __future__ import annotations

from bench.reliability_concurrent import run_concurrent
from tests.reliability.conftest import explained


def test_two_imports_and_a_listener_at_once_lose_nothing_store_nothing_twice_and_register_each_ship_once(
        tmp_path, campaign_env, findings):
    result = run_concurrent(tmp_path, campaign_env, rounds=1, rows=8_000, messages=800, findings=findings)

    assert result.rounds == 1 and result.failed_writers == 0, explained(findings)
    assert result.registered_twice == 0, explained(findings)
    # reports and alerts event by event; particulars by what they say at every moment (restatements apart)
    assert (result.lost, result.duplicated) == (0, 0), explained(findings)
    assert result.checked.events > 5_000 and result.checked.ships > 100
