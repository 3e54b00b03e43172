"""Opening stores: paths and URLs, files that are not stores, read-only stores, schema migrations."""
from __future__ import annotations

import sqlite3

import pytest

from store import NotAStoreError, ReadOnlyStoreError, StoreError, StoreNotFoundError, open_store
from tests.fleet_events import report


def test_a_store_is_created_on_first_open_and_reopened_with_its_events(store_path):
    first = open_store(store_path)
    first.append_batch([report(219000001, 0)])
    first.close()
    again = open_store(f"sqlite:///{store_path}")
    assert again.head().position == 1
    again.close()


def test_a_text_file_is_not_a_store_and_is_left_untouched(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n")
    with pytest.raises(NotAStoreError, match="not an SQLite database"):
        open_store(path)
    assert path.read_text() == "not a database\n"


def test_another_applications_database_is_not_a_store(tmp_path):
    path = tmp_path / "other.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    connection.close()
    with pytest.raises(NotAStoreError, match="another application.*invoices"):
        open_store(path)
    assert sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall() == [("invoices",)]


def test_a_missing_store_is_not_created_when_only_reading(tmp_path):
    with pytest.raises(StoreNotFoundError):
        open_store(tmp_path / "absent.sqlite", create=False)
    assert not (tmp_path / "absent.sqlite").exists()


def test_a_folder_or_a_foreign_url_is_refused(tmp_path):
    with pytest.raises(NotAStoreError):
        open_store(tmp_path)
    with pytest.raises(StoreError, match="not a store file: 'mysql'"):
        open_store("mysql://localhost/fleet")


def test_a_read_only_store_reads_but_refuses_to_append(store_path):
    writable = open_store(store_path)
    writable.append_batch([report(219000001, 0)])
    writable.close()
    reader = open_store(store_path, read_only=True)
    try:
        assert reader.head().position == 1 and reader.verify().ok
        with pytest.raises(ReadOnlyStoreError):
            reader.append_batch([report(219000001, 1)])
    finally:
        reader.close()


def test_the_schema_is_at_the_latest_migration(store_path):
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from store.migrations import LATEST_REVISION, MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == LATEST_REVISION
    open_store(store_path).close()
    assert sqlite3.connect(store_path).execute("SELECT version_num FROM alembic_version").fetchone() == (LATEST_REVISION,)


def test_wal_busy_timeout_and_foreign_keys_are_on(store):
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5_000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


KILLED_WHILE_CREATING = """
import os, sys
from alembic import command
real_upgrade = command.upgrade
def upgrade_then_die(*args, **kwargs):
    real_upgrade(*args, **kwargs)
    os._exit(9)  # as kill -9: the schema is made, nothing after it runs
command.upgrade = upgrade_then_die
from store import open_store
open_store(sys.argv[1])
"""


def test_a_store_whose_creation_was_killed_opens_as_a_store(tmp_path):
    """A process killed after making the tables must not leave a file that is refused as another
    application's database: the mark and the schema are one transaction."""
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "new.sqlite"
    killed = subprocess.run([sys.executable, "-c", KILLED_WHILE_CREATING, str(path)],
                            cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True)
    assert killed.returncode == 9, killed.stderr
    store = open_store(path)
    store.append_batch([report(219000001, 0)])
    assert store.head().position == 1
    store.close()


def test_a_store_left_unmarked_by_an_earlier_version_is_recognised_and_marked(store_path):
    open_store(store_path).close()
    connection = sqlite3.connect(store_path)
    connection.execute("PRAGMA application_id = 0")  # as a creation killed between schema and mark left it
    connection.close()
    store = open_store(store_path)
    store.append_batch([report(219000001, 0)])
    store.close()
    assert sqlite3.connect(store_path).execute("PRAGMA application_id").fetchone()[0] != 0
