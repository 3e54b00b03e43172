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
from types import ModuleType
from typing import Sequence

from cli import alerts, arguments, diff, exports
from cli import store as store_commands
from cli.arguments import (EXIT_BROKEN_CHAIN, EXIT_ERROR, EXIT_OK, EXIT_USAGE, CommandError,  # noqa: F401  (tests use them)
                           default_store_path)

DEMO_SHIPS, DEMO_HOURS = 200, 24
COMMAND_MODULES: tuple[ModuleType, ...] = (  # the cli modules whose register(commands) adds their commands, in --help order
    exports,
    diff,
    alerts,
    store_commands,
)


# --- commands ------------------------------------------------------------------------------------------------


def command_simulate(args: argparse.Namespace) -> int:
    from app.demo_fleet import seed_history
    from app.fleet_index import open_index, save_snapshot
    from domain.time import format_instant, now_micros

    store = arguments.open_at(args.db, create=True)
    try:
        end = args.end if args.end is not None else now_micros()
        summary, _ = seed_history(store, ships=args.ships, hours=args.hours, seed=args.seed, end=end,
                                  progress=arguments.progress_printer("simulating"))
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
    from cli.progress import index_progress_printer

    store = arguments.open_at(args.db, create=False, read_only=True)
    try:  # Ctrl+C while the index is read stops with exit 130 (main): nothing is written by this command
        index = open_index(store, progress=index_progress_printer("reading the log into the index"))
        if args.format is not None:
            return _write_state(index.state_at(args.at, args.known_at), args)
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


def _write_state(fleet, args: argparse.Namespace) -> int:
    """The fleet at the moment as points (--format geojson|csv), to --out (written whole or not at all) or stdout."""
    from app.atomic_files import atomic_text
    from app.fleet_state_files import WRITERS

    write = WRITERS[args.format]
    if args.out is None:
        write(fleet, sys.stdout, at=args.at, known_at=args.known_at)
        return EXIT_OK
    with atomic_text(args.out) as out:
        ships = write(fleet, out, at=args.at, known_at=args.known_at)
    print(json.dumps({"out": str(args.out), "format": args.format, "ships": ships}))
    return EXIT_OK


def command_history(args: argparse.Namespace) -> int:
    from app.documents import event_document, history_document
    from domain.events import ship_stream
    from domain.time import format_instant

    store = arguments.open_at(args.db, create=False, read_only=True)
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
    store = arguments.open_at(args.db, create=False, read_only=True)
    try:
        if args.forget_witness:
            forgotten = store.forget_witness()
            print(f"forgot the witnessed head {forgotten.text}" if forgotten else "no head was witnessed",
                  file=sys.stderr)
        report = store.verify(expect_head=args.expect_head, full=args.full)
    finally:
        store.close()
    if args.json:
        print(json.dumps(report.as_json()))
    elif report.ok:
        print(f"ok: {report.events:,} events, head {report.head_position}:{report.head_hash.hex()}")
    if not report.ok:
        where = f" at position {report.first_bad_position}" if report.first_bad_position else ""
        print(f"error: the log does not verify{where}: {report.problem}", file=sys.stderr)
        return EXIT_BROKEN_CHAIN
    return EXIT_OK


def _head(text: str):
    from store.head_witness import parse_head

    try:
        return parse_head(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _import_progress_printer():
    """Progress of an import on a terminal: percent, rows, rate and ETA, redrawn at most 4 times a second."""
    if not sys.stderr.isatty():
        return None
    import time

    last = [0.0]

    def show(progress) -> None:
        now = time.monotonic()
        if now - last[0] < 0.25 and progress.bytes_done < progress.bytes_total:
            return
        last[0] = now
        rate = progress.read / progress.seconds if progress.seconds > 0 else 0.0
        eta = (progress.seconds / progress.fraction - progress.seconds) if 0 < progress.fraction < 1 else 0.0
        width = 24
        filled = int(width * progress.fraction)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {progress.fraction:6.1%}  "
                         f"file {progress.file_number}/{progress.files}  {progress.read:,} read  "
                         f"{rate:,.0f}/s  ETA {int(eta) // 60}:{int(eta) % 60:02d}   ")
        sys.stderr.flush()

    return show


def command_import(args: argparse.Namespace) -> int:
    import signal

    from app.ais_import import ImportFailed, ImportOptions, ImportRefused, check_inputs, import_files
    from app.fleet_index import IndexBuildCancelled

    options = ImportOptions(format=args.format, columns=args.columns, assume_start=args.assume_start,
                            rate_hz=args.rate, future_tolerance=int(args.future_tolerance * 1_000_000))
    if (options.assume_start is None) != (options.rate_hz is None):
        raise CommandError("import: --assume-start and --rate go together", EXIT_USAGE)
    stop = {"asked": False}

    def ask_to_stop(signum, frame) -> None:  # first Ctrl+C: finish the batch in hand, then stop
        if stop["asked"]:
            raise KeyboardInterrupt
        stop["asked"] = True

    previous = signal.signal(signal.SIGINT, ask_to_stop)
    try:
        store = arguments.open_at(args.db, create=True)
        following = None
        head_before = store.head().position
        try:
            check_inputs(args.files, options)  # a file that cannot be imported refuses it before the index is read
            following = _index_following_import(store, cancelled=lambda: stop["asked"])
            summary = import_files(store, args.files, options, append=following.append,
                                   progress=_import_progress_printer(), cancelled=lambda: stop["asked"])
            following.save()  # the first state or gui after the import starts from it (a cache: the log stays the truth)
            _save_occurred_spans(store)
        except IndexBuildCancelled:
            _end_progress_line()
            print("interrupted before the import began: nothing was written", file=sys.stderr)
            return 130
        except ImportRefused as error:
            raise CommandError(f"import refused, nothing written: {error}") from None
        except ImportFailed as error:  # what was committed before the error is in the log: say exactly what
            _end_progress_line()
            print(json.dumps(error.summary.to_json()))
            raise CommandError(f"import stopped: {error}. The summary printed says what was committed before it "
                               f"({error.summary.appended:,} events); run the same import again to complete it") from None
        except KeyboardInterrupt:  # a second Ctrl+C: stopped at once, the batch in hand rolled back
            _end_progress_line()
            print(f"interrupted at once: {_grown_since(store, head_before)}; the batch in hand was rolled back. "
                  "Run the same import again to complete it", file=sys.stderr)
            return 130
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the import has ended: a Ctrl+C now would cut its summary
            if following is not None:
                following.close()  # its files on disk, when the import ended before saving the snapshot
            store.close()
        _end_progress_line()
        print(json.dumps(summary.to_json()))
        for ended in summary.ended_early:
            print(f"error: {ended}; run the import again on the whole file to complete it", file=sys.stderr)
        if summary.cancelled:
            return 130
        return EXIT_ERROR if summary.ended_early else EXIT_OK
    finally:
        signal.signal(signal.SIGINT, previous)


def _save_occurred_spans(store) -> None:
    """Leave the time spans of the blocks the import filled, so the event log's first search of a time
    window in a later session skips the blocks they rule out (a cache: not saving it is no error)."""
    from store import StoreError

    try:
        store.save_occurred_spans()
    except StoreError as error:
        print(f"note: the spans of the log's blocks were not saved: {error}", file=sys.stderr)


def _grown_since(store, head_before: int) -> str:
    """What the log holds beyond ``head_before``, read back from the store (the batches committed before an
    import was stopped at once: exact however far its own count had got)."""
    from store import StoreError

    try:
        grown = store.head().position - head_before
    except StoreError as error:
        return f"what was committed could not be read back ({error})"
    return f"the log holds {grown:,} more events than before the import (the batches it committed)"


def _index_following_import(store, *, cancelled):
    """The index an import keeps up with its appends and leaves as the snapshot (from the store's snapshot,
    caught up to the head, with progress on a terminal)."""
    from app.import_index import ImportIndex
    from cli.progress import index_progress_printer

    return ImportIndex(store, progress=index_progress_printer("catching up the index"), cancelled=cancelled)


def _end_progress_line() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\n")


def command_listen(args: argparse.Namespace) -> int:
    from app.live_ingest import LiveIngest
    from app.live_spool import write_problem
    from feeds.network import FeedAddressError, TcpFeed, UdpFeed, parse_address
    from store.opening import store_path

    try:
        feed = (UdpFeed(*parse_address(args.udp)) if args.udp is not None
                else TcpFeed(*parse_address(args.tcp, default_host=None)))
    except FeedAddressError as error:
        raise CommandError(f"listen: {error}", EXIT_USAGE) from None
    path = store_path(args.db or default_store_path())
    problem = None if path is None else write_problem(path)
    if problem is not None:
        raise CommandError(f"listen: {problem}: a listener needs a store it can append to; nothing was received")
    store = arguments.open_at(args.db, create=True)
    try:
        ingest = LiveIngest(feed, store, spool_limit_bytes=int(args.spool_limit * 1024 * 1024),
                            merge_window_s=args.merge_window,
                            notice=lambda text: print(f"listen: {text}", file=sys.stderr, flush=True))
        ingest.open()
        print(f"{feed.status}; Ctrl+C stops", file=sys.stderr)

        def tick(stats) -> None:
            figures = stats.to_json()
            print(f"{feed.status}: {figures['lines']:,} lines ({figures['lines_per_s']:.1f}/s), "
                  f"{figures['appended']:,} appended, {figures['quarantined']:,} quarantined"
                  + (f", {figures['spooled']:,} spooled" if figures["spooled"] else ""), file=sys.stderr)

        try:
            stats = ingest.run(args.duration, on_tick=tick)
        except KeyboardInterrupt:
            stats = ingest.stats
    finally:
        store.close()
    print(json.dumps(stats.to_json()))
    return EXIT_OK if stats.complete else EXIT_ERROR


def command_report(args: argparse.Namespace) -> int:
    if args.verify is not None:
        return _verify_report(args)
    from app.audit_report import SECTIONS, ReportError, ReportRequest
    from app.console import Console
    from app.fleet_service import FleetService
    from app.report_changes import changes_csv_path
    from app.report_files import alerts_csv_path
    from app.report_export import report_format
    from app.version import app_version
    from cli.progress import index_progress_printer

    if args.from_ is None or args.to is None or args.out is None:
        raise CommandError("report: --from, --to and --out are required (or --verify FILE.json)", EXIT_USAGE)
    try:
        fmt = report_format(args.out)
        if args.sections is not None and fmt != "pdf":
            raise ReportError("--sections chooses the parts of a PDF report; CSV and JSON reports are always whole")
        sections = SECTIONS if args.sections is None else [part.strip() for part in args.sections.split(",") if part.strip()]
        request = ReportRequest(args.from_, args.to, tuple(args.ship or ()), args.zone, frozenset(sections))
    except ReportError as error:
        raise CommandError(f"report: {error}", EXIT_USAGE) from None
    renderers = {}
    if fmt == "pdf":
        from pdf_report.render import ensure_gui_application, render_pdf

        ensure_gui_application()
        renderers["pdf"] = render_pdf
    store = arguments.open_at(args.db, create=False, read_only=args.read_only)
    try:
        service = FleetService.open(store, progress=index_progress_printer("reading the log into the index"))
        result = Console.over(service).reports.export(request, args.out, software=f"Fleet Logbook {app_version()}", renderers=renderers)
    finally:
        store.close()
    alerts_csv = alerts_csv_path(result.path)  # written beside a CSV report that holds alerts
    print(json.dumps({"out": str(result.path), "format": result.format, "events": result.events,
                      "ships": result.ships, "sha256": result.sha256, "head_hash": result.head_hash,
                      "logged_at_position": result.logged_at_position,
                      **({"changes_out": str(changes_csv_path(result.path))} if result.format == "csv" else {}),
                      **({"alerts_out": str(alerts_csv)} if result.format == "csv" and alerts_csv.exists() else {})}))
    return EXIT_OK


def _verify_report(args: argparse.Namespace) -> int:
    from app.report_files import verify_json_report

    store = arguments.open_at(args.db, create=False, read_only=True)
    try:
        check = verify_json_report(store, args.verify)
    finally:
        store.close()
    if args.json:
        print(json.dumps(check.as_json()))
    elif check.ok:
        print(f"ok: the report's {check.events:,} events match the log, and its chain head is in the log")
    if not check.ok:
        for problem in check.problems:
            print(f"error: {problem}", file=sys.stderr)
        if check.more_problems:
            print(f"error: … and {check.more_problems:,} more", file=sys.stderr)
        return EXIT_BROKEN_CHAIN
    return EXIT_OK


def command_zones(args: argparse.Namespace) -> int:
    from app.operator import default_operator
    from app.zone_desk import ZonesChanged, add_zones, zones_in_force
    from domain.rules import InvalidZoneFile

    if args.action == "add":
        store = arguments.open_at(args.db, create=True)
        try:
            appended = add_zones(store, args.file, replace=args.replace, operator=default_operator())
        except (InvalidZoneFile, ZonesChanged) as error:
            raise CommandError(f"zones add: {error}") from None
        finally:
            store.close()
        print(json.dumps({"appended": len(appended),
                          "zones": sorted({r.event.name for r in appended if r.type == "ZoneDefined"}),
                          "removed": sorted(r.event.name for r in appended if r.type == "ZoneRemoved")}))
        return EXIT_OK
    store = arguments.open_at(args.db, create=False, read_only=True)
    try:
        zones = zones_in_force(store)
    finally:
        store.close()
    if args.json:
        print(json.dumps({"zones": [{"name": z.name, "kind": z.kind, "speed_limit_kn": z.speed_limit_kn,
                                     "bounds": list(z.bounds)} for z in zones]}))
    else:
        for zone in zones:
            limit = f", limit {zone.speed_limit_kn:g} kn" if zone.speed_limit_kn is not None else ""
            print(f"{zone.name}  ({zone.kind}{limit})")
    return EXIT_OK


def command_rules(args: argparse.Namespace) -> int:
    from app.rules import RuleSettingsError, load_rule_settings, replay_rules

    try:
        settings = load_rule_settings(args.settings)
    except RuleSettingsError as error:
        raise CommandError(f"rules: {error}") from None
    store = arguments.open_at(args.db, create=False)
    try:
        summary = replay_rules(store, settings, since=args.from_)
    finally:
        store.close()
    print(json.dumps(summary.to_json()))
    return EXIT_OK


def command_quarantine(args: argparse.Namespace) -> int:
    from domain.time import format_instant

    store = arguments.open_at(args.db, create=False, read_only=True)
    try:
        records = store.quarantined(limit=args.limit)
    finally:
        store.close()
    for record in records:
        if args.json:
            print(json.dumps({"id": record.id, "source": record.source, "line": record.line, "field": record.field,
                              "reason": record.reason, "raw": record.raw,
                              "quarantined_at": format_instant(record.quarantined_at)}))
        else:
            where = f"{record.source}:{record.line}" if record.line is not None else record.source
            field = f" [{record.field}]" if record.field else ""
            print(f"{where}{field}: {record.reason}\n    {record.raw}")
    return EXIT_OK


def _is_default_store(db: str | None) -> bool:
    """True for the store ``make run`` opens (no --db, or a --db naming that same file): the demo store."""
    if db is None:
        return True
    if db.startswith("sqlite:") or db == ":memory:":
        return False
    return Path(db).expanduser().resolve() == default_store_path().resolve()


def command_gui(args: argparse.Namespace) -> int:
    from ui.qt_requirements import QtCannotStart, check_display, check_qt_libraries

    try:  # before anything loads Qt: one line saying what to do, not Qt's abort
        check_display(screenshot=args.screenshot is not None)
        check_qt_libraries(screenshot=args.screenshot is not None)
    except QtCannotStart as error:
        raise CommandError(str(error)) from None
    from app.console_session import ConsoleSession, DemoFleetSpec
    from app.job_log import open_job_log
    from app.version import app_version
    from ui.report_dialog import pdf_renderers

    if args.demo and args.read_only:
        raise CommandError("--demo writes a simulated fleet into the store; it cannot go with --read-only", EXIT_USAGE)
    # The demo fleet goes only into the default store (the demo store) or where --demo asks for it: never into
    # a user's store as a side effect, since an append-only log can never be rid of it.
    wants_demo = (args.demo or _is_default_store(args.db)) and not args.read_only
    if args.demo:
        _check_room_for_demo(args.db or default_store_path())
    location = args.db or default_store_path()
    job_log = open_job_log() if args.screenshot is None else None  # the scheduled jobs' runs and failures
    session = ConsoleSession(location, read_only=args.read_only,
                             demo=DemoFleetSpec(DEMO_SHIPS, DEMO_HOURS) if wants_demo else None,
                             live=args.screenshot is None, renderers=pdf_renderers(),
                             software=f"Fleet Logbook {app_version()}",
                             log_file=None if job_log is None else job_log.path)
    try:
        if args.screenshot is not None and args.db is not None:
            # a bad --db fails here, as one line, before any window
            arguments.open_at(args.db, create=not args.read_only, read_only=args.read_only).close()
        from ui.gui import launch

        return launch(session, at=args.at, screenshot=args.screenshot, ship=args.ship, panel=args.panel,
                      mark=args.mark, view=args.view)
    finally:
        if job_log is not None:
            job_log.close()


def _check_room_for_demo(location: str | Path) -> None:
    from app.demo_fleet import DemoFleetRefused, check_room_for_demo

    store = arguments.open_at(str(location), create=True)
    try:
        check_room_for_demo(store)
    except DemoFleetRefused as error:
        raise CommandError(f"{error}; open it without --demo, or give --demo a new file") from None
    finally:
        store.close()


# --- parsing -------------------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        raise CommandError(f"{self.prog}: {message}", EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    from feeds.formats import FORMATS

    parser = _Parser(prog="fleet-logbook", description="Fleet Logbook: watch a fleet live, scrub its past, prove it.")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    gui = commands.add_parser("gui", help="open the operator console (the default command)")
    gui.add_argument("--db", help="store file or sqlite:/// URL (default: the user data folder)")
    gui.add_argument("--at", type=arguments.instant, help="show the fleet at this moment (ISO 8601) instead of live")
    gui.add_argument("--screenshot", type=Path, help="render the window offscreen to this PNG and exit")
    gui.add_argument("--ship", type=arguments.mmsi, help="select this ship (MMSI)")
    gui.add_argument("--panel", choices=("detail", "events", "alerts", "zones", "changes"),
                     help="bring this dock to the front")
    gui.add_argument("--mark", type=arguments.instant, help="mark this moment: the Changes dock and the map show "
                                                             "what changed from it to the moment shown")
    gui.add_argument("--view", type=arguments.view_box, metavar="WEST,SOUTH,EAST,NORTH",
                     help="show this part of the map (degrees; --view=-6,48.5,3,51.8 when west is negative) instead of framing the fleet")
    gui.add_argument("--read-only", dest="read_only", action="store_true",
                     help="auditor mode: open the store read-only; nothing can be appended")
    gui.add_argument("--demo", action="store_true",
                     help=f"fill an empty store with the demo fleet ({DEMO_SHIPS} simulated ships, {DEMO_HOURS} h, "
                          "then live); only the default store gets it without asking")
    gui.set_defaults(run=command_gui)

    simulate = commands.add_parser("simulate", help="write a simulated fleet's history into a store")
    simulate.add_argument("--db", required=True)
    simulate.add_argument("--ships", type=arguments.positive_int(50, 1000), default=DEMO_SHIPS)
    simulate.add_argument("--hours", type=arguments.hours, default=DEMO_HOURS)
    simulate.add_argument("--seed", type=arguments.positive_int(0, 2**31 - 1), default=1)
    simulate.add_argument("--end", type=arguments.instant, help="when the history ends (default: now)")
    simulate.set_defaults(run=command_simulate)

    state = commands.add_parser("state", help="the fleet at a moment")
    state.add_argument("--db", required=True)
    state.add_argument("--at", type=arguments.instant, required=True)
    state.add_argument("--known-at", dest="known_at", type=arguments.instant, help="only what the log had recorded by then")
    state.add_argument("--json", action="store_true")
    state.add_argument("--format", choices=("geojson", "csv"), help="the fleet as points: GeoJSON or CSV")
    state.add_argument("--out", type=Path, help="with --format: write this file (default: standard output)")
    state.set_defaults(run=command_state)

    history = commands.add_parser("history", help="one ship's events in log order")
    history.add_argument("--db", required=True)
    history.add_argument("--ship", type=arguments.mmsi, required=True, help="the ship's MMSI")
    history.add_argument("--from", dest="from_", type=arguments.instant)
    history.add_argument("--to", type=arguments.instant)
    history.add_argument("--json", action="store_true")
    history.set_defaults(run=command_history)

    verify = commands.add_parser("verify", help="recompute the hash chain and check the store")
    verify.add_argument("--db", required=True)
    verify.add_argument("--json", action="store_true")
    verify.add_argument("--expect-head", dest="expect_head", type=_head, metavar="POSITION:HASH",
                        help="also check that the log holds this head (e.g. the chain head printed on a report)")
    verify.add_argument("--full", action="store_true",
                        help="SQLite's full integrity check (every index against its table; slow on a large store)"
                             " instead of its quick check")
    verify.add_argument("--forget-witness", dest="forget_witness", action="store_true",
                        help="forget the head witnessed for this store (it was replaced on purpose), then verify")
    verify.set_defaults(run=command_verify)
    importing = commands.add_parser("import", help="import AIS files (NMEA, NOAA/DMA/other CSV; gzip and zip too)")
    importing.add_argument("files", nargs="+", metavar="FILE")
    importing.add_argument("--db", required=True)
    importing.add_argument("--format", choices=FORMATS, default="auto", help="override format detection")
    importing.add_argument("--columns", type=arguments.column_mapping, help="CSV columns by hand: time=Header,lat=Y,...")
    importing.add_argument("--assume-start", dest="assume_start", type=arguments.instant,
                           help="for NMEA files with no times: the time of the first sentence")
    importing.add_argument("--rate", type=arguments.rate, help="for NMEA files with no times: sentences per second")
    importing.add_argument("--future-tolerance", dest="future_tolerance", type=float, default=300.0,
                           metavar="SECONDS", help="reject reports timed more than this after the clock (default 300)")
    importing.set_defaults(run=command_import)

    listen = commands.add_parser("listen", help="ingest live NMEA from an AIS receiver over UDP or TCP")
    listen.add_argument("--db", required=True)
    source = listen.add_mutually_exclusive_group(required=True)
    source.add_argument("--udp", metavar="[HOST:]PORT", help="listen for datagrams (host 127.0.0.1 unless given)")
    source.add_argument("--tcp", metavar="HOST:PORT", help="connect to an NMEA server (reconnects with backoff)")
    listen.add_argument("--duration", type=float, metavar="S", help="stop after this many seconds")
    listen.add_argument("--spool-limit", type=arguments.megabytes, metavar="MB", default=256.0,
                        help="bound of the spool beside the store that keeps received lines until they are in "
                             "the log (default 256 MB)")
    listen.add_argument("--merge-window", type=arguments.seconds_window, metavar="S", default=2.0,
                        help="a position report that several stations (tag block s:) heard within this many "
                             "seconds is one report naming them all (default 2; 0 keeps every copy)")
    listen.set_defaults(run=command_listen)

    report = commands.add_parser("report", help="export an audit report (PDF, CSV or JSON by the --out suffix), "
                                                "or check a JSON report against the log (--verify)")
    report.add_argument("--db", required=True)
    report.add_argument("--from", dest="from_", type=arguments.instant, help="start of the range (occurred_at, ISO 8601)")
    report.add_argument("--to", type=arguments.instant, help="end of the range (inclusive)")
    report.add_argument("--ship", type=arguments.mmsi, action="append", help="only this ship (repeat for more)")
    report.add_argument("--zone", help="only events in this zone (zones are defined in the log)")
    report.add_argument("--out", type=Path, help="the report file: .pdf, .csv or .json")
    report.add_argument("--sections", metavar="LIST",
                        help="the parts of a PDF to draw, of summary,map,ships,listing (default: all; the title page "
                             "and the integrity section are always drawn)")
    report.add_argument("--read-only", dest="read_only", action="store_true",
                        help="open the store read-only (the export is then not logged)")
    report.add_argument("--verify", type=Path, metavar="FILE.json", help="check a JSON report against the log")
    report.add_argument("--json", action="store_true", help="with --verify: the result as JSON")
    report.set_defaults(run=command_report)

    zones = commands.add_parser("zones", help="zones the rules watch: add them from GeoJSON, list them")
    zone_actions = zones.add_subparsers(dest="action", required=True, parser_class=_Parser)
    zones_add = zone_actions.add_parser("add", help="add (or update) the zones of a GeoJSON file")
    zones_add.add_argument("file", type=Path, metavar="FILE.geojson")
    zones_add.add_argument("--db", required=True)
    zones_add.add_argument("--replace", action="store_true", help="also remove the zones the file no longer has")
    zones_add.set_defaults(run=command_zones)
    zones_list = zone_actions.add_parser("list", help="the zones in force")
    zones_list.add_argument("--db", required=True)
    zones_list.add_argument("--json", action="store_true")
    zones_list.set_defaults(run=command_zones)

    rules = commands.add_parser("rules", help="run the alert rules over the log")
    rule_actions = rules.add_subparsers(dest="action", required=True, parser_class=_Parser)
    replay = rule_actions.add_parser("replay", help="raise the alerts history calls for (never twice)")
    replay.add_argument("--db", required=True)
    replay.add_argument("--from", dest="from_", type=arguments.instant, help="append only alerts raised from then on")
    replay.add_argument("--settings", type=Path, help="thresholds file (default: rules.toml in the config folder)")
    replay.set_defaults(run=command_rules)

    quarantined = commands.add_parser("quarantine", help="list the records set aside by imports and feeds")
    quarantined.add_argument("--db", required=True)
    quarantined.add_argument("--limit", type=arguments.positive_int(1, 10**9))
    quarantined.add_argument("--json", action="store_true")
    quarantined.set_defaults(run=command_quarantine)
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    level = os.environ.get("FLEET_LOGBOOK_LOG", "WARNING")
    existing = set(logging.getLogger().handlers)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for handler in set(logging.getLogger().handlers) - existing:  # the job log's run records (INFO) stay off stderr
        handler.setLevel(level)
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0].startswith("--") and arguments[0] not in ("--help", "-h"):
        arguments = ["gui", *arguments]
    from domain.errors import DomainError
    from store import DamagedStoreError, StoreError

    try:
        args = build_parser().parse_args(arguments)
        return args.run(args)
    except BrokenPipeError:  # the reader went away (e.g. `| head`): not an error of ours
        sys.stderr.close()
        return EXIT_OK
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.code
    except DamagedStoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BROKEN_CHAIN
    except (StoreError, DomainError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted: nothing half-written was kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
