"""Events copied row for row from another log: read with their names spelled out, written with this log's
interned ids, and chained again here, so that a copy is checked while it is made.

A copy keeps what the hash covers exactly (position, event id, stream, version, type with its schema version
and layout, both clocks, metadata and payload text) and the dedupe key, so a copied log has the same
positions, ids and hashes, and a file imported again into the copy still appends nothing. Nothing is decoded
and encoded again: an event of an older schema version stays as it was stored.
"""
from __future__ import annotations

from typing import Any, NamedTuple, Sequence

from sqlalchemy import select
from sqlalchemy.engine import Connection

from domain.hash_chain import canonical_text, chain_hash
from store.errors import StoreError
from store.interning import insert_row
from store.schema import event_metadata, event_types, events, streams


class StoredRow(NamedTuple):
    """One stored event with its names, as another log holds it."""

    position: int
    event_id: bytes
    stream: str
    version: int
    type_name: str
    schema_version: int
    layout: str
    occurred_at: int
    recorded_at: int
    metadata_json: str
    payload: str
    hash: bytes
    dedupe_key: bytes | None


class CopyMismatchError(StoreError):
    """A copied event does not continue this log (its position or hash is not the one this log computes)."""


_READ = (select(events.c.position, events.c.event_id, streams.c.name, events.c.version, event_types.c.name,
                event_types.c.schema_version, event_types.c.layout, events.c.occurred_at, events.c.recorded_at,
                event_metadata.c.json, events.c.payload, events.c.hash, events.c.dedupe_key)
         .select_from(events.join(streams, events.c.stream == streams.c.id)
                      .join(event_types, events.c.type == event_types.c.id)
                      .join(event_metadata, events.c.metadata == event_metadata.c.id)))


def read_rows(connection: Connection, from_position: int, limit: int) -> list[StoredRow]:
    """Up to ``limit`` events from a position on, in log order, with their names."""
    rows = connection.execute(_READ.where(events.c.position >= from_position).order_by(events.c.position)
                              .limit(limit)).all()
    return [StoredRow(r[0], bytes(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], bytes(r[11]),
                      None if r[12] is None else bytes(r[12])) for r in rows]


def prepare_copied(connection: Connection, head_position: int, head_hash: bytes,
                   rows: Sequence[StoredRow]) -> list[tuple[Any, ...]]:
    """The rows to insert after this log's head (in ``events`` column order), each hash recomputed here and
    compared with the copied one; ``CopyMismatchError`` at the first that does not continue the chain."""
    ids: dict[tuple[str, object], int] = {}

    def interned(table: Any, key_columns: dict[str, object]) -> int:
        key = (table.name, tuple(key_columns.values()))
        found = ids.get(key)
        if found is None:
            condition = [table.c[name] == value for name, value in key_columns.items()]
            found = connection.execute(select(table.c.id).where(*condition)).scalar()
            if found is None:
                found = insert_row(connection, table, dict(key_columns))
            ids[key] = found
        return found

    prepared: list[tuple[Any, ...]] = []
    position, previous = head_position, head_hash
    for row in rows:
        position += 1
        if row.position != position:
            raise CopyMismatchError(f"the copy reached position {row.position}, but this log's next position is "
                                    f"{position}: it is not a copy of the same log")
        digest = chain_hash(previous, canonical_text(row.position, row.event_id.hex(), row.stream, row.version,
                                                     row.type_name, row.schema_version, row.layout, row.occurred_at,
                                                     row.recorded_at, row.metadata_json, row.payload))
        if digest != row.hash:
            raise CopyMismatchError(f"the event at position {row.position} does not continue the chain (its hash "
                                    "differs from the one recomputed here): the source does not verify there")
        stream = interned(streams, {"name": row.stream})
        type_id = interned(event_types, {"name": row.type_name, "schema_version": row.schema_version,
                                         "layout": row.layout})
        metadata_id = interned(event_metadata, {"json": row.metadata_json})
        prepared.append((row.position, row.event_id, stream, row.version, type_id, row.occurred_at, row.recorded_at,
                         metadata_id, row.payload, row.hash, row.dedupe_key))
        previous = digest
    return prepared
