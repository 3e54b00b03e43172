"""One report from many stations: the copies of one transmission that several receivers heard, merged.

A national feed is many receiving stations. A ship's one position report heard by two of them arrives
twice, seconds apart, each copy with its own station (tag block ``s:``) and its own time, so keying it by
time alone stores it twice. Here a position report from a line that names its station is held for a short
window (``window_s``, a few seconds); a copy of the same payload from the same ship, timed within the
window of it (each station stamps its own time), is merged into it, and the report is released with every station that heard it (``PositionSeen.heard_by``,
kept in the event's metadata as ``stations``). The first copy in the feed's order gives the report its
time, so replaying the same spool merges the same way.

A report is released once the feed has moved on past its window (the newest line's receipt time), or,
when the feed is quiet, once the window has passed on the clock; a copy arriving after its report was
released, but still within the window, is dropped as merged (its station cannot be added any more: the
event may already be in the log). Lines that name no station pass straight through: a single receiver
has nobody to merge with, and its reports reach the map without waiting.
"""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, replace
from typing import Callable, Generic, TypeVar

from domain.observations import PositionSeen, Seen
from feeds.nmea_stations import transmission

DEFAULT_MERGE_WINDOW_S = 2.0
Mark = TypeVar("Mark")  # where the line of a held report begins in the feed's spool


@dataclass
class _Held(Generic[Mark]):
    seen: PositionSeen
    key: tuple[int, bytes]
    stations: list[str]
    copies: int
    received_at: int
    taken: float  # on the monotonic clock
    before: Mark


class StationMerger(Generic[Mark]):
    """Holds named stations' position reports for ``window_s`` and merges copies of one transmission."""

    def __init__(self, window_s: float = DEFAULT_MERGE_WINDOW_S, *, monotonic: Callable[[], float] = time.monotonic):
        self._window_s = max(window_s, 0.0)
        self._window_us = int(self._window_s * 1_000_000)
        self._monotonic = monotonic
        self._held: deque[_Held[Mark]] = deque()
        self._held_by_key: dict[tuple[int, bytes], _Held[Mark]] = {}
        self._released: dict[tuple[int, bytes], tuple[int, int]] = {}  # key -> (receipt, report time)
        self._newest = 0
        self._copies = 0

    @property
    def enabled(self) -> bool:
        return self._window_us > 0

    @property
    def earliest_before(self) -> Mark | None:
        """Where the first held report's line begins: the spool may not release past it."""
        return self._held[0].before if self._held else None

    @property
    def holding(self) -> int:
        return len(self._held)

    def take_copies(self) -> int:
        """How many copies were merged since last asked (told once the reports they joined are stored)."""
        copies, self._copies = self._copies, 0
        return copies

    def take(self, observations: list[Seen], line: bytes, received_at: int, before: Mark) -> list[Seen]:
        """What to decide now for one ``line``'s ``observations``: the held reports whose window the feed has
        passed, then the line's own observations, less a position report that is held or merged. Only a line
        that gave one position report is read again for its station and payload."""
        self._newest = max(self._newest, received_at)
        ready = self._release(lambda item: self._newest - item.received_at >= self._window_us)
        if not self.enabled or len(observations) != 1 or type(observations[0]) is not PositionSeen:
            return ready + observations
        heard = transmission(line)
        if heard is None or heard.station is None:
            return ready + observations
        seen: PositionSeen = observations[0]  # type: ignore[assignment]
        key = (seen.report.mmsi, heard.payload)
        occurred_at = seen.report.occurred_at
        held = self._held_by_key.get(key)
        if held is not None and abs(occurred_at - held.seen.report.occurred_at) <= self._window_us:
            if heard.station not in held.stations:
                held.stations.append(heard.station)
            held.copies += 1
            return ready
        released = self._released.get(key)
        if released is not None and abs(occurred_at - released[1]) <= self._window_us:
            self._copies += 1  # a late copy: its report is on its way to the log already
            return ready
        item = _Held(seen, key, [heard.station], 0, received_at, self._monotonic(), before)
        self._held.append(item)
        self._held_by_key[key] = item
        return ready

    def due(self) -> bool:
        """Whether a held report's window has passed on the clock (a quiet feed must not keep it back)."""
        return bool(self._held) and self._monotonic() - self._held[0].taken >= self._window_s

    def release_due(self) -> list[Seen]:
        """The held reports whose window has passed on the clock."""
        now = self._monotonic()
        return self._release(lambda item: now - item.taken >= self._window_s)

    def release_all(self) -> list[Seen]:
        """Every held report (the feed has stopped, or its input has ended)."""
        return self._release(lambda item: True)

    def reset(self) -> None:
        """Forget what is held (its lines stay in the spool and are read again)."""
        self._held.clear()
        self._held_by_key.clear()
        self._released.clear()
        self._copies = 0

    def _release(self, is_due: Callable[[_Held[Mark]], bool]) -> list[Seen]:
        out: list[Seen] = []
        while self._held and is_due(self._held[0]):
            item = self._held.popleft()
            if self._held_by_key.get(item.key) is item:
                del self._held_by_key[item.key]
            self._released[item.key] = (item.received_at, item.seen.report.occurred_at)
            self._copies += item.copies
            out.append(replace(item.seen, heard_by=tuple(sorted(item.stations))))
        if self._released:
            horizon = self._newest - self._window_us
            for key in [key for key, (at, _) in self._released.items() if at < horizon]:
                del self._released[key]
        return out
