"""The hash chain of a large log checked in segments, one process each, with the seams checked after.

A chain link depends only on the stored hash before it, so a segment can be walked from the hash stored just
before its first position: each segment recomputes every hash in it and compares it with the stored one,
which also proves the stored hash the next segment started from (the seam). Stream versions are checked
inside a segment; a stream's first event in a segment is checked against the segments before it once they
are all back.

At ten million events the per-event work is what counts, so SQLite builds each event's canonical bytes
itself, in C (``canonical_query``): the event's own fields in ``domain.hash_chain``'s order and separators,
with each interned name's share (its separators around it; a type's text from ``canonical_type_text``)
made once per name in Python and joined in from a temporary table, or, for the few event types and metadata
rows a log has, chosen by a CASE over bound values (a join costs a B-tree search an event). SQLite also checks
that every field has the storage class a well-formed row has. Python checks a page at a time: that the text
is UTF-8 (the page's bytes joined), that ``sha256(previous + bytes)`` is each stored hash, and the streams'
versions, as arrays (``StreamVersions``). The bytes are the ones ``domain.hash_chain.canonical_text_from``
defines, held to it by a property test (tests/store/test_segment_bytes.py).

Workers look for the first thing that is not as it should be and stop there; what it is, and the exact
words for it, are left to the plain walk of ``store.verification``, run again from the start of that segment
with everything the segments before it proved. So the findings are the same as a walk of the whole log by
one process, only found sooner. A segment may also stop at what is not wrong but unusual (a stream id or a
version outside 1..2**31-1, which no log written by the store has): the plain walk then judges it.
"""
from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import sqlite3
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Callable, Sequence
from urllib.parse import quote

import numpy as np

from domain.hash_chain import GENESIS_HASH, SEPARATOR, canonical_type_text

SEGMENT_FROM = 400_000  # below this many events one process walks the chain (starting processes costs more)
SEGMENT_EVENTS = 500_000  # a large log in segments of about this many events: one slowed down holds up little
_PAGE = 20_000
INLINE_PARTS = 16  # event types or metadata rows up to this many are chosen by a CASE, more are joined

# The event's own fields of a well-formed row, by storage class (the event id also by its length): a row of
# any other kind gets no canonical bytes, which stops the segment, and the plain walk names what is wrong.
_WELL_FORMED = " AND ".join([
    "typeof(e.event_id) = 'blob'", "length(e.event_id) = 16", "typeof(e.version) = 'integer'",
    "typeof(e.occurred_at) = 'integer'", "typeof(e.recorded_at) = 'integer'", "typeof(e.payload) = 'text'"])
# The stream and the version in one integer (one column less to hand to Python an event); NULL when either is
# outside 1..2**31-1, which stops the segment.
_STREAM_VERSION = ("CASE WHEN e.stream BETWEEN 1 AND 2147483647 AND e.version BETWEEN 1 AND 2147483647"
                   " THEN e.stream * 4294967296 + e.version END")
_STREAM_BITS = 32


def canonical_query(connection: sqlite3.Connection, inline_parts: int = INLINE_PARTS
                    ) -> tuple[str, tuple[object, ...]]:
    """The query of a run of positions ``?1``..``?2`` and the values bound after those two: each event's
    canonical bytes (None when the row is not well formed or a name it refers to is gone or not well formed),
    its stream and version as ``stream << 32 | version``, and its stored hash, in position order. Event types
    and metadata rows up to ``inline_parts`` of each are chosen by a CASE, more are joined. Needs
    ``name_parts`` on the connection first."""
    joins = [" LEFT JOIN temp.stream_parts AS s ON s.id = e.stream"]
    values: list[object] = []
    parts = {}
    for key, table, alias, column in (("type", "type_parts", "t", "e.type"),
                                      ("metadata", "metadata_parts", "m", "e.metadata")):
        rows = connection.execute(f"SELECT id, part FROM temp.{table} ORDER BY id LIMIT ?",
                                  (inline_parts + 1,)).fetchall()
        if len(rows) > inline_parts:
            joins.append(f" LEFT JOIN temp.{table} AS {alias} ON {alias}.id = {column}")
            parts[key] = f"{alias}.part"
            continue
        whens = []
        for name_id, part in rows:  # ?1 and ?2 are the positions
            whens.append(f"WHEN ?{len(values) + 3} THEN ?{len(values) + 4}")
            values += [name_id, part]
        parts[key] = f"CASE {column} {' '.join(whens)} END" if whens else "NULL"
    canonical = " || ".join([
        "e.position", "char(31)", "lower(hex(e.event_id))", "s.part", "e.version", parts["type"], "e.occurred_at",
        "char(31)", "e.recorded_at", parts["metadata"], "e.payload"])
    query = (f"SELECT CASE WHEN {_WELL_FORMED} THEN CAST({canonical} AS BLOB) END, {_STREAM_VERSION}, e.hash"
             f" FROM main.events AS e{''.join(joins)} WHERE e.position >= ?1 AND e.position <= ?2 ORDER BY e.position")
    return query, tuple(values)


def name_parts(connection: sqlite3.Connection) -> None:
    """Each interned name's share of the canonical bytes, its separators on both sides, in temporary tables of
    this connection (a read-only connection may make them: they are not in the store's file). A name row
    that is not well formed has no share, so an event naming it gets no canonical bytes; nor has a name two
    rows share (the plain walk follows a stream's versions by its name, a segment by its id)."""
    factory = connection.text_factory
    connection.text_factory = _utf8_or_none  # a name that is not UTF-8 text is not well formed
    try:
        for table, query, part in (("stream_parts", "SELECT id, name FROM main.streams", _name_part),
                                   ("type_parts", "SELECT id, name, schema_version, layout FROM main.event_types",
                                    _type_part),
                                   ("metadata_parts", "SELECT id, json FROM main.event_metadata", _name_part)):
            connection.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY, part TEXT NOT NULL)")
            connection.execute(f"DELETE FROM temp.{table}")
            parts = [(key, part(*values)) for key, *values in connection.execute(query)]
            shared = {text for text, rows in Counter(text for _, text in parts).items() if rows > 1}
            connection.executemany(f"INSERT INTO temp.{table} VALUES (?, ?)",
                                   [(key, text) for key, text in parts if text is not None and text not in shared])
    finally:
        connection.text_factory = factory


def _name_part(name: object) -> str | None:
    return f"{SEPARATOR}{name}{SEPARATOR}" if type(name) is str else None


def _type_part(name: object, schema_version: object, layout: object) -> str | None:
    if type(name) is not str or type(schema_version) is not int or type(layout) is not str:
        return None
    return f"{SEPARATOR}{canonical_type_text(name, schema_version, layout)}{SEPARATOR}"


def _utf8_or_none(raw: bytes) -> str | None:
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return None


@dataclass
class Segment:
    """What a worker proved of positions ``start``..``end``: everything before ``reached`` holds (``reached``
    is ``end + 1`` when all of it does; a page that does not hold wholly is not counted), ``last_hash`` is the
    hash at ``reached - 1``, and per stream (by id) its first and its last version in the segment."""

    start: int
    end: int
    started_from: bytes = b""
    reached: int = 0
    last_hash: bytes = b""
    first_seen: dict[int, int] = field(default_factory=dict)
    last_version: dict[int, int] = field(default_factory=dict)

    @property
    def whole(self) -> bool:
        return self.reached == self.end + 1


class StreamVersions:
    """Each stream's first and last version so far in a segment, as arrays over the streams' ids (0: not seen;
    a version is at least 1), followed a page at a time: within a page, sorted by stream (stably, so each
    stream's events stay in log order), every version is the one before it plus one, and a stream's first
    in the page follows its last of the pages before."""

    def __init__(self, stream_ids: np.ndarray) -> None:
        self.ids = np.sort(stream_ids.astype(np.int64))
        self.first = np.zeros(len(self.ids), dtype=np.int64)
        self.last = np.zeros(len(self.ids), dtype=np.int64)

    def follow(self, packed: Sequence[int]) -> bool:
        """Whether a page's ``stream << 32 | version`` values, in log order, continue every stream; only a page
        that does is taken in."""
        values = np.array(packed, dtype=np.int64)
        streams, versions = values >> _STREAM_BITS, values & ((1 << _STREAM_BITS) - 1)
        order = np.argsort(streams, kind="stable")
        streams, versions = streams[order], versions[order]
        starts = np.flatnonzero(np.concatenate(([True], streams[1:] != streams[:-1])))
        within = np.ones(len(values), dtype=bool)
        within[starts] = False
        if not np.array_equal(versions[within], versions[np.flatnonzero(within) - 1] + 1):
            return False
        keys = np.searchsorted(self.ids, streams[starts])
        if keys.size and (keys[-1] >= len(self.ids) or not np.array_equal(self.ids[keys], streams[starts])):
            return False
        firsts, carried = versions[starts], self.last[keys]
        seen = carried > 0
        if not np.array_equal(firsts[seen], carried[seen] + 1):
            return False
        self.first[keys[~seen]] = firsts[~seen]
        self.last[keys] = versions[np.concatenate((starts[1:], [len(values)])) - 1]
        return True

    def first_seen(self) -> dict[int, int]:
        seen = np.flatnonzero(self.first)
        return dict(zip(self.ids[seen].tolist(), self.first[seen].tolist()))

    def last_version(self) -> dict[int, int]:
        seen = np.flatnonzero(self.last)
        return dict(zip(self.ids[seen].tolist(), self.last[seen].tolist()))


def bounds(head: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` runs of positions of nearly equal length covering 1..head."""
    parts = max(1, min(parts, head))
    size, extra = divmod(head, parts)
    out, start = [], 1
    for part in range(parts):
        end = start + size - 1 + (1 if part < extra else 0)
        out.append((start, end))
        start = end + 1
    return out


# Run first in each walking process, before anything there imports sqlite3 (whose import initialises SQLite,
# after which SQLite refuses these settings and nothing changes): SQLite's memory statistics off, and its
# connections without mutexes (such a process uses each connection from one thread). The SQLite of Debian
# is built without lookaside memory, so each string it makes for the canonical bytes (a dozen an event) is a
# malloc and a free that took a global mutex for the statistics: about a fifth of SQLite's time. A library
# without these functions is left as it is.
_QUIET_SQLITE = """
import contextlib, ctypes, importlib.util
with contextlib.suppress(AttributeError, OSError):
    library = ctypes.CDLL(importlib.util.find_spec("_sqlite3").origin)
    library.sqlite3_config(2)  # SQLITE_CONFIG_MULTITHREAD
    library.sqlite3_config(9, ctypes.c_int(0))  # SQLITE_CONFIG_MEMSTATUS, off
"""


def walk_segments(path: str, head: int, workers: int | None = None,
                  walk: Callable[[str, int, int], Segment] | None = None) -> list[Segment]:
    """Walk 1..head in segments, in parallel processes; the segments in order (``walk``: how a process walks
    one, ``walk_segment``).

    A walking process that dies (killed by the operator or for want of memory) proves nothing of the segments
    not yet back: they are returned unwalked, and the plain walk checks the log from the first of them, naming
    what it finds in its own words (before, the walk waited for the dead process's answer for ever)."""
    workers = workers or max(1, min(os.cpu_count() or 1, 8))
    # More segments than workers, so that one slowed down (by SQLite's check of the file alongside, or by
    # other work on the machine) holds up little.
    parts = bounds(head, max(workers * 2, head // SEGMENT_EVENTS))
    starts, ends = [start for start, _ in parts], [end for _, end in parts]
    walked: list[Segment] = []
    try:
        with walking_processes(workers) as pool:
            for segment in pool.map(walk or walk_segment, [path] * len(parts), starts, ends):
                walked.append(segment)
    except BrokenProcessPool:
        pass  # the segments not back are left to the plain walk
    return walked + [Segment(start, end, reached=start) for start, end in parts[len(walked):]]


def walking_processes(workers: int) -> ProcessPoolExecutor:
    """A pool of new processes (never forked from one that may hold SQLite or Qt threads), each of whose SQLite
    is set up for walking first. Unlike ``multiprocessing.Pool``, it tells of a process that died instead of
    waiting for its answer for ever."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=exec,
                               initargs=(_QUIET_SQLITE, {}))


def walk_segment(path: str, start: int, end: int) -> Segment:
    """Recompute the hashes of positions ``start``..``end`` from the hash stored at ``start - 1``."""
    segment = Segment(start, end, reached=start)
    try:
        connection = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True)
    except sqlite3.Error:
        return segment
    collecting = gc.isenabled()
    # Each page is 20,000 new row tuples: the cyclic collector ran over the whole heap for them (an eighth of a
    # segment's time), though a walk makes no cycles.
    gc.disable()
    try:
        name_parts(connection)
        _walk(connection, segment)
    except sqlite3.Error:
        pass  # what cannot be read is for the plain walk to name
    finally:
        connection.close()
        if collecting:
            gc.enable()
    return segment


def _walk(connection: sqlite3.Connection, segment: Segment) -> None:
    if segment.start == 1:
        segment.started_from = GENESIS_HASH
    else:
        row = connection.execute("SELECT hash FROM events WHERE position = ?", (segment.start - 1,)).fetchone()
        if row is None or type(row[0]) is not bytes:
            return
        segment.started_from = row[0]
    segment.last_hash = segment.started_from
    query, values = canonical_query(connection)
    streams = StreamVersions(np.array([key for key, in connection.execute("SELECT id FROM temp.stream_parts")],
                                      dtype=np.int64))
    try:
        while segment.reached <= segment.end:
            first, last = segment.reached, min(segment.reached + _PAGE - 1, segment.end)
            rows = connection.execute(query, (first, last, *values)).fetchall()
            if len(rows) != last - first + 1:  # positions are the integer key: a row fewer is a position missing
                return
            reached_hash = chain_page(rows, segment.last_hash, streams)
            if reached_hash is None:
                return
            segment.reached, segment.last_hash = last + 1, reached_hash
    finally:
        segment.first_seen, segment.last_version = streams.first_seen(), streams.last_version()


def chain_page(rows: list[tuple[bytes | None, int | None, bytes]], previous: bytes,
               streams: StreamVersions) -> bytes | None:
    """The hash after the last of ``rows`` (of ``canonical_query``) when every one continues the chain from
    ``previous`` and its stream, else None; ``streams`` takes in the page's versions only when it holds."""
    canonical, packed, stored = zip(*rows)
    if None in canonical or None in packed:
        return None
    text = b"".join(canonical)  # each starts with its position's digits: all are UTF-8 when the whole is
    if not text.isascii() and not _utf8(text):
        return None
    sha256 = hashlib.sha256
    if [previous := sha256(previous + data).digest() for data in canonical] != list(stored):
        return None
    return previous if streams.follow(packed) else None


def _utf8(data: bytes) -> bool:
    """Whether text SQLite holds is UTF-8 (the plain walk cannot read it otherwise, and names it)."""
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True
