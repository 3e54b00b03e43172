"""Hearing a shared store's appends: LISTEN on its channel, as a wake-up only.

NOTIFY is not replayed after a reconnect and says nothing a reader must trust: the follower always catches up
by position after waking (or after a timeout), so a lost notification costs at most one poll interval.
One autocommit connection, used from one thread (the follower's).
"""
from __future__ import annotations

import contextlib

import psycopg

from store.errors import StoreUnreachableError
from store.postgres_schema import CHANNEL


class HeadListener:
    """A LISTEN connection to a shared store; ``wait`` returns the newest head announced, or None."""

    def __init__(self, conninfo: tuple[tuple[object, ...], dict[str, object]]):
        args, kwargs = conninfo
        try:
            self._connection = psycopg.connect(*args, **{**kwargs, "autocommit": True})  # type: ignore[arg-type]
        except psycopg.Error as error:
            raise StoreUnreachableError(f"cannot listen to the store's server: {error}".strip()) from None
        try:
            self._connection.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as error:  # connected, but refused: the connection is not left open behind
            self.close()
            raise StoreUnreachableError(f"cannot listen to the store's server: {error}".strip()) from None

    def wait(self, timeout: float) -> int | None:
        """Block up to ``timeout`` seconds for an append; the newest head position heard (None: none heard)."""
        newest: int | None = None
        try:
            for note in self._connection.notifies(timeout=timeout, stop_after=1):
                newest = _position(note.payload, newest)
            for note in self._connection.notifies(timeout=0):  # whatever else arrived meanwhile
                newest = _position(note.payload, newest)
        except psycopg.Error as error:
            raise StoreUnreachableError(f"lost the store's server: {error}".strip()) from None
        return newest

    def close(self) -> None:
        with contextlib.suppress(psycopg.Error):  # a connection the server already dropped: nothing to release
            self._connection.close()


def _position(payload: str, newest: int | None) -> int | None:
    try:
        position = int(payload)
    except ValueError:  # someone else's NOTIFY on our channel: a wake-up all the same
        return newest
    return position if newest is None else max(newest, position)
