"""Fixtures of the UI tests: real stores built from events, with the real service over each."""
from __future__ import annotations

import pytest

from tests.ui.fleet_store import FleetStores, StoreTemplates


@pytest.fixture(scope="session")
def store_templates(tmp_path_factory, session_witness_folder):
    """Stores of the same events are built once per session and copied for each test that wants one."""
    return StoreTemplates(tmp_path_factory.mktemp("store-templates"))


@pytest.fixture
def fleet_stores(tmp_path, store_templates):
    """Stores made for one test (in its ``tmp_path``), closed after it."""
    stores = FleetStores(tmp_path, store_templates)
    yield stores
    stores.close()


@pytest.fixture(scope="module")
def module_fleet_stores(tmp_path_factory, session_witness_folder):
    """Stores shared by the tests of one module that only read them, closed after the module.

    Made before any test's own folders are set up, so their heads are witnessed in the session's witness
    folder (``session_witness_folder`` of ``tests/conftest.py``), never in the user's."""
    stores = FleetStores(tmp_path_factory.mktemp("fleet-stores"))
    yield stores
    stores.close()
