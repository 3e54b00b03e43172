"""An operator corrects a ship's particulars: a wrong name, type or size sent by a transponder, a destination
typed badly by the crew.

The log is never edited: a correction is a new ``ShipDetailsChanged`` on the ship's stream, carrying only
the fields that differ from what the log holds, signed by the operator (metadata ``source: correction``,
``operator`` and the ``reason`` given), so history, reports and the audit listing show who corrected what,
when and why. A later report from the ship's own transponder is a new fact and may say otherwise again.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from domain.errors import DomainError
from domain.events import NewEvent, RecordedEvent, ShipDetailsChanged
from store import AppendResult

CORRECTABLE = ("name", "imo", "callsign", "ship_type", "length", "beam", "destination", "draught")
MAX_REASON_LENGTH = 1_000


class CorrectionRefused(DomainError, ValueError):
    """A correction that cannot be made as asked (no reason, an unknown ship, nothing that differs)."""


def correction_event(current: Any, mmsi: int, changes: Mapping[str, Any], *, at: int) -> ShipDetailsChanged:
    """The event of a correction: the fields of ``changes`` that differ from ``current`` (the ship as the log
    knows it), validated as any ship event is (an ``InvalidEvent`` names the field)."""
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise CorrectionRefused(f"{', '.join(unknown)} cannot be corrected (these can: {', '.join(CORRECTABLE)})")
    cleared = [field for field, value in changes.items() if value is None and getattr(current, field) is not None]
    if cleared:
        raise CorrectionRefused(f"{', '.join(cleared)} cannot be emptied: a correction gives a new value")
    differing = {field: value for field, value in changes.items()
                 if value is not None and value != getattr(current, field)}
    nothing = CorrectionRefused("nothing to correct: the log already holds these particulars")
    if not differing:
        raise nothing
    candidate = ShipDetailsChanged(mmsi=mmsi, occurred_at=at, **differing)   # validated, text trimmed
    real = {field: getattr(candidate, field) for field in differing
            if getattr(candidate, field) is not None and getattr(candidate, field) != getattr(current, field)}
    if not real:
        raise nothing
    return ShipDetailsChanged(mmsi=mmsi, occurred_at=at, **real)


def correct_particulars(ship_details: Callable[[int, int], Any], append: Callable[[list[NewEvent]], AppendResult],
                        mmsi: int, changes: Mapping[str, Any], reason: str, *, operator: str,
                        clock: Callable[[], int]) -> RecordedEvent:
    """Append (through ``append``) the operator's correction of ship ``mmsi``'s particulars, judged against
    the ship as ``ship_details(mmsi, now)`` knows it; returns the recorded event."""
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionRefused("say why: a correction needs a reason, for whoever reads the log later")
    if len(reason) > MAX_REASON_LENGTH:
        raise CorrectionRefused(f"the reason is longer than {MAX_REASON_LENGTH:,} characters")
    now = clock()
    current = ship_details(mmsi, now)
    if current is None:
        raise CorrectionRefused(f"no ship with MMSI {mmsi} in this store")
    event = correction_event(current, mmsi, changes, at=now)
    metadata = {"source": "correction", "operator": operator, "reason": reason}
    result = append([NewEvent(event, recorded_at=now, metadata=metadata)])
    return result.appended[0]
