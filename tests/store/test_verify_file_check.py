"""SQLite's own check of the store file: ``verify`` runs its quick check (every page, record and constraint),
``verify --full`` its full integrity check, which also holds every index to its table — slower by far on a
large store, and the only one of the two that sees an index disagreeing with its table."""
from __future__ import annotations

import json
import sqlite3

import pytest

import main
from store import open_store
from store.verification import verify_log
from tests.fleet_events import registered, report


@pytest.fixture
def logbook(store_path):
    store = open_store(store_path)
    store.append_batch([registered(219000001, 0, "ARIA")] + [report(219000000 + i % 5, i) for i in range(1, 300)])
    store.close()
    return store_path


def _verify(capsys, *argv: str) -> tuple[int, dict, str]:
    capsys.readouterr()
    code = main.main(["verify", *argv, "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_verify_says_which_of_sqlites_checks_it_ran(logbook, capsys):
    code, quick, _ = _verify(capsys, "--db", str(logbook))
    assert code == 0 and quick["checks"]["sqlite_quick_check"] == "ok" and "sqlite_integrity" not in quick["checks"]
    code, full, _ = _verify(capsys, "--db", str(logbook), "--full")
    assert code == 0 and full["checks"]["sqlite_integrity"] == "ok" and "sqlite_quick_check" not in full["checks"]
    assert quick["head"] == full["head"]


def _index_disagreeing_with_its_table(path) -> None:
    """The dedupe index's condition turned round in the schema: the entries it holds are no longer the rows
    it should index (what a damaged index looks like to SQLite; no event's content changes)."""
    connection = sqlite3.connect(path)
    version = connection.execute("PRAGMA schema_version").fetchone()[0]
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute("UPDATE sqlite_master SET sql = replace(sql, 'IS NOT NULL', 'IS NULL')"
                       " WHERE name = 'ix_events_dedupe_key'")
    connection.execute(f"PRAGMA schema_version = {version + 1}")
    connection.commit()
    connection.close()


def test_only_the_full_check_finds_an_index_that_disagrees_with_its_table(logbook, capsys):
    _index_disagreeing_with_its_table(logbook)
    code, quick, _ = _verify(capsys, "--db", str(logbook))
    assert code == 0 and quick["checks"]["sqlite_quick_check"] == "ok"  # the events themselves are all sound
    code, full, err = _verify(capsys, "--db", str(logbook), "--full")
    assert code == 3 and "ix_events_dedupe_key" in full["checks"]["sqlite_integrity"]
    assert "sqlite_integrity" in err and "Traceback" not in err


@pytest.mark.parametrize("segment_from", [1, 10**12], ids=["in segments", "one walk"])
def test_the_full_check_runs_alike_beside_the_segments_and_the_plain_walk(logbook, segment_from):
    _index_disagreeing_with_its_table(logbook)
    store = open_store(logbook, create=False, read_only=True)
    try:
        quick = verify_log(store.engine, segment_from=segment_from, workers=2)
        full = verify_log(store.engine, segment_from=segment_from, workers=2, full=True)
    finally:
        store.close()
    assert quick.ok and quick.head_position == 300
    assert not full.ok and full.first_bad_position is None and full.problem.startswith("sqlite_integrity: ")
