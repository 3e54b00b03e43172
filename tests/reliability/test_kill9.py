"""Kill -9 at random moments: the import (read here, and read by a second process) completed by a rerun, and
a live listener started again (the campaign kills listeners on UDP and TCP) — nothing lost, nothing twice, and the log verifies."""
from __future__ import annotations

from bench.reliability_kill9 import run_kill9
from tests.reliability.conftest import explained


def test_imports_killed_and_run_again_lose_nothing_and_verify(tmp_path, campaign_env, findings):
    result = run_kill9(tmp_path, campaign_env, import_tries=1, parallel_tries=1, listener_tries=0,
                       listener_messages=0, seed=3, findings=findings)

    assert result.tries_by_path == {"here": 1, "two-process": 1}
    assert (result.lost, result.duplicated, result.verify_failures) == (0, 0, 0), explained(findings)
    assert not findings.items, explained(findings)


def test_a_listener_killed_mid_stream_keeps_every_line_it_accepted(tmp_path, campaign_env, findings):
    result = run_kill9(tmp_path, campaign_env, import_tries=0, parallel_tries=0, listener_tries=1,
                       listener_messages=600, seed=5, findings=findings)

    assert result.tries_by_path == {"listen-udp": 1}
    assert (result.lost, result.duplicated, result.verify_failures) == (0, 0, 0), explained(findings)
    assert not findings.items, explained(findings)
