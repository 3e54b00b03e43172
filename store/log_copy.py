"""Copying a log between stores (SQLite → PostgreSQL and back), resumable and checked as it goes.

The target must be empty or hold a beginning of the same log (a copy that was interrupted): its head must be
the source's event at that position, hash for hash. The copy then carries on from there, in batches of one
transaction each, each event's hash recomputed by the target before it is written. What was committed
before an interruption stays; running the copy again finishes it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from store.copied_rows import CopyMismatchError, read_rows
from store.event_store import EventStore, Head

Progress = Callable[[int, int], None]  # (position copied up to, source head position)


@dataclass(frozen=True)
class CopyResult:
    """What a copy did: events copied now, where it resumed from (0: from the start), the head both share."""

    copied: int
    resumed_from: int
    head: Head

    def as_json(self) -> dict[str, object]:
        return {"copied": self.copied, "resumed_from": self.resumed_from,
                "head": f"{self.head.position}:{self.head.hash.hex()}"}


def copy_log(source: EventStore, target: EventStore, *, batch: int = 10_000,
             progress: Progress | None = None) -> CopyResult:
    """Copy the events of ``source`` that ``target`` lacks; ``CopyMismatchError`` if it holds another log."""
    source_head = source.head()
    start = target.head()
    if start.position > source_head.position:
        raise CopyMismatchError(f"{target.describe()} holds {start.position:,} events, more than "
                                f"{source.describe()} ({source_head.position:,}): it is not a copy of it")
    if start.position and source.hash_at(start.position) != start.hash:
        raise CopyMismatchError(f"{target.describe()} holds another log than {source.describe()} (their events at "
                                f"position {start.position} differ): copy into an empty store")
    head = start
    while head.position < source_head.position:
        with source.engine.connect() as connection:
            rows = read_rows(connection, head.position + 1, min(batch, source_head.position - head.position))
        if not rows:
            break
        head = target.append_copied(rows)
        if progress is not None:
            progress(head.position, source_head.position)
    target.witness_head(head)
    return CopyResult(head.position - start.position, start.position, head)
