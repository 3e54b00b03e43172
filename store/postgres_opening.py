"""Opening a shared store: a ``postgresql://`` URL in, a checked ``PostgresEventStore`` out.

The password never travels in the URL: a command line is kept in shell histories, process lists and logs.
libpq finds it where it always does (``PGPASSWORD``, ``~/.pgpass``, a service file named with
``?service=``), and a URL that carries one is refused with that advice. What the store says of itself
(``describe()``, the status bar, reports) is server, port and database only.
"""
from __future__ import annotations

import getpass
import os

import psycopg
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from store.errors import NotAStoreError, StoreError, StoreNotFoundError, StoreUnreachableError
from store.head_witness import StoreWitness
from store.postgres_schema import APPEND_LOCK, SCHEMA_VERSION, create_schema
from store.postgres_store import PostgresEventStore, ServerAddress

LOCK_TIMEOUT_MS = 10_000        # an append waits this long for another writer's lock before StoreBusyError
IDLE_IN_TRANSACTION_MS = 60_000  # a client that stalls inside a transaction is cut off after this
CONNECT_TIMEOUT_S = 10


def postgres_url(location: str) -> URL:
    """The SQLAlchemy URL (psycopg 3 driver) of a ``postgresql://`` location; refused if it holds a password."""
    try:
        url = make_url(location)
    except ArgumentError as error:
        raise StoreError(f"not a PostgreSQL URL: {error}") from None
    if url.password is not None:
        raise StoreError("the store's URL holds a password, which would be kept in shell histories and logs: "
                         "remove it and put it in PGPASSWORD, ~/.pgpass or a service file (docs/shared-store.md)")
    if not url.database and "service" not in url.query:
        raise StoreError(f"the PostgreSQL URL names no database: {url.render_as_string(hide_password=True)}")
    return url.set(drivername="postgresql+psycopg")


def server_address(url: URL) -> ServerAddress:
    """Server, port and database as libpq will resolve them (a socket folder counts as the host)."""
    host = url.host or str(url.query.get("host") or os.environ.get("PGHOST") or "localhost")
    port = url.port or int(str(url.query.get("port") or os.environ.get("PGPORT") or 5432))
    database = url.database or str(url.query.get("service", ""))
    return ServerAddress(host, port, database)


def open_postgres(location: str, *, create: bool = True, read_only: bool = False,
                  lock_timeout_ms: int = LOCK_TIMEOUT_MS,
                  idle_in_transaction_ms: int = IDLE_IN_TRANSACTION_MS) -> PostgresEventStore:
    """Open the shared store in a database (making its tables in an empty one when ``create``).

    A database holding other tables is refused untouched (``NotAStoreError``). A login whose role may not
    append (an auditor) opens the store read-only, as the server would refuse its appends anyway.
    """
    url = postgres_url(location)
    address = server_address(url)
    engine = create_engine(url, pool_pre_ping=True, pool_size=4, max_overflow=8, connect_args={
        "options": f"-c lock_timeout={int(lock_timeout_ms)} -c idle_in_transaction_session_timeout="
                   f"{int(idle_in_transaction_ms)} -c TimeZone=UTC",
        "application_name": f"fleet-logbook ({getpass.getuser()})", "connect_timeout": CONNECT_TIMEOUT_S})
    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        """A server that cannot be reached (down, network gone, connection cut) is one typed error wherever it
        surfaces, reads included, so that a console can say so and try again."""
        original = context.original_exception
        if isinstance(original, psycopg.errors.InvalidCatalogName) or (
                context.connection is None and f'database "{address.database}" does not exist' in str(original)):
            raise StoreNotFoundError(f"no database {address.database!r} on {address.describe()}: create it "
                                     f"first (createdb {address.database})") from None
        if context.is_disconnect or (context.connection is None and isinstance(original, psycopg.OperationalError)):
            raise StoreUnreachableError(f"{address.describe()} cannot be reached: {original}".strip()) from None

    try:
        may_append = _prepare(engine, address, create=create and not read_only)
    except BaseException:
        engine.dispose()
        raise
    store = PostgresEventStore(engine, address, read_only=read_only or not may_append,
                               witness=StoreWitness(address.key))
    store.witness_head()
    return store


def _prepare(engine: Engine, address: ServerAddress, *, create: bool) -> bool:
    """Check (or make) the schema; whether this login may append."""
    try:
        with engine.connect() as connection, connection.begin():
            if create:  # two first openings at once: one makes the tables, the other then finds them
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(%(key)s)", {"key": APPEND_LOCK})
            tables = {row[0] for row in connection.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
            if not tables:
                if not create:
                    raise StoreNotFoundError(f"no store in {address.describe()} (the database is empty)")
                create_schema(connection)
                tables = {"store_info", "events"}
            if not {"store_info", "events"} <= tables:
                shown = ", ".join(sorted(tables)[:5])
                raise NotAStoreError(f"{address.describe()} holds other tables ({shown}), not a Fleet Logbook store")
            marks: dict[str, str] = {key: value for key, value in connection.exec_driver_sql(
                "SELECT key, value FROM store_info")}
            if marks.get("application") != "fleet-logbook":
                raise NotAStoreError(f"{address.describe()} is not a Fleet Logbook store")
            if marks.get("schema") != SCHEMA_VERSION:
                raise StoreError(f"{address.describe()} has schema {marks.get('schema')!r}, this software needs "
                                 f"{SCHEMA_VERSION!r}")
            return bool(connection.exec_driver_sql("SELECT has_table_privilege('events', 'INSERT')").scalar())
    except DBAPIError as error:
        raise _opening_refused(address, error.orig) from None


def _opening_refused(address: ServerAddress, error: BaseException | None) -> StoreError:
    message = str(error).strip()
    if isinstance(error, psycopg.errors.InvalidCatalogName):
        return StoreNotFoundError(f"no database {address.database!r} on {address.describe()}: create it first "
                                  f"(createdb {address.database})")
    if isinstance(error, psycopg.errors.InsufficientPrivilege):
        return StoreError(f"{address.describe()}: this login may not do that ({message})")
    if isinstance(error, psycopg.OperationalError):
        return StoreUnreachableError(f"{address.describe()} cannot be reached: {message}")
    return StoreError(f"{address.describe()} could not be opened: {message}")
