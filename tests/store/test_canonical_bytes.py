"""The hash chain's canonical bytes: the writer and the verifier hash every event the same way, and the hashes
of stores already written never change (a store written before any refactoring still verifies)."""
from __future__ import annotations

import sqlite3
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.events import NewEvent, OperatorNoteAdded, PositionReported, ShipRegistered
from domain.hash_chain import GENESIS_HASH, canonical_text, chain_hash
from store import open_store

T = 1_714_564_800_000_000  # 2024-05-01T12:00:00Z in microseconds


def fixed_events() -> list[NewEvent]:
    """Three events with everything that enters a hash fixed: ids, both clocks, metadata, text beyond ASCII."""
    return [
        NewEvent(ShipRegistered(mmsi=219000001, occurred_at=T, name="ÆGIR Ø", ship_type="cargo", length=120.0,
                                beam=20.5, callsign="OXYZ2", imo=9074729),
                 recorded_at=T + 1, metadata={"source": "test", "file": "ais.nmea"},
                 event_id=uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")),
        NewEvent(PositionReported(mmsi=219000001, occurred_at=T + 60_000_000, lat=55.6761234, lon=12.5683, sog=12.3,
                                  cog=271.4, heading=270, nav_status="under way using engine"),
                 recorded_at=T + 61_000_000, metadata={"source": "test", "file": "ais.nmea"},
                 dedupe_key=b"fixed-report", event_id=uuid.UUID("10112233-4455-6677-8899-aabbccddeeff")),
        NewEvent(OperatorNoteAdded(occurred_at=T + 120_000_000, operator="Ana", mmsi=219000001,
                                   text='Called on VHF 16: "all well" \u2014 \x1f; 漢字'),
                 recorded_at=T + 120_000_000, metadata={"operator": "Ana", "source": "console"},
                 event_id=uuid.UUID("20112233-4455-6677-8899-aabbccddeeff")),
    ]


# The hashes these three events have had since the store's format was fixed: if one of these changes, every
# store already written would fail verification.
PINNED = ["62c12d69f146dc0a72621fbb4b955f3ee116bbc23158fa4ead26b0cb0ede9538",
          "a3fe6d23572d3ae3d74fbb953b62ef71778bb621d6308eaf16ab4d124d4ab4b4",
          "6a5619d9720416c6f2d44f0fc425c45ff0324bc6e0b4ff66f20a20fd74b5c646"]


def test_a_fixed_batch_is_written_with_the_hashes_it_has_always_had(store):
    result = store.append_batch(fixed_events())
    assert [event.hash.hex() for event in result.appended] == PINNED
    assert store.verify().ok


def stored_rows(store) -> list[tuple]:
    """Every event's stored fields, as the canonical text takes them, and its stored hash (read by plain SQL)."""
    with store.engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT e.position, e.event_id, s.name, e.version, t.name, t.schema_version, t.layout, e.occurred_at,"
            " e.recorded_at, m.json, e.payload, e.hash FROM events AS e JOIN streams AS s ON e.stream = s.id"
            " JOIN event_types AS t ON e.type = t.id JOIN event_metadata AS m ON e.metadata = m.id"
            " ORDER BY e.position").all()


texts = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=40).filter(str.strip)
notes = st.builds(lambda minute, who, mmsi, text: OperatorNoteAdded(occurred_at=T + minute * 60_000_000,
                                                                     operator=who, mmsi=mmsi, text=text),
                  st.integers(0, 10_000), texts, st.none() | st.integers(1, 999_999_999), texts)
reports = st.builds(lambda minute, mmsi, lat, lon, sog: PositionReported(
    mmsi=mmsi, occurred_at=T + minute * 60_000_000, lat=lat, lon=lon, sog=sog, nav_status="moored"),
    st.integers(0, 10_000), st.integers(1, 999_999_999), st.floats(-90, 90), st.floats(-180, 180),
    st.none() | st.floats(0, 102.2))
metadata = st.dictionaries(texts, st.none() | st.booleans() | st.integers(-2**53, 2**53) | texts, max_size=3)
new_events = st.builds(lambda event, late, meta: NewEvent(event, recorded_at=event.occurred_at + late, metadata=meta),
                       notes | reports, st.integers(0, 10**9), metadata)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(new_events, min_size=1, max_size=6), min_size=1, max_size=3))
def test_the_writer_and_the_verifier_agree_on_every_hash(batches):
    store = open_store("sqlite://")
    try:
        for batch in batches:
            store.append_batch(batch)
        previous = GENESIS_HASH
        for (position, event_id, stream, version, type_name, schema_version, layout, occurred, recorded,
             metadata_json, payload, stored_hash) in stored_rows(store):
            previous = chain_hash(previous, canonical_text(position, bytes(event_id).hex(), stream, version, type_name,
                                                           schema_version, layout, occurred, recorded, metadata_json,
                                                           payload))
            assert previous == bytes(stored_hash), f"position {position}"
        report = store.verify()
        assert report.ok, report.problem
        assert report.head_hash == previous == store.head().hash
    finally:
        store.close()


def test_a_store_file_written_by_sqlite_alone_with_domain_hashes_verifies(store_path):
    """A log copied in by another engine keeps its hashes: rows chained by ``domain.hash_chain`` alone verify."""
    store = open_store(store_path)
    store.append_batch(fixed_events()[:1])
    head = store.head()
    store.close()
    connection = sqlite3.connect(store_path)
    with connection:
        (stream,), (type_id, layout), (metadata_id, metadata_json) = (
            connection.execute("SELECT id FROM streams WHERE name = 'ship-219000001'").fetchall()
            + connection.execute("SELECT id, layout FROM event_types").fetchall()
            + connection.execute("SELECT id, json FROM event_metadata").fetchall())
        payload = connection.execute("SELECT payload FROM events WHERE position = 1").fetchone()[0]
        event_id = bytes(range(16))
        digest = chain_hash(head.hash, canonical_text(2, event_id.hex(), "ship-219000001", 2, "ShipRegistered", 1,
                                                      layout, T + 5, T + 6, metadata_json, payload))
        connection.execute("INSERT INTO events (position, event_id, stream, version, type, occurred_at, recorded_at,"
                           " metadata, payload, hash) VALUES (2, ?, ?, 2, ?, ?, ?, ?, ?, ?)",
                           (event_id, stream, type_id, T + 5, T + 6, metadata_id, payload, digest))
    connection.close()
    reopened = open_store(store_path)
    try:
        report = reopened.verify()
        assert report.checks["hash_chain"] == "ok" and report.head_position == 2
    finally:
        reopened.close()
