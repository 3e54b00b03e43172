"""Faults at the store's write boundary, made real: SQLite itself answers "database or disk is full"."""
from __future__ import annotations

import contextlib
import threading
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine

_FULL = threading.Event()
_capped: set[int] = set()
_capped_lock = threading.Lock()
_installed = threading.Lock()
_listening = False
NO_LIMIT = 4_294_967_294  # SQLite's own largest max_page_count


def _before_statement(conn, cursor, statement, parameters, context, executemany) -> None:
    """Before each statement: while the disk is 'full', the database may not grow by a single page."""
    raw = conn.connection.dbapi_connection
    key = id(raw)
    if _FULL.is_set():
        pages = raw.execute("PRAGMA page_count").fetchone()[0]
        raw.execute(f"PRAGMA max_page_count = {max(pages, 1)}")
        with _capped_lock:
            _capped.add(key)
    elif key in _capped:
        raw.execute(f"PRAGMA max_page_count = {NO_LIMIT}")
        with _capped_lock:
            _capped.discard(key)


@contextlib.contextmanager
def disk_full() -> Iterator[None]:
    """While open, no SQLite database written through SQLAlchemy in this process may grow by a page, as on
    a full disk (SQLite's SQLITE_FULL: "database or disk is full"); rows that fit in pages already there
    still go in, as they would. The listener is installed once and stays (it does nothing when not full)."""
    global _listening
    with _installed:
        if not _listening:
            event.listen(Engine, "before_cursor_execute", _before_statement)
            _listening = True
    _FULL.set()
    try:
        yield
    finally:
        _FULL.clear()
