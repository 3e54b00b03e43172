"""Table definitions (SQLAlchemy Core). The migrations create them; the store reads and writes them.

Names that repeat on every event (stream, type with its payload layout, metadata) are interned in small
tables, which keeps an event row near 150 bytes. Everything an event's hash covers is append-only:
triggers abort UPDATE and DELETE on those tables.
"""
from sqlalchemy import BigInteger, Column, ForeignKey, Integer, LargeBinary, MetaData, Table, Text, UniqueConstraint

APPLICATION_ID = 0x464C4F47  # "FLOG", in the SQLite header: marks the file as a Fleet Logbook store
IMMUTABLE_TABLES = ("events", "streams", "event_types", "event_metadata")

metadata = MetaData()

store_info = Table(
    "store_info", metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

streams = Table(
    "streams", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
)

event_types = Table(
    "event_types", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("layout", Text, nullable=False),
    UniqueConstraint("name", "schema_version", "layout"),
)

event_metadata = Table(
    "event_metadata", metadata,
    Column("id", Integer, primary_key=True),
    Column("json", Text, nullable=False, unique=True),
)

events = Table(
    "events", metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("event_id", LargeBinary(16), nullable=False),
    Column("stream", Integer, ForeignKey("streams.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("type", Integer, ForeignKey("event_types.id"), nullable=False),
    Column("occurred_at", BigInteger, nullable=False),
    Column("recorded_at", BigInteger, nullable=False),
    Column("metadata", Integer, ForeignKey("event_metadata.id"), nullable=False),
    Column("payload", Text, nullable=False),
    Column("hash", LargeBinary(32), nullable=False),
    Column("dedupe_key", LargeBinary, nullable=True),
    UniqueConstraint("stream", "version", name="uq_events_stream_version"),
)

quarantine = Table(
    "quarantine", metadata,
    Column("id", Integer, primary_key=True),
    Column("source", Text, nullable=False),
    Column("line", Integer, nullable=True),
    Column("field", Text, nullable=True),
    Column("raw", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("quarantined_at", BigInteger, nullable=False),
    Column("dedupe_key", LargeBinary, nullable=True, unique=True),
)

snapshots = Table(
    "snapshots", metadata,
    Column("name", Text, primary_key=True),
    Column("log_position", Integer, nullable=False),
    Column("head_hash", LargeBinary(32), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),
)
