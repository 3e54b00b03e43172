"""EventStore: append-only writes with optimistic concurrency and a hash chain, streaming ordered reads.

Every write runs in one ``BEGIN IMMEDIATE`` transaction: it reads the head of the log, drops observations
whose dedupe key is already stored, checks expected stream versions, assigns gap-free positions and
per-stream versions, chains hashes, and inserts the whole batch with one executemany.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Mapping, Sequence, cast

from sqlalchemy import ColumnElement, event, func, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from domain.events import Event, NewEvent, PositionReported, RecordedEvent, ship_stream
from domain.events.report_entries import DEDUPE_KEY, Appendable, as_event
from domain.hash_chain import GENESIS_HASH, chain_hash, canonical_text_from
from domain.time import format_instant, now_micros
from store.codec import decode_event
from store.collector import collector_paused
from store.copied_rows import StoredRow, prepare_copied
from store.event_ids import random_uuid_bytes
from store.event_filters import event_conditions
from store.occurred_blocks import OccurredBlocks
from store.page_cache import fit_cache_to_write
from store.errors import ConcurrencyError, ReadOnlyStoreError, StoreBusyError, StoreError
from store.head_witness import StoreWitness, WitnessedHead, WitnessUnreadableError, judge
from store.interning import Interned, Learned
from store.quarantine import QuarantinedRecord, quarantine_rows
from store.schema import events, quarantine, snapshots, store_info, streams
from store.verification import VerifyReport, verify_log

_KEY_CHUNK = 5_000
OCCURRED_SPANS = "occurred-spans"  # the snapshot holding the time spans of the log's blocks of positions
WITNESS_EVERY_S = 1.0  # a busy writer rewrites its witness file at most this often (and always at close)
log = logging.getLogger(__name__)
_INSERT_EVENT = ("INSERT INTO events (position, event_id, stream, version, type, occurred_at, recorded_at, metadata, "
                 "payload, hash, dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


_BLOB_PIECE = 1 << 20  # bytes of a snapshot written into its blob at once

# An events row as inserted: (position, event id, stream id, version, type id, occurred_at, recorded_at,
# metadata id, payload JSON, hash, dedupe key), in the column order of _INSERT_EVENT.
EventRow = tuple[int, bytes, int, int, int, int, int, int, str, bytes, bytes | None]


@dataclass(frozen=True, slots=True)
class Head:
    """The newest event of the log: its position (0 when empty) and hash (the chain head)."""

    position: int
    hash: bytes


class AppendResult:
    """What a write did: the events now in the log, and how many were already there (duplicates).

    The ``RecordedEvent`` objects are built on first access from the rows that were inserted: an import
    of millions of events that nobody inspects one by one does not pay for them (nor for the events of the
    position reports it appended as entries).
    """

    def __init__(self, items: Sequence[Appendable] = (), rows: Sequence[EventRow] = (), duplicates: int = 0):
        self._items = items
        self._rows = rows
        self.duplicates = duplicates
        self._appended: tuple[RecordedEvent, ...] | None = None

    @property
    def count(self) -> int:
        return len(self._rows)

    @property
    def written(self) -> Sequence[Appendable]:
        """The events and report entries of the batch that were appended (the same objects that were passed
        in, in order; those dropped as already stored are not among them)."""
        return self._items

    @property
    def appended(self) -> tuple[RecordedEvent, ...]:
        if self._appended is None:
            self._appended = tuple(_recorded(as_event(item), row) for item, row in zip(self._items, self._rows))
        return self._appended

    def occurred_times(self) -> list[int]:
        """When each appended event occurred, in log order."""
        return [row[5] for row in self._rows]

    def recorded(self, at: int) -> RecordedEvent:
        """The ``at``-th appended event as stored (without building every other one, as ``appended`` does)."""
        if self._appended is not None:
            return self._appended[at]
        return _recorded(as_event(self._items[at]), self._rows[at])

    @property
    def head(self) -> Head | None:
        if not self._rows:
            return None
        last = self._rows[-1]
        return Head(last[0], last[9])


def _recorded(item: NewEvent, row: EventRow) -> RecordedEvent:
    event = item.event
    return RecordedEvent(row[0], uuid.UUID(bytes=row[1]), event.stream_id, row[3], event.TYPE, event.SCHEMA_VERSION,
                         row[5], row[6], item.metadata, event, row[9])


@dataclass(frozen=True, slots=True)
class RawEvent:
    """A stored row before decoding: for bulk readers (the index build) that parse payloads themselves."""

    position: int
    event_id: uuid.UUID
    stream_id: str
    version: int
    type: str
    schema_version: int
    layout: str
    occurred_at: int
    recorded_at: int
    payload_json: str
    hash: bytes


class _AlreadyStored(Exception):
    """A batch held an observation the log already has (raised inside a write, handled by it)."""


class EventStore:
    """The log. Thread-safe: each call takes its own pooled connection."""

    def __init__(self, engine: Engine, *, path: Path | None = None, read_only: bool = False,
                 witness: StoreWitness | None = None, on_close: Callable[[], None] | None = None):
        self._engine = engine
        self.path = path
        self.read_only = read_only
        self._witness = witness
        self._witnessed_at = float("-inf")
        self._on_close = on_close
        self._names = Interned()
        self._write_lock = threading.Lock()
        # Stream versions as of a log head this process wrote; valid while the head has not moved since.
        self._versions_at: tuple[int, dict[int, int]] = (-1, {})
        # The time span of each full block of positions, learned from this process's writes, from the spans a
        # session before saved, and as time windows are read (never stale: a full block of an append-only log
        # never changes). Public so that a test can use smaller blocks.
        self.occurred_blocks = OccurredBlocks()
        self._spans_lock = threading.Lock()
        self._spans_loaded = False
        self._spans_saved = 0  # blocks whose spans the store holds saved
        self._closed = False
        if not isinstance(engine.pool, StaticPool):  # an in-memory store's one connection is the store itself
            event.listen(engine, "checkin", self._handed_back)

    def close(self) -> None:
        """Witness the head as last seen, release the file, and leave it as a closed store should be."""
        try:
            self.witness_head()
        finally:
            self._closed = True
            self._engine.dispose()
            if self._on_close is not None:
                self._on_close()

    def _handed_back(self, dbapi_connection: Any, record: Any) -> None:
        """Close a connection handed back after the store was closed. ``dispose`` closes only the idle ones and
        lets the pool go: one a reader still held (a console's worker finishing a page while the window
        closes), or one a late reader opened afterwards, would go back to a pool no one will close, and stay
        open on the server until the garbage collector happened on it."""
        if self._closed and dbapi_connection is not None:
            record.invalidate()

    def __enter__(self) -> "EventStore":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def describe(self) -> str:
        return str(self.path) if self.path else "in-memory store"

    @property
    def key(self) -> str | None:
        """What names the store outside it (its head witness's key: a file's URL, a server store's address
        without user or password); None for an in-memory store."""
        return None if self._witness is None else self._witness.key

    def _connect(self) -> Connection:
        return self._engine.connect()

    # --- writing --------------------------------------------------------------------------------------------

    def append(self, stream_id: str, new_events: Sequence[NewEvent], expected_version: int | None) -> AppendResult:
        """Append events to one stream, which must be at ``expected_version`` (0: new; None: don't check)."""
        for item in new_events:
            if item.stream_id != stream_id:
                raise ValueError(f"event for stream {item.stream_id!r} passed to append on {stream_id!r}")
        expected = {} if expected_version is None else {stream_id: expected_version}
        return self._write(list(new_events), expected)

    def append_batch(self, new_events: Iterable[Appendable]) -> AppendResult:
        """Append events (and position reports as entries) to any streams in one transaction, skipping
        already-stored observations."""
        return self._write(list(new_events), {})

    def _write(self, items: list[Appendable], expected: Mapping[str, int]) -> AppendResult:
        if self.read_only:
            raise ReadOnlyStoreError("this store is open read-only: nothing can be appended")
        if not items and not expected:
            return AppendResult()
        try:
            # Optimistic: most batches hold no observation the log already has, and the unique index on the
            # dedupe key catches one that does (the transaction is then rolled back and the batch redone,
            # this time leaving out what is stored). Either way the batch is all or nothing.
            result = self._write_once(items, expected, check_stored=False)
        except _AlreadyStored:
            result = self._write_once(items, expected, check_stored=True)
        if result.head is not None and time.monotonic() - self._witnessed_at >= WITNESS_EVERY_S:
            self.witness_head(result.head)
        return result

    def append_copied(self, rows: Sequence[StoredRow]) -> Head:
        """Append events copied from another log, which must continue this one's head exactly (``store copy``):
        every hash is recomputed and compared before anything is written; all of the rows or none."""
        if self.read_only:
            raise ReadOnlyStoreError("this store is open read-only: nothing can be copied into it")
        with self._write_transaction() as connection:
            head = self._head(connection)
            if rows:
                copied = prepare_copied(connection, head.position, head.hash, rows)
                self._insert_rows(connection, copied, streams=len({row[2] for row in copied}))
        return Head(rows[-1].position, rows[-1].hash) if rows else head

    @contextmanager
    def _write_transaction(self) -> Iterator[Connection]:
        """One write transaction holding the log's write lock (SQLite: ``BEGIN IMMEDIATE``); its refusals
        become the store's typed errors."""
        try:
            with self._write_lock, self._connect() as connection:
                connection.execution_options(sqlite_begin="IMMEDIATE")
                with connection.begin():
                    yield connection
        except IntegrityError as error:
            raise StoreError(f"the store refused the write, none of it was written: {error.orig}") from None
        except OperationalError as error:
            raise _write_refused(error, busy="nothing was written, try again", failed="nothing was written") from None

    def _write_once(self, items: list[Appendable], expected: Mapping[str, int], check_stored: bool) -> AppendResult:
        try:
            with self._write_lock, self._connect() as connection:
                connection.execution_options(sqlite_begin="IMMEDIATE")
                with connection.begin():
                    result, learned, versions = self._write_in(connection, items, expected, check_stored)
                self._names.learn(learned)
                head = result.head
                if head is not None:
                    self._versions_at = (head.position, versions)
                self._committed(result)
                return result
        except IntegrityError as error:
            message = str(error.orig)
            if "dedupe_key" in message and not check_stored:
                raise _AlreadyStored() from None
            if "stream" in message and "version" in message:
                raise StoreError(f"stream version clash while appending: {message}") from None
            raise StoreError(f"the store refused the batch, none of it was written: {message}") from None
        except OperationalError as error:
            raise _write_refused(error, busy="the batch was not written, try again",
                                 failed="none of the batch was written") from None

    def _committed(self, result: AppendResult) -> None:
        """What this process learns from a write of its own once it is committed: the time spans of the blocks
        of positions it filled (for the event log's time windows)."""
        head = result.head
        if head is not None and result.count:
            self.occurred_blocks.learn_appended(head.position - result.count + 1, result.occurred_times())

    def _write_in(self, connection: Connection, items: list[Appendable], expected: Mapping[str, int],
                  check_stored: bool) -> tuple[AppendResult, Learned, dict[int, int]]:
        head = self._head(connection)
        items, duplicates = self._drop_duplicates(connection, items, check_stored)
        stream_names = [ship_stream(item[0]) if type(item) is tuple else item.event.stream_id  # type: ignore[union-attr]
                        for item in items]
        learned = self._names.resolve(connection, set(stream_names))
        stream_ids = learned.stream_ids
        touched = set(stream_names) | set(expected)
        versions = self._stream_versions(connection, head.position,
                                         [stream_ids[name] for name in touched if name in stream_ids])
        for name, want in expected.items():
            have = versions.get(stream_ids.get(name, -1), 0)
            if have != want:
                raise ConcurrencyError(name, want, have)
        event_ids = random_uuid_bytes(len(items))
        rows: list[EventRow] = []
        with collector_paused():
            self._prepare_rows(items, stream_names, stream_ids, versions, learned, event_ids, head, rows)
        if rows:
            self._insert_rows(connection, rows, streams=len(touched))
        return AppendResult(items, rows, duplicates), learned, versions

    def _insert_rows(self, connection: Connection, rows: list[EventRow], *, streams: int) -> None:
        """Insert a prepared batch on ``streams`` streams. Driver-level executemany: the rows are already plain
        tuples in column order, so SQLAlchemy's per-parameter type processing (a third of the append time) is
        skipped. The connection's page cache is first grown to hold a page of the (stream, version) index per
        ship written."""
        fit_cache_to_write(connection, streams)
        connection.exec_driver_sql(_INSERT_EVENT, rows)

    @staticmethod
    def _prepare_rows(items: Sequence[Appendable], stream_names: Sequence[str], stream_ids: Mapping[str, int],
                      versions: dict[int, int], learned: Learned, event_ids: bytes, head: Head,
                      rows: list[EventRow]) -> bytes:
        """Number, encode and chain the batch into insertable rows (the hot loop of every append). A report
        entry brings its payload encoded; an event is encoded here unless it does."""
        position, previous = head.position, head.hash
        last_class: type[Event] | None = None
        last_metadata: Mapping[str, Any] | None = None
        event_class: type[Event]
        key: bytes | None
        payload_json: str | None
        for i, item in enumerate(items):
            if type(item) is tuple:
                _, occurred, _, _, _, _, _, _, key, payload_json, recorded, metadata = item
                event_class = PositionReported
                event_id = event_ids[16 * i:16 * i + 16]
            else:
                new = cast(NewEvent, item)
                event = new.event
                event_class, occurred, key, payload_json, recorded, metadata = (
                    type(event), event.occurred_at, new.dedupe_key, new.payload_json, new.recorded_at, new.metadata)
                event_id = new.event_id.bytes if new.event_id else event_ids[16 * i:16 * i + 16]
            if event_class is not last_class:  # batches are long runs of one type and one metadata set
                last_class = event_class
                type_id, _, _, type_text, encode = learned.type_for(event_class)
            if payload_json is None:
                payload_json = encode(event)
            if metadata is not last_metadata:
                last_metadata = metadata
                metadata_id, metadata_json = learned.metadata_for(metadata)
            stream_name = stream_names[i]
            stream = stream_ids[stream_name]
            version = versions.get(stream, 0) + 1
            versions[stream] = version
            position += 1
            previous = chain_hash(previous, canonical_text_from(position, event_id.hex(), stream_name, version,
                                                                type_text, occurred, recorded, metadata_json,
                                                                payload_json))
            rows.append((position, event_id, stream, version, type_id, occurred, recorded, metadata_id, payload_json,
                         previous, key))
        return previous

    def _drop_duplicates(self, connection: Connection, items: list[Appendable],
                         check_stored: bool) -> tuple[list[Appendable], int]:
        """Drop repeats of an observation within the batch and, when asked, those already in the log."""
        keys = [item[DEDUPE_KEY] if type(item) is tuple else item.dedupe_key  # type: ignore[union-attr]
                for item in items]
        seen: set[bytes] = set()
        if check_stored:
            seen = self._stored_keys(connection, list({key for key in keys if key is not None}))
        kept: list[Appendable] = []
        for item, key in zip(items, keys):
            if key is not None:
                if key in seen:
                    continue
                seen.add(key)
            kept.append(item)
        return kept, len(items) - len(kept)

    @staticmethod
    def _stored_keys(connection: Connection, keys: list[bytes]) -> set[bytes]:
        """Which of these dedupe keys the log already holds."""
        seen: set[bytes] = set()
        for start in range(0, len(keys), _KEY_CHUNK):
            chunk = keys[start:start + _KEY_CHUNK]
            marks = ",".join("?" * len(chunk))
            seen.update(bytes(row[0]) for row in connection.exec_driver_sql(
                f"SELECT dedupe_key FROM events WHERE dedupe_key IN ({marks})", tuple(chunk)))
        return seen

    def _stream_versions(self, connection: Connection, head_position: int, stream_ids: list[int]) -> dict[int, int]:
        """The current version of each stream (absent: none yet), from what this process last wrote when
        no one has appended since, otherwise from the log (one index seek per stream)."""
        cached_at, cached = self._versions_at
        versions = dict(cached) if cached_at == head_position else {}
        unknown = [stream for stream in stream_ids if stream not in versions]
        for start in range(0, len(unknown), _KEY_CHUNK):
            chunk = json.dumps(unknown[start:start + _KEY_CHUNK])
            for stream, version in connection.exec_driver_sql(
                    "SELECT s.value, (SELECT MAX(version) FROM events WHERE stream = s.value) FROM json_each(?) AS s",
                    (chunk,)):
                if version is not None:
                    versions[stream] = version
        return versions

    # --- reading --------------------------------------------------------------------------------------------

    @staticmethod
    def _head(connection: Connection) -> Head:
        row = connection.execute(select(events.c.position, events.c.hash).order_by(events.c.position.desc()).limit(1)).first()
        return Head(row[0], bytes(row[1])) if row else Head(0, GENESIS_HASH)

    def head(self) -> Head:
        with self._connect() as connection:
            return self._head(connection)

    def stream_version(self, stream_id: str) -> int:
        """The version of a stream's newest event (0 for a stream that does not exist yet)."""
        with self._connect() as connection:
            query = (select(func.max(events.c.version)).select_from(events.join(streams, events.c.stream == streams.c.id))
                     .where(streams.c.name == stream_id))
            return connection.execute(query).scalar() or 0

    def time_bounds(self) -> tuple[int, int] | None:
        """The earliest and latest ``occurred_at`` in the log."""
        with self._connect() as connection:
            low, high = connection.execute(select(func.min(events.c.occurred_at), func.max(events.c.occurred_at))).one()
        return None if low is None else (low, high)

    def _decode_rows(self, connection: Connection, rows: Iterable[Sequence[Any]]) -> list[RecordedEvent]:
        names = self._names
        out: list[RecordedEvent] = []
        for position, event_id, stream, version, type_id, occurred, recorded, metadata_id, payload, digest in rows:
            type_name, schema_version, layout = names.type_row(connection, type_id)
            stream_name = names.stream_name(connection, stream)
            event = decode_event(type_name, schema_version, layout, occurred, payload, stream_name)
            out.append(RecordedEvent(position, uuid.UUID(bytes=bytes(event_id)), stream_name,
                                     version, type_name, schema_version, occurred, recorded,
                                     names.metadata(connection, metadata_id), event, bytes(digest)))
        return out

    _COLUMNS = (events.c.position, events.c.event_id, events.c.stream, events.c.version, events.c.type,
                events.c.occurred_at, events.c.recorded_at, events.c.metadata, events.c.payload, events.c.hash)

    def read_all(self, from_position: int = 1, *, to_position: int | None = None, occurred_from: int | None = None,
                 occurred_to: int | None = None, recorded_to: int | None = None, page: int = 5_000,
                 stream_names: Sequence[str] | None = None) -> Iterator[RecordedEvent]:
        """Events in log order from ``from_position``, optionally bounded by both clocks and limited to some
        streams, streamed in pages."""
        with self._connect() as connection:
            conditions = event_conditions(connection, stream_names=stream_names, occurred_from=occurred_from,
                                          occurred_to=occurred_to, recorded_to=recorded_to)
        if conditions is None:
            return
        if to_position is not None:
            conditions.append(events.c.position <= to_position)
        yield from self._paged(conditions, from_position, page)

    def read_stream(self, stream_id: str, *, from_version: int = 1, occurred_from: int | None = None,
                    occurred_to: int | None = None) -> Iterator[RecordedEvent]:
        """One stream's events in log order (which is version order)."""
        with self._connect() as connection:
            conditions = event_conditions(connection, stream_names=[stream_id], occurred_from=occurred_from,
                                          occurred_to=occurred_to)
        if conditions is None:
            return
        yield from self._paged([*conditions, events.c.version >= from_version], 1, 5_000)

    def read_page(self, *, after_position: int = 0, limit: int = 500, stream_id: str | None = None,
                  type_names: Iterable[str] | None = None, occurred_from: int | None = None,
                  occurred_to: int | None = None, to_position: int | None = None) -> list[RecordedEvent]:
        """Up to ``limit`` events after a log position (and at most ``to_position``, when given) that match the
        filters, in log order (one page of the on-screen event log: it asks for the next page after the last
        position it holds). A time window reads only the blocks of positions whose events can have occurred
        in it (``store.occurred_blocks``): the log has no index on that clock."""
        if occurred_from is not None or occurred_to is not None:
            self._saved_spans_taken()
        with self._connect() as connection:
            conditions = event_conditions(connection, stream_names=None if stream_id is None else [stream_id],
                                          type_names=type_names, occurred_from=occurred_from, occurred_to=occurred_to)
            if conditions is None:
                return []
            if occurred_from is None and occurred_to is None:
                return self._page_between(connection, conditions, after_position, to_position, limit)
            last = self._head(connection).position if to_position is None else to_position
            found: list[RecordedEvent] = []
            for low, high in self.occurred_blocks.runs(after_position + 1, last, occurred_from, occurred_to,
                                                       lambda first, final: self._occurred_span(connection, first, final)):
                found += self._page_between(connection, conditions, low - 1, high, limit - len(found))
                if len(found) >= limit:
                    break
            return found

    def _page_between(self, connection: Connection, conditions: list[ColumnElement[bool]], after_position: int,
                      to_position: int | None, limit: int) -> list[RecordedEvent]:
        bounds = [events.c.position > after_position]
        if to_position is not None:
            bounds.append(events.c.position <= to_position)
        query = select(*self._COLUMNS).where(*bounds, *conditions).order_by(events.c.position).limit(limit)
        return self._decode_rows(connection, connection.execute(query).all())

    @staticmethod
    def _occurred_span(connection: Connection, first: int, last: int) -> tuple[int | None, int | None, int]:
        """The earliest and latest occurred time of the events at positions [first, last], and their count."""
        low, high, count = connection.execute(
            select(func.min(events.c.occurred_at), func.max(events.c.occurred_at), func.count())
            .where(events.c.position.between(first, last))).one()
        return low, high, count

    def _paged(self, conditions: list[ColumnElement[bool]], from_position: int, page: int) -> Iterator[RecordedEvent]:
        position = from_position
        while True:
            with self._connect() as connection:
                query = (select(*self._COLUMNS).where(events.c.position >= position, *conditions)
                         .order_by(events.c.position).limit(page))
                batch = self._decode_rows(connection, connection.execute(query).all())
            yield from batch
            if len(batch) < page:
                return
            position = batch[-1].position + 1

    def iter_raw(self, from_position: int = 1, *, type_names: Sequence[str] | None = None,
                 page: int = 10_000) -> Iterator[list[RawEvent]]:
        """Undecoded rows in log order, a page at a time, for readers that parse payloads in bulk."""
        position = from_position
        while True:
            with self._connect() as connection:
                query = (select(events.c.position, events.c.event_id, events.c.stream, events.c.version, events.c.type,
                                events.c.occurred_at, events.c.recorded_at, events.c.payload, events.c.hash)
                         .where(events.c.position >= position).order_by(events.c.position).limit(page))
                rows = connection.execute(query).all()
                batch = []
                for pos, event_id, stream, version, type_id, occurred, recorded, payload, digest in rows:
                    type_name, schema_version, layout = self._names.type_row(connection, type_id)
                    if type_names is None or type_name in type_names:
                        batch.append(RawEvent(pos, uuid.UUID(bytes=bytes(event_id)), self._names.stream_name(connection, stream),
                                              version, type_name, schema_version, layout, occurred, recorded, payload,
                                              bytes(digest)))
            if batch:
                yield batch
            if len(rows) < page:
                return
            position = rows[-1][0] + 1

    def count_by_type(self, *, occurred_from: int | None = None, occurred_to: int | None = None,
                      stream_names: Sequence[str] | None = None) -> dict[str, int]:
        """How many events of each type occurred in the range (on the given streams)."""
        with self._connect() as connection:
            conditions = event_conditions(connection, stream_names=stream_names, occurred_from=occurred_from,
                                          occurred_to=occurred_to)
            if conditions is None:
                return {}
            rows = connection.execute(select(events.c.type, func.count()).where(*conditions).group_by(events.c.type))
            return {self._names.type_row(connection, type_id)[0]: count for type_id, count in rows}

    def position_span(self, *, occurred_from: int | None = None, occurred_to: int | None = None,
                      stream_names: Sequence[str] | None = None) -> tuple[int, int] | None:
        """The first and last log positions of the events that occurred in the range (on the streams)."""
        with self._connect() as connection:
            conditions = event_conditions(connection, stream_names=stream_names, occurred_from=occurred_from,
                                          occurred_to=occurred_to)
            if conditions is None:
                return None
            low, high = connection.execute(select(func.min(events.c.position), func.max(events.c.position))
                                           .where(*conditions)).one()
            return None if low is None else (low, high)

    def read_types(self, type_names: Sequence[str], *, occurred_from: int | None = None,
                   occurred_to: int | None = None) -> Iterator[RecordedEvent]:
        """The events of these types in log order (only they are decoded), optionally in a time range."""
        after = 0
        while True:
            page = self.read_page(after_position=after, limit=5_000, type_names=type_names,
                                  occurred_from=occurred_from, occurred_to=occurred_to)
            yield from page
            if len(page) < 5_000:
                return
            after = page[-1].position

    def count(self) -> int:
        return self.head().position

    def info(self, key: str) -> str | None:
        """A value of the store's own settings table (e.g. how its demo fleet was made)."""
        with self._connect() as connection:
            return connection.execute(select(store_info.c.value).where(store_info.c.key == key)).scalar()

    def set_info(self, key: str, value: str) -> None:
        if self.read_only:
            raise ReadOnlyStoreError("this store is open read-only")
        with self._connect() as connection, connection.begin():
            connection.execute(insert(store_info).prefix_with("OR REPLACE"), [{"key": key, "value": value}])

    def hash_at(self, position: int) -> bytes | None:
        """The stored hash of the event at a position (None past the head)."""
        with self._connect() as connection:
            digest = connection.execute(select(events.c.hash).where(events.c.position == position)).scalar()
        return None if digest is None else bytes(digest)

    def verify(self, *, after: VerifyReport | None = None, expect_head: WitnessedHead | None = None,
               full: bool = False) -> VerifyReport:
        """Recompute the hash chain and check positions, versions, triggers, SQLite's integrity, and that the
        log still holds the head witnessed outside it (and ``expect_head``, a head given by hand). ``full``:
        SQLite's full integrity check (every index against its table) instead of its quick check.

        Given an earlier passing report, only the events after its head are checked (and not SQLite's
        whole-file check nor the witness): what a watch over a growing log re-runs every few seconds.
        """
        if after is not None and after.ok:
            return self._verify_log(after.head_position + 1, after.head_hash, after.stream_versions, whole=False)
        report = self._verify_log(full=full)
        if self._witness is not None:
            report = self._against(report, "head_witness", *self._witnessed(self._witness))
        if expect_head is not None:
            report = self._against(report, "expected_head", expect_head, "expected")
        return report

    def _verify_log(self, from_position: int = 1, previous_hash: bytes = GENESIS_HASH,
                    stream_versions: dict[str, int] | None = None, *, whole: bool = True,
                    full: bool = False) -> VerifyReport:
        """The engine's own checks and the chain from a position on (``whole``: with SQLite's file check,
        ``full``: its full one)."""
        return verify_log(self._engine, from_position, previous_hash, stream_versions, sqlite_check=whole,
                          full=full)

    @staticmethod
    def _witnessed(witness: StoreWitness) -> tuple[WitnessedHead | str | None, str]:
        try:
            witnessed = witness.read()
        except WitnessUnreadableError as error:
            log.warning("%s", error)
            return f"unreadable: {error}", ""
        return witnessed, "" if witnessed is None else f"witnessed on {format_instant(witnessed.seen_at)}"

    def _against(self, report: VerifyReport, check: str, expected: WitnessedHead | str | None,
                 said: str) -> VerifyReport:
        """The report with one more check: does the log hold this head? (Nothing to hold, or a witness that
        cannot be read, is said in the check and fails nothing.)"""
        if not isinstance(expected, WitnessedHead):
            return replace(report, checks={**report.checks, check: expected or "nothing witnessed yet"})
        head = self.head()  # after the witness was read: a head witnessed meanwhile is in the log by now
        mismatch = judge(expected, head.position, self.hash_at(1), self.hash_at, said)
        if mismatch is None:
            return replace(report, checks={**report.checks, check: "ok"})
        first_bad, problem = mismatch
        checks = {**report.checks, check: problem}
        if not report.ok:
            return replace(report, checks=checks)
        return replace(report, ok=False, checks=checks, first_bad_position=first_bad, problem=problem)

    def witness_head(self, head: Head | None = None) -> None:
        """Write down outside the store the newest head this process has seen (it never lowers a witness)."""
        if self._witness is None:
            return
        self._witnessed_at = time.monotonic()
        try:
            head = head or self.head()
            self._witness.record(head.position, head.hash, self.hash_at)
        except (StoreError, SQLAlchemyError) as error:  # e.g. a damaged store: verify will say why
            log.debug("head of %s not witnessed: %s", self.describe(), error)

    def forget_witness(self) -> WitnessedHead | None:
        """Forget the witnessed head (a store replaced on purpose); what was witnessed, if anything."""
        return None if self._witness is None else self._witness.forget()

    # --- quarantine -----------------------------------------------------------------------------------------

    def quarantine(self, records: Sequence[QuarantinedRecord]) -> int:
        """Set rejected records aside (a record already quarantined, by dedupe key, is not added twice)."""
        if self.read_only:
            raise ReadOnlyStoreError("this store is open read-only: nothing can be quarantined")
        if not records:
            return 0
        now = now_micros()
        rows = quarantine_rows(records, now)
        try:
            with self._connect() as connection, connection.begin():
                result = connection.execute(insert(quarantine).prefix_with("OR IGNORE"), rows)
                return result.rowcount
        except OperationalError as error:  # disk full, read-only, busy: the same typed errors as an append
            raise _write_refused(error, busy="nothing was quarantined, try again",
                                 failed="nothing was quarantined") from None

    def quarantine_count(self) -> int:
        """How many records are set aside."""
        with self._connect() as connection:
            return int(connection.execute(select(func.count()).select_from(quarantine)).scalar() or 0)

    def quarantined(self, *, limit: int | None = None, offset: int = 0) -> list[QuarantinedRecord]:
        query = select(quarantine).order_by(quarantine.c.id).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self._connect() as connection:
            return [QuarantinedRecord(source=r.source, line=r.line, raw=r.raw, reason=r.reason, field=r.field,
                                      quarantined_at=r.quarantined_at,
                                      dedupe_key=bytes(r.dedupe_key) if r.dedupe_key else None, id=r.id)
                    for r in connection.execute(query)]

    # --- snapshots (caches, never truth) --------------------------------------------------------------------

    def save_occurred_spans(self) -> bool:
        """Save the time spans of the blocks of positions known, among the snapshots (a cache: a later
        session's first search of a time window then skips the blocks they rule out instead of reading its
        way there); False when the store is read-only or holds them all already."""
        if self.read_only:
            return False
        self._saved_spans_taken()  # never save fewer than the store holds
        known = self.occurred_blocks.known_blocks
        if known <= self._spans_saved:
            return False
        head = self.head()
        self.save_snapshot(OCCURRED_SPANS, head.position, head.hash, self.occurred_blocks.to_bytes())
        self._spans_saved = known
        return True

    def _saved_spans_taken(self) -> None:
        """Learn, once, the spans a session before saved (when they still match the log)."""
        with self._spans_lock:
            if self._spans_loaded:
                return
            self._spans_loaded = True
            try:
                saved = self.load_snapshot(OCCURRED_SPANS)
                if saved is not None:
                    self._spans_saved = self.occurred_blocks.take(saved[1], saved[0])
            except (StoreError, ValueError) as error:  # a cache: without it, reads learn the spans again
                log.warning("ignoring the saved spans of the log's blocks: %s", error)

    def save_snapshot(self, name: str, log_position: int, head_hash: bytes, data: bytes) -> None:
        if self.read_only:
            return
        row = {"name": name, "log_position": log_position, "head_hash": head_hash, "created_at": now_micros(), "data": data}
        try:
            with self._connect() as connection, connection.begin():
                connection.execute(insert(snapshots).prefix_with("OR REPLACE"), [row])
        except OperationalError as error:
            raise _write_refused(error, busy="the snapshot was not saved", failed="the snapshot was not saved") from None

    def save_snapshot_file(self, name: str, log_position: int, head_hash: bytes, file: BinaryIO, size: int) -> None:
        """``save_snapshot`` with the data read from ``file`` (its first ``size`` bytes) a piece at a time into
        SQLite's blob: a snapshot of tens of megabytes is never held whole in memory, nor copied for SQLite."""
        if self.read_only:
            return
        try:
            with self._connect() as connection, connection.begin():
                connection.execute(insert(snapshots).prefix_with("OR REPLACE").values(
                    name=name, log_position=log_position, head_hash=head_hash, created_at=now_micros(),
                    data=func.zeroblob(size)))
                row = connection.exec_driver_sql("SELECT rowid FROM snapshots WHERE name = ?", (name,)).scalar()
                file.seek(0)
                written = 0
                driver = connection.connection.driver_connection
                assert driver is not None, "an open connection has its driver's"
                with driver.blobopen("snapshots", "data", row) as blob:
                    while written < size and (piece := file.read(min(_BLOB_PIECE, size - written))):
                        blob.write(piece)
                        written += len(piece)
                if written != size:
                    raise StoreError(f"the snapshot was not saved: its file ended after {written:,} of {size:,} bytes")
        except OperationalError as error:
            raise _write_refused(error, busy="the snapshot was not saved", failed="the snapshot was not saved") from None
        except sqlite3.Error as error:  # the blob's own writes are not SQLAlchemy's
            raise StoreError(f"the store failed, the snapshot was not saved: {error}") from None

    def load_snapshot(self, name: str) -> tuple[int, bytes] | None:
        """The snapshot's log position and data, or None when absent or no longer matching the log."""
        with self._connect() as connection:
            row = connection.execute(select(snapshots.c.log_position, snapshots.c.head_hash, snapshots.c.data)
                                     .where(snapshots.c.name == name)).first()
            if row is None:
                return None
            stored = connection.execute(select(events.c.hash).where(events.c.position == row.log_position)).scalar()
        if row.log_position and (stored is None or bytes(stored) != bytes(row.head_hash)):
            return None
        return row.log_position, bytes(row.data)

    def load_snapshot_into(self, name: str, file: BinaryIO) -> int | None:
        """``load_snapshot`` with the data written to ``file`` a piece at a time rather than returned: the
        snapshot's log position, or None (nothing written) when absent or no longer matching the log."""
        try:
            with self._connect() as connection, connection.begin():  # one read of the log: the row stays as checked
                row = connection.exec_driver_sql("SELECT rowid, log_position, head_hash FROM snapshots WHERE name = ?",
                                                 (name,)).first()
                if row is None:
                    return None
                stored = connection.execute(select(events.c.hash).where(events.c.position == row.log_position)).scalar()
                if row.log_position and (stored is None or bytes(stored) != bytes(row.head_hash)):
                    return None
                driver = connection.connection.driver_connection
                assert driver is not None, "an open connection has its driver's"
                with driver.blobopen("snapshots", "data", row.rowid, readonly=True) as blob:
                    while piece := blob.read(_BLOB_PIECE):
                        file.write(piece)
                return int(row.log_position)
        except sqlite3.Error as error:
            raise StoreError(f"the store failed, the snapshot was not read: {error}") from None

    @property
    def engine(self) -> Engine:
        return self._engine


def _write_refused(error: OperationalError, *, busy: str, failed: str) -> StoreError:
    """SQLite's refusal of a write as the store's typed error, saying what was not written."""
    message = str(error.orig)
    if "locked" in message or "busy" in message:
        return StoreBusyError(f"another process kept the store busy; {busy}")
    if "readonly" in message or "read-only" in message:
        return ReadOnlyStoreError(f"the store cannot be written: {message}")
    return StoreError(f"the store failed, {failed}: {message}")
