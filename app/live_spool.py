"""The live listener's write-ahead spool: every line a feed receives, with its time of receipt, is on disk before
it is decided and appended, and stays there until the batch holding it is committed to the log.

Why: a listener that cannot write (disk full, store read-only or busy) or that is killed must not forget what
it received. Replaying the spool gives the very same observations (the time of receipt is kept, so sentences
without a time of their own get the same time and the same dedupe keys), so a replay appends exactly what
is missing and nothing twice.

The file, ``<store>.spool`` beside the store (``.spool.2``, ``.spool.3``… for feeds running at the same time;
each holds an exclusive lock on its own), is a fixed header and then records:

- header: ``MAGIC``, a generation (u32), the offset of the first line not yet released (u64), the name of
  the feed that wrote it;
- record: ``b"L1"``, the generation, the line's length, a CRC-32, the time of receipt (µs), a flag byte
  (the line was cut as too long) and the line's bytes.

A line is written with one ``pwrite``: once that returns, the kernel has it, and a ``kill -9`` of the
process loses nothing. Lines are fsynced once per batch (at most once a second), not per line: a power cut
may lose the last second's lines, as the receiver's own socket buffers would, while a disk flush per
sentence would cost hundreds of flushes a second. Releasing a committed batch moves the header's offset;
when everything is released the generation is bumped, which voids all records at once, and writing starts
again after the header. Space is reserved ahead (``RESERVE_BYTES``), so a disk that fills up fails the store's
writes before the spool's. Reading stops at the first record that is not whole (a write cut short by a
kill, the reserved zeros, a record of an older generation): everything before it is read.
"""
from __future__ import annotations

import hashlib
import os
import re
import struct
import tempfile
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from feeds.network import FeedLine

try:  # POSIX; elsewhere one process per spool is assumed
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

DEFAULT_LIMIT_BYTES = 256 * 1024 * 1024
MAX_SLOTS = 8
RESERVE_BYTES = 4 * 1024 * 1024
MAGIC = b"FLSPOOL1"
_HEADER = struct.Struct("<8sIQH")  # magic, generation, released offset, feed name length
HEADER_SIZE = 512
_NAME_ROOM = HEADER_SIZE - _HEADER.size
_RECORD = struct.Struct("<2sIIIqB")  # tag, generation, length, crc32, received_at, flags
_TAG = b"L1"
_TOO_LONG = 1
MAX_RECORD_DATA = 1 << 20


class SpoolError(OSError):
    """A received line could not be kept in the spool (its bound is reached, or the disk refused it)."""


class SpoolBusyError(SpoolError):
    """Every spool slot beside the store is held by a running feed."""


@dataclass(frozen=True, slots=True)
class SpoolMark:
    """A place in the spool: the offset after a record, and how many records this process has seen before it
    (counted from the released offset when the file was opened). Ordinals only grow, across generations too,
    so a mark taken before everything was released can never release lines written after."""

    offset: int
    ordinal: int


SPOOLS_VARIABLE = "FLEET_LOGBOOK_SPOOLS"


def spool_anchor(store_path: Path | None, store_key: str | None) -> Path | None:
    """What a feed's spool files are named after: the store file itself (``DB.spool`` beside it), or, for a
    store with no file of its own (a shared PostgreSQL store), a name in this computer's spool folder
    (``$FLEET_LOGBOOK_SPOOLS``, else ``spools`` in the user's data folder) made from the store's key, so
    that a listener started again on the same server store finds what the last one left. None: an
    in-memory store (its spool is a temporary file)."""
    if store_path is not None:
        return store_path
    if store_key is None:
        return None
    folder = os.environ.get(SPOOLS_VARIABLE)
    if folder:
        base = Path(folder)
    elif os.environ.get("FLEET_LOGBOOK_DATA"):
        base = Path(os.environ["FLEET_LOGBOOK_DATA"]) / "spools"
    else:
        from platformdirs import user_data_dir

        base = Path(user_data_dir("fleet-logbook", appauthor=False)) / "spools"
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", store_key)[:80]
    digest = hashlib.sha256(store_key.encode()).hexdigest()[:12]
    base.mkdir(parents=True, exist_ok=True)
    return base / f"{readable}-{digest}"


def spool_path(store_path: Path, slot: int = 1) -> Path:
    """The spool file of ``slot`` beside a store file."""
    suffix = ".spool" if slot == 1 else f".spool.{slot}"
    return store_path.with_name(store_path.name + suffix)


class Spool:
    """One feed's spool file, locked for this process while open. One thread appends (the receiver) while
    another reads and releases (the committer); a lock keeps the end, the released mark and the generation
    consistent between them. Releasing everything (a new generation) happens only between reads."""

    def __init__(self, path: Path, fd: int, limit_bytes: int, *, temporary: bool = False):
        self.path = path
        self.limit_bytes = limit_bytes
        self._fd = fd
        self._temporary = temporary
        self._lock = threading.Lock()
        self._synced = 0  # ordinal of the end when last made durable
        size = os.fstat(fd).st_size
        header = os.pread(fd, HEADER_SIZE, 0) if size >= HEADER_SIZE else b""
        generation, released, name = _read_header(header)
        if generation is None:  # new, empty or unreadable header: start afresh (nothing is readable anyway)
            generation, released, name = 1, HEADER_SIZE, ""
            self._generation, self._released_offset, self.written_by = generation, released, name
            self._write_header()
        self._generation, self._released_offset, self.written_by = generation, released, name
        self._allocated = max(size, HEADER_SIZE)
        self._released = SpoolMark(released, 0)
        end = self._released
        for _, after in _records(fd, self._generation, self._released):
            end = after
        self._end = end
        self._reserve(min(self.limit_bytes, end.offset + RESERVE_BYTES))  # room taken now, while there is room

    # --- opening --------------------------------------------------------------------------------------------

    @classmethod
    def acquire(cls, store_path: Path | None, *, limit_bytes: int = DEFAULT_LIMIT_BYTES) -> "Spool":
        """The first spool slot beside ``store_path`` that no running feed holds (a temporary file for an
        in-memory store), with the lines of every other slot no running feed holds moved into it, so that
        what a second feed left is replayed even if that feed never runs again. Raises ``SpoolBusyError``
        when all ``MAX_SLOTS`` are held, ``OSError`` when the file cannot be made."""
        if store_path is None:
            fd, name = tempfile.mkstemp(prefix="fleet-logbook-", suffix=".spool")
            return cls(Path(name), fd, limit_bytes, temporary=True)
        for slot in range(1, MAX_SLOTS + 1):
            spool = cls._locked(spool_path(store_path, slot), limit_bytes)
            if spool is not None:
                spool._adopt_orphans(store_path)
                return spool
        raise SpoolBusyError(f"all {MAX_SLOTS} spool files beside {store_path} are in use by running feeds")

    @classmethod
    def _locked(cls, path: Path, limit_bytes: int, *, create: bool = True) -> "Spool | None":
        """The spool at ``path``, locked for this process; None when a running feed holds it (or, without
        ``create``, when there is none)."""
        try:
            fd = os.open(path, os.O_RDWR | (os.O_CREAT if create else 0), 0o600)
        except FileNotFoundError:
            if create:
                raise
            return None
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return None
        try:
            return cls(path, fd, limit_bytes)
        except BaseException:
            os.close(fd)
            raise

    def _adopt_orphans(self, store_path: Path) -> None:
        for slot in range(1, MAX_SLOTS + 1):
            path = spool_path(store_path, slot)
            if path == self.path or not path.exists():
                continue
            other = Spool._locked(path, max(self.limit_bytes, os.path.getsize(path)), create=False)
            if other is None:
                continue
            try:
                moved: SpoolMark | None = None
                try:
                    for line, mark in other.read(other.released, other.lines):
                        self.append(line)
                        moved = mark
                except SpoolError:
                    pass  # this spool is full: the rest stays where it is, for a later start
                if moved is not None:
                    self.sync()  # on disk here before it is released there
                    other.release(moved)
            finally:
                other.close()

    def close(self) -> None:
        """Close the file; remove it when nothing in it awaits the log."""
        if self._fd < 0:
            return
        empty = self.lines == 0
        if empty or self._temporary:
            try:
                self.path.unlink()
            except OSError:
                pass  # a spool with nothing to replay is harmless if it stays
        else:
            self.sync()
        os.close(self._fd)
        self._fd = -1

    # --- writing --------------------------------------------------------------------------------------------

    def append(self, line: FeedLine) -> SpoolMark:
        """Write one received line; its mark once the kernel has it. Raises ``SpoolError`` (nothing written)."""
        data = line.data[:MAX_RECORD_DATA]
        flags = _TOO_LONG if line.too_long or len(data) < len(line.data) else 0
        with self._lock:
            body = struct.pack("<IIqB", self._generation, len(data), line.received_at, flags) + data
            record = _RECORD.pack(_TAG, self._generation, len(data), zlib.crc32(body), line.received_at,
                                  flags) + data
            offset = self._end.offset
            if offset + len(record) > self.limit_bytes:
                raise SpoolError(f"the spool {self.path} is full ({self.limit_bytes:,} bytes): line not kept")
            self._reserve(offset + len(record))
            try:
                written = os.pwrite(self._fd, record, offset)
            except OSError as error:
                raise SpoolError(f"cannot write the spool {self.path}: {error.strerror or error}") from None
            if written != len(record):
                raise SpoolError(f"cannot write the spool {self.path}: no room on the disk (it took {written} of "
                                 f"{len(record)} bytes)")
            self._end = SpoolMark(offset + len(record), self._end.ordinal + 1)
            return self._end

    def _reserve(self, needed: int) -> None:
        """Take disk space for the spool ahead of its lines (``RESERVE_BYTES`` at a time, up to its bound), so a
        disk that fills up leaves the spool room for a while after the store has none."""
        if needed <= self._allocated or not hasattr(os, "posix_fallocate"):
            return
        target = min(max(needed, self._allocated + RESERVE_BYTES), max(self.limit_bytes, needed))
        try:
            os.posix_fallocate(self._fd, self._allocated, target - self._allocated)
            self._allocated = target
        except OSError:
            self._allocated = needed  # no room to reserve: the write itself says whether the line fits

    def sync(self) -> None:
        """Make what is written durable (once per batch)."""
        end = self.end.ordinal
        if end != self._synced and self._fd >= 0:
            os.fsync(self._fd)
            self._synced = end

    def release(self, mark: SpoolMark) -> None:
        """Everything before ``mark`` is in the log: forget it (all of it: start a new generation)."""
        with self._lock:
            if mark.ordinal <= self._released.ordinal:
                return
            if mark.ordinal >= self._end.ordinal:
                self._generation = (self._generation % 0xFFFF_FFFF) + 1
                self._released = self._end = SpoolMark(HEADER_SIZE, self._end.ordinal)
            else:
                self._released = mark
            self._released_offset = self._released.offset
            self._write_header()

    def _write_header(self) -> None:
        name = self.written_by.encode("utf-8", "replace")[:_NAME_ROOM]
        header = _HEADER.pack(MAGIC, self._generation, self._released_offset, len(name)) + name
        os.pwrite(self._fd, header.ljust(HEADER_SIZE, b"\0"), 0)
        self._synced = -1

    def mark_writer(self, feed_name: str) -> None:
        """Name the feed writing from now on (kept in the header, for the replay's metadata)."""
        if self.written_by != feed_name and self.lines == 0:
            self.written_by = feed_name
            self._write_header()

    # --- reading --------------------------------------------------------------------------------------------

    @property
    def released(self) -> SpoolMark:
        with self._lock:
            return self._released

    @property
    def end(self) -> SpoolMark:
        with self._lock:
            return self._end

    @property
    def lines(self) -> int:
        """Lines in the spool not yet released (received, not yet known to be in the log)."""
        with self._lock:
            return self._end.ordinal - self._released.ordinal

    def read(self, start: SpoolMark, limit: int) -> list[tuple[FeedLine, SpoolMark]]:
        """Up to ``limit`` lines from ``start``, each with the mark after it."""
        out: list[tuple[FeedLine, SpoolMark]] = []
        if limit <= 0:
            return out
        with self._lock:
            generation, end = self._generation, self._end.offset
        for item in _records(self._fd, generation, start, end):
            out.append(item)
            if len(out) >= limit:
                break
        return out


def _records(fd: int, generation_now: int, start: SpoolMark, stop: int | None = None
             ) -> Iterator[tuple[FeedLine, SpoolMark]]:
    """Whole records of generation ``generation_now`` from ``start`` (up to ``stop``): the first broken one
    (cut short by a kill, reserved zeros, an older generation) ends them."""
    offset, ordinal = start.offset, start.ordinal
    chunk, chunk_at = b"", offset
    while stop is None or offset < stop:
        if offset + _RECORD.size > chunk_at + len(chunk):
            chunk, chunk_at = os.pread(fd, 1 << 20, offset), offset
        if offset - chunk_at + _RECORD.size > len(chunk):
            return
        tag, generation, length, crc, received_at, flags = _RECORD.unpack_from(chunk, offset - chunk_at)
        if tag != _TAG or generation != generation_now or length > MAX_RECORD_DATA:
            return
        end = offset + _RECORD.size + length
        if end > chunk_at + len(chunk):
            chunk, chunk_at = os.pread(fd, max(1 << 20, _RECORD.size + length), offset), offset
            if end > chunk_at + len(chunk):
                return  # cut short by a kill mid-write
        data = chunk[offset - chunk_at + _RECORD.size:end - chunk_at]
        if zlib.crc32(struct.pack("<IIqB", generation, length, received_at, flags) + data) != crc:
            return
        offset, ordinal = end, ordinal + 1
        yield FeedLine(data, received_at, bool(flags & _TOO_LONG)), SpoolMark(offset, ordinal)


def write_problem(store_path: Path) -> str | None:
    """Why a listener could not write the store file or make its spool beside it (None: it can).

    A read-only file or folder, or a file system mounted read-only, does not heal by itself, unlike a full
    disk or a busy store: a listener refuses it before receiving anything rather than spool without end."""
    folder = store_path.parent
    while not folder.exists() and folder != folder.parent:  # a store in a folder yet to be made: its parent
        folder = folder.parent
    probe = store_path if store_path.exists() else folder
    try:
        if hasattr(os, "statvfs") and os.statvfs(probe).f_flag & os.ST_RDONLY:
            return f"{store_path} is on a read-only file system"
    except OSError as error:
        return f"{store_path}: {error.strerror or error}"
    if store_path.exists() and not os.access(store_path, os.W_OK):
        return f"{store_path} is read-only"
    if folder.exists() and not os.access(folder, os.W_OK):
        return f"the folder {folder} cannot be written (the store's journal and the feed's spool go there)"
    return None


def _read_header(header: bytes) -> tuple[int | None, int, str]:
    if len(header) < _HEADER.size:
        return None, HEADER_SIZE, ""
    magic, generation, released, name_length = _HEADER.unpack_from(header)
    if magic != MAGIC or released < HEADER_SIZE or name_length > _NAME_ROOM:
        return None, HEADER_SIZE, ""
    name = header[_HEADER.size:_HEADER.size + name_length].decode("utf-8", "replace")
    return generation, released, name


def spooled_lines(path: Path) -> list[FeedLine]:
    """The lines a spool file holds that are not yet released (for tools and tests; the file is not locked)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        generation, released, _ = _read_header(os.pread(fd, HEADER_SIZE, 0) if size >= HEADER_SIZE else b"")
        if generation is None:
            return []
        return [line for line, _ in _records(fd, generation, SpoolMark(released, 0))]
    finally:
        os.close(fd)
