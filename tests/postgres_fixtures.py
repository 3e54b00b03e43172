"""A real PostgreSQL server for the shared-store tests: started once per test session from the machine's
server binaries (``store.postgres_sandbox``), a fresh database per test, stopped and removed at the end.

Without the binaries the tests that need them are skipped, each saying so with the install line (``make
test`` lists skip reasons); in CI (``CI`` set) a missing server fails them instead, so CI always runs them.
"""
from __future__ import annotations

import itertools
import os

import pytest

from store.postgres_sandbox import PostgresUnavailable, SandboxServer

_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server():
    try:
        server = SandboxServer().start()
    except PostgresUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {error}")
        pytest.skip(f"PostgreSQL tests skipped: {error}")  # the error ends with the install line
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server):
    """The URL of a new, empty database on the session's server (dropped after the test)."""
    name = f"fleet_{os.getpid()}_{next(_databases)}"
    url = postgres_server.create_database(name)
    yield url
    postgres_server.drop_database(name)
