"""Position reports carried as plain tuples from an import's reading process to the log's rows.

A national day is ten million position reports. Rebuilt in the appending process as a ``PositionReported``
inside a ``NewEvent``, each cost two objects that nothing there needs: the store writes a report's fields,
key and payload, and the import's index folds its numbers. A report this program has built (validated and
rounded) and keyed in its reading process therefore travels as a ``ReportEntry``, the plain tuple it was sent
as, and the store appends it as it would the event. ``report_event`` makes the event of one for whoever asks
for it (the console shows what an import appended).
"""
from __future__ import annotations

from typing import Any, Final, Mapping, Union

from domain.events.envelope import NewEvent
from domain.events.ships import PositionReported

# (mmsi, occurred_at, lat, lon, sog, cog, heading, nav_status, dedupe_key, payload_json, recorded_at, metadata):
# the fields of a built report, its dedupe key, its payload as the store writes it, and its envelope.
ReportEntry = tuple[int, int, float, float, Union[float, None], Union[float, None], Union[int, None], Union[str, None],
                    bytes, str, int, Mapping[str, Any]]
# What an append takes: events, and position reports as entries.
Appendable = Union[NewEvent, ReportEntry]
DEDUPE_KEY: Final = 8  # where an entry holds its dedupe key


def report_entry(report: PositionReported, dedupe_key: bytes, payload_json: str, recorded_at: int,
                 metadata: Mapping[str, Any]) -> ReportEntry:
    """The entry of a built report (its fields already validated and rounded), keyed and encoded."""
    return (report.mmsi, report.occurred_at, report.lat, report.lon, report.sog, report.cog, report.heading,
            report.nav_status, dedupe_key, payload_json, recorded_at, metadata)


def report_event(entry: ReportEntry) -> NewEvent:
    """The event an entry stands for, as it would have been appended."""
    mmsi, occurred, lat, lon, sog, cog, heading, status, key, payload, recorded, metadata = entry
    return NewEvent.plain(PositionReported.from_checked(mmsi, occurred, lat, lon, sog, cog, heading, status),
                          recorded, metadata, key, payload)


def as_event(item: Appendable) -> NewEvent:
    """``item`` as an event (an entry made into one)."""
    return report_event(item) if type(item) is tuple else item  # type: ignore[return-value]
