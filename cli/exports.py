"""``export tracks``: ships' tracks as GeoJSON, KML or GPX for a GIS, Google Earth or a chart plotter."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cli import arguments
from cli.arguments import EXIT_OK, EXIT_USAGE, CommandError


def metres(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a distance in metres: {text!r}") from None
    if not 0 <= value <= 100_000:
        raise argparse.ArgumentTypeError(f"must be between 0 and 100,000 metres, got {text}")
    return value


def command_export_tracks(args: argparse.Namespace) -> int:
    from app.console import Console
    from app.fleet_service import FleetService
    from app.track_export import TrackExportError, TrackExportRequest, export_tracks, track_format

    try:
        track_format(args.out)
        request = TrackExportRequest(args.from_, args.to, tuple(args.ship or ()), args.zone, args.simplify)
    except TrackExportError as error:
        raise CommandError(f"export tracks: {error}", EXIT_USAGE) from None
    store = arguments.open_at(args.db, create=False, read_only=True)
    try:
        fleet = Console.over(FleetService.open(store)).fleet
        try:
            result = export_tracks(fleet, request, args.out)
        except TrackExportError as error:
            raise CommandError(f"export tracks: {error}") from None
    finally:
        store.close()
    print(json.dumps(result.as_json()))
    if not result.ships:
        print("export tracks: no ship reported in the range; the file holds no track", file=sys.stderr)
    return EXIT_OK


def register(commands) -> None:
    export = commands.add_parser("export", help="export ships' tracks (GeoJSON, KML or GPX by the --out suffix)")
    kinds = export.add_subparsers(dest="what", required=True)  # its parsers are of the export parser's class
    tracks = kinds.add_parser("tracks", help="each ship's track in a range: GeoJSON LineStrings with times, KML "
                                             "gx:Tracks, or GPX tracks with speed and course")
    tracks.add_argument("--db", required=True)
    tracks.add_argument("--from", dest="from_", type=arguments.instant, required=True, help="start (ISO 8601)")
    tracks.add_argument("--to", type=arguments.instant, required=True, help="end (inclusive)")
    tracks.add_argument("--ship", type=arguments.mmsi, action="append", help="only this ship (repeat for more)")
    tracks.add_argument("--zone", help="only the ships that reported inside this zone in the range")
    tracks.add_argument("--simplify", type=metres, default=0.0, metavar="METRES",
                        help="keep a report only once the ship is this far from the last one kept (each segment's "
                             "first and last reports are always kept; default 0: every report)")
    tracks.add_argument("--out", type=Path, required=True, metavar="FILE", help="FILE.geojson, FILE.kml or FILE.gpx")
    tracks.set_defaults(run=command_export_tracks)
