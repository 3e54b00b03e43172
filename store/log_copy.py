"""Copying a log between stores (SQLite → PostgreSQL and back), resumable and checked as it goes.

The target must be empty or hold a beginning of the same log (a copy that was interrupted): its head must be
the source's event at that position, hash for hash. The copy then carries on from there, in batches of one
transaction each, each event's hash recomputed by the target before it is written. What was committed
before an interruption stays; running the copy again finishes it.

The quarantine (what imports and feeds set aside, and why) is part of the record and goes along, after the
events, in the source's order, each record with its own time and dedupe key; the target's quarantine must
likewise be empty or the beginning of the source's, which is checked before anything is written. Snapshots
are caches and stay behind: the target builds its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from store.copied_rows import CopyMismatchError, read_rows
from store.event_store import EventStore, Head
from store.quarantine import QuarantinedRecord, quarantine_rows

Progress = Callable[[int, int], None]  # (position copied up to, source head position)


@dataclass(frozen=True)
class CopyResult:
    """What a copy did: events copied now, where it resumed from (0: from the start), the head both share, and
    the quarantined records copied now."""

    copied: int
    resumed_from: int
    head: Head
    quarantine_copied: int = 0

    def as_json(self) -> dict[str, object]:
        return {"copied": self.copied, "resumed_from": self.resumed_from,
                "head": f"{self.head.position}:{self.head.hash.hex()}", "quarantine_copied": self.quarantine_copied}


def copy_log(source: EventStore, target: EventStore, *, batch: int = 10_000,
             progress: Progress | None = None) -> CopyResult:
    """Copy the events and quarantined records of ``source`` that ``target`` lacks; ``CopyMismatchError`` (with
    nothing written) if it holds another log or other quarantined records."""
    source_head = source.head()
    start = target.head()
    if start.position > source_head.position:
        raise CopyMismatchError(f"{target.describe()} holds {start.position:,} events, more than "
                                f"{source.describe()} ({source_head.position:,}): it is not a copy of it")
    if start.position and source.hash_at(start.position) != start.hash:
        raise CopyMismatchError(f"{target.describe()} holds another log than {source.describe()} (their events at "
                                f"position {start.position} differ): copy into an empty store")
    quarantine_from = _quarantine_resumes_at(source, target, batch)
    head = start
    while head.position < source_head.position:
        with source.engine.connect() as connection:
            rows = read_rows(connection, head.position + 1, min(batch, source_head.position - head.position))
        if not rows:
            break
        head = target.append_copied(rows)
        if progress is not None:
            progress(head.position, source_head.position)
    quarantined = _copy_quarantine(source, target, quarantine_from, batch)
    target.witness_head(head)
    return CopyResult(head.position - start.position, start.position, head, quarantined)


def _as_copied(record: QuarantinedRecord) -> dict[str, object]:
    """A quarantined record as any store keeps it: all but the row id each store gives it."""
    return quarantine_rows([record], 0)[0]


def _quarantine_resumes_at(source: EventStore, target: EventStore, batch: int) -> int:
    """How many of the source's quarantined records the target holds already (an interrupted copy); refused
    when the target's quarantine is not the beginning of the source's."""
    held = target.quarantine_count()
    if held > source.quarantine_count():
        raise CopyMismatchError(f"{target.describe()} holds more quarantined records ({held:,}) than "
                                f"{source.describe()}: it is not a copy of it; copy into an empty store")
    for offset in range(0, held, batch):
        theirs = target.quarantined(limit=min(batch, held - offset), offset=offset)
        ours = source.quarantined(limit=len(theirs), offset=offset)
        for number, (copied, original) in enumerate(zip(theirs, ours), offset + 1):
            if _as_copied(copied) != _as_copied(original):
                raise CopyMismatchError(f"{target.describe()} holds other quarantined records than "
                                        f"{source.describe()} (record {number:,} differs): copy into an empty store")
    return held


def _copy_quarantine(source: EventStore, target: EventStore, start: int, batch: int) -> int:
    """Copy the source's quarantined records from the ``start``-th on, a batch a transaction; how many."""
    copied = 0
    while True:
        records = source.quarantined(limit=batch, offset=start + copied)
        if not records:
            return copied
        added = target.quarantine(records)
        copied += added
        if added != len(records):  # a record with the same dedupe key reached the target meanwhile
            raise CopyMismatchError(f"{target.describe()} took {added:,} of {len(records):,} quarantined records: "
                                    "it holds some of them already (written to it during the copy?)")
