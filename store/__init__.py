"""The event store: SQLAlchemy Core over SQLite, append-only, hash-chained, with quarantine and snapshots."""
from store.errors import (ConcurrencyError, DamagedStoreError, NotAStoreError, ReadOnlyStoreError, StoreBusyError,
                          StoreError, StoreNotFoundError, StoreUnreachableError)
from store.event_store import AppendResult, EventStore, Head, RawEvent
from store.opening import open_store
from store.quarantine import QuarantinedRecord
from store.verification import VerifyReport

__all__ = ["ConcurrencyError", "DamagedStoreError", "NotAStoreError", "ReadOnlyStoreError", "StoreBusyError",
           "StoreError", "StoreNotFoundError", "StoreUnreachableError", "AppendResult", "EventStore", "Head", "RawEvent", "open_store",
           "QuarantinedRecord", "VerifyReport"]
