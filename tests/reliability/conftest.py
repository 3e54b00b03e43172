"""The reduced reliability campaign: the same checks as ``python -m bench --only reliability``, a few tries
each, on the real recordings. Every command runs with its user folders inside the test's own folder."""
from __future__ import annotations

import pytest

from bench.reliability_common import Findings, user_env


@pytest.fixture
def campaign_env(tmp_path, ais_samples):
    """The environment the campaign's commands run in (the real recordings must be there)."""
    return user_env(tmp_path / "user")


@pytest.fixture
def findings():
    """What went wrong, printed with the commands that show it again when a test fails."""
    return Findings()


def explained(findings: Findings) -> str:
    return "\n".join(f"[{f.check}] {f.what}\n    reproduce: {f.reproduce}" for f in findings.items) or "no findings"
