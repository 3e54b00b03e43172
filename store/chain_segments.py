"""The hash chain of a large log checked in segments, one process each, with the seams checked after.

A chain link depends only on the stored hash before it, so a segment can be walked from the hash stored just
before its first position: each segment recomputes every hash in it and compares it with the stored one,
which also proves the stored hash the next segment started from (the seam). Stream versions are checked
inside a segment; a stream's first event in a segment is checked against the segments before it once they
are all back.

At ten million events the per-event work is what counts, so SQLite builds each event's canonical bytes
itself, in C (``CANONICAL_QUERY``): the event's own fields in ``domain.hash_chain``'s order and separators,
with each interned name's share (its separators around it; a type's text from ``canonical_type_text``)
made once per name in Python and joined in from temporary tables. SQLite also checks that every field has
the storage class a well-formed row has; Python only checks that the text is UTF-8 and the stream's
version, and hashes ``previous + bytes``. The bytes are the ones ``domain.hash_chain.canonical_text_from``
defines, held to it by a property test (tests/store/test_segment_bytes.py).

Workers look for the first thing that is not as it should be and stop there; what it is, and the exact
words for it, are left to the plain walk of ``store.verification``, run again from the start of that segment
with everything the segments before it proved. So the findings are the same as a walk of the whole log by
one process, only found sooner.
"""
from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote

from domain.hash_chain import GENESIS_HASH, SEPARATOR, canonical_type_text

SEGMENT_FROM = 400_000  # below this many events one process walks the chain (starting processes costs more)
_PAGE = 20_000

# The event's own fields of a well-formed row, by storage class (the event id also by its length): a row of
# any other kind gets no canonical bytes, which stops the segment, and the plain walk names what is wrong.
_WELL_FORMED = " AND ".join([
    "typeof(e.event_id) = 'blob'", "length(e.event_id) = 16", "typeof(e.version) = 'integer'",
    "typeof(e.occurred_at) = 'integer'", "typeof(e.recorded_at) = 'integer'", "typeof(e.payload) = 'text'"])
# domain.hash_chain.canonical_text_from in SQL: integers in decimal, the event id in lowercase hex, texts as
# stored, joined by the unit separator (the names' shares bring their own); a name part missing makes it NULL.
_CANONICAL = " || ".join([
    "e.position", "char(31)", "lower(hex(e.event_id))", "s.part", "e.version", "t.part", "e.occurred_at", "char(31)",
    "e.recorded_at", "m.part", "e.payload"])
CANONICAL_QUERY = (
    f"SELECT CASE WHEN {_WELL_FORMED} THEN CAST({_CANONICAL} AS BLOB) END, e.stream, e.version, e.hash"
    " FROM main.events AS e LEFT JOIN temp.stream_parts AS s ON s.id = e.stream"
    " LEFT JOIN temp.type_parts AS t ON t.id = e.type LEFT JOIN temp.metadata_parts AS m ON m.id = e.metadata"
    " WHERE e.position >= ? AND e.position <= ? ORDER BY e.position")
"""Each event of a run of positions: its canonical bytes (None when the row is not well formed or a name it
refers to is gone or not well formed), its stream (by id), its version and its stored hash. LEFT JOINs keep
the events table the outer loop, in position order. Needs ``name_parts`` on the connection first."""


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


def walk_segments(path: str, head: int, workers: int | None = None) -> list[Segment]:
    """Walk 1..head in segments, in parallel processes; the segments in order."""
    workers = workers or max(1, min(os.cpu_count() or 1, 8))
    parts = bounds(head, workers * 2)  # more segments than workers: one slowed down holds up less
    context = multiprocessing.get_context("spawn")  # never fork a process that may hold SQLite or Qt threads
    with context.Pool(workers) as pool:
        return pool.starmap(walk_segment, [(path, start, end) for start, end in parts], chunksize=1)


def walk_segment(path: str, start: int, end: int) -> Segment:
    """Recompute the hashes of positions ``start``..``end`` from the hash stored at ``start - 1``."""
    segment = Segment(start, end, reached=start)
    try:
        connection = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, check_same_thread=False)
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
    while segment.reached <= segment.end:
        first, last = segment.reached, min(segment.reached + _PAGE - 1, segment.end)
        rows = connection.execute(CANONICAL_QUERY, (first, last)).fetchall()
        if len(rows) != last - first + 1:  # positions are the integer key: a row fewer is a position missing
            return
        reached_hash = chain_page(rows, segment.last_hash, segment.last_version, segment.first_seen)
        if reached_hash is None:
            return
        segment.reached, segment.last_hash = last + 1, reached_hash


def chain_page(rows: list[tuple[bytes | None, int, int, bytes]], previous: bytes, versions: dict[int, int],
               first_seen: dict[int, int]) -> bytes | None:
    """The hash after the last of ``rows`` (of ``CANONICAL_QUERY``) when every one continues the chain from
    ``previous``, else None; ``versions`` and ``first_seen`` follow each stream's versions."""
    sha256 = hashlib.sha256
    last_version = versions.get
    for canonical, stream, version, stored in rows:
        if canonical is None or not (canonical.isascii() or _utf8(canonical)):
            return None
        last = last_version(stream)
        if last is None:
            first_seen[stream] = version
        elif version != last + 1:
            return None
        previous = sha256(previous + canonical).digest()
        if previous != stored:
            return None
        versions[stream] = version
    return previous


def _utf8(data: bytes) -> bool:
    """Whether text SQLite holds is UTF-8 (the plain walk cannot read it otherwise, and names it)."""
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True
