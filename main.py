"""Fleet Logbook: the composition root and the command line.

Builds the store, bus, service, scheduler and window and hands them over; no business logic lives here.
Run ``python main.py --help`` for the commands.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_BROKEN_CHAIN = 0, 1, 2, 3
DEMO_SHIPS, DEMO_HOURS = 200, 24


class CommandError(Exception):
    """A failure to report as one line on stderr with a non-zero exit code."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


def default_store_path() -> Path:
    """The store in the platform's user data folder (``FLEET_LOGBOOK_DATA`` overrides the folder)."""
    folder = os.environ.get("FLEET_LOGBOOK_DATA")
    if not folder:
        from platformdirs import user_data_dir

        folder = user_data_dir("fleet-logbook", appauthor=False)
    return Path(folder) / "fleet.sqlite"


def _instant(text: str) -> int:
    from domain.errors import InvalidTime
    from domain.time import parse_instant

    try:
        return parse_instant(text)
    except InvalidTime as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _mmsi(text: str) -> int:
    if not text.isdigit() or len(text) > 9 or int(text) == 0:
        raise argparse.ArgumentTypeError(f"an MMSI is a number of up to 9 digits, not {text!r}")
    return int(text)


def _positive_int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}, got {value}")
        return value

    return parse


def _hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of hours: {text!r}") from None
    if not 0 < value <= 744:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 744 (31 days), got {text}")
    return value


def _open(db: str | None, *, create: bool, read_only: bool = False):
    from store import open_store

    return open_store(db or default_store_path(), create=create, read_only=read_only)


def _progress_printer(label: str):
    """A one-line progress display on a terminal (nothing when stderr is not one)."""
    if not sys.stderr.isatty():
        return None
    from domain.time import format_instant

    def show(reached: int, end: int) -> None:
        sys.stderr.write(f"\r{label}: {format_instant(reached)} of {format_instant(end)}   ")
        sys.stderr.flush()

    return show


# --- commands ------------------------------------------------------------------------------------------------


def command_simulate(args: argparse.Namespace) -> int:
    from app.demo_fleet import seed_history
    from app.fleet_index import open_index, save_snapshot
    from domain.time import format_instant, now_micros

    store = _open(args.db, create=True)
    try:
        end = args.end if args.end is not None else now_micros()
        summary, _ = seed_history(store, ships=args.ships, hours=args.hours, seed=args.seed, end=end,
                                  progress=_progress_printer("simulating"))
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        save_snapshot(store, open_index(store))
        print(json.dumps({"appended": summary.appended, "duplicates": summary.duplicates, "ships": summary.ships,
                          "from": format_instant(summary.start), "to": format_instant(summary.end),
                          "seconds": round(summary.seconds, 2)}))
    finally:
        store.close()
    return EXIT_OK


def command_state(args: argparse.Namespace) -> int:
    from app.documents import state_document
    from app.fleet_index import open_index

    store = _open(args.db, create=False, read_only=True)
    try:
        index = open_index(store)
        ships = index.ships_at(args.at, args.known_at)
    finally:
        store.close()
    document = state_document(ships, args.at, args.known_at)
    if args.json:
        print(json.dumps(document))
        return EXIT_OK
    print(f"{len(document['ships'])} ships at {document['at']}"
          + (f" as known at {document['known_at']}" if document["known_at"] else ""))
    for ship in document["ships"]:
        speed = "—" if ship["sog"] is None else f"{ship['sog']:.1f} kn"
        print(f"{ship['mmsi']:>9}  {(ship['name'] or '?')[:20]:<20}  {ship['lat']:>10.5f} {ship['lon']:>11.5f}  "
              f"{speed:>8}  {ship['nav_status'] or ''}")
    return EXIT_OK


def command_history(args: argparse.Namespace) -> int:
    from app.documents import event_document, history_document
    from domain.events import ship_stream
    from domain.time import format_instant

    store = _open(args.db, create=False, read_only=True)
    try:
        events = list(store.read_stream(ship_stream(args.ship), occurred_from=args.from_, occurred_to=args.to))
    finally:
        store.close()
    if args.json:
        print(json.dumps(history_document(args.ship, events)))
        return EXIT_OK
    print(f"ship {args.ship}: {len(events)} events")
    for recorded in events:
        document = event_document(recorded)
        fields = ", ".join(f"{k}={v}" for k, v in document["payload"].items() if v is not None and k != "mmsi")
        print(f"{recorded.position:>9}  {format_instant(recorded.occurred_at)}  {recorded.type:<20} {fields}")
    return EXIT_OK


def command_verify(args: argparse.Namespace) -> int:
    store = _open(args.db, create=False, read_only=True)
    try:
        report = store.verify()
    finally:
        store.close()
    if args.json:
        print(json.dumps(report.as_json()))
    elif report.ok:
        print(f"ok: {report.events:,} events, head position {report.head_position}, head hash {report.head_hash.hex()}")
    if not report.ok:
        where = f" at position {report.first_bad_position}" if report.first_bad_position else ""
        print(f"error: the log does not verify{where}: {report.problem}", file=sys.stderr)
        return EXIT_BROKEN_CHAIN
    return EXIT_OK


def command_gui(args: argparse.Namespace) -> int:
    from app.console_session import ConsoleSession, DemoFleetSpec

    location = args.db or default_store_path()
    session = ConsoleSession(location, demo=DemoFleetSpec(DEMO_SHIPS, DEMO_HOURS), live=args.screenshot is None)
    if args.screenshot is not None and args.db is not None:
        _open(args.db, create=True).close()  # a bad --db fails here, as one line, before any window
    from ui.gui import launch

    return launch(session, at=args.at, screenshot=args.screenshot, ship=args.ship, panel=args.panel)


# --- parsing -------------------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        raise CommandError(f"{self.prog}: {message}", EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fleet-logbook", description="Fleet Logbook: watch a fleet live, scrub its past, prove it.")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    gui = commands.add_parser("gui", help="open the operator console (the default command)")
    gui.add_argument("--db", help="store file or sqlite:/// URL (default: the user data folder)")
    gui.add_argument("--at", type=_instant, help="show the fleet at this moment (ISO 8601) instead of live")
    gui.add_argument("--screenshot", type=Path, help="render the window offscreen to this PNG and exit")
    gui.add_argument("--ship", type=_mmsi, help="select this ship (MMSI)")
    gui.add_argument("--panel", choices=("detail", "events"), help="bring this dock to the front")
    gui.set_defaults(run=command_gui)

    simulate = commands.add_parser("simulate", help="write a simulated fleet's history into a store")
    simulate.add_argument("--db", required=True)
    simulate.add_argument("--ships", type=_positive_int(50, 1000), default=DEMO_SHIPS)
    simulate.add_argument("--hours", type=_hours, default=DEMO_HOURS)
    simulate.add_argument("--seed", type=_positive_int(0, 2**31 - 1), default=1)
    simulate.add_argument("--end", type=_instant, help="when the history ends (default: now)")
    simulate.set_defaults(run=command_simulate)

    state = commands.add_parser("state", help="the fleet at a moment")
    state.add_argument("--db", required=True)
    state.add_argument("--at", type=_instant, required=True)
    state.add_argument("--known-at", dest="known_at", type=_instant, help="only what the log had recorded by then")
    state.add_argument("--json", action="store_true")
    state.set_defaults(run=command_state)

    history = commands.add_parser("history", help="one ship's events in log order")
    history.add_argument("--db", required=True)
    history.add_argument("--ship", type=_mmsi, required=True, help="the ship's MMSI")
    history.add_argument("--from", dest="from_", type=_instant)
    history.add_argument("--to", type=_instant)
    history.add_argument("--json", action="store_true")
    history.set_defaults(run=command_history)

    verify = commands.add_parser("verify", help="recompute the hash chain and check the store")
    verify.add_argument("--db", required=True)
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(run=command_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=os.environ.get("FLEET_LOGBOOK_LOG", "WARNING"), format="%(levelname)s %(name)s: %(message)s")
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0].startswith("--") and arguments[0] not in ("--help", "-h"):
        arguments = ["gui", *arguments]
    from domain.errors import DomainError
    from store import StoreError

    try:
        args = build_parser().parse_args(arguments)
        return args.run(args)
    except BrokenPipeError:  # the reader went away (e.g. `| head`): not an error of ours
        sys.stderr.close()
        return EXIT_OK
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.code
    except (StoreError, DomainError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted: nothing half-written was kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
