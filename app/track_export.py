"""Exporting ships' tracks for other tools — a GIS (GeoJSON), Google Earth (KML), a chart plotter (GPX).

The tracks come from the temporal index (every report of each ship in the range, in time order), cut into
segments at reporting gaps and thinned by distance (``domain.track_lines``), with each ship's name, type and
callsign as known at the end of the range. The writers (``app.track_export_geojson``, ``_kml``, ``_gpx``)
turn them into text; this module picks the writer by the file's suffix and writes the file atomically, and
the counts it returns are those of the points the writer wrote, so what the command says it wrote is what
is in the file.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Protocol, TextIO

from app.atomic_files import atomic_text
from app.audit_report import ReportError, ReportRequest, ships_in_zone
from app.fleet_view import FleetView
from app.track_export_geojson import write_geojson
from app.track_export_gpx import write_gpx
from app.track_export_kml import write_kml
from app.track_export_lines import ShipLines, TrackExportCancelled, TrackExportError, TrackExportRequest, Written
from domain.track_lines import GAP_S, track_segments

TRACK_FORMATS = {".geojson": "geojson", ".kml": "kml", ".gpx": "gpx"}


@dataclass(frozen=True)
class TrackExportResult:
    """What was written: the file, its format, the ships and points in it, and its SHA-256."""

    path: Path
    format: str
    ships: int
    points: int
    sha256: str

    def as_json(self) -> dict[str, object]:
        return {"out": str(self.path), "format": self.format, "ships": self.ships, "points": self.points,
                "sha256": self.sha256}


class TrackWriter(Protocol):
    def __call__(self, ships: Iterator[ShipLines], out: TextIO, request: TrackExportRequest) -> Written: ...


def track_format(path: str | Path) -> str:
    """The format a file's suffix asks for: .geojson, .kml or .gpx."""
    suffix = Path(path).suffix.lower()
    if suffix not in TRACK_FORMATS:
        raise TrackExportError(f"{path}: the file name must end in .geojson, .kml or .gpx (the suffix picks the "
                               "format)")
    return TRACK_FORMATS[suffix]


def chosen_ships(fleet: FleetView, request: TrackExportRequest) -> list[int]:
    """The MMSIs to export, sorted; an MMSI the store has never heard of, or an unknown zone, is refused."""
    if request.zone is not None:
        try:
            return sorted(ships_in_zone(fleet, ReportRequest(request.start, request.end, request.ships, request.zone)))
        except ReportError as error:
            raise TrackExportError(str(error)) from None
    if not request.ships:
        return fleet.ships_reporting(request.start, request.end)
    unknown = [mmsi for mmsi in request.ships
               if not len(fleet.report_times(mmsi)) and fleet.ship_details(mmsi, request.end) is None]
    if unknown:
        raise TrackExportError(f"no ship with MMSI {', '.join(map(str, unknown))} in this store")
    return sorted(set(request.ships))


def ship_lines(fleet: FleetView, mmsi: int, request: TrackExportRequest, gap_s: float = GAP_S) -> ShipLines:
    """One ship's track in the range, cut at gaps and thinned, with its particulars as of the range's end."""
    track = fleet.track(mmsi, request.start, request.end)
    details = fleet.ship_details(mmsi, request.end)
    return ShipLines(mmsi=mmsi, name=getattr(details, "name", None), ship_type=getattr(details, "ship_type", None),
                     callsign=getattr(details, "callsign", None),
                     segments=tuple(track_segments(track, simplify_m=request.simplify_m, gap_s=gap_s)))


WRITERS: dict[str, TrackWriter] = {"geojson": write_geojson, "kml": write_kml, "gpx": write_gpx}


def export_tracks(fleet: FleetView, request: TrackExportRequest, path: str | Path, *,
                  progress: Callable[[float, str], None] | None = None,
                  cancelled: Callable[[], bool] = lambda: False) -> TrackExportResult:
    """Write the tracks of ``request`` to ``path`` (format by suffix), whole or not at all."""
    fmt = track_format(path)
    mmsis = chosen_ships(fleet, request)

    def lines() -> Iterator[ShipLines]:
        for done, mmsi in enumerate(mmsis):
            if cancelled():
                raise TrackExportCancelled("the export was cancelled; no file was written")
            if progress is not None:
                progress(done / max(len(mmsis), 1), f"ship {done + 1:,} of {len(mmsis):,}")
            ship = ship_lines(fleet, mmsi, request)
            if ship.points:
                yield ship

    with atomic_text(path) as out:
        written = WRITERS[fmt](lines(), out, request)
    if progress is not None:
        progress(1.0, f"{written.ships:,} ships, {written.points:,} points written")
    return TrackExportResult(Path(path), fmt, written.ships, written.points, _sha256(Path(path)))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


__all__ = ["TRACK_FORMATS", "ShipLines", "TrackExportCancelled", "TrackExportError", "TrackExportRequest",
           "TrackExportResult", "chosen_ships", "export_tracks", "ship_lines", "track_format"]
