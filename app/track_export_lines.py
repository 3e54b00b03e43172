"""What a track export is made of, shared by the export and its format writers: the request, one ship's
lines, and the count of what a writer wrote."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator, TextIO

from domain.time import format_instant
from domain.tracks import Track

MAX_SIMPLIFY_M = 100_000.0


class TrackExportError(ValueError):
    """An export that cannot be made as asked: a bad range, file name or distance, an unknown ship or zone."""


class TrackExportCancelled(Exception):
    """The operator cancelled the export; no file was left behind (an older file of that name is untouched)."""


@dataclass(frozen=True)
class TrackExportRequest:
    """The ships' reports with ``start <= occurred_at <= end``: of the ships named (empty: every ship that
    reported), or of those that reported inside ``zone``; thinned to ``simplify_m`` metres (0: every report)."""

    start: int
    end: int
    ships: tuple[int, ...] = ()
    zone: str | None = None
    simplify_m: float = 0.0

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise TrackExportError(f"the range ends ({format_instant(self.end)}) before it starts "
                                   f"({format_instant(self.start)})")
        if not 0 <= self.simplify_m <= MAX_SIMPLIFY_M:
            raise TrackExportError(f"--simplify must be between 0 and {MAX_SIMPLIFY_M:,.0f} metres, "
                                   f"got {self.simplify_m:g}")


@dataclass(frozen=True)
class ShipLines:
    """One ship's exported track: who it is (as known at the end of the range) and its segments."""

    mmsi: int
    name: str | None
    ship_type: str | None
    callsign: str | None
    segments: tuple[Track, ...]

    @property
    def points(self) -> int:
        return sum(len(segment) for segment in self.segments)

    @property
    def label(self) -> str:
        return self.name or f"MMSI {self.mmsi}"


@dataclass
class Written:
    """What a writer wrote, counted as it wrote it."""

    ships: int = 0
    points: int = 0


def document_title(request: TrackExportRequest) -> str:
    """The name a track file gives itself (GPX metadata, KML document)."""
    return f"Fleet Logbook tracks {format_instant(request.start)} to {format_instant(request.end)}"


def write_document(ships: Iterator[ShipLines], out: TextIO, *, head: str, ship_text: Callable[[ShipLines], str],
                   tail: str, between: str = "") -> Written:
    """A track file: ``head``, one part per ship (``between`` them), ``tail``; counted as it is written, so
    what the command says it wrote is what the file holds."""
    written = Written()
    out.write(head)
    for ship in ships:
        if written.ships and between:
            out.write(between)
        out.write(ship_text(ship))
        written.ships += 1
        written.points += ship.points
    out.write(tail)
    return written
