"""Tampered copies of a real store: ``verify`` notices every one, says so with exit 3, and never crashes."""
from __future__ import annotations

import pytest

from bench.reliability_inputs import GPSD_LOG, NORWEGIAN
from bench.reliability_tamper import CASES, ROLLBACK, run_tamper
from tests.reliability.conftest import explained

REDUCED = ["edit a payload", "delete the newest 100 events", "binary payload", "truncate the file's tail",
           "delete an event and rewrite the chain", ROLLBACK]


def test_the_campaign_has_at_least_fifteen_cases_and_the_reduced_ones_are_among_them():
    assert set(REDUCED) - {ROLLBACK} <= set(CASES)
    assert len(CASES) + 1 >= 15


def test_verify_catches_every_tampered_copy_with_exit_3(tmp_path, campaign_env, findings):
    result = run_tamper(tmp_path, campaign_env, cases=REDUCED, sources=(GPSD_LOG, NORWEGIAN), findings=findings)

    assert result.cases == len(REDUCED)
    assert result.missed == 0, explained(findings)
    assert result.outcomes == {name: 3 for name in REDUCED}, explained(findings)


@pytest.mark.slow
def test_verify_catches_every_case_of_the_campaign(tmp_path, campaign_env, findings):
    result = run_tamper(tmp_path, campaign_env, findings=findings)

    assert result.outcomes == {name: 3 for name in [*CASES, ROLLBACK]}, explained(findings)
