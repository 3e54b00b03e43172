"""The throwaway server the shared-store tests and benchmarks use: on a machine without PostgreSQL's server
binaries, one plain message with the install line (the tests skip with it, the ``shared`` benchmarks print it)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from store import postgres_sandbox
from store.postgres_sandbox import INSTALL_HINT, PostgresUnavailable

ROOT = Path(__file__).resolve().parents[2]


def test_without_server_binaries_the_message_says_how_to_install_them(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(postgres_sandbox, "_SEARCHED", (str(tmp_path / "postgresql" / "*" / "bin"),))
    with pytest.raises(PostgresUnavailable, match="apt-get install postgresql"):
        postgres_sandbox.server_binaries()


def test_the_shared_benchmarks_skip_cleanly_without_postgresql(tmp_path):
    """Run as a process whose search for the binaries finds nothing: one line saying so, exit 0."""
    script = ("import sys; from store import postgres_sandbox as s; s._SEARCHED = (); "
              "import bench.shared_figures as f; f.run(0.1)")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={"PATH": str(tmp_path), "FLEET_LOGBOOK_WITNESS": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["group"] == "shared" and INSTALL_HINT in json.loads(line)["skipped"]
