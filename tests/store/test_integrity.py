"""Tamper evidence: the store refuses to change history, and verify names the first event that was changed."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from store import open_store
from tests.fleet_events import registered, report


@pytest.fixture
def filled(store_path):
    """A closed store of 51 events (closing checkpoints the WAL, so the file alone holds everything)."""
    store = open_store(store_path)
    store.append_batch([registered(219000001, 0, "ARIA")] + [report(219000000 + i % 5, i) for i in range(50)])
    store.close()
    return store_path


def test_the_database_itself_refuses_to_update_or_delete_events(filled):
    connection = sqlite3.connect(filled)
    for statement in ("UPDATE events SET payload = '[]' WHERE position = 3", "DELETE FROM events WHERE position = 3",
                      "UPDATE streams SET name = 'ship-1' WHERE id = 1", "DELETE FROM event_metadata"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute(statement)
    connection.close()


def tamper(path, statements):
    """What an attacker with file access does: drop the triggers, edit, leave."""
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


def drop_triggers():
    return [f"DROP TRIGGER {t}_no_{v}" for t in ("events", "streams", "event_types", "event_metadata")
            for v in ("update", "delete")]


def test_an_edited_payload_is_named_by_position(filled, tmp_path):
    copy = tmp_path / "copy.sqlite"
    shutil.copy(filled, copy)
    tamper(copy, drop_triggers() + ["UPDATE events SET payload = replace(payload, '50.8', '50.9') WHERE position = 17"])
    with _opened(copy) as tampered:
        result = tampered.verify()
    assert not result.ok and result.first_bad_position == 17
    assert result.checks["immutability_triggers"].startswith("missing: event_metadata_no_delete")


def test_a_deleted_event_is_a_gap_at_its_position(filled, tmp_path):
    copy = tmp_path / "copy.sqlite"
    shutil.copy(filled, copy)
    tamper(copy, drop_triggers() + ["DELETE FROM events WHERE position = 30"])
    with _opened(copy) as tampered:
        result = tampered.verify()
    assert result.first_bad_position == 30 and "missing" in result.problem


def test_an_edited_time_breaks_the_chain_there(filled, tmp_path):
    copy = tmp_path / "copy.sqlite"
    shutil.copy(filled, copy)
    tamper(copy, drop_triggers() + ["UPDATE events SET recorded_at = recorded_at + 1 WHERE position = 42"])
    with _opened(copy) as tampered:
        assert tampered.verify().first_bad_position == 42


def test_an_intact_store_verifies_and_reports_its_head(filled):
    with _opened(filled) as intact:
        result = intact.verify()
        head = intact.head()
    assert result.ok and result.events == 51 and result.head_hash == head.hash
    assert set(result.checks.values()) == {"ok"}


class _opened:
    def __init__(self, path):
        self.path = path

    def __enter__(self):
        self.store = open_store(self.path, create=False)
        return self.store

    def __exit__(self, *exc):
        self.store.close()
