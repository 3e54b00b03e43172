"""A closed store leaves no connection open behind it, even one a reader still held when it closed.

A console closing its window closes the store while its workers may still be reading a page; the pool's
``dispose`` closes only the idle connections. A connection left open on a shared store's server stays there
(and is reported by the garbage collector, much later, somewhere else).
"""
from __future__ import annotations

import sqlite3
import threading

import psycopg
import pytest
from sqlalchemy import event

from store import open_store
from tests.fleet_events import registered, report


@pytest.fixture(params=["sqlite-file", "postgresql"])
def location(request, tmp_path):
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    return tmp_path / "closing.sqlite"


def _is_closed(connection) -> bool:
    if isinstance(connection, psycopg.Connection):
        return connection.closed
    try:
        connection.execute("SELECT 1")
    except sqlite3.ProgrammingError:  # "Cannot operate on a closed database."
        return True
    return False


def _connections_of(store) -> list:
    """Every database connection the store's pool hands out from now on."""
    handed = []
    event.listen(store.engine, "checkout", lambda dbapi, _record, _proxy: handed.append(dbapi))
    return handed


def test_a_connection_a_reader_held_while_the_store_closed_is_closed_when_handed_back(location):
    store = open_store(location, create=True)
    store.append_batch([registered(219000001, 0, "ALBA"), report(219000001, 1)])
    handed = _connections_of(store)
    reading, closed = threading.Event(), threading.Event()
    answers = []

    def reader() -> None:  # a console worker reading a page of the log while the window closes
        with store.engine.connect() as connection:
            reading.set()
            closed.wait(10)
            answers.append(connection.exec_driver_sql("SELECT COUNT(*) FROM events").scalar())

    worker = threading.Thread(target=reader)
    worker.start()
    assert reading.wait(10)
    store.close()
    closed.set()
    worker.join(10)

    assert answers == [2]  # the reader was answered, then its connection was closed
    assert handed and all(_is_closed(connection) for connection in handed)


def test_a_reader_after_the_close_is_answered_and_leaves_nothing_open(location):
    store = open_store(location, create=True)
    store.append_batch([registered(219000001, 0, "ALBA")])
    store.close()
    handed = _connections_of(store)

    assert store.count() == 1
    assert handed and all(_is_closed(connection) for connection in handed)
