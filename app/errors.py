"""The log's refusals, as the use cases let them through, for callers that may not import ``store`` (the UI).

A use case that appends can fail because the log refused the batch: open read-only (``ReadOnlyStoreError``),
kept busy by another writer past the wait (``StoreBusyError``), a stream moved on since it was read
(``ConcurrencyError``), or another failure of the store; all are ``StoreError``, and nothing was written.
"""
from store.errors import ConcurrencyError, ReadOnlyStoreError, StoreBusyError, StoreError

__all__ = ["ConcurrencyError", "ReadOnlyStoreError", "StoreBusyError", "StoreError"]
