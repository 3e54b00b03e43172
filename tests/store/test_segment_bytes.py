"""The segment walk's canonical bytes are built by SQLite, in SQL: they must be exactly the bytes of
``domain.hash_chain`` for anything a store can hold (names and texts with any characters, separators, quotes,
NULs; integers of any size and sign), and a row that is not well formed must stop the segment — even when a
forger recomputed its hash over the bytes SQLite would make of it — so that the plain walk names it."""
from __future__ import annotations

import hashlib
import sqlite3

import numpy as np

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.events import NewEvent, OperatorNoteAdded
from domain.hash_chain import GENESIS_HASH, canonical_text_from, canonical_type_text
from store import open_store
from store.chain_segments import INLINE_PARTS, StreamVersions, canonical_query, chain_page, name_parts, walk_segment
from store.verification import verify_log
from tests.fleet_events import MINUTE, T0, registered
from tests.store.test_tamper import AT, EVENTS, drop_triggers, logbook, restore_triggers  # noqa: F401  (logbook: a fixture)

INT64 = st.integers(-2**63, 2**63 - 1)
# Any character a store's text can hold (no lone surrogates: they cannot be stored as UTF-8), with the
# separator, quotes, backslashes, NUL and SQL's own punctuation coming often.
TEXTS = st.text(st.characters(blacklist_categories=["Cs"]) | st.sampled_from("\x1f\x00'\"\\|%,;()"), max_size=30)


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> list[str]:
    """The store's own tables, as a new store creates them."""
    path = tmp_path_factory.mktemp("schema") / "schema.sqlite"
    open_store(path).close()
    connection = sqlite3.connect(path)
    try:
        return [sql for (sql,) in connection.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN "
            "('streams', 'event_types', 'event_metadata', 'events')")]
    finally:
        connection.close()


events = st.lists(st.tuples(st.binary(min_size=16, max_size=16), TEXTS, INT64, TEXTS, INT64, TEXTS, INT64, INT64,
                            TEXTS, TEXTS), min_size=1, max_size=12)


@settings(max_examples=300)
@given(rows=events, first=st.integers(1, 2**62), inline=st.sampled_from([INLINE_PARTS, 0]))
def test_sqlite_builds_exactly_the_canonical_bytes_of_the_domain(schema, rows, first, inline):
    connection = sqlite3.connect(":memory:")
    try:
        for sql in schema:
            connection.execute(sql)
        expected = []
        for offset, (event_id, stream, version, type_name, schema_version, layout, occurred, recorded, metadata,
                     payload) in enumerate(rows):
            position = first + offset
            stream_id = _interned(connection, "streams", name=stream)
            type_id = _interned(connection, "event_types", name=type_name, schema_version=schema_version,
                                layout=layout)
            metadata_id = _interned(connection, "event_metadata", json=metadata)
            connection.execute("INSERT INTO events (position, event_id, stream, version, type, occurred_at,"
                               " recorded_at, metadata, payload, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               (position, event_id, stream_id, offset, type_id, occurred, recorded, metadata_id,
                                payload, bytes(32)))
            expected.append(canonical_text_from(position, event_id.hex(), stream, offset,
                                                canonical_type_text(type_name, schema_version, layout), occurred,
                                                recorded, metadata, payload).encode())
        name_parts(connection)
        query, values = canonical_query(connection, inline)  # types and metadata chosen by a CASE, or joined
        built = [row[0] for row in connection.execute(query, (first, first + len(rows) - 1, *values))]
    finally:
        connection.close()
    assert built == expected


def _interned(connection: sqlite3.Connection, table: str, **values) -> int:
    """The id of the row holding these values, added if there is none (the interned tables are unique)."""
    where = " AND ".join(f"{column} = ?" for column in values)
    row = connection.execute(f"SELECT id FROM {table} WHERE {where}", tuple(values.values())).fetchone()
    if row is not None:
        return row[0]
    return connection.execute(f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                              tuple(values.values())).lastrowid


texts = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=40).filter(str.strip)


@settings(max_examples=25)
@given(names=st.lists(texts, min_size=1, max_size=8), notes=st.lists(texts, min_size=1, max_size=8),
       source=texts)
def test_a_segment_walks_what_the_writer_wrote_to_the_writers_head(tmp_path_factory, names, notes, source):
    path = tmp_path_factory.mktemp("written") / "fleet.sqlite"
    store = open_store(path)
    try:
        store.append_batch([registered(219000000 + i, i, name) for i, name in enumerate(names)]
                           + [NewEvent(OperatorNoteAdded(occurred_at=T0 + i * MINUTE, operator=source,
                                                         mmsi=219000000 + i % len(names), text=note),
                                       recorded_at=T0 + i * MINUTE, metadata={"source": source, "note": note})
                              for i, note in enumerate(notes)])
        head = store.head()
    finally:
        store.close()
    segment = walk_segment(str(path), 1, head.position)
    assert segment.whole and segment.last_hash == head.hash


def _page(*events: tuple[bytes | None, int, int], previous: bytes = GENESIS_HASH
          ) -> list[tuple[bytes | None, int | None, bytes]]:
    """Rows as ``canonical_query`` gives them, (bytes, stream << 32 | version, hash), chained from ``previous``
    (the stream and version None when either is outside 1..2**31-1)."""
    rows = []
    for canonical, stream, version in events:
        previous = hashlib.sha256(previous + (canonical or b"")).digest()  # a forger's hash, over any bytes
        in_range = 1 <= stream < 2**31 and 1 <= version < 2**31
        rows.append((canonical, stream << 32 | version if in_range else None, previous))
    return rows


def test_a_page_holds_only_when_every_row_continues_the_chain_and_its_stream():
    sound = _page((b"1\x1fa", 7, 1), (b"2\x1fb", 8, 4), (b"3\x1fc \xc3\xa6", 7, 2))
    streams = StreamVersions(np.array([7, 8, 9]))
    assert chain_page(sound, GENESIS_HASH, streams) == sound[-1][2]
    assert streams.first_seen() == {7: 1, 8: 4} and streams.last_version() == {7: 2, 8: 4}
    for broken in (_page((b"1\x1fa", 7, 1), (None, 7, 2)),  # a row that is not well formed
                   _page((b"1\x1fa", 7, 1), (b"2\x1fb", 7, 3)),  # a version skipped, hashes recomputed
                   _page((b"1\x1fa", 7, 1), (b"2\x1f\xff", 8, 1)),  # not UTF-8
                   [*sound[:1], (sound[1][0], None, sound[1][2])],  # a stream or version out of range
                   [*sound[:2], (sound[2][0], sound[2][1], bytes(32))]):  # a stored hash that is not the chain's
        assert chain_page(broken, GENESIS_HASH, StreamVersions(np.array([7, 8, 9]))) is None


def _walked_one_by_one(pages, previous: bytes) -> tuple[int, bytes, dict[int, int], dict[int, int]]:
    """How many of ``pages`` hold, judged row by row as the plain walk does (each row's bytes UTF-8, its hash
    the chain's, its stream's version one more than the last), with the hash and the streams' first and last
    versions after the pages that hold."""
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for held, rows in enumerate(pages):
        page_first, page_last, page_previous = dict(first), dict(last), previous
        for canonical, packed, stored in rows:
            if canonical is None or packed is None:
                return held, previous, first, last
            try:
                canonical.decode()
            except UnicodeDecodeError:
                return held, previous, first, last
            stream, version = packed >> 32, packed & 0xFFFFFFFF
            if stream in page_last and version != page_last[stream] + 1:
                return held, previous, first, last
            page_first.setdefault(stream, version)
            page_last[stream] = version
            page_previous = hashlib.sha256(page_previous + canonical).digest()
            if page_previous != stored:
                return held, previous, first, last
        first, last, previous = page_first, page_last, page_previous
    return len(pages), previous, first, last


ASCII = st.text(st.characters(max_codepoint=127), max_size=6).map(str.encode)
FAULTS = st.sampled_from(["none", "bytes", "version", "stream's versions shifted", "hash", "not well formed",
                          "not UTF-8", "out of range"])


@settings(max_examples=200)
@given(data=st.data(), streams=st.integers(1, 6), sizes=st.lists(st.integers(1, 80), min_size=1, max_size=4))
def test_a_page_judged_at_once_agrees_with_a_walk_row_by_row(data, streams, sizes):
    """Pages of random streams' events, each page with a random fault or none, some faults where a forger
    recomputed the chain after them: the page judged as a whole holds exactly when every row of it does."""
    versions = {stream: data.draw(st.integers(1, 5)) for stream in range(1, streams + 1)}
    previous = start = data.draw(st.binary(min_size=32, max_size=32))
    position, pages = 1, []
    for size in sizes:
        events = []
        for _ in range(size):
            stream = data.draw(st.integers(1, streams))
            events.append([f"{position}\x1f{stream}".encode() + data.draw(ASCII),
                           stream, versions[stream]])
            versions[stream] += 1
            position += 1
        fault, at = data.draw(FAULTS), data.draw(st.integers(0, size - 1))
        if fault == "bytes":
            events[at][0] += b"!"
        elif fault == "stream's versions shifted":  # consecutive within the page, not after the page before
            shift = data.draw(st.sampled_from([-1, 1, 2]))
            for event in events:
                event[2] += shift if event[1] == events[at][1] else 0
            versions[events[at][1]] += shift
        elif fault == "version":
            events[at][2] += data.draw(st.sampled_from([-1, 1, 2]))
        elif fault == "not well formed":
            events[at][0] = None
        elif fault == "not UTF-8":
            events[at][0] += b"\xff"
        rows = _page(*[tuple(event) for event in events], previous=previous)
        if fault == "bytes" and data.draw(st.booleans()):
            events[at][0] = events[at][0][:-1]  # the forger's stored hash is over the bytes the row had
            rows = [(events[i][0], rows[i][1], rows[i][2]) if i == at else rows[i] for i in range(size)]
        if fault == "hash":
            rows[at] = (rows[at][0], rows[at][1], bytes(32))
        if fault == "out of range":
            rows[at] = (rows[at][0], None, rows[at][2])
        previous = rows[-1][2]
        pages.append(rows)

    judged = StreamVersions(np.arange(1, streams + 1))
    held, reached = 0, start
    for rows in pages:
        after = chain_page(rows, reached, judged)
        if after is None:
            break
        held, reached = held + 1, after
    assert (held, reached, judged.first_seen() if held else {}, judged.last_version() if held else {}) == \
        _walked_one_by_one(pages, start)


def _two_streams_of_one_name(path) -> None:
    """Stream names' unique index taken out of the schema, then one ship's stream renamed to another's."""
    connection = sqlite3.connect(path)
    version = connection.execute("PRAGMA schema_version").fetchone()[0]
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute("DELETE FROM sqlite_master WHERE name = 'sqlite_autoindex_streams_1'")
    connection.execute("UPDATE sqlite_master SET sql = replace(sql, 'NOT NULL UNIQUE', 'NOT NULL')"
                       " WHERE name = 'streams'")
    connection.execute(f"PRAGMA schema_version = {version + 1}")
    connection.commit()
    connection.close()
    connection = sqlite3.connect(path)
    for statement in [*drop_triggers(), "UPDATE streams SET name = 'ship-219000001' WHERE name = 'ship-219000002'",
                      *restore_triggers()]:
        connection.execute(statement)
    connection.commit()
    connection.close()


# Rows of the wrong kind whose hashes a forger then recomputed, from the first event on, over the bytes
# SQLite's own concatenation makes of them: only the check of each field's storage class (or of the text's
# UTF-8) stops the segment there, at the position the plain walk names.
WRONG_KINDS = {
    "binary payload": (f"UPDATE events SET payload = CAST(payload AS BLOB) WHERE position = {AT}",
                       f"{AT}: its payload is stored as bytes"),
    "non-UTF-8 payload": (f"UPDATE events SET payload = CAST(x'5b35302ec3282c2d315d' AS TEXT) WHERE position = {AT}",
                          f"{AT}: its payload is not valid UTF-8"),
    "event id as text": (f"UPDATE events SET event_id = lower(hex(event_id)) WHERE position = {AT}",
                         f"{AT}: its event_id is stored as text"),
    # The hash covers the id's hex, whatever its length: the walk holds, the head witness is what catches it.
    "short event id": (f"UPDATE events SET event_id = substr(event_id, 1, 15) WHERE position = {AT}", None),
    "time as a real number": (f"UPDATE events SET occurred_at = occurred_at + 0.5 WHERE position = {AT}",
                              f"{AT}: its occurred_at is stored as a real number"),
    "stream name not UTF-8": ("UPDATE streams SET name = CAST(x'736869702dff' AS TEXT) WHERE name = 'ship-219000003'",
                              "4: its stream is not valid UTF-8"),  # the ship's first report is at position 4
    "layout as bytes": ("UPDATE event_types SET layout = CAST(layout AS BLOB) WHERE name = 'PositionReported'",
                        "2: its layout is stored as bytes"),
    # Two stream rows of one name (its unique index taken out of the schema): one stream to the plain walk,
    # whose versions then repeat, where a segment following streams by id would see two sound ones.
    "two streams of one name": (_two_streams_of_one_name, "3: stream ship-219000001 jumps from version 2 to 1"),
}

STOPS_SOONER = {"two streams of one name": 1}  # a segment stops at the first event of either stream of that name


@pytest.mark.parametrize("case", list(WRONG_KINDS))
def test_a_row_of_the_wrong_kind_stops_its_segment_even_with_its_chain_recomputed(logbook, case):
    change, named = WRONG_KINDS[case]
    if callable(change):
        change(logbook)
    connection = sqlite3.connect(logbook)
    for statement in [*drop_triggers(), *([] if callable(change) else [change])]:
        connection.execute(statement)
    previous = GENESIS_HASH
    for position, canonical in connection.execute(
            "SELECT e.position, CAST(" + " || char(31) || ".join(
                ["e.position", "lower(hex(e.event_id))", "s.name", "e.version", "t.name", "t.schema_version",
                 "t.layout", "e.occurred_at", "e.recorded_at", "m.json", "e.payload"]) + " AS BLOB) FROM events AS e"
            " JOIN streams AS s ON s.id = e.stream JOIN event_types AS t ON t.id = e.type"
            " JOIN event_metadata AS m ON m.id = e.metadata ORDER BY e.position").fetchall():
        previous = hashlib.sha256(previous + canonical).digest()
        connection.execute("UPDATE events SET hash = ? WHERE position = ?", (previous, position))
    for statement in restore_triggers():
        connection.execute(statement)
    connection.commit()
    connection.close()

    store = open_store(logbook, create=False, read_only=True)
    try:
        plain = verify_log(store.engine, segment_from=10**12)
        segmented = verify_log(store.engine, segment_from=1, workers=2)
    finally:
        store.close()
    if named is None:
        assert plain.ok
    else:
        assert f"position {named}" in f"position {plain.first_bad_position}: {plain.problem}"
    assert segmented.as_json() == plain.as_json()
    stops = STOPS_SOONER.get(case, plain.first_bad_position or AT)
    assert walk_segment(str(logbook), 1, stops - 1).whole and not walk_segment(str(logbook), 1, stops).whole
