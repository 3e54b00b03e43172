"""Rejected input, set aside with its reason so nothing is silently dropped."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class QuarantinedRecord:
    """One rejected input record: where it came from (file or feed, line/row, field), what it was, and why."""

    source: str
    line: int | None
    raw: str
    reason: str
    field: str | None = None
    quarantined_at: int = 0
    dedupe_key: bytes | None = None
    id: int | None = None
