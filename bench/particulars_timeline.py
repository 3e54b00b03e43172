"""Comparing two logs' particulars as the operator sees them: what each ship's static and voyage data were at
every moment either log records a change, and which observations were stored twice.

Particulars are stored as changes: an observation equal to the ship's particulars as of its time is left out.
Writers that run at once, with recordings that overlap in time, may each find a ship unknown as of their own
observation's time and store it, where one writer after the other would have left the later observations out
as unchanged. Such a log holds more events than the one-after-the-other run, each from an observation of its
own at a time of its own, and says the same at every moment. So particulars are compared by timeline, not event
by event: a moment at which the two logs say different things is lost; the same observation (ship, kind of
event, time and content) stored more often than in the reference is duplicated; a restatement (an event the reference
left out as unchanged, which changes nothing in the timeline) is counted apart.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PARTICULAR_TYPES = ("ShipRegistered", "ShipDetailsChanged")


@dataclass(frozen=True)
class ParticularsDifference:
    lost: int                 # (ship, moment) pairs at which the log says other particulars than the reference
    duplicated: int           # observations (ship, kind, time, content) stored more often than in the reference
    restated: int             # events beyond the reference's that change nothing the log says at any moment
    example_lost: tuple[str, int, dict, dict] | None = None   # ship, moment, reference's particulars, the log's


Changes = dict[str, list[tuple[int, int, str, dict[str, Any]]]]  # ship -> (occurred_at, position, type, fields)


def particulars_changes(db: Path) -> Changes:
    """Every ship's particulars events, in the order the fold takes them (time, then log order)."""
    from store import open_store

    by_ship: Changes = defaultdict(list)
    store = open_store(db, create=False, read_only=True)
    try:
        for recorded in store.read_types(PARTICULAR_TYPES):
            fields = {name: value for name, value in recorded.payload.items() if name != "mmsi" and value is not None}
            by_ship[recorded.stream_id].append((recorded.occurred_at, recorded.position, recorded.type, fields))
    finally:
        store.close()
    for changes in by_ship.values():
        changes.sort(key=lambda change: (change[0], change[1]))
    return by_ship


def _timeline(changes: list[tuple[int, int, str, dict[str, Any]]]) -> dict[int, dict[str, Any]]:
    """The ship's particulars at each moment one of its events occurred (after every event at that moment)."""
    folded: dict[str, Any] = {}
    at: dict[int, dict[str, Any]] = {}
    for occurred_at, _position, _type, fields in changes:
        folded.update(fields)
        at[occurred_at] = dict(folded)
    return at


def _as_of(timeline: dict[int, dict[str, Any]], moments: list[int], moment: int) -> dict[str, Any]:
    known: dict[str, Any] = {}
    for each in moments:
        if each > moment:
            break
        known = timeline[each]
    return known


def _observations(changes: list[tuple[int, int, str, dict[str, Any]]]) -> "Counter[tuple]":
    """Each event as the observation it stores (kind, time, what it says); a registration by its ship alone,
    as either writer may rightly win it, at either's time."""
    return Counter(("ShipRegistered",) if kind == "ShipRegistered" else (kind, occurred_at, tuple(sorted(fields.items())))
                   for occurred_at, _position, kind, fields in changes)


def compare_particulars(reference: Changes, actual: Changes) -> ParticularsDifference:
    lost = duplicated = restated = 0
    example = None
    for ship in sorted(set(reference) | set(actual)):
        wanted, got = reference.get(ship, []), actual.get(ship, [])
        wanted_at, got_at = _timeline(wanted), _timeline(got)
        wanted_moments, got_moments = sorted(wanted_at), sorted(got_at)
        for moment in sorted(set(wanted_at) | set(got_at)):
            said = _as_of(wanted_at, wanted_moments, moment)
            shown = _as_of(got_at, got_moments, moment)
            if said != shown:
                lost += 1
                example = example or (ship, moment, said, shown)
        # a registration may rightly be won by either writer (at either's time): counted by its ship alone
        observed, stored = _observations(wanted), _observations(got)
        for key, times in stored.items():
            if key in observed:
                duplicated += max(0, times - observed[key])
            else:  # an observation the reference left out as unchanged: once is a restatement, more is twice
                restated += 1
                duplicated += times - 1
    return ParticularsDifference(lost, duplicated, restated, example)
