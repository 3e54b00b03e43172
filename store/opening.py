"""Opening a store: path or URL in, a migrated, checked ``EventStore`` out.

One engine per store per process. SQLite runs in WAL mode with a busy timeout, foreign keys on and full
sync; transactions are begun explicitly so writers can take the write lock up front (``BEGIN IMMEDIATE``)
and compute the hash chain from a head no other writer can move.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError
from sqlalchemy.pool import StaticPool

from store.errors import NotAStoreError, StoreError, StoreNotFoundError
from store.event_store import EventStore
from store.migrations import LATEST_REVISION, MIGRATIONS_DIR
from store.schema import APPLICATION_ID

BUSY_TIMEOUT_MS = 10_000
CACHE_KIB = 65_536  # per connection: keeps the hot index pages of a multi-million-event log in memory
_SQLITE_MAGIC = b"SQLite format 3\x00"


def store_path(location: str | Path) -> Path | None:
    """The file a location names (None for an in-memory store); URLs other than sqlite are refused."""
    text_location = str(location)
    if "://" not in text_location:
        return Path(text_location).expanduser()
    try:
        url = make_url(text_location)
    except ArgumentError as error:
        raise StoreError(f"not a store path or SQLAlchemy URL: {text_location!r} ({error})") from None
    if url.get_backend_name() != "sqlite":
        raise StoreError(f"only SQLite stores are supported, not {url.get_backend_name()!r} ({text_location})")
    if not url.database or url.database == ":memory:":
        return None
    return Path(url.database).expanduser()


def open_store(location: str | Path, *, create: bool = True, read_only: bool = False,
               busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> EventStore:
    """Open (and, when ``create``, make) the store at a file path or ``sqlite:///`` URL.

    A writer waits up to ``busy_timeout_ms`` for another process's write to finish before giving up
    with ``StoreBusyError``.
    """
    path = store_path(location)
    if path is not None:
        _check_file(path, create=create and not read_only)
    engine = _engine(path, read_only=read_only, busy_timeout_ms=busy_timeout_ms)
    try:
        _check_application(engine, path)
        if read_only:
            _require_current(engine, path)
        else:
            _migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return EventStore(engine, path=path, read_only=read_only)


def _check_file(path: Path, *, create: bool) -> None:
    if path.is_dir():
        raise NotAStoreError(f"{path} is a folder, not a Fleet Logbook store")
    if path.exists():
        if path.stat().st_size == 0:
            return
        with path.open("rb") as handle:
            if handle.read(16) != _SQLITE_MAGIC:
                raise NotAStoreError(f"{path} is not a Fleet Logbook store (not an SQLite database)")
        return
    if not create:
        raise StoreNotFoundError(f"no store at {path}")
    path.parent.mkdir(parents=True, exist_ok=True)


def _engine(path: Path | None, *, read_only: bool, busy_timeout_ms: int) -> Engine:
    if path is None:
        engine = create_engine("sqlite://", poolclass=StaticPool,
                               creator=lambda: sqlite3.connect(":memory:", check_same_thread=False))
    else:
        target = f"file:{quote(str(path.resolve()))}?mode=ro" if read_only else str(path)
        engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(
            target, uri=read_only, check_same_thread=False, timeout=busy_timeout_ms / 1000))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, explicitly
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        if not read_only and path is not None:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _check_application(engine: Engine, path: Path | None) -> None:
    where = path or "the in-memory store"
    try:
        with engine.connect() as connection:
            application_id = connection.exec_driver_sql("PRAGMA application_id").scalar()
            tables = [row[0] for row in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    except DatabaseError as error:
        raise NotAStoreError(f"{where} is not a Fleet Logbook store ({error.orig})") from None
    if application_id == APPLICATION_ID:
        return
    if tables:
        shown = ", ".join(sorted(tables)[:5])
        raise NotAStoreError(f"{where} is an SQLite database of another application (tables: {shown}), "
                             "not a Fleet Logbook store")


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        exists = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").first()
        if not exists:
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _require_current(engine: Engine, path: Path | None) -> None:
    revision = _current_revision(engine)
    if revision != LATEST_REVISION:
        raise StoreError(f"{path} has schema {revision or 'none'}, this software needs {LATEST_REVISION}: "
                         "open it once without --read-only to upgrade it")


def _migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision with alembic (only loaded when there is work to do)."""
    if _current_revision(engine) == LATEST_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        if connection.in_transaction():
            connection.commit()
