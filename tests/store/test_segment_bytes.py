"""The segment walk's canonical bytes are built by SQLite, in SQL: they must be exactly the bytes of
``domain.hash_chain`` for anything a store can hold (names and texts with any characters, separators, quotes,
NULs; integers of any size and sign), and a row that is not well formed must stop the segment — even when a
forger recomputed its hash over the bytes SQLite would make of it — so that the plain walk names it."""
from __future__ import annotations

import hashlib
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.events import NewEvent, OperatorNoteAdded
from domain.hash_chain import GENESIS_HASH, canonical_text_from, canonical_type_text, chain_hash
from store import open_store
from store.chain_segments import CANONICAL_QUERY, chain_page, name_parts, walk_segment
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
@given(rows=events, first=st.integers(1, 2**62))
def test_sqlite_builds_exactly_the_canonical_bytes_of_the_domain(schema, rows, first):
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
        built = [row[0] for row in connection.execute(CANONICAL_QUERY, (first, first + len(rows) - 1))]
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


def _page(*events: tuple[bytes | None, int, int]) -> list[tuple[bytes | None, int, int, bytes]]:
    """Rows as ``CANONICAL_QUERY`` gives them, (bytes, stream, version), chained from the genesis hash."""
    rows, previous = [], GENESIS_HASH
    for canonical, stream, version in events:
        previous = chain_hash(previous, (canonical or b"").decode("utf-8", "replace"))
        rows.append((canonical, stream, version, previous))
    return rows


def test_a_page_holds_only_when_every_row_continues_the_chain_and_its_stream():
    sound = _page((b"1\x1fa", 7, 1), (b"2\x1fb", 8, 4), (b"3\x1fc \xc3\xa6", 7, 2))
    versions: dict[int, int] = {}
    first_seen: dict[int, int] = {}
    assert chain_page(sound, GENESIS_HASH, versions, first_seen) == sound[-1][3]
    assert versions == {7: 2, 8: 4} and first_seen == {7: 1, 8: 4}
    for broken in (_page((b"1\x1fa", 7, 1), (None, 7, 2)),  # a row that is not well formed
                   _page((b"1\x1fa", 7, 1), (b"2\x1fb", 7, 3)),  # a version skipped, hashes recomputed
                   _page((b"1\x1fa", 7, 1), (b"2\x1f\xff", 8, 1)),  # not UTF-8
                   [*sound[:2], (sound[2][0], 7, 2, bytes(32))]):  # a stored hash that is not the chain's
        assert chain_page(broken, GENESIS_HASH, {}, {}) is None





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
