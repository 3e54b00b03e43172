"""The first schema: the append-only event log, its interned names, quarantine and snapshots.

Written as plain DDL so this revision stays exactly what it was, whatever later code defines.

Revision ID: 0001
Revises:
"""
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TABLES = [
    """CREATE TABLE store_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE streams (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)""",
    """CREATE TABLE event_types (id INTEGER PRIMARY KEY, name TEXT NOT NULL, schema_version INTEGER NOT NULL,
           layout TEXT NOT NULL, UNIQUE (name, schema_version, layout))""",
    """CREATE TABLE event_metadata (id INTEGER PRIMARY KEY, json TEXT NOT NULL UNIQUE)""",
    """CREATE TABLE events (
           position INTEGER PRIMARY KEY,
           event_id BLOB NOT NULL,
           stream INTEGER NOT NULL REFERENCES streams (id),
           version INTEGER NOT NULL,
           type INTEGER NOT NULL REFERENCES event_types (id),
           occurred_at INTEGER NOT NULL,
           recorded_at INTEGER NOT NULL,
           metadata INTEGER NOT NULL REFERENCES event_metadata (id),
           payload TEXT NOT NULL,
           hash BLOB NOT NULL,
           dedupe_key BLOB,
           CONSTRAINT uq_events_stream_version UNIQUE (stream, version))""",
    """CREATE UNIQUE INDEX ix_events_dedupe_key ON events (dedupe_key) WHERE dedupe_key IS NOT NULL""",
    """CREATE TABLE quarantine (id INTEGER PRIMARY KEY, source TEXT NOT NULL, line INTEGER, field TEXT,
           raw TEXT NOT NULL, reason TEXT NOT NULL, quarantined_at INTEGER NOT NULL, dedupe_key BLOB UNIQUE)""",
    """CREATE TABLE snapshots (name TEXT PRIMARY KEY, log_position INTEGER NOT NULL, head_hash BLOB NOT NULL,
           created_at INTEGER NOT NULL, data BLOB NOT NULL)""",
]

IMMUTABLE = ("events", "streams", "event_types", "event_metadata")


def _immutability_triggers(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only: {table} rows cannot be updated'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only: {table} rows cannot be deleted'); END""",
    ]


def upgrade() -> None:
    for statement in _TABLES:
        op.execute(statement)
    for table in IMMUTABLE:
        for statement in _immutability_triggers(table):
            op.execute(statement)
    op.execute("INSERT INTO store_info (key, value) VALUES ('application', 'fleet-logbook')")


def downgrade() -> None:
    raise RuntimeError("the event log is never downgraded: that would destroy the truth")
