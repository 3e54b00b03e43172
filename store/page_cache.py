"""How much of a SQLite store each connection keeps in memory: SQLite's page cache, sized to the work.

A connection starts with a modest cache (``READ_CACHE_KIB``): reads walk the log in order, or seek through an
index's upper pages, and the operating system keeps the file's pages as well. A write grows its connection's
cache to hold the pages it comes back to: every event goes into the log's (stream, version) index at its
ship's place, so a transaction touches about one leaf page of that index per ship it writes to, and touches
many of them again in the next. The cache is sized to those ships, not fixed at its largest: a fixed 64 MiB
made an import of a 1,000-ship day hold 50 MB of pages it never read again (its peak went from 283 to 334 MB,
against 300), while the rate at 10,000 ships and 3 M rows moved by the noise of this machine (45,700 and
43,600 rows/s against 46,900 and 45,200 with 64 MiB). The cache never shrinks: a live feed's small
transactions leave a connection as an import before sized it.
"""
from __future__ import annotations

from typing import Any

READ_CACHE_KIB = 16_384  # every connection, from its start
MAX_CACHE_KIB = 65_536  # a write's cache, at most
KIB_PER_STREAM = 6  # a leaf page of the (stream, version) index per ship written to, and half as much again
_SIZED = "fleet_cache_kib"  # where a connection's info remembers the cache it was given


def cache_for_streams(streams: int) -> int:
    """The cache (KiB) a write touching ``streams`` streams keeps its pages in."""
    return min(MAX_CACHE_KIB, max(READ_CACHE_KIB, streams * KIB_PER_STREAM))


def fit_cache_to_write(connection: Any, streams: int) -> None:
    """Grow the cache of ``connection`` (a SQLAlchemy connection to a SQLite store) for a write touching
    ``streams`` streams, if it is smaller than that write needs."""
    wanted = cache_for_streams(streams)
    info = connection.info  # the DB-API connection's own: it lasts as long as the connection
    if info.get(_SIZED, READ_CACHE_KIB) < wanted:
        connection.exec_driver_sql(f"PRAGMA cache_size = -{wanted}")
        info[_SIZED] = wanted
