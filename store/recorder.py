"""The recorder contract: what every backend of the log offers (SQLite's ``EventStore``, PostgreSQL's
``PostgresEventStore``), and what ``tests/store/test_contract.py`` holds each of them to.

Append a batch (with an expected stream version, or dedupe keys that make a repeat a no-op); read by
position range, stream, type and either clock; the head; quarantine; snapshots (caches checked against the
log); verify. Both backends number, encode and chain events the same way (``domain.hash_chain``), so a log
copied from one to the other keeps its positions, event ids and hashes.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Protocol, Sequence, runtime_checkable

from domain.events import NewEvent, RecordedEvent
from store.event_store import AppendResult, Head
from store.head_witness import WitnessedHead
from store.quarantine import QuarantinedRecord
from store.verification import VerifyReport


@runtime_checkable
class Recorder(Protocol):
    """An append-only, hash-chained event log."""

    read_only: bool

    def describe(self) -> str: ...
    def close(self) -> None: ...

    def append(self, stream_id: str, new_events: Sequence[NewEvent], expected_version: int | None) -> AppendResult: ...
    def append_batch(self, new_events: Iterable[NewEvent]) -> AppendResult: ...

    def head(self) -> Head: ...
    def stream_version(self, stream_id: str) -> int: ...
    def read_all(self, from_position: int = 1, *, to_position: int | None = None, occurred_from: int | None = None,
                 occurred_to: int | None = None, recorded_to: int | None = None, page: int = 5_000,
                 stream_names: Sequence[str] | None = None) -> Iterator[RecordedEvent]: ...
    def read_stream(self, stream_id: str, *, from_version: int = 1, occurred_from: int | None = None,
                    occurred_to: int | None = None) -> Iterator[RecordedEvent]: ...
    def read_page(self, *, after_position: int = 0, limit: int = 500, stream_id: str | None = None,
                  type_names: Iterable[str] | None = None, occurred_from: int | None = None,
                  occurred_to: int | None = None, to_position: int | None = None) -> list[RecordedEvent]: ...
    def hash_at(self, position: int) -> bytes | None: ...

    def quarantine(self, records: Sequence[QuarantinedRecord]) -> int: ...
    def quarantined(self, *, limit: int | None = None, offset: int = 0) -> list[QuarantinedRecord]: ...

    def save_snapshot(self, name: str, log_position: int, head_hash: bytes, data: bytes) -> None: ...
    def load_snapshot(self, name: str) -> tuple[int, bytes] | None: ...

    def verify(self, *, after: VerifyReport | None = None, expect_head: WitnessedHead | None = None) -> VerifyReport: ...
