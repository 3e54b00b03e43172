"""The ``alerts`` command: the alert board at a moment, and an operator's acknowledgements and suppressions.

``alerts --db DB --at ISO [--known-at ISO] [--json] [--all]`` lists the alerts standing at a moment (active,
or rectified and still unacknowledged; ``--all`` adds those back to normal) with their IEC 62923 state;
``alerts ack --db DB ALERT_ID... --comment TEXT`` acknowledges (all of them in one append, or none);
``alerts suppress --db DB --ship MMSI --minutes N --reason TEXT [--type TYPE]`` acknowledges a ship's alerts
and those raised in the next N minutes. What is appended is signed with ``--operator`` (default: the user).
"""
from __future__ import annotations

import argparse
import json
from typing import Any

from cli import arguments
from cli.arguments import EXIT_OK, EXIT_USAGE, CommandError

_MAX_MINUTES = 24 * 60


def register(commands: Any) -> None:
    alerts = commands.add_parser("alerts", help="the alerts at a moment; acknowledge or suppress them")
    alerts.add_argument("--db", dest="board_db", help="the store")
    alerts.add_argument("--at", type=arguments.instant, help="the moment (ISO 8601)")
    alerts.add_argument("--known-at", type=arguments.instant, help="only what the log had recorded by then")
    alerts.add_argument("--all", action="store_true", help="also the alerts back to normal")
    alerts.add_argument("--json", action="store_true")
    alerts.set_defaults(run=command_alerts)
    actions = alerts.add_subparsers(dest="action", parser_class=type(alerts))
    ack = actions.add_parser("ack", help="acknowledge alerts (all of them or none)")
    ack.add_argument("--db", required=True)
    ack.add_argument("alert_ids", nargs="+", metavar="ALERT_ID")
    ack.add_argument("--comment", required=True)
    ack.add_argument("--operator", help="who acknowledges (default: the user)")
    ack.set_defaults(run=command_ack)
    suppress = actions.add_parser("suppress", help="acknowledge a ship's alerts and suppress them for N minutes")
    suppress.add_argument("--db", required=True)
    suppress.add_argument("--ship", required=True, type=arguments.mmsi)
    suppress.add_argument("--minutes", required=True, type=arguments.positive_int(1, _MAX_MINUTES))
    suppress.add_argument("--reason", required=True)
    suppress.add_argument("--type", dest="alert_type", help="only alerts of this type (e.g. CloseQuarters)")
    suppress.add_argument("--operator", help="who suppresses (default: the user)")
    suppress.set_defaults(run=command_suppress)


def alert_document(alert, names: dict[int, str | None]) -> dict[str, Any]:
    from domain.time import format_instant

    def moment(value: int | None) -> str | None:
        return None if value is None else format_instant(value)

    return {"alert_id": alert.alert_id, "type": alert.type,
            "ships": [{"mmsi": mmsi, "name": names.get(mmsi)} for mmsi in alert.ships or (alert.mmsi,)],
            "priority": alert.priority, "state": alert.state, "summary": alert.summary,
            "raised_at": moment(alert.raised_at), "escalated_at": moment(alert.escalated_at),
            "acknowledged_at": moment(alert.acknowledged_at), "acknowledged_by": alert.acknowledged_by,
            "comment": alert.comment, "responsible": alert.responsible,
            "rectified_at": moment(alert.rectified_at), "rectified_reason": alert.rectified_reason}


def command_alerts(args: argparse.Namespace) -> int:
    from app.alerts import AlertLog
    from app.fleet_index import open_index
    from domain.alert_board import counts_by_state
    from domain.time import format_instant

    if args.board_db is None or args.at is None:
        raise CommandError("alerts: --db and --at are needed to list the alerts at a moment "
                           "(or: alerts ack ..., alerts suppress ...)", EXIT_USAGE)
    store = arguments.open_at(args.board_db, create=False, read_only=True)
    try:
        log = AlertLog(store)
        board = log.alerts_at(args.at, args.known_at)
        names = {ship.mmsi: ship.name for ship in open_index(store).ships_at(args.at, args.known_at)}
    finally:
        store.close()
    shown = board if args.all else [alert for alert in board if alert.state != "normal"]
    counts = counts_by_state(board)
    alerts = [alert_document(alert, names) for alert in shown]
    when = format_instant(args.at)
    known = None if args.known_at is None else format_instant(args.known_at)
    if args.json:
        print(json.dumps({"at": when, "known_at": known, "counts": counts, "alerts": alerts}))
        return EXIT_OK
    print(f"{len(shown)} alerts at {when}" + (f" as known at {known}" if known else "")
          + " (" + ", ".join(f"{n} {state}" for state, n in counts.items() if n) + ")")
    for alert in alerts:
        ships = " & ".join(str(ship["mmsi"]) for ship in alert["ships"])
        print(f"{alert['raised_at']}  {alert['priority']:<9} {alert['state']:<34} {ships:<19} {alert['alert_id']}")
    return EXIT_OK


def _operator(args: argparse.Namespace) -> str:
    from app.operator import default_operator

    return (args.operator or "").strip() or default_operator()


def command_ack(args: argparse.Namespace) -> int:
    from app.alerts import AlertLog
    from domain.alert_board import AlertError

    store = arguments.open_at(args.db, create=False)
    try:
        try:
            acknowledged = AlertLog(store).acknowledge_all(args.alert_ids, _operator(args), args.comment)
        except AlertError as error:
            raise CommandError(f"alerts ack: nothing acknowledged: {error}") from None
    finally:
        store.close()
    print(json.dumps({"acknowledged": [r.event.alert_id for r in acknowledged],  # type: ignore[attr-defined]
                      "positions": [r.position for r in acknowledged]}))
    return EXIT_OK


def command_suppress(args: argparse.Namespace) -> int:
    from app.alerts import AlertLog
    from domain.time import format_instant

    if not args.reason.strip():
        raise CommandError("alerts suppress: --reason must say why", EXIT_USAGE)
    store = arguments.open_at(args.db, create=False)
    try:
        recorded = AlertLog(store).suppress(args.ship, args.minutes, args.reason, _operator(args),
                                            alert_type=args.alert_type)
    finally:
        store.close()
    event = recorded.event
    print(json.dumps({"ship": args.ship, "type": args.alert_type, "until": format_instant(event.until),  # type: ignore
                      "position": recorded.position}))
    return EXIT_OK
