"""The fleet's particulars at every moment, folded from a store's log by time: what must not depend on the
order in which recordings were imported, nor on whether two writers ran one after the other or at once."""
from __future__ import annotations

from typing import Any

PARTICULAR_TYPES = ("ShipRegistered", "ShipDetailsChanged")


def particulars_events(store) -> dict[int, list[tuple[int, int, dict[str, Any]]]]:
    """Per ship, its registrations and changes as (occurred_at, log position, fields set), in fold order."""
    ships: dict[int, list[tuple[int, int, dict[str, Any]]]] = {}
    for recorded in store.read_all():
        if recorded.type in PARTICULAR_TYPES:
            fields = {name: value for name, value in recorded.event.payload().items()
                      if name != "mmsi" and value is not None}
            ships.setdefault(recorded.event.mmsi, []).append((recorded.occurred_at, recorded.position, fields))
    for events in ships.values():
        events.sort(key=lambda item: item[:2])
    return ships


def timeline(store, moments: set[int]) -> dict[tuple[int, int], dict[str, Any]]:
    """Each ship's particulars as of each of ``moments`` (field by field, the latest event by time wins; at
    equal times the later in the log), leaving out the moments before the log knew anything of it."""
    out: dict[tuple[int, int], dict[str, Any]] = {}
    for mmsi, events in particulars_events(store).items():
        for moment in moments:
            folded: dict[str, Any] = {}
            for occurred_at, _, fields in events:
                if occurred_at > moment:
                    break
                folded.update(fields)
            if folded:
                out[(mmsi, moment)] = folded
    return out


def event_times(*stores) -> set[int]:
    """Every time at which any of ``stores`` holds a particulars event (the moments where a fold can differ)."""
    return {occurred_at for store in stores for events in particulars_events(store).values()
            for occurred_at, _, _ in events}


def redundant(store) -> list[tuple[int, int, dict[str, Any]]]:
    """The changes that change nothing of their ship as of their own time (given the log before them)."""
    found = []
    for mmsi, events in particulars_events(store).items():
        for index, (occurred_at, position, fields) in enumerate(events):
            before: dict[str, Any] = {}
            for earlier in events[:index]:
                before.update(earlier[2])
            if index and all(before.get(name) == value for name, value in fields.items()):
                found.append((mmsi, occurred_at, fields))
    return found
