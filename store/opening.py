"""Opening a store: path or URL in, a migrated, checked ``EventStore`` out.

One engine per store per process. SQLite runs in WAL mode with a busy timeout, foreign keys on and full
sync; transactions are begun explicitly so writers can take the write lock up front (``BEGIN IMMEDIATE``)
and compute the hash chain from a head no other writer can move. Before any of that, the file is judged
from its header and a look at its schema that cannot change it (``store.sqlite_file``); SQLite's reports
of a malformed file become ``DamagedStoreError`` wherever they surface.
"""
from __future__ import annotations

import os
import sqlite3
from functools import partial
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import QueuePool, StaticPool

from store.errors import DamagedStoreError, NotAStoreError, StoreError, StoreNotFoundError
from store.event_store import EventStore
from store.head_witness import StoreWitness
from store.migrations import LATEST_REVISION, MIGRATIONS_DIR
from store.page_cache import READ_CACHE_KIB
from store.shared_location import is_postgres_location
from store.schema import APPLICATION_ID, metadata
from store.sqlite_file import (COMPANIONS, SqliteHeader, check_length, companion, companions_present, pending_log,
                               probe_uri, read_header, read_only_uri, settle)

BUSY_TIMEOUT_MS = 10_000
OUR_TABLES = frozenset(metadata.tables) | {"alembic_version"}


def store_path(location: str | Path) -> Path | None:
    """The file a location names (None for an in-memory store or a shared one on a server); URLs other than
    sqlite and postgresql are refused."""
    text_location = str(location)
    if is_postgres_location(text_location):
        return None
    if "://" not in text_location:
        return Path(text_location).expanduser()
    try:
        url = make_url(text_location)
    except ArgumentError as error:
        raise StoreError(f"not a store path or SQLAlchemy URL: {text_location!r} ({error})") from None
    if url.get_backend_name() != "sqlite":
        raise StoreError(f"not a store file: {url.get_backend_name()!r} ({url.render_as_string(hide_password=True)})")
    if not url.database or url.database == ":memory:":
        return None
    return Path(url.database).expanduser()


def store_key(path: Path) -> str:
    """What names a store outside it (its head witness): the URL of its resolved file."""
    return "sqlite:///" + path.resolve().as_posix()


def open_store(location: str | Path, *, create: bool = True, read_only: bool = False,
               busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> EventStore:
    """Open (and, when ``create``, make) the store at a file path or ``sqlite:///`` URL, or the shared store
    in the database a ``postgresql://`` URL names (``store.postgres_opening``).

    A file is judged before SQLite may change it: another application's database is refused untouched,
    a store cut short is ``DamagedStoreError``. A creation that fails leaves nothing it made behind. The
    head the store has when opened (and after appends, and at close) is witnessed outside it.
    A writer waits up to ``busy_timeout_ms`` for another process's write to finish before giving up
    with ``StoreBusyError``.
    """
    if is_postgres_location(location):
        from store.postgres_opening import open_postgres  # psycopg is loaded only for a shared store

        return open_postgres(str(location), create=create, read_only=read_only)
    path = store_path(location)
    if path is None:
        in_memory = _engine(None, read_only=read_only, busy_timeout_ms=busy_timeout_ms)
        try:
            _migrate(in_memory)
        except BaseException:
            in_memory.dispose()
            raise
        return EventStore(in_memory, path=None, read_only=read_only)
    made = _Creation(path)
    engine: Engine | None = None
    companions_before = made.companions
    try:
        header = _check_file(path, create=create and not read_only)
        if header is not None:
            _probe(path, header)
        engine = _engine(path, read_only=read_only, busy_timeout_ms=busy_timeout_ms)
        if read_only:
            _require_current(engine, path)
        else:
            _migrate(engine)
    except BaseException as error:
        if engine is not None:
            engine.dispose()
        if made.new:
            made.undo()
        else:
            settle(path, writer=False, companions_before=companions_before)
        if isinstance(error, DBAPIError):
            raise StoreError(f"{path} could not be {'created' if made.new else 'opened'}: {error.orig}") from None
        raise
    store = EventStore(engine, path=path, read_only=read_only, witness=StoreWitness(store_key(path)),
                       on_close=partial(settle, path, writer=not read_only, companions_before=companions_before))
    store.witness_head()
    return store


class _Creation:
    """What creating a store makes (the file, its companions, missing folders), to take back on failure."""

    def __init__(self, path: Path):
        self.path = path
        self.new = not path.exists()
        self.companions = companions_present(path)
        self._folders = [folder for folder in path.parents if not folder.exists()]

    def undo(self) -> None:
        for suffix in COMPANIONS:
            if suffix not in self.companions:
                companion(self.path, suffix).unlink(missing_ok=True)
        if self.new:
            self.path.unlink(missing_ok=True)
        for folder in self._folders:  # innermost first
            try:
                folder.rmdir()
            except OSError:
                break


def _check_file(path: Path, *, create: bool) -> SqliteHeader | None:
    """The header of an existing store file (None for a missing or empty one, which is made a store)."""
    if path.is_dir():
        raise NotAStoreError(f"{path} is a folder, not a Fleet Logbook store")
    if path.exists():
        if path.stat().st_size == 0:
            return None
        header = read_header(path)
        if header.application_id == APPLICATION_ID:
            check_length(path, header)
        return header
    if not create:
        raise StoreNotFoundError(f"no store at {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    return None


def _probe(path: Path, header: SqliteHeader, *, after_recovery: bool = False) -> None:
    """Read the schema through a connection that can change nothing: is this a store, and a readable one?

    The header in the file can be older than the database when a write-ahead log beside it holds newer
    pages (a store another process has open): then the application id is read through SQLite as well.
    """
    if header.application_id not in (0, APPLICATION_ID) and not pending_log(path):
        raise NotAStoreError(f"{path} is an SQLite database of another application (application id "
                             f"0x{header.application_id:08X}), not a Fleet Logbook store")
    try:
        application_id, tables = _read_schema(path, header)
    except sqlite3.Error as error:
        if _needs_a_writer(error) and header.application_id == APPLICATION_ID and not after_recovery:
            _finish_interrupted_write(path, error)
            return _probe(path, header, after_recovery=True)
        if not _is_damage(error):
            raise StoreError(f"{path} cannot be read: {error}") from None
        if header.application_id == APPLICATION_ID:
            raise DamagedStoreError(f"{path} is damaged: SQLite cannot read it ({error})") from None
        raise NotAStoreError(f"{path} is not a Fleet Logbook store ({error})") from None
    if application_id not in (0, APPLICATION_ID):
        raise NotAStoreError(f"{path} is an SQLite database of another application (application id "
                             f"0x{application_id:08X}), not a Fleet Logbook store")
    if application_id == 0 and tables == OUR_TABLES:
        return  # made by an earlier version that was killed before it marked the file: marked on opening
    if application_id == 0 and tables:
        shown = ", ".join(sorted(tables)[:5])
        raise NotAStoreError(f"{path} is an SQLite database of another application (tables: {shown}), "
                             "not a Fleet Logbook store")
    if application_id == APPLICATION_ID and not {"events", "alembic_version"} <= tables:
        raise DamagedStoreError(f"{path} is damaged: it is marked as a Fleet Logbook store but lacks its tables")


def _read_schema(path: Path, header: SqliteHeader) -> tuple[int, set[str]]:
    """The application id and table names, read through a connection that can change nothing."""
    connection = sqlite3.connect(probe_uri(path, header), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
        if application_id == APPLICATION_ID and "events" in tables:
            connection.execute("SELECT max(position) FROM events").fetchone()
    finally:
        connection.close()
    return application_id, tables


def _needs_a_writer(error: sqlite3.Error) -> bool:
    """SQLite's read-only refusals to recover a log or roll back a journal that a killed writer left behind."""
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_READONLY


def _finish_interrupted_write(path: Path, error: sqlite3.Error) -> None:
    """Let SQLite roll back the unfinished write a killed writer left in our store (a hot journal, or a
    write-ahead log whose index must be rebuilt), as any connection that may write does on opening: what was
    committed stays, what was not is taken back. Nothing else is changed (no journal mode, no schema)."""
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise StoreError(f"{path} was left in the middle of a write by a process that stopped; only a user who "
                         f"may write it can finish that (SQLite: {error})") from None
    try:
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=rw", uri=True,
                                     timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as again:
        raise StoreError(f"{path} cannot be read: {again}") from None

def _engine(path: Path | None, *, read_only: bool, busy_timeout_ms: int) -> Engine:
    if path is None:
        engine = create_engine("sqlite://", poolclass=StaticPool,
                               creator=lambda: sqlite3.connect(":memory:", check_same_thread=False))
    else:
        target = read_only_uri(path) if read_only else str(path)
        # A queue of connections any thread may take in turn. (For a "sqlite://" URL SQLAlchemy would choose a
        # connection per thread, which closes some other thread's connection, even mid-read, once more than
        # five threads have read: a console's workers crashed the process that way.) The connection given back
        # last is taken first: its page cache holds what the last write touched (taken in turn, every write
        # of an import found a cold cache, and inserted at half the speed).
        engine = create_engine("sqlite://", poolclass=QueuePool, pool_use_lifo=True, creator=lambda: sqlite3.connect(
            target, uri=read_only, check_same_thread=False, timeout=busy_timeout_ms / 1000))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, explicitly
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA cache_size = -{READ_CACHE_KIB}")  # writes grow it (store.page_cache)
        if not read_only and path is not None:
            try:
                cursor.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError as error:
                # Another program holds a lock on a store left in rollback mode: carry on in that mode
                # (as safe, less concurrent); the next connection, or another writer, switches to WAL.
                if not getattr(error, "sqlite_errorname", "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
                    raise
            cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    where = path or "the in-memory store"

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        """SQLite's "malformed" and "not a database" mean a damaged store, wherever they surface."""
        if _is_damage(context.original_exception):
            raise DamagedStoreError(f"{where} is damaged: {context.original_exception}") from None

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _is_damage(error: BaseException) -> bool:
    """SQLite's "database disk image is malformed" and "file is not a database" (not: busy, locked, full)."""
    return getattr(error, "sqlite_errorname", "").startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))


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
        with engine.begin() as connection:
            if connection.exec_driver_sql("PRAGMA application_id").scalar() == 0:
                connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as connection:
        # One transaction marks the file as ours and makes its schema: a process killed part-way leaves
        # either the file as it was or a whole, marked store, never our tables under no mark.
        with connection.begin():
            connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
