"""Faults at the store's write boundary, made real: SQLite itself answers "database or disk is full"."""
from __future__ import annotations

import contextlib
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.pool import Pool


def _no_room_to_grow(dbapi_connection, _record) -> None:
    pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
    dbapi_connection.execute(f"PRAGMA max_page_count = {max(pages, 1)}")


@contextlib.contextmanager
def disk_full(*stores) -> Iterator[None]:
    """While open, every SQLite connection made in this process may not grow its database file by a page,
    as on a full disk (SQLITE_FULL: "database or disk is full"). ``stores`` already open drop their pooled
    connections on entry and exit, so the limit applies to them at once and is gone after."""
    event.listen(Pool, "connect", _no_room_to_grow)
    for store in stores:
        store.engine.dispose()
    try:
        yield
    finally:
        event.remove(Pool, "connect", _no_room_to_grow)
        for store in stores:
            store.engine.dispose()
