"""A console without a window, in a process of its own, for the two-process shared-store test: it opens a
``ConsoleSession`` on a store, prints every event its bus hears as a JSON line, and does what its stdin says
(``note MMSI TEXT``, ``ack ALERT_ID``, ``zone NAME EXPECTED_VERSION``, ``quit``), printing what came of it.

Run as ``python -m tests.app.console_process URL OPERATOR``.
"""
from __future__ import annotations

import json
import sys
import threading

from app.console_session import ConsoleSession
from app.zone_desk import ZonesChanged
from domain.alert_board import AlertError

SQUARE = [(-1.2, 50.7), (-1.1, 50.7), (-1.1, 50.8), (-1.2, 50.8)]
_print_lock = threading.Lock()


def say(document: dict) -> None:
    with _print_lock:
        print(json.dumps(document), flush=True)


def main(url: str, operator: str) -> int:
    session = ConsoleSession(url)
    session.load()
    session.console.operator = operator
    session.service.subscribe(lambda batch: [say({"heard": r.type, "position": r.position,
                                                  "operator": r.metadata.get("operator")}) for r in batch])
    session.start()
    say({"ready": session.service.event_count})
    try:
        for line in sys.stdin:
            command, _, rest = line.strip().partition(" ")
            try:
                if command == "quit":
                    break
                if command == "note":
                    mmsi, _, text = rest.partition(" ")
                    session.console.logbook.add_note(text, mmsi=int(mmsi))
                elif command == "ack":
                    session.console.alerts.acknowledge(rest)
                elif command == "zone":
                    name, _, version = rest.partition(" ")
                    session.console.zones.define(name, "restricted", SQUARE, expected_version=int(version))
                say({"did": command, "ok": True})
            except (AlertError, ZonesChanged) as error:
                say({"did": command, "ok": False, "error": str(error)})
    finally:
        session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
