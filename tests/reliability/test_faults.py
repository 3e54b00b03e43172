"""A full disk and a read-only store: the import and the listener keep every line they received (on a small
tmpfs where the machine allows it, else with the fault injected at the store's write)."""
from __future__ import annotations

import pytest

from bench.reliability_faults import FULL, READ_ONLY, FaultResult, fault_disk, import_scenario, listener_scenario
from tests.reliability.conftest import explained


def test_an_import_on_a_full_disk_says_what_it_wrote_and_a_rerun_completes_it(tmp_path, campaign_env, findings):
    result = FaultResult()
    with fault_disk(tmp_path / "disk") as disk:
        import_scenario(disk, tmp_path, campaign_env, FULL, result, findings)

    assert result.exit_codes["import, full disk"] != 0
    assert (result.lost, result.duplicated, result.misreported) == (0, 0, 0), explained(findings)
    assert not findings.items, explained(findings)


def test_a_listener_whose_disk_fills_keeps_what_it_received(tmp_path, campaign_env, findings):
    result = FaultResult()
    with fault_disk(tmp_path / "disk") as disk:
        listener_scenario(disk, tmp_path, campaign_env, FULL, "while it runs", 400, result, findings, catch_up_s=5)

    assert (result.lost, result.silent) == (0, 0), explained(findings)
    assert not findings.items, explained(findings)


@pytest.mark.slow
def test_an_import_into_a_read_only_store_fails_cleanly_and_a_rerun_completes_it(tmp_path, campaign_env, findings):
    result = FaultResult()
    with fault_disk(tmp_path / "disk") as disk:
        import_scenario(disk, tmp_path, campaign_env, READ_ONLY, result, findings)

    assert (result.lost, result.duplicated, result.misreported) == (0, 0, 0), explained(findings)
    assert not findings.items, explained(findings)


@pytest.mark.slow
def test_a_listener_whose_store_turns_read_only_keeps_what_it_received(tmp_path, campaign_env, findings):
    result = FaultResult()
    with fault_disk(tmp_path / "disk") as disk:
        listener_scenario(disk, tmp_path, campaign_env, READ_ONLY, "while it runs", 400, result, findings, catch_up_s=5)

    assert (result.lost, result.silent) == (0, 0), explained(findings)
    assert not findings.items, explained(findings)
