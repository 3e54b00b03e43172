"""Verifying the log: gap-free positions, consecutive stream versions, the hash chain, the immutability
triggers and SQLite's own check of the file. The first event that breaks a rule is named by position."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from domain.hash_chain import GENESIS_HASH, canonical_text, chain_hash
from store.chain_segments import SEGMENT_FROM, walk_segments
from store.collector import collector_paused
from store.errors import DamagedStoreError
from store.schema import IMMUTABLE_TABLES

_PAGE = 10_000  # small pages: each fetch holds the interpreter lock while it builds its rows
EXPECTED_TRIGGERS = frozenset(f"{table}_no_{verb}" for table in IMMUTABLE_TABLES for verb in ("update", "delete"))


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of a verification; ``first_bad_position`` is None when the chain holds."""

    ok: bool
    events: int
    head_position: int
    head_hash: bytes
    first_bad_position: int | None = None
    problem: str | None = None
    checks: dict[str, str] = field(default_factory=dict)
    stream_versions: dict[str, int] = field(default_factory=dict, repr=False)  # to continue from the head

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "head_position": self.head_position,
                "head_hash": self.head_hash.hex(), "first_bad_position": self.first_bad_position,
                "problem": self.problem, "checks": self.checks,
                "head": f"{self.head_position}:{self.head_hash.hex()}" if self.ok else None}


def verify_log(engine: Engine, from_position: int = 1, previous_hash: bytes = GENESIS_HASH,
               stream_versions: dict[str, int] | None = None, *, sqlite_check: bool = True, full: bool = False,
               segment_from: int = SEGMENT_FROM, workers: int | None = None) -> VerifyReport:
    """Recompute the whole chain (or continue it from a known-good position) and check the store.

    SQLite's own check of the whole file is ``PRAGMA quick_check`` (every page, record and constraint; at
    ten million events 2–3 s), or with ``full`` ``PRAGMA integrity_check``, which also looks every row up in
    every index (30 s of one core at ten million events); ``sqlite_check=False`` leaves it out, for the
    frequent re-checks of a log's new tail. A whole log of ``segment_from`` events or more in a file is
    walked in segments by ``workers`` processes (``store.chain_segments``) while SQLite's check runs
    alongside; the findings are the same as one process's walk.
    """
    checks: dict[str, str] = {}
    sqlite_name = SQLITE_CHECKS[full]
    try:
        with engine.connect() as connection:
            triggers = {name for name, sql in connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'") if _refuses(name, sql)}
    except DamagedStoreError as error:
        triggers = set()
        checks[sqlite_name] = f"damaged: {error}"
    missing = sorted(EXPECTED_TRIGGERS - triggers)
    checks["immutability_triggers"] = "ok" if not missing else "missing: " + ", ".join(missing)
    path = _file_of(engine)
    head = _head_position(engine) if from_position == 1 and not stream_versions and path is not None else 0
    segmented = head >= segment_from and path is not None
    alongside: list[BaseException] = []
    integrity: threading.Thread | None = None
    if sqlite_check and sqlite_name not in checks:
        if segmented:  # SQLite reads the file without the interpreter lock while the segments are walked
            integrity = threading.Thread(target=_integrity_alongside, args=(engine, checks, full, alongside),
                                         name="sqlite file check")
            integrity.start()
        else:
            _integrity_check(engine, checks, full)
    try:
        with collector_paused():
            if segmented:
                assert path is not None
                bad_position, problem, expected_position, previous, versions = _walk_in_segments(
                    engine, path, head, workers)
            else:
                versions = dict(stream_versions or {})
                bad_position, problem, expected_position, previous = _walk_chain(
                    engine, from_position, previous_hash, versions)
    finally:
        if integrity is not None:
            integrity.join()
    if alongside:
        raise alongside[0]
    head_position = expected_position - 1
    checks["hash_chain"] = "ok" if bad_position is None else f"broken at position {bad_position}: {problem}"
    ok = bad_position is None and all(value == "ok" for value in checks.values())
    if bad_position is None and not ok:
        problem = next(f"{name}: {value}" for name, value in checks.items() if value != "ok")
    return VerifyReport(ok=ok, events=head_position, head_position=head_position,
                        head_hash=previous if bad_position is None else b"", first_bad_position=bad_position,
                        problem=problem, checks=checks, stream_versions=versions)


INTEGRITY_MMAP_BYTES = 1 << 34  # SQLite maps at most the file's size (and at most its compiled-in limit)
# The name of SQLite's check in a report's checks, by whether it is the full one.
SQLITE_CHECKS = {False: "sqlite_quick_check", True: "sqlite_integrity"}


def _integrity_check(engine: Engine, checks: dict[str, str], full: bool) -> None:
    """SQLite's own check of the whole file, into ``checks``: every page, record and constraint, and with
    ``full`` every index against its table."""
    name = SQLITE_CHECKS[full]
    try:
        with engine.connect() as connection:
            # Read through a memory map while it checks: at ten million events the full check spent two thirds
            # of its time in read calls (48 s, 31 s mapped). Only this connection maps, and only for the check.
            connection.exec_driver_sql(f"PRAGMA mmap_size = {INTEGRITY_MMAP_BYTES}")
            try:
                pragma = "integrity_check" if full else "quick_check"
                found = [row[0] for row in connection.exec_driver_sql(f"PRAGMA {pragma}")]
            finally:
                connection.exec_driver_sql("PRAGMA mmap_size = 0")
        checks[name] = "ok" if found == ["ok"] else "; ".join(found[:5])
    except DamagedStoreError as error:
        checks[name] = f"damaged: {error}"


def _integrity_alongside(engine: Engine, checks: dict[str, str], full: bool, failures: list[BaseException]) -> None:
    """``_integrity_check`` on its own thread: what fails it is handed to the caller, which raises it."""
    try:
        _integrity_check(engine, checks, full)
    except Exception as error:  # a thread boundary: the walk's caller raises it after joining
        failures.append(error)


def _file_of(engine: Engine) -> str | None:
    """The store's file, when it is one another process can open (not an in-memory store)."""
    try:
        with engine.connect() as connection:
            files = {name: file for _, name, file in connection.exec_driver_sql("PRAGMA database_list")}
    except (DamagedStoreError, OperationalError):
        return None
    file = files.get("main")
    return file if file and Path(file).is_file() else None


def _head_position(engine: Engine) -> int:
    try:
        with engine.connect() as connection:
            return int(connection.exec_driver_sql("SELECT MAX(position) FROM events").scalar() or 0)
    except (DamagedStoreError, OperationalError, TypeError, ValueError):
        return 0  # the plain walk names what is wrong


def _walk_in_segments(engine: Engine, path: str, head: int, workers: int | None
                      ) -> tuple[int | None, str | None, int, bytes, dict[str, int]]:
    """The chain walked in segments, each started from the hash the segment before it proved (the seam),
    each stream's first version in a segment checked against the segments before; from the first segment
    that does not hold wholly, the plain walk goes on from what the segments before it proved, so it names
    the first bad position in its own words. Events appended since the walk began are walked plainly too."""
    segments = walk_segments(path, head, workers)
    with engine.connect() as connection:
        names = {stream: name for stream, name in connection.exec_driver_sql(
            "SELECT id, CAST(name AS BLOB) FROM streams WHERE typeof(name) = 'text'")}
    versions: dict[int, int] = {}
    previous = GENESIS_HASH
    resume = head + 1
    for segment in segments:
        holds = segment.whole and segment.started_from == previous and all(
            version == versions.get(stream, 0) + 1 for stream, version in segment.first_seen.items())
        if not holds:
            resume = segment.start
            break
        versions.update(segment.last_version)
        previous = segment.last_hash
    by_name = {bytes(names[stream]).decode(): version for stream, version in versions.items()}
    bad_position, problem, expected_position, previous = _walk_chain(engine, resume, previous, by_name)
    return bad_position, problem, expected_position, previous, by_name


def _refuses(name: str, sql: str | None) -> bool:
    """Whether a trigger is one of the immutability triggers and still aborts what it is named for (a
    trigger of the right name whose body was made harmless does not count)."""
    table, _, verb = name.rpartition("_no_")
    wanted = re.compile(rf"CREATE TRIGGER \"?{re.escape(name)}\"? BEFORE {verb.upper()} ON \"?{re.escape(table)}\"? "
                        r"BEGIN SELECT RAISE\(ABORT, '[^']*'\); END", re.IGNORECASE)
    return bool(table) and sql is not None and wanted.fullmatch(" ".join(sql.split())) is not None


def _walk_chain(engine: Engine, expected_position: int, previous: bytes,
                versions: dict[str, int]) -> tuple[int | None, str | None, int, bytes]:
    """Recompute hashes from ``expected_position`` on; the first bad position and why, or None.

    A page SQLite cannot read (a damaged file) is read again one event at a time, to name the first event
    that cannot be read."""
    limit, careful_until = _PAGE, 0
    while True:
        if limit == 1 and expected_position >= careful_until:
            limit = _PAGE
        try:
            rows = _page(engine, expected_position, limit)
        except DamagedStoreError as error:
            if limit > 1:
                limit, careful_until = 1, expected_position + _PAGE
                continue
            return expected_position, f"the store file is damaged here ({error})", expected_position, previous
        for row in rows:
            (position, event_id, stream, version, type_name, schema_version, layout, occurred, recorded,
             metadata_json, payload, stored_hash) = row
            if position != expected_position:
                return (expected_position, f"position {expected_position} is missing (next is {position})",
                        expected_position, previous)
            if version != versions.get(stream, 0) + 1:
                problem = _unreadable(row) or f"stream {stream} jumps from version {versions.get(stream, 0)} to {version}"
                return position, problem, expected_position, previous
            try:
                digest = chain_hash(previous, canonical_text(position, bytes(event_id).hex(), stream, version, type_name,
                                                             schema_version, layout, occurred, recorded, metadata_json,
                                                             payload))
                matches = digest == bytes(stored_hash)
            except (TypeError, ValueError):  # a field of the wrong kind: named below
                matches = False
            if not matches:
                problem = _unreadable(row) or "hash does not match the event's content and the chain before it"
                return position, problem, expected_position, previous
            previous = digest
            versions[stream] = version
            expected_position += 1
        if len(rows) < limit:
            return None, None, expected_position, previous


_FIELDS = ("position", "event_id", "stream", "version", "type", "schema_version", "layout", "occurred_at",
           "recorded_at", "metadata", "payload", "hash")
_KINDS = (int, bytes, str, int, str, int, str, int, int, str, str, bytes)
_JOINED = {name: f"NULL, or its {table} row is gone" for name, table in (
    ("stream", "streams"), ("type", "event_types"), ("schema_version", "event_types"), ("layout", "event_types"),
    ("metadata", "event_metadata"))}
_KIND_NAMES = {int: "an integer", bytes: "bytes (a BLOB)", str: "text", float: "a real number"}


class _NotUtf8:
    """A text value whose bytes are not UTF-8 (read through a BLOB cast, since SQLite cannot decode it)."""


def _unreadable(row: Sequence[Any]) -> str | None:
    """Which field of a row is missing or of the wrong kind, if one is (what a tampered row looks like when
    it is not just a changed value)."""
    for name, value, kind in zip(_FIELDS, row, _KINDS):
        if value is None:
            return f"its {name} is missing ({_JOINED.get(name, 'NULL')})"
        if isinstance(value, _NotUtf8):
            return f"its {name} is not valid UTF-8 text"
        if type(value) is not kind:
            return (f"its {name} is stored as {_KIND_NAMES.get(type(value), type(value).__name__)}, "
                    f"not as {_KIND_NAMES[kind]}")
    if len(row[1]) != 16 or len(row[11]) != 32:
        return f"its {'event_id' if len(row[1]) != 16 else 'hash'} has the wrong length"
    return None


_COLUMNS = ("e.position", "e.event_id", "s.name", "e.version", "t.name", "t.schema_version", "t.layout",
            "e.occurred_at", "e.recorded_at", "m.json", "e.payload", "e.hash")
_TEXT = {"s.name", "t.name", "t.layout", "m.json", "e.payload"}
_FROM = (" FROM events AS e LEFT JOIN streams AS s ON e.stream = s.id LEFT JOIN event_types AS t ON e.type = t.id"
         " LEFT JOIN event_metadata AS m ON e.metadata = m.id WHERE e.position >= ? ORDER BY e.position LIMIT ?")
_QUERY = "SELECT " + ", ".join(_COLUMNS) + _FROM
# The same page with every text read as bytes (and its storage class), for a page holding text SQLite
# cannot decode: each value is then decoded here, and the undecodable one named.
_RAW_QUERY = "SELECT " + ", ".join(f"CAST({c} AS BLOB), typeof({c})" if c in _TEXT else c for c in _COLUMNS) + _FROM


def _page(engine: Engine, from_position: int, limit: int) -> Sequence[Sequence[Any]]:
    """Up to ``limit`` rows from a position on, in log order; text that is not UTF-8 comes back as ``_NotUtf8``."""
    with engine.connect() as connection:
        try:
            return connection.exec_driver_sql(_QUERY, (from_position, limit)).all()
        except OperationalError as error:
            if "decode" not in str(error.orig):
                raise
        rows: list[tuple[Any, ...]] = []
        for raw in connection.exec_driver_sql(_RAW_QUERY, (from_position, limit)):
            values: list[Any] = []
            at = 0
            for column in _COLUMNS:
                if column in _TEXT:
                    value, kind = raw[at], raw[at + 1]
                    at += 2
                    if kind == "text":
                        try:
                            value = bytes(value).decode("utf-8")
                        except UnicodeDecodeError:
                            value = _NotUtf8()
                else:
                    value = raw[at]
                    at += 1
                values.append(value)
            rows.append(tuple(values))
        return rows
