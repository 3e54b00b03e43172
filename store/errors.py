"""Store errors, specific enough that a caller can tell the user what happened and what to do."""


class StoreError(Exception):
    """Base of every store error."""


class StoreNotFoundError(StoreError):
    """The store file does not exist (and the command does not create one)."""


class NotAStoreError(StoreError):
    """The file exists but is not a Fleet Logbook store (not SQLite, or another application's database)."""


class DamagedStoreError(StoreError):
    """The file is a Fleet Logbook store, but damaged (cut short, or pages SQLite cannot read): what it still
    holds may be recoverable from a copy; nothing was changed in it."""


class ConcurrencyError(StoreError):
    """Someone appended to the stream after the writer read it: re-read and decide again."""

    def __init__(self, stream_id: str, expected: int, actual: int):
        super().__init__(f"stream {stream_id!r} is at version {actual}, not the expected {expected}: "
                         "another writer appended first; re-read the stream and retry")
        self.stream_id, self.expected, self.actual = stream_id, expected, actual


class StoreBusyError(StoreError):
    """Another process held the write lock longer than the busy timeout. Nothing was written; retry."""


class ReadOnlyStoreError(StoreError):
    """An append was asked of a store opened read-only."""


class StoreUnreachableError(StoreError):
    """A shared store's server cannot be reached (down, network, refused login). Nothing was written."""
