"""`state` on a store whose index must be built from the log shows how far it has got on a terminal, and
Ctrl+C stops it at once with exit 130 (it writes nothing); the import shows the same line when it catches up."""
from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.ais_import import ImportOptions, import_files
from bench.national_day import write_national_day
from store import open_store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def unindexed_store(tmp_path_factory) -> Path:
    """A store of 200,000 reports imported with no index snapshot left behind."""
    folder = tmp_path_factory.mktemp("unindexed")
    day = write_national_day(folder / "AIS_2024_01_01.zip", rows=200_000, ships=1_000)
    store = open_store(folder / "day.sqlite")
    try:
        import_files(store, [day.path], ImportOptions())
    finally:
        store.close()
    return folder / "day.sqlite"


def _on_a_terminal(*argv: str) -> tuple[subprocess.Popen, int]:
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *argv], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    return process, leader


def _read_until(leader: int, wanted: str, process: subprocess.Popen, seconds: float = 120.0) -> str:
    seen = ""
    deadline = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk.decode(errors="replace")
        elif process.poll() is not None:
            break
    return seen


def test_state_shows_its_progress_and_stops_on_ctrl_c_with_130(unindexed_store):
    process, leader = _on_a_terminal("state", "--db", str(unindexed_store), "--at", "2024-01-01T12:00:00Z")
    try:
        seen = _read_until(leader, "ETA", process)
        assert "reading the log into the index" in seen and "/s" in seen
        process.send_signal(signal.SIGINT)
        assert process.wait(60) == 130
        assert "interrupted" in seen + _read_until(leader, "interrupted", process, 10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)
    store = open_store(unindexed_store, create=False, read_only=True)
    try:
        assert store.verify().ok
    finally:
        store.close()


def test_state_run_to_the_end_says_where_it_got_and_answers(unindexed_store):
    process, leader = _on_a_terminal("state", "--db", str(unindexed_store), "--at", "2024-01-01T12:00:00Z")
    try:
        seen = _read_until(leader, "100.0%", process)
        assert process.wait(120) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)
    assert "reading the log into the index" in seen and "100.0%" in seen
