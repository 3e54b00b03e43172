"""Old payloads are upcast on read, never rewritten; snapshots are caches that the log overrules."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from domain.events import UPCASTERS, Event, NewEvent, event_type
from store import open_store


@event_type("BerthAssigned", 2)
@dataclass(frozen=True, slots=True, kw_only=True)
class BerthAssigned(Event):
    """A test event whose schema moved from v1 (berth) to v2 (port + berth)."""

    mmsi: int
    port: str
    berth: str

    @property
    def stream_id(self) -> str:
        return f"ship-{self.mmsi}"


@UPCASTERS.register("BerthAssigned", 1)
def _berth_v1_to_v2(payload: dict) -> dict:
    port, _, berth = payload.pop("berth").partition("/")
    return {**payload, "port": port, "berth": berth}


def test_a_v1_payload_is_read_as_v2_and_left_as_stored(store_path):
    store = open_store(store_path)
    store.append_batch([NewEvent(BerthAssigned(mmsi=219000001, occurred_at=5, port="Aarhus", berth="7"), recorded_at=5)])
    store.close()
    connection = sqlite3.connect(store_path)  # an event written by an older version of the software
    with connection:
        type_id = connection.execute("INSERT INTO event_types (name, schema_version, layout) "
                                     "VALUES ('BerthAssigned', 1, 'mmsi,berth')").lastrowid
    connection.close()
    store = open_store(store_path)
    try:
        # Write the old-schema row through SQL of its time, chained like any other.
        from domain.hash_chain import chain_hash

        head = store.head()
        stored_payload = '[219000001,"Esbjerg/12"]'
        canonical = "\x1f".join(("2", "00" * 16, "ship-219000001", "2", "BerthAssigned", "1", "mmsi,berth", "9", "9",
                                 "{}", stored_payload))
        digest = chain_hash(head.hash, canonical)
        with store.engine.begin() as connection:
            metadata_id = connection.exec_driver_sql("SELECT id FROM event_metadata WHERE json = '{}'").scalar()
            connection.exec_driver_sql(
                "INSERT INTO events VALUES (2, ?, 1, 2, ?, 9, 9, ?, ?, ?, NULL)",
                (bytes(16), type_id, metadata_id, stored_payload, digest))
        old, new = list(store.read_all())[1], list(store.read_all())[0]
        assert old.schema_version == 1 and old.event == BerthAssigned(mmsi=219000001, occurred_at=9, port="Esbjerg", berth="12")
        assert new.event.port == "Aarhus"
        assert store.verify().ok
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT payload FROM events WHERE position = 2").scalar() == stored_payload
    finally:
        store.close()


def test_a_snapshot_that_no_longer_matches_the_log_is_ignored(store):
    from tests.fleet_events import report

    store.append_batch([report(219000001, 0), report(219000001, 1)])
    store.save_snapshot("index", 2, store.hash_at(2), b"cached")
    assert store.load_snapshot("index") == (2, b"cached")
    store.save_snapshot("index", 2, bytes(32), b"stale")
    assert store.load_snapshot("index") is None
    store.save_snapshot("index", 5, bytes(32), b"from another log")
    assert store.load_snapshot("index") is None
