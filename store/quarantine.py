"""Rejected input, set aside with its reason so nothing is silently dropped."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence


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


def quarantine_rows(records: Sequence[QuarantinedRecord], now: int) -> list[dict[str, Any]]:
    """The rows of the quarantine table for ``records`` (those with no time of their own set aside ``now``)."""
    return [{"source": r.source, "line": r.line, "field": r.field, "raw": r.raw, "reason": r.reason,
             "quarantined_at": r.quarantined_at or now, "dedupe_key": r.dedupe_key} for r in records]
