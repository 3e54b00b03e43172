"""Interned names: streams, event types (with their payload layout) and metadata sets, each stored once
and referred to by id from every event row. Ids never change (the tables are append-only), so they are
cached for the life of the store; names a write adds join the cache only after its commit.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, NamedTuple

from sqlalchemy import ColumnElement, Table, insert, select
from sqlalchemy.engine import Connection

from domain.events import Event
from domain.hash_chain import canonical_type_text
from store.codec import encode_metadata, layout_of, payload_encoder
from store.errors import StoreError
from store.schema import event_metadata, event_types, streams

_IN_CHUNK = 500


class StoredType(NamedTuple):
    """How events of one class are stored: their type row, its share of the canonical text, their encoder."""

    type_id: int
    name: str
    schema_version: int
    type_text: str  # domain.hash_chain.canonical_type_text of name, schema version and layout
    encode: Callable[[Event], str]


@dataclass
class Learned:
    """The ids a write uses, including names it adds inside its (not yet committed) transaction."""

    connection: Connection
    stream_ids: dict[str, int]
    type_ids: dict[tuple[str, int, str], int]
    metadata_ids: dict[str, int]
    new_streams: dict[str, int] = field(default_factory=dict)
    found_streams: dict[str, int] = field(default_factory=dict)  # in the log already, not yet in the cache
    new_types: dict[tuple[str, int, str], int] = field(default_factory=dict)
    new_metadata: dict[str, int] = field(default_factory=dict)
    _by_class: dict[type[Event], StoredType] = field(default_factory=dict)
    _by_mapping: dict[Any, tuple[int, str]] = field(default_factory=dict)
    _last_mapping: Any = None
    _last_metadata: tuple[int, str] = (0, "")

    def type_for(self, cls: type[Event]) -> StoredType:
        """How events of a class are stored (its type row added if the log has none yet)."""
        known = self._by_class.get(cls)
        if known is None:
            key = (cls.TYPE, cls.SCHEMA_VERSION, layout_of(cls))
            type_id = self.type_ids.get(key)
            if type_id is None:
                type_id = self._find_or_add(event_types, {"name": key[0], "schema_version": key[1], "layout": key[2]},
                                            (event_types.c.name == key[0]) & (event_types.c.schema_version == key[1])
                                            & (event_types.c.layout == key[2]))
                self.type_ids[key] = self.new_types[key] = type_id
            # The type's part of the canonical text (name, schema version, layout) is the same for every event.
            known = self._by_class[cls] = StoredType(type_id, key[0], key[1], canonical_type_text(*key),
                                                     payload_encoder(cls))
        return known

    def metadata_for(self, metadata: Mapping[str, Any]) -> tuple[int, str]:
        """(metadata id, canonical JSON) of a metadata mapping; equal mappings are encoded once per write."""
        if metadata is self._last_mapping:
            return self._last_metadata
        try:
            cache_key: Any = tuple(metadata.items())
            known = self._by_mapping.get(cache_key)
        except TypeError:  # unhashable values (lists): encode every time
            cache_key, known = None, None
        if known is None:
            text = encode_metadata(metadata)
            metadata_id = self.metadata_ids.get(text)
            if metadata_id is None:
                metadata_id = self._find_or_add(event_metadata, {"json": text}, event_metadata.c.json == text)
                self.metadata_ids[text] = self.new_metadata[text] = metadata_id
            known = (metadata_id, text)
            if cache_key is not None:
                self._by_mapping[cache_key] = known
        self._last_mapping, self._last_metadata = metadata, known
        return known

    def _find_or_add(self, table: Table, row: dict[str, object], condition: ColumnElement[bool]) -> int:
        found: int | None = self.connection.execute(select(table.c.id).where(condition)).scalar()
        if found is not None:
            return found
        return insert_row(self.connection, table, row)


def insert_row(connection: Connection, table: Table, row: dict[str, object]) -> int:
    """Add a row to an interned-name table; its new id."""
    key = connection.execute(insert(table).values(**row)).inserted_primary_key
    if key is None:  # SQLAlchemy gives the key of every single-row insert into a table with an integer key
        raise StoreError(f"the store gave no id for a new row of {table.name}")
    new_id: int = key[0]
    return new_id


class Interned:
    """The store-wide caches of interned ids and the rows behind them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stream_ids: dict[str, int] = {}
        self._stream_names: dict[int, str] = {}
        self._type_ids: dict[tuple[str, int, str], int] = {}
        self._type_rows: dict[int, tuple[str, int, str]] = {}
        self._metadata_ids: dict[str, int] = {}
        self._metadata_rows: dict[int, Mapping[str, Any]] = {}

    def resolve(self, connection: Connection, stream_names: set[str]) -> Learned:
        """Ids for every stream of a batch (adding the new ones) within the write's transaction."""
        with self._lock:
            learned = Learned(connection, dict(self._stream_ids), dict(self._type_ids), dict(self._metadata_ids))
        wanted = sorted(stream_names - learned.stream_ids.keys())
        for start in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[start:start + _IN_CHUNK]
            for stream_id, name in connection.execute(select(streams.c.id, streams.c.name).where(streams.c.name.in_(chunk))):
                learned.stream_ids[name] = learned.found_streams[name] = stream_id
        missing = [{"name": name} for name in wanted if name not in learned.stream_ids]
        if missing:  # one statement for all of them (a national feed's first hour brings thousands of ships)
            for stream_id, name in connection.execute(insert(streams).returning(streams.c.id, streams.c.name), missing):
                learned.stream_ids[name] = learned.new_streams[name] = stream_id
            if len(learned.new_streams) != len(missing):
                raise StoreError(f"the store gave ids for {len(learned.new_streams)} of {len(missing)} new streams")
        return learned

    def learn(self, learned: Learned) -> None:
        """Keep the ids a committed write looked up or added."""
        with self._lock:  # only the streams the write looked up or added (the cache had the rest)
            for streams_learned in (learned.found_streams, learned.new_streams):
                self._stream_ids.update(streams_learned)
                self._stream_names.update((v, k) for k, v in streams_learned.items())
            self._type_ids.update(learned.type_ids)
            self._type_rows.update((v, k) for k, v in learned.type_ids.items())
            self._metadata_ids.update(learned.metadata_ids)

    def stream_name(self, connection: Connection, stream_id: int) -> str:
        name = self._stream_names.get(stream_id)
        if name is None:
            rows = connection.execute(select(streams.c.id, streams.c.name).where(streams.c.id >= stream_id)).all()
            with self._lock:
                for row_id, row_name in rows:
                    self._stream_names[row_id] = row_name
                    self._stream_ids[row_name] = row_id
            name = self._stream_names[stream_id]
        return name

    def type_row(self, connection: Connection, type_id: int) -> tuple[str, int, str]:
        row = self._type_rows.get(type_id)
        if row is None:
            for row_id, name, version, layout in connection.execute(select(event_types)):
                with self._lock:
                    self._type_rows[row_id] = (name, version, layout)
            row = self._type_rows[type_id]
        return row

    def metadata(self, connection: Connection, metadata_id: int) -> Mapping[str, Any]:
        row = self._metadata_rows.get(metadata_id)
        if row is None:
            text = connection.execute(select(event_metadata.c.json).where(event_metadata.c.id == metadata_id)).scalar_one()
            row = self._metadata_rows[metadata_id] = json.loads(text)
        return row
