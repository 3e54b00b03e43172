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


def storable(text: str | None) -> str | None:
    """Text as every store can keep it: a NUL character (a binary row's raw text holds them) written as
    ``\\x00``, as undecodable bytes are. PostgreSQL's text cannot hold NUL: a shared store refused the whole
    batch of quarantined records, and so the import, of a file with such a row."""
    return text.replace("\x00", "\\x00") if text is not None and "\x00" in text else text


def quarantine_rows(records: Sequence[QuarantinedRecord], now: int) -> list[dict[str, Any]]:
    """The rows of the quarantine table for ``records`` (those with no time of their own set aside ``now``)."""
    return [{"source": storable(r.source), "line": r.line, "field": storable(r.field), "raw": storable(r.raw),
             "reason": storable(r.reason), "quarantined_at": r.quarantined_at or now, "dedupe_key": r.dedupe_key}
            for r in records]
