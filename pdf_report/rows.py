"""The rows of a report's event listing: each event of the log turned into the plain values one line prints.

A row is a tuple (position, occurred second, ship, type, source, summary, recorded-at if late or None,
free text) — plain values, so rows can be made in one process and drawn in another (``pdf_report.helper``).
``free text`` is False for position reports, whose summaries use a known set of characters, and True for
events whose summary carries text someone typed or a ship sent (names, notes, comments).

``LogRows`` reads the listing once, in log order, in batches, and stops at the report's chain head: an
event the log learned of after the report was gathered is not the report's (``beyond_head`` says so).
"""
from __future__ import annotations

from typing import Iterable, Iterator

from domain.display_text import visible
from domain.events import OPERATIONS_STREAM, PositionReported, RecordedEvent
from domain.event_text import LATE_AFTER, operator_of, summary_of, type_name

Row = tuple  # (position, second, ship, type, source, summary, late_recorded_at | None, free_text)
POSITION, SECOND, SHIP, TYPE, SOURCE, SUMMARY, LATE, FREE_TEXT = range(8)
BATCH_ROWS = 400

# Compact type names for the listing's narrow column (the summary's table of types uses the full ones).
LISTING_TYPES = {"PositionReported": "Position", "ShipRegistered": "Registered", "ShipDetailsChanged": "Details",
                 "OperatorNoteAdded": "Note", "AlertAcknowledged": "Alert ack", "SpeedLimitExceeded": "Speeding",
                 "CloseQuarters": "Close qtrs", "SignalLost": "Signal lost", "SignalRestored": "Signal back",
                 "ZoneEntered": "Zone in", "ZoneExited": "Zone out", "PortArrived": "Arrived",
                 "PortDeparted": "Departed", "AuditReportExported": "Report out"}


def listing_type(event_type: str) -> str:
    return LISTING_TYPES.get(event_type) or type_name(event_type)


def ship_column(stream_id: str) -> str:
    """The listing's ship column: the MMSI of a ship's stream, 'watch' for the operations stream."""
    if stream_id.startswith("ship-"):
        return stream_id[5:]
    return "watch" if stream_id == OPERATIONS_STREAM else stream_id


def source_column(recorded: RecordedEvent) -> str:
    """Where an event came from: the source, with the operator who made or imported it."""
    source = visible(recorded.metadata.get("source"))
    operator = operator_of(recorded)
    if not operator:
        return source
    return operator if source in ("", "operator") else f"{source}/{operator}"


class RowMaker:
    """Turns events into rows, remembering what repeats (ships, sources, type names)."""

    def __init__(self) -> None:
        self._ships: dict[str, str] = {}
        self._sources: dict[tuple, str] = {}
        self._types: dict[str, str] = {}

    def row(self, recorded: RecordedEvent) -> Row:
        stream = recorded.stream_id
        ship = self._ships.get(stream)
        if ship is None:
            ship = self._ships[stream] = ship_column(stream)
        kind = recorded.type
        label = self._types.get(kind)
        if label is None:
            label = self._types[kind] = listing_type(kind)
        summary = summary_of(recorded)
        if type(recorded.event) is PositionReported:
            metadata = recorded.metadata
            key = (metadata.get("source"), metadata.get("operator"))
            source = self._sources.get(key)
            if source is None:
                source = self._sources[key] = source_column(recorded)
            free_text = False
        else:
            source = source_column(recorded)
            if "\n" in summary or "\r" in summary or "\t" in summary:
                summary = " ".join(summary.split())
            free_text = True
        occurred = recorded.occurred_at
        late = recorded.recorded_at if abs(recorded.recorded_at - occurred) > LATE_AFTER else None
        return (recorded.position, occurred // 1_000_000, ship, label, source, summary, late, free_text)


class LogRows:
    """The listing's rows in batches, read once from ``events`` (log order), up to the chain head."""

    def __init__(self, events: Iterable[RecordedEvent], head_position: int, batch: int = BATCH_ROWS):
        self._events = events
        self._head = head_position
        self._batch = batch
        self.beyond_head = False

    def __iter__(self) -> Iterator[list[Row]]:
        make = RowMaker().row
        head, size = self._head, self._batch
        rows: list[Row] = []
        for recorded in self._events:
            if recorded.position > head:
                self.beyond_head = True
                break
            rows.append(make(recorded))
            if len(rows) >= size:
                yield rows
                rows = []
        if rows:
            yield rows
