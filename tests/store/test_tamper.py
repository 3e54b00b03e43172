"""Tampering, case by case, as someone with the store file and a SQLite shell would do it (triggers dropped,
rows edited, triggers put back): every case changes what the log says, and ``verify`` exits 3 naming the
first position that no longer holds (or, where no position can, what is wrong)."""
from __future__ import annotations

import sqlite3

import pytest

import main
from domain.hash_chain import SEPARATOR, chain_hash
from store import open_store
from tests.fleet_events import registered, report

EVENTS = 300  # position 1 registers ship 219000001, 2..300 are position reports of five ships
AT = 150
TABLES = ("events", "streams", "event_types", "event_metadata")


@pytest.fixture
def logbook(store_path):
    """A closed store of 300 events whose head this process has witnessed."""
    store = open_store(store_path)
    store.append_batch([registered(219000001, 0, "ARIA")]
                       + [report(219000000 + i % 5, i) for i in range(1, EVENTS)])
    store.close()
    return store_path


def drop_triggers() -> list[str]:
    return [f"DROP TRIGGER {table}_no_{verb}" for table in TABLES for verb in ("update", "delete")]


def restore_triggers() -> list[str]:
    return [f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} BEGIN SELECT RAISE(ABORT, "
            f"'the event log is append-only: {table} rows cannot be {verb}d'); END"
            for table in TABLES for verb in ("update", "delete")]


def edit(*statements: str):
    """A tamper that runs SQL with the triggers dropped, then puts them back."""
    def tamper(path):
        connection = sqlite3.connect(path)
        for statement in [*drop_triggers(), *statements, *restore_triggers()]:
            connection.execute(statement)
        connection.commit()
        connection.close()
    return tamper


def drop_one_trigger(path):
    connection = sqlite3.connect(path)
    connection.execute("DROP TRIGGER events_no_delete")
    connection.commit()
    connection.close()


def neuter_one_trigger(path):
    connection = sqlite3.connect(path)
    connection.execute("DROP TRIGGER events_no_update")
    connection.execute("CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT 1; END")
    connection.commit()
    connection.close()


def swap_rows(path):
    edit(f"UPDATE events SET position = -1 WHERE position = {AT}",
         f"UPDATE events SET position = {AT} WHERE position = {AT + 1}",
         f"UPDATE events SET position = {AT + 1} WHERE position = -1")(path)


def insert_row(path):
    """A forged event slipped in at position 150, the later ones moved up by one."""
    edit("UPDATE events SET position = -position WHERE position >= 150",
         "UPDATE events SET position = 1 - position WHERE position < 0",
         "INSERT INTO events (position, event_id, stream, version, type, occurred_at, recorded_at, metadata, payload,"
         " hash) SELECT 150, randomblob(16), stream, version + 1000, type, occurred_at, recorded_at, metadata,"
         " payload, hash FROM events WHERE position = 149")(path)


def truncate_file(path):
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


def null_field(path):
    """A NOT NULL constraint taken out of the schema, then a NULL written."""
    connection = sqlite3.connect(path)
    version = connection.execute("PRAGMA schema_version").fetchone()[0]
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute("UPDATE sqlite_master SET sql = replace(sql, 'recorded_at INTEGER NOT NULL', "
                       "'recorded_at INTEGER') WHERE name = 'events'")
    connection.execute(f"PRAGMA schema_version = {version + 1}")
    connection.commit()
    connection.close()
    edit(f"UPDATE events SET recorded_at = NULL WHERE position = {AT}")(path)


def rewrite_tail_with_a_recomputed_chain(path):
    """What a forger who knows the hash chain does: edit an event and recompute every hash after it."""
    edit(f"UPDATE events SET payload = replace(payload, '50.8', '50.9') WHERE position = {AT}")(path)
    connection = sqlite3.connect(path)
    rows = connection.execute(
        "SELECT e.position, e.event_id, s.name, e.version, t.name, t.schema_version, t.layout, e.occurred_at,"
        " e.recorded_at, m.json, e.payload FROM events e JOIN streams s ON e.stream = s.id JOIN event_types t"
        " ON e.type = t.id JOIN event_metadata m ON e.metadata = m.id WHERE e.position >= ? ORDER BY e.position",
        (AT,)).fetchall()
    previous = connection.execute("SELECT hash FROM events WHERE position = ?", (AT - 1,)).fetchone()[0]
    updates = []
    for position, event_id, *fields in rows:
        previous = chain_hash(previous, SEPARATOR.join([str(position), event_id.hex(), *map(str, fields)]))
        updates.append((previous, position))
    for statement in drop_triggers():
        connection.execute(statement)
    connection.executemany("UPDATE events SET hash = ? WHERE position = ?", updates)
    for statement in restore_triggers():
        connection.execute(statement)
    connection.commit()
    connection.close()


def replace_the_store(path):
    """Another log put in its place (a forged one, or a new store where the old one was)."""
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    store = open_store(path)
    store.append_batch([report(219000009, i) for i in range(EVENTS)])
    store.close()


CASES = {
    "edited payload": (edit(f"UPDATE events SET payload = replace(payload, '50.8', '50.9') WHERE position = {AT}"),
                       f"position {AT}"),
    "edited hash": (edit(f"UPDATE events SET hash = randomblob(32) WHERE position = {AT}"), f"position {AT}"),
    "deleted row in the middle": (edit(f"DELETE FROM events WHERE position = {AT}"), f"position {AT}"),
    "deleted tail": (edit("DELETE FROM events WHERE position > 200"), "100 events are missing"),
    "inserted row": (insert_row, f"position {AT}"),
    "two rows swapped": (swap_rows, f"position {AT}"),
    "truncated file": (truncate_file, "damaged"),
    "binary payload": (edit(f"UPDATE events SET payload = CAST(payload AS BLOB) WHERE position = {AT}"),
                       f"position {AT}: its payload is stored as bytes"),
    "non-UTF-8 text": (edit(f"UPDATE events SET payload = CAST(x'5bff5d' AS TEXT) WHERE position = {AT}"),
                       f"position {AT}: its payload is not valid UTF-8"),
    "NULL field": (null_field, f"position {AT}: its recorded_at is missing"),
    "metadata row gone": (edit("DELETE FROM event_metadata"), "position 1: its metadata is missing"),
    "dropped immutability trigger": (drop_one_trigger, "missing: events_no_delete"),
    "harmless trigger under the right name": (neuter_one_trigger, "missing: events_no_update"),
    "changed stream version": (edit(f"UPDATE events SET version = version + 1000 WHERE position = {AT}"),
                               f"position {AT}"),
    "changed occurred_at": (edit(f"UPDATE events SET occurred_at = occurred_at - 1 WHERE position = {AT}"),
                            f"position {AT}"),
    "changed recorded_at": (edit(f"UPDATE events SET recorded_at = recorded_at + 1 WHERE position = {AT}"),
                            f"position {AT}"),
    "edited event_id": (edit(f"UPDATE events SET event_id = randomblob(16) WHERE position = {AT}"),
                        f"position {AT}"),
    "modified type name": (edit("UPDATE event_types SET name = 'PositionReport' WHERE name = 'PositionReported'"),
                           "position 2"),
    "edited payload layout": (edit("UPDATE event_types SET layout = replace(layout, 'lat,lon', 'lon,lat')"),
                              "position 2"),
    "renamed stream": (edit("UPDATE streams SET name = 'ship-219000099' WHERE name = 'ship-219000003'"),
                       "position 4"),  # ship 219000003 first reports at position 4
    "rewritten tail, chain recomputed": (rewrite_tail_with_a_recomputed_chain, f"position {EVENTS:,} has hash"),
    "a different log in its place": (replace_the_store, "a different log"),
}


def dump(path) -> list:
    """Everything the log says, as a reader without verify would see it (or why it cannot be read)."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        connection.text_factory = bytes
        try:
            return [connection.execute(f"SELECT *, {', '.join(f'typeof({c})' for c in _columns(connection, table))} "
                                       f"FROM {table} ORDER BY 1").fetchall() for table in TABLES] + [
                connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY 1").fetchall()]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return [str(error)]


def _columns(connection, table: str) -> list[str]:
    return [row[1].decode() for row in connection.execute(f"PRAGMA table_info({table})")]


@pytest.mark.parametrize("case", list(CASES))
def test_every_kind_of_tampering_is_caught_and_named(logbook, capsys, case):
    tamper, named = CASES[case]
    assert main.main(["verify", "--db", str(logbook)]) == 0
    before = dump(logbook)
    capsys.readouterr()
    tamper(logbook)
    assert dump(logbook) != before, "the tampering must change what the log says"
    code = main.main(["verify", "--db", str(logbook)])
    out, err = capsys.readouterr()
    assert code == 3, (out, err)
    assert err.startswith("error: ") and named in err and "Traceback" not in err

