"""The store's file on disk, looked at before SQLite is let near it, and left tidy when closed.

SQLite changes a file the moment it is opened for writing (switching it to WAL mode writes its header and
creates ``-wal`` and ``-shm`` files beside it), and even a read-only connection creates those two files for
a database in WAL mode. So a file is judged from its 100-byte header first: an SQLite file of another
application is refused without a byte of it changed, and a store cut short is called damaged before any
companion file exists. A store's last writer to close puts it back to a rollback journal, so that readers
(``verify``, auditors) open a closed store without creating anything; the next writer switches it to WAL
again, and readers follow. A reader that still had to create the companions (a store in WAL mode with none
beside it: a copy, or one last closed by an older version) has SQLite remove them when it closes.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from store.errors import DamagedStoreError, NotAStoreError

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100
COMPANIONS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class SqliteHeader:
    """What the first 100 bytes of an SQLite file say (https://sqlite.org/fileformat.html#the_database_header)."""

    page_size: int
    wal: bool  # bytes 18 and 19 are 2 in WAL mode, 1 with a rollback journal
    pages: int | None  # the database size in pages, when the header's own count is valid
    application_id: int  # offset 68, big-endian


def read_header(path: Path) -> SqliteHeader:
    """The header of an existing, non-empty file; ``NotAStoreError`` if it is no SQLite file at all,
    ``DamagedStoreError`` if it is one cut short."""
    with path.open("rb") as handle:
        header = handle.read(HEADER_BYTES)
    if not header.startswith(SQLITE_MAGIC[:len(header)]) or len(header) < len(SQLITE_MAGIC):
        raise NotAStoreError(f"{path} is not a Fleet Logbook store (not an SQLite database)")
    if len(header) < HEADER_BYTES:
        raise DamagedStoreError(f"{path} is damaged: it ends after {len(header)} bytes, inside the SQLite header")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65_536 if page_size == 1 else page_size
    change_counter, valid_for = header[24:28], header[92:96]
    pages = int.from_bytes(header[28:32], "big")
    return SqliteHeader(page_size=page_size, wal=header[18] == 2 and header[19] == 2,
                        pages=pages if pages and change_counter == valid_for else None,
                        application_id=int.from_bytes(header[68:72], "big"))


def check_length(path: Path, header: SqliteHeader) -> None:
    """A file shorter than its header says is cut short (unless a write-ahead log beside it holds the rest)."""
    if header.pages is None or pending_log(path):
        return
    size, expected = path.stat().st_size, header.pages * header.page_size
    if size < expected:
        raise DamagedStoreError(f"{path} is damaged: it is cut short at {size:,} bytes of {expected:,} "
                                f"({header.pages:,} pages of {header.page_size:,} bytes); restore it from a copy")


def pending_log(path: Path) -> bool:
    """Whether a write-ahead log beside the file may hold pages newer than the file's own."""
    try:
        return companion(path, "-wal").stat().st_size > 0
    except FileNotFoundError:
        return False


def companion(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def companions_present(path: Path) -> frozenset[str]:
    return frozenset(suffix for suffix in COMPANIONS if companion(path, suffix).exists())


def read_only_uri(path: Path) -> str:
    """A URI that opens the file for reading only."""
    return f"file:{quote(str(path.resolve()))}?mode=ro"


def probe_uri(path: Path, header: SqliteHeader) -> str:
    """A URI for a short look at a file's schema that cannot create or change a thing: ``immutable`` when
    the file is in WAL mode with no ``-wal`` or ``-shm`` beside it (no connection has it open, and SQLite
    would otherwise create both files just to read it)."""
    uri = read_only_uri(path)
    if header.wal and not companions_present(path) & {"-wal", "-shm"}:
        uri += "&immutable=1"
    return uri


def settle(path: Path, *, writer: bool, companions_before: frozenset[str]) -> None:
    """Leave a closed store as a closed store should be: no ``-wal`` or ``-shm`` beside it. Best effort,
    never failing a close, and never taking the files from another connection still using the store.

    After a writer: back to a rollback journal, which SQLite grants only to the last connection (it then
    checkpoints the write-ahead log into the file and removes both companions). After a reader that created
    the companions: a connection that may write, opened and closed without writing, lets SQLite's own
    last-connection cleanup remove them, checkpointing an empty log (the database file is not changed).
    """
    if not writer and not ({"-wal", "-shm"} - companions_before) & companions_present(path):
        return
    try:
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=rw", uri=True, timeout=0)
    except sqlite3.Error:
        return
    try:
        connection.execute("PRAGMA busy_timeout = 0")
        if writer:
            connection.execute("PRAGMA journal_mode = DELETE").fetchone()
        else:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        pass  # another connection has it open (it is theirs to settle), or the file cannot be read
    finally:
        connection.close()
