"""Tampering with copies of a real store, as someone with the file and a SQLite shell would: edit, delete,
insert, reorder, truncate, write binary or non-UTF-8 payloads, drop a trigger, roll the file back to an
older copy — and, knowing the hash chain's recipe, rewrite the chain after an edit so that it holds again.

Each copy is first opened by ``verify`` (as any use of the store would open it, so the store's head has been
seen), then tampered with (the triggers dropped and put back around the edit), then checked with
``main.py verify``. A case is missed when verify exits 0 or crashes; a clear exit code other than 3 is
counted apart (a damaged or tampered store is promised exit 3).
"""
from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from bench.reliability_common import Checked, Findings, command, event_contents, recordings, run, verify
from bench.reliability_inputs import NORWEGIAN, SOLENT
from domain.hash_chain import canonical_text, chain_hash


@dataclass
class TamperResult:
    cases: int = 0
    missed: int = 0
    wrong_exit: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)   # case -> verify's exit code
    checked: Checked = field(default_factory=Checked)

    def as_extra(self) -> dict:
        return {"wrong_exit": self.wrong_exit, "exit_codes": self.outcomes}


@contextmanager
def _tampering(db: Path, *, restore_triggers: bool = True) -> Iterator[sqlite3.Connection]:
    """A raw connection with the immutability triggers dropped, put back when done (unless told not to)."""
    connection = sqlite3.connect(db, isolation_level=None)
    triggers = connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    connection.execute("BEGIN")
    for name, _ in triggers:
        connection.execute(f"DROP TRIGGER {name}")
    yield connection
    if restore_triggers:
        for _, sql in triggers:
            connection.execute(sql)
    connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def _head(connection: sqlite3.Connection) -> int:
    return connection.execute("SELECT max(position) FROM events").fetchone()[0]


def _middle(connection: sqlite3.Connection) -> int:
    return _head(connection) // 2


def _set(column: str, expression: str) -> Callable[[Path], None]:
    def tamper(db: Path) -> None:
        with _tampering(db) as connection:
            connection.execute(f"UPDATE events SET {column} = {expression} WHERE position = ?", (_middle(connection),))
    return tamper


def _edit_payload(db: Path) -> None:
    with _tampering(db) as connection:
        middle = _middle(connection)
        payload = connection.execute("SELECT payload FROM events WHERE position = ?", (middle,)).fetchone()[0]
        changed = payload.replace("5", "6", 1) if "5" in payload else payload.replace("1", "2", 1)
        connection.execute("UPDATE events SET payload = ? WHERE position = ?", (changed, middle))


def _delete(where: str) -> Callable[[Path], None]:
    def tamper(db: Path) -> None:
        with _tampering(db) as connection:
            head = _head(connection)
            connection.execute(f"DELETE FROM events WHERE {where}", {"head": head, "middle": head // 2})
    return tamper


def _shift_positions(connection: sqlite3.Connection, after: int, by: int) -> None:
    """Move every event after ``after`` by ``by`` positions (through negative numbers: the key stays unique)."""
    connection.execute("UPDATE events SET position = -(position + ?) WHERE position > ?", (by, after))
    connection.execute("UPDATE events SET position = -position WHERE position < 0")


def _insert_middle(db: Path) -> None:
    with _tampering(db) as connection:
        middle = _middle(connection)
        _shift_positions(connection, middle, 1)
        connection.execute("INSERT INTO events (position, event_id, stream, version, type, occurred_at, recorded_at, "
                           "metadata, payload, hash, dedupe_key) SELECT position + 1, randomblob(16), stream, "
                           "version + 1000000, type, occurred_at + 1, recorded_at, metadata, payload, hash, NULL "
                           "FROM events WHERE position = ?", (middle,))


def _insert_tail(db: Path) -> None:
    with _tampering(db) as connection:
        connection.execute("INSERT INTO events (position, event_id, stream, version, type, occurred_at, recorded_at, "
                           "metadata, payload, hash, dedupe_key) SELECT position + 1, randomblob(16), stream, "
                           "version + 1, type, occurred_at + 1, recorded_at + 1, metadata, payload, randomblob(32), "
                           "NULL FROM events WHERE position = (SELECT max(position) FROM events)")


def _reorder(db: Path) -> None:
    with _tampering(db) as connection:
        middle = _middle(connection)
        connection.execute("UPDATE events SET position = -1 WHERE position = ?", (middle,))
        connection.execute("UPDATE events SET position = ? WHERE position = ?", (middle, middle + 1))
        connection.execute("UPDATE events SET position = ? WHERE position = -1", (middle + 1,))


def _other_id(column: str, table: str) -> Callable[[Path], None]:
    def tamper(db: Path) -> None:
        with _tampering(db) as connection:
            middle = _middle(connection)
            current = connection.execute(f"SELECT {column} FROM events WHERE position = ?", (middle,)).fetchone()[0]
            other = connection.execute(f"SELECT id FROM {table} WHERE id != ? ORDER BY id LIMIT 1", (current,)).fetchone()[0]
            connection.execute(f"UPDATE events SET {column} = ? WHERE position = ?", (other, middle))
    return tamper


def _edit_interned(sql: str) -> Callable[[Path], None]:
    def tamper(db: Path) -> None:
        with _tampering(db) as connection:
            connection.execute(sql, {"middle": _middle(connection)})
    return tamper


def _drop_trigger(db: Path) -> None:
    connection = sqlite3.connect(db, isolation_level=None)
    try:
        connection.execute("DROP TRIGGER events_no_delete")
    finally:
        connection.close()


def _rechain(connection: sqlite3.Connection, start: int) -> None:
    """Recompute every hash from ``start`` on, as the store would have: the chain then holds again."""
    previous = (connection.execute("SELECT hash FROM events WHERE position = ?", (start - 1,)).fetchone() or [bytes(32)])[0]
    rows = connection.execute(
        "SELECT e.position, e.event_id, s.name, e.version, t.name, t.schema_version, t.layout, e.occurred_at, "
        "e.recorded_at, m.json, e.payload FROM events e JOIN streams s ON s.id = e.stream "
        "JOIN event_types t ON t.id = e.type JOIN event_metadata m ON m.id = e.metadata "
        "WHERE e.position >= ? ORDER BY e.position", (start,)).fetchall()
    for position, event_id, stream, version, kind, schema, layout, occurred, recorded, metadata, payload in rows:
        previous = chain_hash(bytes(previous), canonical_text(position, bytes(event_id).hex(), stream, version, kind,
                                                              schema, layout, occurred, recorded, metadata, payload))
        connection.execute("UPDATE events SET hash = ? WHERE position = ?", (previous, position))


def _edit_payload_and_rechain(db: Path) -> None:
    _edit_payload(db)
    with _tampering(db) as connection:
        _rechain(connection, _middle(connection))


def _delete_middle_and_rechain(db: Path) -> None:
    with _tampering(db) as connection:
        middle = _middle(connection)
        stream, version = connection.execute("SELECT stream, version FROM events WHERE position = ?", (middle,)).fetchone()
        connection.execute("DELETE FROM events WHERE position = ?", (middle,))
        connection.execute("UPDATE events SET version = -(version - 1) WHERE stream = ? AND version > ?", (stream, version))
        connection.execute("UPDATE events SET version = -version WHERE version < 0")
        _shift_positions(connection, middle, -1)
        _rechain(connection, middle)


def _truncate_file(db: Path) -> None:
    size = db.stat().st_size
    with open(db, "r+b") as file:
        file.truncate(int(size * 0.7) // 4096 * 4096)


def _garbage_page(db: Path) -> None:
    size = db.stat().st_size
    with open(db, "r+b") as file:
        file.seek(size // 2 // 4096 * 4096)
        file.write(os.urandom(4096))


CASES: dict[str, Callable[[Path], None]] = {
    "edit a payload": _edit_payload,
    "edit a hash": _set("hash", "randomblob(32)"),
    "delete an event in the middle": _delete("position = :middle"),
    "delete the newest 100 events": _delete("position > :head - 100"),
    "delete the newest event": _delete("position = :head"),
    "insert an event in the middle": _insert_middle,
    "append a forged event": _insert_tail,
    "swap two events": _reorder,
    "truncate the file's tail": _truncate_file,
    "overwrite a page with garbage": _garbage_page,
    "binary payload": _set("payload", "X'00FF8081C0'"),
    "non-UTF-8 payload": _set("payload", "CAST(X'5B35302EC3282C2D315D' AS TEXT)"),
    "drop a trigger": _drop_trigger,
    "change a stream version": _set("version", "version + 1000"),
    "change when it occurred": _set("occurred_at", "occurred_at + 1"),
    "change when it was recorded": _set("recorded_at", "recorded_at - 1000000"),
    "change an event id": _set("event_id", "randomblob(16)"),
    "change an event's type": _other_id("type", "event_types"),
    "move an event to another stream": _other_id("stream", "streams"),
    "edit interned metadata": _edit_interned("UPDATE event_metadata SET json = replace(json, 'import', 'imp0rt') "
                                             "WHERE id = (SELECT metadata FROM events WHERE position = :middle)"),
    "rename a stream": _edit_interned("UPDATE streams SET name = 'ship-999999999' "
                                      "WHERE id = (SELECT stream FROM events WHERE position = :middle)"),
    "edit a payload layout": _edit_interned("UPDATE event_types SET layout = layout || ',x' "
                                            "WHERE id = (SELECT type FROM events WHERE position = :middle)"),
    "edit a payload and rewrite the chain": _edit_payload_and_rechain,
    "delete an event and rewrite the chain": _delete_middle_and_rechain,
}
ROLLBACK = "roll the file back to an older copy"


def base_stores(folder: Path, env: dict[str, str], sources: tuple[str, str] = (SOLENT, NORWEGIAN)) -> tuple[Path, Path]:
    """A real store (one recording, then another) and the older copy taken between them."""
    older, base = folder / "tamper-older.sqlite", folder / "tamper-base.sqlite"
    for path, source in ((older, sources[0]), (base, sources[1])):
        if path == base:
            shutil.copyfile(older, base)
        done = run(command("import", str(recordings() / source), "--db", str(path)), env=env)
        if done.code != 0:
            raise RuntimeError(f"making the store to tamper with failed: {done.tail()}")
    return base, older


def run_tamper(folder: Path, env: dict[str, str], *, cases: list[str] | None = None,
               sources: tuple[str, str] = (SOLENT, NORWEGIAN), findings: Findings) -> TamperResult:
    base, older = base_stores(folder, env, sources)
    result = TamperResult()
    result.checked.add(event_contents(base))
    names = cases if cases is not None else [*CASES, ROLLBACK]
    for number, name in enumerate(names):
        db = folder / f"tamper-{number}.sqlite"
        shutil.copyfile(base, db)
        before = verify(db, env)
        if before.code != 0:
            raise RuntimeError(f"the untouched copy does not verify: {before.tail()}")
        if name == ROLLBACK:
            shutil.copyfile(older, db)
        else:
            CASES[name](db)
        after = verify(db, env)
        result.cases += 1
        result.outcomes[name] = after.code
        reproduce = (f"python main.py import {sources[0]} --db S.sqlite; python main.py import {sources[1]} --db S.sqlite; "
                     f"python main.py verify --db S.sqlite; then '{name}' (CASES in bench/reliability_tamper.py); "
                     f"python main.py verify --db S.sqlite")
        if after.code == 0 or after.crashed:
            result.missed += 1
            what = "verify exits 0" if after.code == 0 else f"verify crashes (exit {after.code}): {after.tail(300)}"
            findings.add("tamper", f"{name}: {what}", reproduce)
        elif after.code != 3:
            result.wrong_exit += 1
            findings.add("tamper", f"{name}: verify exits {after.code}, not 3: {after.tail(200)}", reproduce)
        for leftover in folder.glob(db.name + "*"):
            leftover.unlink()
    return result
