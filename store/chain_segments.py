"""The hash chain of a large log checked in segments, one process each, with the seams checked after.

A chain link depends only on the stored hash before it, so a segment can be walked from the hash stored just
before its first position: each segment recomputes every hash in it and compares it with the stored one,
which also proves the stored hash the next segment started from (the seam). Stream versions are checked
inside a segment; a stream's first event in a segment is checked against the segments before it once they
are all back. A worker reads plain rows (no joins: the few interned names are looked up once each) and
hashes them with ``domain.hash_chain``, the one definition of the canonical bytes.

Workers look for the first thing that is not as it should be and stop there; what it is, and the exact
words for it, are left to the plain walk of ``store.verification``, run again from the start of that segment
with everything the segments before it proved. So the findings are the same as a walk of the whole log by
one process, only found sooner.
"""
from __future__ import annotations

import multiprocessing
import os
import sqlite3
from dataclasses import dataclass, field
from urllib.parse import quote

from domain.hash_chain import GENESIS_HASH, canonical_text_from, canonical_type_text, chain_hash

SEGMENT_FROM = 400_000  # below this many events one process walks the chain (starting processes costs more)
_PAGE = 20_000
_QUERY = ("SELECT position, event_id, stream, version, type, occurred_at, recorded_at, metadata, payload, hash"
          " FROM events WHERE position >= ? AND position <= ? ORDER BY position LIMIT ?")
# The kinds of a well-formed row (anything else is judged by the plain walk, which names it).
_KINDS = (int, bytes, int, int, int, int, int, int, str, bytes)


@dataclass
class Segment:
    """What a worker proved of positions ``start``..``end``: everything before ``reached`` holds (``reached``
    is ``end + 1`` when all of it does), ``last_hash`` is the hash it computed at ``reached - 1``, and per
    stream (by id) its first version and position in the segment and its last version."""

    start: int
    end: int
    started_from: bytes = b""
    reached: int = 0
    last_hash: bytes = b""
    first_seen: dict[int, tuple[int, int]] = field(default_factory=dict)
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
    try:
        _walk(connection, segment)
    except sqlite3.Error:
        pass  # what cannot be read is for the plain walk to name
    finally:
        connection.close()
    return segment


class _Names:
    """The interned names a row refers to (streams, event types, metadata), looked up once each."""

    def __init__(self, connection: sqlite3.Connection):
        self._connection = connection
        self.streams: dict[int, str | None] = {}
        self.types: dict[int, str | None] = {}
        self.metadata: dict[int, str | None] = {}

    def stream(self, key: int) -> str | None:
        if key not in self.streams:
            self.streams[key] = self._text("SELECT name FROM streams WHERE id = ?", key)
        return self.streams[key]

    def type_text(self, key: int) -> str | None:
        if key not in self.types:
            row = self._connection.execute("SELECT name, schema_version, layout FROM event_types WHERE id = ?",
                                           (key,)).fetchone()
            well_formed = row is not None and tuple(map(type, row)) == (str, int, str)
            self.types[key] = canonical_type_text(*row) if well_formed else None
        return self.types[key]

    def metadata_json(self, key: int) -> str | None:
        if key not in self.metadata:
            self.metadata[key] = self._text("SELECT json FROM event_metadata WHERE id = ?", key)
        return self.metadata[key]

    def _text(self, query: str, key: int) -> str | None:
        row = self._connection.execute(query, (key,)).fetchone()
        return row[0] if row is not None and type(row[0]) is str else None


def _walk(connection: sqlite3.Connection, segment: Segment) -> None:
    if segment.start == 1:
        previous = GENESIS_HASH
    else:
        row = connection.execute("SELECT hash FROM events WHERE position = ?", (segment.start - 1,)).fetchone()
        if row is None or type(row[0]) is not bytes:
            return
        previous = row[0]
    segment.started_from = segment.last_hash = previous
    expected = segment.start
    versions = segment.last_version
    first_seen = segment.first_seen
    names = _Names(connection)
    streams, types, metadata = names.streams, names.types, names.metadata
    kinds = _KINDS
    try:
        while expected <= segment.end:
            rows = connection.execute(_QUERY, (expected, segment.end, _PAGE)).fetchall()
            if not rows:
                break
            for row in rows:
                position, event_id, stream, version, type_id, occurred, recorded, metadata_id, payload, stored = row
                if position != expected or tuple(map(type, row)) != kinds or len(event_id) != 16:
                    return
                stream_name = streams[stream] if stream in streams else names.stream(stream)
                type_text = types[type_id] if type_id in types else names.type_text(type_id)
                metadata_json = metadata[metadata_id] if metadata_id in metadata else names.metadata_json(metadata_id)
                if stream_name is None or type_text is None or metadata_json is None:
                    return
                last = versions.get(stream)
                if last is None:
                    first_seen[stream] = (version, position)
                elif version != last + 1:
                    return
                digest = chain_hash(previous, canonical_text_from(position, event_id.hex(), stream_name, version,
                                                                  type_text, occurred, recorded, metadata_json,
                                                                  payload))
                if digest != stored:
                    return
                previous = digest
                versions[stream] = version
                expected += 1
    finally:
        segment.reached, segment.last_hash = expected, previous
