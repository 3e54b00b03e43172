"""The head witness: what the log's head was, kept outside the log, so that deleting its newest events shows.

A hash chain proves that the events a log holds are unchanged, but not that none are missing at its end:
a log cut after position 9,900 is a perfectly valid chain of 9,900 events. So every process that opens a
store writes down the newest head it has seen (position, hash, and the hash of position 1, which tells one
log from another) in a small file in the user's data folder, one file per store. ``verify`` then checks that
the log still holds the witnessed head.

A witness only ever rises, and only along the same log: it is raised to a newer head after the log was
seen to hold the head witnessed before (same hash at the same position, same first event). A log that
does not is left to ``verify`` to report; its witness stays as evidence until it is forgotten on purpose
(``verify --forget-witness``). Files are written whole (temporary file, then rename) under a lock file, so
concurrent processes never lower a witness nor leave half a file; an unreadable witness file is set aside
and reported, never fatal.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from domain.time import format_instant, now_micros

WITNESS_VARIABLE = "FLEET_LOGBOOK_WITNESS"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WitnessedHead:
    """A head some process saw: position, hash, the log's first hash, and when."""

    position: int
    hash: bytes
    genesis: bytes
    seen_at: int  # microseconds since 1970 UTC

    @property
    def text(self) -> str:
        """The head as ``POSITION:HASH``, the form ``verify`` prints and ``--expect-head`` takes."""
        return f"{self.position}:{self.hash.hex()}"


class WitnessUnreadableError(Exception):
    """The witness file exists but cannot be read as a witness (it is set aside, not trusted)."""


def witness_folder() -> Path:
    """``$FLEET_LOGBOOK_WITNESS``, or ``witness`` in the user's data folder: ``$FLEET_LOGBOOK_DATA`` when set
    (the same folder the default store lives in), else the platform's data folder for this user."""
    folder = os.environ.get(WITNESS_VARIABLE)
    if folder:
        return Path(folder)
    data = os.environ.get("FLEET_LOGBOOK_DATA")
    if data:
        return Path(data) / "witness"
    from platformdirs import user_data_dir

    return Path(user_data_dir("fleet-logbook", appauthor=False)) / "witness"


class StoreWitness:
    """The witness of one store, named by its key (``sqlite:///`` and the resolved path; a server store's
    URL without its password would do as well)."""

    def __init__(self, key: str, folder: Path | None = None):
        self.key = key
        self.folder = folder if folder is not None else witness_folder()
        self.path = self.folder / (hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + ".json")
        self._lock = threading.Lock()

    def read(self) -> WitnessedHead | None:
        """The witnessed head (None when none was witnessed yet); ``WitnessUnreadableError`` if the file is bad."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            raise WitnessUnreadableError(f"the head witness {self.path} cannot be read: {error}") from None
        try:
            document = json.loads(text)
            witnessed = WitnessedHead(int(document["position"]), bytes.fromhex(document["hash"]),
                                      bytes.fromhex(document["genesis"]), int(document["seen_at_us"]))
        except (ValueError, KeyError, TypeError) as error:
            raise WitnessUnreadableError(f"the head witness {self.path} is not a witness file ({error!r})") from None
        if document.get("store") != self.key or witnessed.position < 1 or len(witnessed.hash) != 32 \
                or len(witnessed.genesis) != 32:
            raise WitnessUnreadableError(f"the head witness {self.path} does not describe {self.key}")
        return witnessed

    def record(self, position: int, head_hash: bytes, hash_at: Callable[[int], bytes | None]) -> str | None:
        """Witness a head this process saw, if it is newer than the witnessed one along the same log.

        ``hash_at`` reads the log's hash at a position. Returns why the head was not witnessed when the log
        contradicts the witness (left for ``verify`` to report), else None. Never raises for the witness's
        own trouble (a folder that cannot be written, a bad file): that is logged and witnessing goes on.
        """
        if position < 1:
            return None
        try:
            with self._lock, self._file_lock():
                try:
                    witnessed = self.read()
                except WitnessUnreadableError as error:
                    self._set_aside(str(error))
                    witnessed = None
                if witnessed is not None and position <= witnessed.position:
                    return None
                genesis = head_hash if position == 1 else hash_at(1)
                if genesis is None:
                    return None
                if witnessed is not None:
                    mismatch = judge(witnessed, position, genesis, hash_at, f"witnessed on {_when(witnessed)}")
                    if mismatch is not None:
                        return mismatch[1]
                self._write(WitnessedHead(position, head_hash, genesis, now_micros()))
        except OSError as error:
            log.warning("the head of %s could not be witnessed in %s: %s", self.key, self.folder, error)
        return None

    def forget(self) -> WitnessedHead | None:
        """Remove the witness (a store replaced on purpose); the head it held, when it could be read."""
        with self._lock, self._file_lock():
            try:
                witnessed = self.read()
            except WitnessUnreadableError:
                witnessed = None
            self.path.unlink(missing_ok=True)
            return witnessed

    def _write(self, witnessed: WitnessedHead) -> None:
        document = {"store": self.key, "position": witnessed.position, "hash": witnessed.hash.hex(),
                    "genesis": witnessed.genesis.hex(), "seen_at": format_instant(witnessed.seen_at),
                    "seen_at_us": witnessed.seen_at}
        handle, temporary = tempfile.mkstemp(prefix=self.path.stem, suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(json.dumps(document, indent=1) + "\n")
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _set_aside(self, reason: str) -> None:
        aside = self.path.with_name(f"{self.path.stem}.unreadable-{now_micros()}.json")
        os.replace(self.path, aside)
        log.warning("%s; kept as %s, and witnessing of %s starts again from the head seen now", reason, aside,
                    self.key)

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        """An exclusive lock on the witness among processes (a lock file beside it)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a+b") as lock_file:
            _lock_file(lock_file)
            try:
                yield
            finally:
                _unlock_file(lock_file)


def judge(expected: WitnessedHead, log_position: int, log_genesis: bytes | None,
          hash_at: Callable[[int], bytes | None], said: str) -> tuple[int, str] | None:
    """Where and why a log (head position, first hash, hashes by position) does not hold an expected head:
    the first position that cannot be trusted and the reason, or None when it holds the head.

    ``said`` tells where the expectation comes from ("witnessed on …", "expected"). ``expected.genesis``
    empty means the first event is not known (a head given by hand).
    """
    if expected.genesis and log_genesis is not None and log_genesis != expected.genesis:
        return 1, (f"a different log: its first event has hash {log_genesis.hex()}, but the log {said} began with "
                   f"{expected.genesis.hex()} (if this store replaced that one on purpose, run verify "
                   "--forget-witness)")
    if log_position < expected.position:
        missing = expected.position - log_position
        hint = " (if this is a new store at the same place, run verify --forget-witness)" if log_position == 0 else ""
        return log_position + 1, (f"the log ends at position {log_position:,} but position {expected.position:,} "
                                  f"(hash {expected.hash.hex()}) was {said}: {missing:,} "
                                  f"event{'s are' if missing != 1 else ' is'} missing{hint}")
    stored = hash_at(expected.position)
    if stored != expected.hash:
        return expected.position, (f"position {expected.position:,} has hash {'none' if stored is None else stored.hex()} "
                                   f"but {expected.hash.hex()} was {said}: the log was rewritten at or before that "
                                   "position")
    return None


def parse_head(text: str) -> WitnessedHead:
    """A head written ``POSITION:HASH`` (as ``verify`` and the reports print it); ``ValueError`` if not."""
    position_text, colon, hash_text = text.strip().partition(":")
    position_text = position_text.replace(",", "").replace("_", "")
    if not colon or not position_text.isdigit() or int(position_text) < 1:
        raise ValueError(f"a head is POSITION:HASH, e.g. 10000:9f2c…, not {text!r}")
    try:
        digest = bytes.fromhex(hash_text.strip())
    except ValueError:
        raise ValueError(f"the hash of head {text!r} is not hexadecimal") from None
    if len(digest) != 32:
        raise ValueError(f"the hash of head {text!r} has {len(digest)} bytes, not 32 (64 hex digits)")
    return WitnessedHead(int(position_text), digest, b"", 0)


def _when(witnessed: WitnessedHead) -> str:
    return format_instant(witnessed.seen_at)


if sys.platform == "win32":
    import msvcrt

    def _lock_file(handle: BinaryIO) -> None:
        handle.seek(0)
        while True:
            try:
                msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                return
            except OSError:  # LK_LOCK gives up after ten seconds; a witness write is milliseconds
                continue

    def _unlock_file(handle: BinaryIO) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:  # POSIX
    import fcntl

    def _lock_file(handle: BinaryIO) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)

    def _unlock_file(handle: BinaryIO) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
