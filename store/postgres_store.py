"""The log in PostgreSQL: the recorder contract of ``EventStore`` on a server several consoles share.

Reads are the same SQLAlchemy Core queries as SQLite's (the tables have the same names and columns). Writes
differ in how they are serialised: every append takes one transaction-scoped advisory lock, then reads the
head, assigns ``head + 1 …``, chains the hashes (``domain.hash_chain``, as on SQLite), inserts with COPY,
and NOTIFYs the new head before it commits. Positions are therefore gap-free and in commit order, which a
sequence would not give: a follower reading "after the last position I saw" never skips a slower writer.
``lock_timeout`` and ``idle_in_transaction_session_timeout`` are set on every connection, so a stalled
client cannot hold the room's log.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, Iterator, Mapping, Sequence

import psycopg
from psycopg import errors as pg_errors
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from domain.events import NewEvent
from domain.events.report_entries import Appendable
from domain.hash_chain import GENESIS_HASH
from domain.time import now_micros
from store.errors import ReadOnlyStoreError, StoreBusyError, StoreError, StoreUnreachableError
from store.event_store import AppendResult, EventRow, EventStore
from store.head_witness import StoreWitness
from store.postgres_listener import HeadListener
from store.postgres_schema import APPEND_LOCK, CHANNEL, presence
from store.postgres_verification import verify_postgres
from store.quarantine import QuarantinedRecord, quarantine_rows
from store.schema import quarantine, snapshots, store_info
from store.verification import VerifyReport

log = logging.getLogger(__name__)
_COPY_EVENTS = ("COPY events (position, event_id, stream, version, type, occurred_at, recorded_at, metadata, payload, "
                "hash, dedupe_key) FROM STDIN (FORMAT BINARY)")
_COPY_TYPES = ("int8", "bytea", "int4", "int4", "int4", "int8", "int8", "int4", "text", "bytea", "bytea")
PRESENT_FOR_US = 60_000_000  # an operator counts as present for a minute after the console last said so


@dataclass(frozen=True, slots=True)
class ServerAddress:
    """Where a shared store is: server, port and database (never the user's password)."""

    host: str
    port: int
    database: str

    def describe(self) -> str:
        where = "local socket" if self.host.startswith("/") or not self.host else self.host
        return f"PostgreSQL {self.database} on {where}:{self.port}"

    @property
    def key(self) -> str:
        """What names the store outside it (its head witness)."""
        return f"postgresql://{self.host or 'localhost'}:{self.port}/{self.database}"


@dataclass(frozen=True, slots=True)
class Presence:
    """A console that said recently that it watches this store."""

    console: str
    operator: str
    host: str
    seen_at: int


class _DuplicateObservation(Exception):
    """A batch held an observation the log already has (raised inside a write, which then drops it)."""


class PostgresEventStore(EventStore):
    """The log on a PostgreSQL server; thread-safe, one pooled connection per call."""

    def __init__(self, engine: Engine, server: ServerAddress, *, read_only: bool = False,
                 witness: StoreWitness | None = None):
        super().__init__(engine, path=None, read_only=read_only, witness=witness)
        self.server = server
        self.channel = CHANNEL

    def describe(self) -> str:
        return self.server.describe()

    # --- writing --------------------------------------------------------------------------------------------

    def _write_once(self, items: list[Appendable], expected: Mapping[str, int], check_stored: bool) -> AppendResult:
        try:
            with self._write_lock, self._connect() as connection:
                with connection.begin():
                    connection.exec_driver_sql("SELECT pg_advisory_xact_lock(%(key)s)", {"key": APPEND_LOCK})
                    result, learned, versions = self._write_in(connection, items, expected, check_stored)
                    head = result.head
                    if head is not None:
                        connection.exec_driver_sql("SELECT pg_notify(%(channel)s, %(head)s)",
                                                   {"channel": CHANNEL, "head": str(head.position)})
                self._names.learn(learned)
                if head is not None:
                    self._versions_at = (head.position, versions)
                self._committed(result)
                return result
        except _DuplicateObservation:
            if check_stored:
                raise StoreError("an observation's dedupe key clashed twice in one write; nothing was written") from None
            return self._write_once(items, expected, check_stored=True)
        except DBAPIError as error:
            raise refused(error.orig, "none of the batch was written") from None
        except psycopg.Error as error:
            raise refused(error, "none of the batch was written") from None

    @contextmanager
    def _write_transaction(self) -> Iterator[Connection]:
        """One write transaction holding the append lock; the new head is NOTIFYed as it commits."""
        try:
            with self._write_lock, self._connect() as connection:
                with connection.begin():
                    connection.exec_driver_sql("SELECT pg_advisory_xact_lock(%(key)s)", {"key": APPEND_LOCK})
                    yield connection
                    connection.exec_driver_sql(
                        "SELECT pg_notify(%(channel)s, (SELECT coalesce(max(position), 0) FROM events)::text)",
                        {"channel": CHANNEL})
        except DBAPIError as error:
            raise refused(error.orig, "nothing was written") from None
        except psycopg.Error as error:
            raise refused(error, "nothing was written") from None

    def _insert_rows(self, connection: Connection, rows: list[EventRow], *, streams: int) -> None:
        """COPY the prepared rows in (several times faster than an executemany over the network); the server
        sizes its own cache, so ``streams`` is not needed here."""
        raw = connection.connection.driver_connection
        assert raw is not None
        try:
            with raw.cursor() as cursor, cursor.copy(_COPY_EVENTS) as copy:
                copy.set_types(_COPY_TYPES)
                for row in rows:
                    copy.write_row(row)
        except pg_errors.UniqueViolation as error:
            if error.diag.constraint_name == "ix_events_dedupe_key":
                raise _DuplicateObservation() from None
            raise

    @staticmethod
    def _stored_keys(connection: Connection, keys: list[bytes]) -> set[bytes]:
        if not keys:
            return set()
        rows = connection.exec_driver_sql("SELECT dedupe_key FROM events WHERE dedupe_key = ANY(%(keys)s)",
                                          {"keys": keys})
        return {bytes(row[0]) for row in rows}

    def _stream_versions(self, connection: Connection, head_position: int, stream_ids: list[int]) -> dict[int, int]:
        cached_at, cached = self._versions_at
        versions = dict(cached) if cached_at == head_position else {}
        unknown = [stream for stream in stream_ids if stream not in versions]
        if unknown:
            for stream, version in connection.exec_driver_sql(
                    "SELECT s, (SELECT max(version) FROM events WHERE stream = s) FROM unnest(%(ids)s::integer[]) AS s",
                    {"ids": unknown}):
                if version is not None:
                    versions[stream] = version
        return versions

    # --- the store's own tables -----------------------------------------------------------------------------

    def set_info(self, key: str, value: str) -> None:
        if self.read_only:
            raise ReadOnlyStoreError("this store is open read-only")
        statement = pg_insert(store_info).values(key=key, value=value)
        with self._connect() as connection, connection.begin():
            connection.execute(statement.on_conflict_do_update(index_elements=[store_info.c.key],
                                                               set_={"value": statement.excluded.value}))

    def quarantine(self, records: Sequence[QuarantinedRecord]) -> int:
        if self.read_only:
            raise ReadOnlyStoreError("this store is open read-only: nothing can be quarantined")
        if not records:
            return 0
        now = now_micros()
        rows = quarantine_rows(records, now)
        try:
            with self._connect() as connection, connection.begin():
                added = connection.execute(pg_insert(quarantine).on_conflict_do_nothing().returning(quarantine.c.id),
                                           rows).all()
            return len(added)
        except DBAPIError as error:
            raise refused(error.orig, "nothing was quarantined") from None

    def save_snapshot(self, name: str, log_position: int, head_hash: bytes, data: bytes) -> None:
        if self.read_only:
            return
        statement = pg_insert(snapshots).values(name=name, log_position=log_position, head_hash=head_hash,
                                                created_at=now_micros(), data=data)
        with self._connect() as connection, connection.begin():
            connection.execute(statement.on_conflict_do_update(index_elements=[snapshots.c.name], set_={
                column: statement.excluded[column] for column in ("log_position", "head_hash", "created_at", "data")}))

    def save_snapshot_file(self, name: str, log_position: int, head_hash: bytes, file: BinaryIO, size: int) -> None:
        """``save_snapshot`` of the first ``size`` bytes of ``file`` (a server takes the value whole)."""
        file.seek(0)
        self.save_snapshot(name, log_position, head_hash, file.read(size))

    def load_snapshot_into(self, name: str, file: BinaryIO) -> int | None:
        """``load_snapshot``, its data written to ``file`` (a server gives the value whole)."""
        loaded = self.load_snapshot(name)
        if loaded is None:
            return None
        file.write(loaded[1])
        return loaded[0]

    def _verify_log(self, from_position: int = 1, previous_hash: bytes = GENESIS_HASH,
                    stream_versions: dict[str, int] | None = None, *, whole: bool = True,
                    full: bool = False) -> VerifyReport:
        return verify_postgres(self._engine, from_position, previous_hash, stream_versions)  # no file to check

    def listener(self) -> HeadListener:
        """A new LISTEN connection announcing this store's appends (the caller closes it)."""
        args, kwargs = self._engine.dialect.create_connect_args(self._engine.url)
        return HeadListener((tuple(args), dict(kwargs)))

    # --- who is watching ------------------------------------------------------------------------------------

    def mark_present(self, console: str, operator: str, host: str, at: int | None = None) -> None:
        """Say that this console (an id unique to it) watches the store now, as ``operator`` on ``host``."""
        statement = pg_insert(presence).values(console=console, operator=operator, host=host,
                                                        seen_at=at if at is not None else now_micros())
        try:
            with self._connect() as connection, connection.begin():
                connection.execute(statement.on_conflict_do_update(
                    index_elements=["console"], set_={"operator": statement.excluded.operator,
                                                      "host": statement.excluded.host,
                                                      "seen_at": statement.excluded.seen_at}))
        except DBAPIError as error:
            raise refused(error.orig, "this console's presence was not recorded") from None

    def present(self, now: int | None = None, within_us: int = PRESENT_FOR_US) -> list[Presence]:
        """The consoles that said they watch within the last minute (by default), newest first."""
        table = presence
        since = (now if now is not None else now_micros()) - within_us
        try:
            with self._connect() as connection:
                rows = connection.execute(select(table.c.console, table.c.operator, table.c.host, table.c.seen_at)
                                          .where(table.c.seen_at >= since).order_by(table.c.seen_at.desc())).all()
        except DBAPIError as error:
            raise refused(error.orig, "who else watches is not known") from None
        return [Presence(console, operator, host, seen_at) for console, operator, host, seen_at in rows]

    def leave(self, console: str) -> None:
        """This console stops watching (its presence row goes at once rather than after a minute)."""
        try:
            with self._connect() as connection, connection.begin():
                connection.exec_driver_sql("DELETE FROM presence WHERE console = %(console)s", {"console": console})
        except DBAPIError as error:
            raise refused(error.orig, "this console's presence was not removed") from None


def refused(error: BaseException | None, failed: str) -> StoreError:
    """A PostgreSQL refusal as the store's typed error, saying what was not written."""
    message = str(error).strip() if error is not None else "unknown error"
    if isinstance(error, (pg_errors.LockNotAvailable, pg_errors.QueryCanceled)):
        return StoreBusyError(f"another writer held the shared log too long ({message}); {failed}, try again")
    if isinstance(error, pg_errors.InsufficientPrivilege):
        return ReadOnlyStoreError(f"the server refused: {message}; {failed}")
    if isinstance(error, (psycopg.OperationalError, pg_errors.AdminShutdown)):
        return StoreUnreachableError(f"the store's server cannot be reached ({message}); {failed}")
    return StoreError(f"the server refused the write, {failed}: {message}")
