"""From observations to log entries: what an AIS source said becomes events, quarantine rows or counts.

One recorder serves a file import and a live feed alike. It decides:
- a position report becomes ``PositionReported`` with a dedupe key over the observation's content (source
  kind, ship, time and every field), so an exact repeat is appended once while two different reports for
  the same ship and second are both kept;
- static and voyage data become ``ShipRegistered`` the first time a ship is heard of (plus a
  ``ShipDetailsChanged`` for its voyage data), and ``ShipDetailsChanged`` afterwards only when a field
  differs from what the log says of the ship as of the observation's own time (``ParticularsHistory``) —
  NOAA files repeat the static data on every row, and a later recording may be imported before an
  earlier one. A registration carries a dedupe key of the ship alone, so two writers running at once that
  both decide to register a ship append one registration: the store drops the other inside its write
  transaction, and the loser re-decides it as a change as of its time
  (``append_redeciding_lost_registrations``);
- rejected records become quarantine rows (with a key so re-importing a file does not add them twice);
- a report timed further in the future than the tolerance is rejected, never stored;
- skipped records are counted by what they were.

It also tells what became of each input line that gave observations: its events (stored or already in the
log, told once the batch is appended), quarantined, skipped, or static data that changed nothing.
"""
from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from domain.events import NewEvent, PositionReported, ShipDetailsChanged, ShipRegistered
from domain.events.report_entries import Appendable
from domain.observations import (STATIC_FIELDS, VOYAGE_FIELDS, Origin, ParticularsSeen, PositionSeen, Rejected, Seen,
                                 Skipped)
from domain.time import MICROS_PER_MINUTE, format_instant, now_micros
from store import EventStore, QuarantinedRecord

DEFAULT_FUTURE_TOLERANCE = 5 * MICROS_PER_MINUTE
_PARTICULAR_TYPES = ("ShipRegistered", "ShipDetailsChanged")
# What became of an input line that gave observations (with the reader's names of the lines it passes over,
# these account for every line read; see docs/data-formats.md).
STORED = "stored"  # the line's record added at least one event to the log
ALREADY_IN_LOG = "already_in_log"  # every event of the line's record was in the log already
UNCHANGED = "unchanged"  # static or voyage data that changed nothing the log knows of the ship
QUARANTINED = "quarantined"  # set aside (the whole record, or what of it was not kept is quarantined)
SKIPPED = "skipped"  # a well-formed record the fleet does not use (counted in skipped_types by what it was)
_OUTCOMES = (None, UNCHANGED, SKIPPED, QUARANTINED)  # by precedence: a line keeps the highest it reached
_NO_LINE = -1
_blake2b = hashlib.blake2b
# The entry decided for a position report: (report, recorded at, metadata) -> an event to append, keyed by
# ``position_key``, or what a reading process sends in its place.
PositionEntry = Callable[[PositionReported, int, Mapping[str, Any]], Any]


def _key(*parts: object) -> bytes:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).digest()


def _timed_key(occurred_at: int, *parts: object) -> bytes:
    """A 16-byte dedupe key led by the observation's second (5 bytes) and followed by 88 bits of its content
    hash. Imports run roughly in time order, so the keys of one batch land next to each other in the store's
    unique index instead of all over it: at a million events this keeps appends a third faster."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=11).digest()
    return (max(occurred_at, 0) // 1_000_000 % (1 << 40)).to_bytes(5, "big") + digest


def position_key(kind: str, report: PositionReported) -> bytes:
    """The dedupe key of a position report from a source of ``kind``: ``_timed_key`` of the source kind and
    every field of the report (see ``position_key_of``)."""
    return position_key_of(kind, report.mmsi, report.occurred_at, repr(report.lat), repr(report.lon), repr(report.sog),
                           repr(report.cog), report.heading, report.nav_status)


def position_key_of(kind: str, mmsi: int, occurred: int, lat: str, lon: str, sog: str, cog: str, heading: int | None,
                    nav_status: str | None) -> bytes:
    """``position_key`` with the report's numbers already written out (``repr``, which is what ``str`` writes
    and 'None' when not available): a reading process writes them once for both the key and the payload.
    The hot path of every import and feed: the same text as joining the fields' ``str``, in one format
    string."""
    text = f"{kind}\x1f{mmsi}\x1f{occurred}\x1f{lat}\x1f{lon}\x1f{sog}\x1f{cog}\x1f{heading}\x1f{nav_status}"
    return ((occurred if occurred > 0 else 0) // 1_000_000 % (1 << 40)).to_bytes(5, "big") + \
        _blake2b(text.encode(), digest_size=11).digest()


def keyed_position_event(kind: str) -> PositionEntry:
    """The entry of a position report from a source of ``kind``: the event to append, keyed by ``position_key``."""

    def entry(report: PositionReported, recorded_at: int, metadata: Mapping[str, Any]) -> NewEvent:
        return NewEvent(report, recorded_at, metadata, position_key(kind, report))

    return entry


def registration_key(mmsi: int) -> bytes:
    """The dedupe key of a ship's registration by an import: the ship alone, so it is registered once."""
    return _key("ship registered", mmsi)


def particulars_key(kind: str, mmsi: int, occurred_at: int, fields: Mapping[str, Any]) -> bytes:
    """The dedupe key of a change of a ship's particulars decided from one observation (source kind, ship,
    time and every field it carried), whichever of its fields differed: importing a file again, or after
    another import, decides the same key for the same record and appends nothing twice."""
    return _timed_key(occurred_at, kind, mmsi, occurred_at, sorted(fields.items()), "changed")


class ParticularsHistory:
    """What the log says of each ship's static and voyage data, as of any moment: per ship, its particulars
    events as a small list of (occurred_at, fields) sorted by time (equal times in log order, as the log's
    fold takes them). Decisions are made against a ship's particulars as of the observation's time, so the
    order in which recordings are imported does not move a change to a later time. Only particulars events
    are kept, and they are few per ship; the latest particulars are kept folded, so deciding in time order
    (the usual case) never folds the list again."""

    __slots__ = ("_ships",)

    def __init__(self) -> None:
        self._ships: dict[int, tuple[list[int], list[dict[str, Any]], dict[str, Any]]] = {}

    def __getstate__(self) -> dict:  # sent to a reading child process
        return {"ships": self._ships}

    def __setstate__(self, state: dict) -> None:
        self._ships = state["ships"]

    def __contains__(self, mmsi: int) -> bool:
        """Whether the log knows anything of the ship's particulars (at any time)."""
        return mmsi in self._ships

    def __len__(self) -> int:
        return len(self._ships)

    def latest(self, mmsi: int) -> dict[str, Any]:
        """The ship's latest particulars (empty when none are known). Not to be changed."""
        ship = self._ships.get(mmsi)
        return {} if ship is None else ship[2]

    def as_of(self, mmsi: int, occurred_at: int) -> dict[str, Any] | None:
        """The ship's particulars as of ``occurred_at`` (its events up to and including that time, folded),
        or None when the log says nothing of the ship by then. Not to be changed."""
        ship = self._ships.get(mmsi)
        if ship is None:
            return None
        times, changes, latest = ship
        if occurred_at >= times[-1]:
            return latest
        upto = bisect_right(times, occurred_at)
        if upto == 0:
            return None
        folded: dict[str, Any] = {}
        for fields in changes[:upto]:
            folded.update(fields)
        return folded

    def add(self, mmsi: int, occurred_at: int, fields: Mapping[str, Any]) -> None:
        """Take in a change of the ship's particulars at ``occurred_at`` (after any already at that time)."""
        ship = self._ships.get(mmsi)
        if ship is None:
            self._ships[mmsi] = ([occurred_at], [dict(fields)], dict(fields))
            return
        times, changes, latest = ship
        if occurred_at >= times[-1]:
            times.append(occurred_at)
            changes.append(dict(fields))
            latest.update(fields)
            return
        at = bisect_right(times, occurred_at)
        times.insert(at, occurred_at)
        changes.insert(at, dict(fields))
        latest.clear()
        for change in changes:
            latest.update(change)

    def take_ship(self, mmsi: int, other: "ParticularsHistory") -> None:
        """Replace what is known of ``mmsi`` by what ``other`` knows of it (the log, re-read)."""
        ship = other._ships.get(mmsi)  # same class: its own representation
        if ship is None:
            self._ships.pop(mmsi, None)
        else:
            times, changes, latest = ship
            self._ships[mmsi] = (list(times), [dict(change) for change in changes], dict(latest))

    def remember(self, events: Iterable[Appendable]) -> None:
        """Take in the registrations and changes among ``events`` (decided elsewhere)."""
        for item in events:
            if type(item) is tuple:  # a position report's entry
                continue
            event = item.event
            if type(event) is ShipRegistered or type(event) is ShipDetailsChanged:
                self.add(event.mmsi, event.occurred_at,
                         {name: value for name, value in event.payload().items()
                          if name != "mmsi" and value is not None})


def known_particulars(store: EventStore) -> ParticularsHistory:
    """What the log says of each ship's static and voyage data, by time (see ``ParticularsHistory``)."""
    history = ParticularsHistory()
    history.remember(store.read_types(_PARTICULAR_TYPES))  # type: ignore[arg-type]  # each has an ``event``
    return history


def remember_particulars(particulars: ParticularsHistory, events: Iterable[Appendable]) -> None:
    """Fold the registrations and changes among ``events`` into ``particulars`` (as a recorder does when it
    decides them), for events decided elsewhere."""
    particulars.remember(events)


@dataclass
class Decisions:
    """What a run of observations turned into: events, quarantine rows, skip counts, and what became of
    their lines — ``lines`` counts those with no event (unchanged, skipped, quarantined) and
    ``event_lines`` holds, for each line that gave events, the index of its first event in ``events``
    (whether it is stored or already in the log is known once the events are appended)."""

    events: list[Appendable] = field(default_factory=list)
    quarantine: list[QuarantinedRecord] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    lines: Counter[str] = field(default_factory=Counter)
    event_lines: list[int] = field(default_factory=list)

    def clear(self) -> None:
        self.events.clear()
        self.quarantine.clear()
        self.lines.clear()
        self.event_lines.clear()

    def extend(self, later: "Decisions") -> None:
        """Take in the decisions of the lines that follow these (the later's line starts shift by the events
        already here)."""
        offset = len(self.events)
        self.events.extend(later.events)
        self.quarantine.extend(later.quarantine)
        self.skipped.update(later.skipped)
        self.lines.update(later.lines)
        self.event_lines.extend(start + offset for start in later.event_lines)

    def line_fates(self, appended: bool | set[int]) -> Counter[str]:
        """What became of every line: ``lines`` plus, of the lines that gave events, those with at least one
        event appended as stored, the rest as already in the log. ``appended`` is True when every event was,
        False when none was, else the ids of the events that were (or that something was appended for)."""
        fates = Counter(self.lines)
        events, starts = self.events, self.event_lines
        if not starts:
            return fates
        if appended is True:
            fates[STORED] += len(starts)
        elif not appended:
            fates[ALREADY_IN_LOG] += len(starts)
        else:
            ends = starts[1:] + [len(events)]
            stored = sum(1 for start, end in zip(starts, ends)
                         if any(id(events[i]) in appended for i in range(start, end)))
            fates[STORED] += stored
            fates[ALREADY_IN_LOG] += len(starts) - stored
        return fates


class ObservationRecorder:
    """Decides the log entries for observations of one source kind ('nmea', 'noaa-csv', …).

    ``particulars`` is what the log already says of each ship, by time (see ``known_particulars``); each
    static or voyage observation is decided against the ship's particulars as of its own time, and the
    recorder takes its decisions into it, so a batch never registers a ship twice and later observations
    see the changes decided before them. Quarantine rows get a dedupe key from what names their line and
    why they were set aside: (file name, line, text, reason) for a file, which may be imported again; for a
    live feed, whose lines have no numbers, (feed, the time the line arrived, text, reason), so the same lines
    replayed from the feed's spool (after a kill between the commit of their batch and its release) are not
    set aside twice either.
    """

    def __init__(self, kind: str, particulars: ParticularsHistory, *, metadata: Mapping[str, Any],
                 clock: Callable[[], int] = now_micros, future_tolerance: int = DEFAULT_FUTURE_TOLERANCE,
                 position_entry: PositionEntry | None = None):
        """``position_entry`` makes the entry of a position report (report, recorded at, metadata); by default a
        ``NewEvent`` keyed by ``position_key``. A reading process gives one that makes what it sends instead."""
        self.kind = kind
        self.metadata = dict(metadata)
        self._position_entry: PositionEntry = position_entry or keyed_position_event(kind)
        self._particulars = particulars
        self._clock = clock
        self._future_tolerance = future_tolerance
        self._latest_allowed = clock() + future_tolerance

    @property
    def particulars(self) -> ParticularsHistory:
        """What the recorder knows of each ship's particulars, by time (shared with its caller)."""
        return self._particulars

    def decide(self, observations: Iterable[Seen], into: Decisions, *, recorded_at: int | None = None) -> None:
        """Append the entries for ``observations`` to ``into`` (events recorded at ``recorded_at``, or now).

        The observations of one input line come together and are decided in one call (a batch never
        splits a line), so each line's fate is told once."""
        now = self._clock() if recorded_at is None else recorded_at
        self._latest_allowed = max(self._latest_allowed, self._clock() + self._future_tolerance)
        events, metadata, entry = into.events, self.metadata, self._position_entry
        lines, event_lines = into.lines, into.event_lines
        line, fate, first = _NO_LINE, 0, len(events)  # the line in hand, the highest fate it reached, its first event
        for seen in observations:
            if seen.origin.line != line:
                if len(events) > first:
                    event_lines.append(first)
                elif fate:
                    lines[_OUTCOMES[fate]] += 1
                line, fate, first = seen.origin.line, 0, len(events)
            if type(seen) is PositionSeen:
                report = seen.report
                if report.occurred_at > self._latest_allowed:
                    self._reject_future(seen.origin, report.occurred_at, into)
                    fate = 3
                    continue
                events.append(entry(report, now, metadata if not seen.heard_by else
                                    {**metadata, "stations": list(seen.heard_by)}))
            elif type(seen) is ParticularsSeen:
                if seen.occurred_at > self._latest_allowed:
                    self._reject_future(seen.origin, seen.occurred_at, into)
                    fate = 3
                    continue
                self._decide_particulars(seen, now, into)
                fate = fate or 1
            elif type(seen) is Skipped:
                into.skipped[seen.what] += 1
                fate = max(fate, 2)
            elif type(seen) is Rejected:
                self._reject(seen.origin, seen.reason, seen.field, into)
                fate = 3
            else:
                raise TypeError(f"not an observation: {seen!r}")
        if len(events) > first:
            event_lines.append(first)
        elif fate:
            lines[_OUTCOMES[fate]] += 1

    def _decide_particulars(self, seen: ParticularsSeen, now: int, into: Decisions) -> None:
        history, mmsi, occurred_at, fields = self._particulars, seen.mmsi, seen.occurred_at, seen.fields
        known = history.as_of(mmsi, occurred_at)
        if known is None and mmsi not in history:
            static = {name: fields[name] for name in STATIC_FIELDS if name in fields}
            voyage = {name: fields[name] for name in VOYAGE_FIELDS if name in fields}
            into.events.append(NewEvent(ShipRegistered(mmsi=mmsi, occurred_at=occurred_at, **static),
                                        now, self.metadata, registration_key(mmsi)))
            if voyage:
                into.events.append(NewEvent(ShipDetailsChanged(mmsi=mmsi, occurred_at=occurred_at, **voyage),
                                            now, self.metadata, particulars_key(self.kind, mmsi, occurred_at, fields)))
            history.add(mmsi, occurred_at, fields)
            return
        # registered once only: a ship the log knows of only from later on has its earlier data as a change
        changed = dict(fields) if known is None else {name: value for name, value in fields.items()
                                                      if known.get(name) != value}
        if changed:
            into.events.append(NewEvent(ShipDetailsChanged(mmsi=mmsi, occurred_at=occurred_at, **changed),
                                        now, self.metadata, particulars_key(self.kind, mmsi, occurred_at, fields)))
            history.add(mmsi, occurred_at, changed)

    def _reject_future(self, origin: Origin, occurred_at: int, into: Decisions) -> None:
        self._reject(origin, f"time {format_instant(occurred_at)} is in the future (more than "
                             f"{self._future_tolerance // 1_000_000} s after this computer's clock)", "time", into)

    def _reject(self, origin: Origin, reason: str, field_name: str | None, into: Decisions) -> None:
        if origin.received_at is None:  # a file's line, named by its number
            key = _key("quarantine", Path(origin.source).name, origin.line, origin.raw, reason, field_name)
        else:  # a live feed's line, named by when it arrived
            key = _key("quarantine", origin.source, "received", origin.received_at, origin.raw, reason, field_name)
        into.quarantine.append(QuarantinedRecord(source=origin.source, line=origin.line, raw=origin.raw, reason=reason,
                                                 field=field_name, dedupe_key=key))




def is_registration(item: Appendable) -> bool:
    """Whether ``item`` is a registration an import decided (keyed by the ship alone)."""
    if type(item) is tuple:  # a position report's entry
        return False
    event = item.event
    return type(event) is ShipRegistered and item.dedupe_key == registration_key(event.mmsi)


def redecide_lost_registration(registration: NewEvent, voyage: NewEvent | None,
                               in_log: ParticularsHistory) -> NewEvent | None:
    """What to append in place of a registration (and the voyage data decided with it) that another writer
    running at the same time appended first: a ``ShipDetailsChanged`` at the registration's time with those
    of its fields that differ from what the log holds of the ship as of that time (``in_log``), or None when
    the log holds them all. Its key is the one a later import of the same record decides, so neither adds it
    twice."""
    registered = registration.event
    said = {name: value for name, value in registered.payload().items() if name != "mmsi" and value is not None}
    if voyage is not None:
        said.update(voyage.event.changed_fields())  # type: ignore[attr-defined]
    known = in_log.as_of(registered.mmsi, registered.occurred_at) or {}  # type: ignore[attr-defined]
    changed = {name: value for name, value in said.items() if known.get(name) != value}
    if not changed:
        return None
    kind = registration.metadata.get("format", "")
    return NewEvent(ShipDetailsChanged(mmsi=registered.mmsi, occurred_at=registered.occurred_at,  # type: ignore[attr-defined]
                                       **changed),
                    registration.recorded_at, registration.metadata,
                    particulars_key(kind, registered.mmsi, registered.occurred_at, said))  # type: ignore[attr-defined]


def append_redeciding_lost_registrations(events: list[Appendable],
                                         write: Callable[[Sequence[Appendable]], Sequence[Appendable]],
                                         read_log: Callable[[], ParticularsHistory],
                                         particulars: ParticularsHistory) -> bool | set[int]:
    """Append a batch through ``write`` (which returns the events it appended): True when all of it was
    appended, False when none, else the ids of the events that were (or that a correction was appended for).

    A batch that registers ships appends the registrations first, on their own: a registration is keyed by
    the ship alone, so the store drops it when another writer running at the same time registered the ship
    first. The rest of the batch is then appended with, in place of each lost registration and the voyage
    data decided with it, only what they said that the log (``read_log``) does not hold as of their time;
    ``particulars`` then goes on from what the log holds of those ships."""
    registrations = [item for item in events if is_registration(item)]
    if not registrations:
        written = write(events)
        if len(written) == len(events):
            return True
        return set(map(id, written)) if written else False
    registered = {id(item) for item in write(registrations)}
    lost = {id(item) for item in registrations if id(item) not in registered}
    if not lost:  # the usual case: every registration was appended, the rest goes as it is
        rest = [item for item in events if id(item) not in registered]
        written_rest = write(rest) if rest else ()
        if len(written_rest) == len(rest):
            return True
        return registered | set(map(id, written_rest))
    in_log = read_log() if lost else ParticularsHistory()
    lost_ships = {item.event.mmsi for item in registrations if id(item) in lost}  # type: ignore[attr-defined]
    rest: list[NewEvent] = []
    stands_for: dict[int, int] = {}  # id of a correction -> id of the event it replaces
    index = 0
    while index < len(events):
        item = events[index]
        index += 1
        if id(item) in registered:
            continue
        if id(item) in lost:
            voyage = events[index] if index < len(events) and _voyage_of(events[index], item) else None
            index += voyage is not None
            correction = redecide_lost_registration(item, voyage, in_log)
        elif type(item) is not tuple and type(item.event) is ShipDetailsChanged and item.event.mmsi in lost_ships:
            correction = _redecide_change(item, in_log)  # it was decided against what the lost registration said
            if correction is item:
                in_log.add(item.event.mmsi, item.event.occurred_at, item.event.changed_fields())
                rest.append(item)
                continue
        else:
            rest.append(item)
            continue
        if correction is not None:
            event = correction.event
            in_log.add(event.mmsi, event.occurred_at, event.changed_fields())  # type: ignore[attr-defined]
            rest.append(correction)
            stands_for[id(correction)] = id(item)
    written = {id(item) for item in write(rest)} if rest else set()
    if lost:
        in_log = read_log()
        for item in registrations:  # go on from what the log now holds of the ships another writer registered
            if id(item) in lost:
                particulars.take_ship(item.event.mmsi, in_log)  # type: ignore[attr-defined]
    return registered | written | {stands_for[key] for key in written if key in stands_for}


def _redecide_change(change: NewEvent, in_log: ParticularsHistory) -> NewEvent | None:
    """A change of a ship whose registration was lost, decided again against the log as of its time: the
    same event when all its fields differ from it, one with only those that do, or None when none does."""
    event: ShipDetailsChanged = change.event  # type: ignore[assignment]
    fields = event.changed_fields()
    known = in_log.as_of(event.mmsi, event.occurred_at) or {}
    differ = {name: value for name, value in fields.items() if known.get(name) != value}
    if len(differ) == len(fields):
        return change
    if not differ:
        return None
    return NewEvent(ShipDetailsChanged(mmsi=event.mmsi, occurred_at=event.occurred_at, **differ),  # type: ignore[arg-type]
                    change.recorded_at, change.metadata, change.dedupe_key)


def _voyage_of(item: Appendable, registration: NewEvent) -> bool:
    """Whether ``item`` is the voyage data decided with ``registration`` (right after it: same ship and time)."""
    if type(item) is tuple:  # a position report's entry
        return False
    event, registered = item.event, registration.event
    return (type(event) is ShipDetailsChanged and event.mmsi == registered.mmsi  # type: ignore[attr-defined]
            and event.occurred_at == registered.occurred_at and item.metadata is registration.metadata)
