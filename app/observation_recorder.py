"""From observations to log entries: what an AIS source said becomes events, quarantine rows or counts.

One recorder serves a file import and a live feed alike. It decides:
- a position report becomes ``PositionReported`` with a dedupe key over the observation's content (source
  kind, ship, time and every field), so an exact repeat is appended once while two different reports for
  the same ship and second are both kept;
- static and voyage data become ``ShipRegistered`` the first time a ship is heard of (plus a
  ``ShipDetailsChanged`` for its voyage data), and ``ShipDetailsChanged`` afterwards only when a field
  differs from what the ship last said — NOAA files repeat the static data on every row;
- rejected records become quarantine rows (with a key so re-importing a file does not add them twice);
- a report timed further in the future than the tolerance is rejected, never stored;
- skipped records are counted by what they were.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from domain.events import NewEvent, ShipDetailsChanged, ShipRegistered
from domain.observations import (STATIC_FIELDS, VOYAGE_FIELDS, Origin, ParticularsSeen, PositionSeen, Rejected, Seen,
                                 Skipped)
from domain.time import MICROS_PER_MINUTE, format_instant, now_micros
from store import EventStore, QuarantinedRecord

DEFAULT_FUTURE_TOLERANCE = 5 * MICROS_PER_MINUTE
_PARTICULAR_TYPES = ("ShipRegistered", "ShipDetailsChanged")


def _key(*parts: object) -> bytes:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).digest()


def _timed_key(occurred_at: int, *parts: object) -> bytes:
    """A 16-byte dedupe key led by the observation's second (5 bytes) and followed by 88 bits of its content
    hash. Imports run roughly in time order, so the keys of one batch land next to each other in the store's
    unique index instead of all over it: at a million events this keeps appends a third faster."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=11).digest()
    return (max(occurred_at, 0) // 1_000_000 % (1 << 40)).to_bytes(5, "big") + digest


def known_particulars(store: EventStore) -> dict[int, dict[str, Any]]:
    """Each ship's latest static and voyage data in the log, field by field (latest by ``occurred_at``)."""
    values: dict[int, dict[str, Any]] = {}
    stamps: dict[int, dict[str, int]] = {}
    for recorded in store.read_types(_PARTICULAR_TYPES):
        event = recorded.event
        ship_values = values.setdefault(event.mmsi, {})  # type: ignore[attr-defined]
        ship_stamps = stamps.setdefault(event.mmsi, {})  # type: ignore[attr-defined]
        for name in STATIC_FIELDS + VOYAGE_FIELDS:
            value = getattr(event, name, None)
            if value is not None and event.occurred_at >= ship_stamps.get(name, event.occurred_at):
                ship_values[name] = value
                ship_stamps[name] = event.occurred_at
    return values


def remember_particulars(particulars: dict[int, dict[str, Any]], events: Iterable[NewEvent]) -> None:
    """Fold the registrations and changes among ``events`` into ``particulars`` (as a recorder does when it
    decides them), for events decided elsewhere."""
    for item in events:
        event = item.event
        if type(event) is ShipRegistered:
            particulars[event.mmsi] = {name: value for name, value in event.payload().items()
                                       if name != "mmsi" and value is not None}
        elif type(event) is ShipDetailsChanged:
            particulars.setdefault(event.mmsi, {}).update(event.changed_fields())


@dataclass
class Decisions:
    """What a run of observations turned into."""

    events: list[NewEvent] = field(default_factory=list)
    quarantine: list[QuarantinedRecord] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    def clear(self) -> None:
        self.events.clear()
        self.quarantine.clear()


class ObservationRecorder:
    """Decides the log entries for observations of one source kind ('nmea', 'noaa-csv', …).

    ``particulars`` is what the log already knows of each ship (see ``known_particulars``); the recorder
    keeps it current as it decides, so a batch never registers a ship twice. ``keyed_quarantine`` gives
    quarantine rows a dedupe key from (file name, line, text, reason): right for files, which may be
    imported again; a live feed has no lines to re-read.
    """

    def __init__(self, kind: str, particulars: dict[int, dict[str, Any]], *, metadata: Mapping[str, Any],
                 clock: Callable[[], int] = now_micros, future_tolerance: int = DEFAULT_FUTURE_TOLERANCE,
                 keyed_quarantine: bool = True):
        self.kind = kind
        self.metadata = dict(metadata)
        self._particulars = particulars
        self._clock = clock
        self._future_tolerance = future_tolerance
        self._keyed_quarantine = keyed_quarantine
        self._latest_allowed = clock() + future_tolerance

    def decide(self, observations: Iterable[Seen], into: Decisions, *, recorded_at: int | None = None) -> None:
        """Append the entries for ``observations`` to ``into`` (events recorded at ``recorded_at``, or now)."""
        now = self._clock() if recorded_at is None else recorded_at
        self._latest_allowed = max(self._latest_allowed, self._clock() + self._future_tolerance)
        events, metadata, kind = into.events, self.metadata, self.kind
        for seen in observations:
            if type(seen) is PositionSeen:
                report = seen.report
                if report.occurred_at > self._latest_allowed:
                    self._reject_future(seen.origin, report.occurred_at, into)
                    continue
                events.append(NewEvent(report, now, metadata, _timed_key(report.occurred_at, kind, report.mmsi, report.occurred_at, report.lat,
                                                                   report.lon, report.sog, report.cog, report.heading,
                                                                   report.nav_status)))
            elif type(seen) is ParticularsSeen:
                if seen.occurred_at > self._latest_allowed:
                    self._reject_future(seen.origin, seen.occurred_at, into)
                    continue
                self._decide_particulars(seen, now, into)
            elif type(seen) is Skipped:
                into.skipped[seen.what] += 1
            elif type(seen) is Rejected:
                self._reject(seen.origin, seen.reason, seen.field, into)
            else:
                raise TypeError(f"not an observation: {seen!r}")

    def _decide_particulars(self, seen: ParticularsSeen, now: int, into: Decisions) -> None:
        known = self._particulars.get(seen.mmsi)
        fields = seen.fields
        content = (seen.occurred_at, self.kind, seen.mmsi, seen.occurred_at, sorted(fields.items()))
        if known is None:
            static = {name: fields[name] for name in STATIC_FIELDS if name in fields}
            voyage = {name: fields[name] for name in VOYAGE_FIELDS if name in fields}
            into.events.append(NewEvent(ShipRegistered(mmsi=seen.mmsi, occurred_at=seen.occurred_at, **static),
                                        now, self.metadata, _timed_key(*content, "registered")))
            if voyage:
                into.events.append(NewEvent(ShipDetailsChanged(mmsi=seen.mmsi, occurred_at=seen.occurred_at, **voyage),
                                            now, self.metadata, _timed_key(*content, "changed")))
            self._particulars[seen.mmsi] = dict(fields)
            return
        changed = {name: value for name, value in fields.items() if known.get(name) != value}
        if changed:
            into.events.append(NewEvent(ShipDetailsChanged(mmsi=seen.mmsi, occurred_at=seen.occurred_at, **changed),
                                        now, self.metadata, _timed_key(*content, "changed")))
            known.update(changed)

    def _reject_future(self, origin: Origin, occurred_at: int, into: Decisions) -> None:
        self._reject(origin, f"time {format_instant(occurred_at)} is in the future (more than "
                             f"{self._future_tolerance // 1_000_000} s after this computer's clock)", "time", into)

    def _reject(self, origin: Origin, reason: str, field_name: str | None, into: Decisions) -> None:
        key = _key("quarantine", Path(origin.source).name, origin.line, origin.raw, reason, field_name) \
            if self._keyed_quarantine else None
        into.quarantine.append(QuarantinedRecord(source=origin.source, line=origin.line, raw=origin.raw, reason=reason,
                                                 field=field_name, dedupe_key=key))

