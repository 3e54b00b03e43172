"""Mutated real recordings: no input makes the import crash, and every line it reads is in one bucket of its
summary."""
from __future__ import annotations

from bench.reliability_fuzz import SUBPROCESS_EVERY, run_fuzz, unaccounted_lines
from bench.reliability_mutations import make_case
from tests.reliability.conftest import explained


def test_the_same_number_makes_the_same_input(ais_samples):
    assert make_case(1234) == make_case(1234)
    assert make_case(1234) != make_case(1235)


def test_a_summary_accounts_for_a_line_once_in_one_bucket():
    assert unaccounted_lines({"read": 10, "lines": {"stored": 4, "quarantined": 1, "header": 1, "blank": 4},
                              "appended": 12, "quarantined": 2, "seconds": 0.1}) == 0
    assert unaccounted_lines({"read": 10, "lines": {"stored": 4, "blank": 4}, "appended": 12}) == 2
    assert unaccounted_lines({"read": 10, "appended": 10, "duplicates": 3, "skipped_types": {"AIS type 21": 2},
                              "seconds": 0.1}) == 5


def test_a_hundred_mutated_recordings_neither_crash_nor_lose_count_of_a_line(tmp_path, ais_samples, findings):
    result = run_fuzz(tmp_path / "fuzz", inputs=100, first=40_000, bombs_mb=(4,), workers=2, timeout=60,
                      findings=findings)

    assert result.inputs == 101
    assert result.processes == 100 // SUBPROCESS_EVERY + 1
    assert result.crashes == 0, explained(findings)
    assert result.unaccounted_lines == 0, explained(findings)
