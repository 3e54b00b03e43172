"""Shared fixtures: real stores in tmp_path, a fleet of hand-made events, and a guard against leaked threads."""
from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from hypothesis import HealthCheck, settings

from tests.postgres_fixtures import postgres_server, postgres_url  # noqa: F401  (the shared-store tests' server)

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")


_TASKS = Path("/proc/self/task")
LEAK_GRACE_S = 5.0


def _running(thread: threading.Thread) -> bool:
    """Whether the thread still runs. A thread Python did not start (one of Qt's, that called into Python)
    stays listed by ``threading`` as alive for ever; where the system lists its own threads, that list says."""
    if not thread.is_alive():
        return False
    return not _TASKS.is_dir() or thread.native_id is None or (_TASKS / str(thread.native_id)).exists()


def _qt_pool_threads_exit(seconds: float) -> None:
    """Qt's shared thread pool parks a finished worker thread for 30 s in case more work comes; waiting for
    the pool to be done ends those threads (and waits for work still running, which then counts as left)."""
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(round(seconds * 1000))


@pytest.fixture(autouse=True)
def no_leaked_threads():
    """A test that leaves a thread running fails, daemon or not: stores, schedulers and workers must be closed.
    A thread the test started gets a few seconds to finish."""
    before = set(threading.enumerate())
    yield
    started = [thread for thread in threading.enumerate() if thread not in before]
    deadline = time.monotonic() + LEAK_GRACE_S
    if any(_running(thread) for thread in started) and "PySide6.QtCore" in sys.modules:
        _qt_pool_threads_exit(LEAK_GRACE_S)
    while (still := [thread for thread in started if _running(thread)]) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not still, f"threads left running: {[(t.name, 'daemon' if t.daemon else 'non-daemon') for t in still]}"


@pytest.fixture(scope="session", autouse=True)
def session_witness_folder(tmp_path_factory):
    """Stores made by module- and session-scoped fixtures are witnessed here too, never in the user's folder."""
    previous = os.environ.get("FLEET_LOGBOOK_WITNESS")
    os.environ["FLEET_LOGBOOK_WITNESS"] = str(tmp_path_factory.mktemp("user-witness"))
    yield
    if previous is None:
        os.environ.pop("FLEET_LOGBOOK_WITNESS", None)
    else:
        os.environ["FLEET_LOGBOOK_WITNESS"] = previous


@pytest.fixture(autouse=True)
def user_folders(tmp_path, monkeypatch):
    """The user's config, log and head witness folders, redirected to ``tmp_path``: no test reads the rules or
    schedule of the machine it runs on, nor writes its job log or witnessed heads there."""
    folders = {"config": tmp_path / "user-config", "logs": tmp_path / "user-logs", "witness": tmp_path / "user-witness"}
    monkeypatch.setenv("FLEET_LOGBOOK_CONFIG", str(folders["config"]))
    monkeypatch.setenv("FLEET_LOGBOOK_LOGS", str(folders["logs"]))
    monkeypatch.setenv("FLEET_LOGBOOK_WITNESS", str(folders["witness"]))
    monkeypatch.setenv("FLEET_LOGBOOK_SPOOLS", str(tmp_path / "user-spools"))  # a server store's feed spools
    return folders


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "fleet.sqlite"


@pytest.fixture
def store(store_path):
    from store import open_store

    opened = open_store(store_path)
    yield opened
    opened.close()


AIS_SAMPLES = Path(os.environ.get("FLEET_LOGBOOK_AIS_SAMPLES", Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ais"))


@pytest.fixture
def ais_samples() -> Path:
    """The folder of real AIS recordings (see its SOURCES.md), read in place and never copied. Missing, the
    tests on real data are skipped on a developer's machine, and fail under CI (``CI`` set), where they must run."""
    if not (AIS_SAMPLES / "SOURCES.md").exists():
        missing = f"real AIS recordings not found at {AIS_SAMPLES} (set FLEET_LOGBOOK_AIS_SAMPLES)"
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(f"{missing}; under CI the tests on real data must run", pytrace=False)
        pytest.skip(missing)
    return AIS_SAMPLES
