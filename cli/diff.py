"""``diff``: what changed between two moments — ships appeared, moved, changed status, destination or
particulars; alerts raised or acknowledged; zones defined or removed — optionally as known at two times."""
from __future__ import annotations

import argparse
import json

from cli import arguments
from cli.arguments import EXIT_OK, EXIT_USAGE, CommandError


def command_diff(args: argparse.Namespace) -> int:
    from app.console import Console
    from app.fleet_diff import change_phrases, diff_document, fleet_diff
    from app.fleet_service import FleetService
    from domain.fleet_diff import Moment
    from domain.time import format_instant

    if (args.known_at_from is None) != (args.known_at_to is None):
        raise CommandError("diff: --known-at-from and --known-at-to go together", EXIT_USAGE)
    before, after = Moment(args.from_, args.known_at_from), Moment(args.to, args.known_at_to)
    store = arguments.open_at(args.db, create=False, read_only=True)
    try:
        console = Console.over(FleetService.open(store))
        diff = fleet_diff(console.fleet, console.alerts, before, after)
    finally:
        store.close()
    if args.json:
        print(json.dumps(diff_document(diff), ensure_ascii=False))
        return EXIT_OK
    known = (f" (as known at {format_instant(args.known_at_from)} and {format_instant(args.known_at_to)})"
             if args.known_at_from is not None else "")
    print(f"{len(diff.ships)} ships changed between {format_instant(args.from_)} and {format_instant(args.to)}{known}")
    for ship in diff.ships:
        label = (ship.name or "?")[:20]
        print(f"{ship.mmsi:>9}  {label:<20}  {'; '.join(change_phrases(ship))}")
    for zone in diff.zones:
        print(f"zone {zone.name!r} ({zone.kind}) {zone.change} at {format_instant(zone.at)}")
    return EXIT_OK


def register(commands) -> None:
    diff = commands.add_parser("diff", help="what changed between two moments (as known at two times)")
    diff.add_argument("--db", required=True)
    diff.add_argument("--from", dest="from_", type=arguments.instant, required=True, help="the first moment (ISO 8601)")
    diff.add_argument("--to", type=arguments.instant, required=True, help="the second moment")
    diff.add_argument("--known-at-from", dest="known_at_from", type=arguments.instant,
                      help="the first moment as the log knew it at this time")
    diff.add_argument("--known-at-to", dest="known_at_to", type=arguments.instant,
                      help="the second moment as the log knew it at this time")
    diff.add_argument("--json", action="store_true")
    diff.set_defaults(run=command_diff)
