"""The event store: SQLAlchemy Core over SQLite, append-only, hash-chained, with quarantine and snapshots.

The package's names are imported when first asked for (``from store import EventStore`` works as ever): a
process that needs one module of the package alone does not load SQLAlchemy and the whole store first. A
verify's walking processes need only ``store.chain_segments``; importing all of the store cost each of them
0.3 s of CPU before its first page.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from store.errors import (ConcurrencyError, DamagedStoreError, NotAStoreError, ReadOnlyStoreError, StoreBusyError,
                              StoreError, StoreNotFoundError, StoreUnreachableError)
    from store.event_store import AppendResult, EventStore, Head, RawEvent
    from store.opening import open_store
    from store.quarantine import QuarantinedRecord
    from store.verification import VerifyReport

_MODULE_OF = {
    **dict.fromkeys(["ConcurrencyError", "DamagedStoreError", "NotAStoreError", "ReadOnlyStoreError",
                     "StoreBusyError", "StoreError", "StoreNotFoundError", "StoreUnreachableError"], "store.errors"),
    **dict.fromkeys(["AppendResult", "EventStore", "Head", "RawEvent"], "store.event_store"),
    "open_store": "store.opening",
    "QuarantinedRecord": "store.quarantine",
    "VerifyReport": "store.verification",
}

__all__ = ["ConcurrencyError", "DamagedStoreError", "NotAStoreError", "ReadOnlyStoreError", "StoreBusyError",
           "StoreError", "StoreNotFoundError", "StoreUnreachableError", "AppendResult", "EventStore", "Head", "RawEvent", "open_store",
           "QuarantinedRecord", "VerifyReport"]


def __getattr__(name: str) -> Any:
    """One of the package's names, from its module (imported now if it was not yet)."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'store' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # asked once: later uses find it here
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
