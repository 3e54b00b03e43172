"""Hostile names in CSV and JSON reports, through the real service on a real store: a spreadsheet opening the CSV
sees text, never a formula (OWASP's advice on CSV injection), numbers stay numbers, and the JSON keeps every
value exactly and still checks against the log."""
from __future__ import annotations

import csv
import json

import pytest

from app.audit_report import ReportRequest
from app.fleet_service import FleetService
from app.console import Console
from app.report_files import spreadsheet_text, verify_json_report
from domain.time import MICROS_PER_HOUR, now_micros
from store import open_store
from tests.fleet_events import T0, renamed
from tests.hostile_fleet import (CALLSIGN, COMMAND_MMSI, COMMAND_NAME, COMMENT, DESTINATION, HYPERLINK_NAME,
                                 MARKUP_NAME, NAMES, NOTE, OPERATOR, RLO_MMSI, RLO_NAME, ZONE_NAME, hostile_fleet)

EVERYTHING = ReportRequest(T0 - MICROS_PER_HOUR, now_micros() + 24 * MICROS_PER_HOUR)


@pytest.fixture
def service(tmp_path):
    store = open_store(hostile_fleet(tmp_path))
    yield FleetService.open(store)
    store.close()


def csv_rows(path) -> list[dict]:
    """The rows as a strict reader sees them: a quoted cell is text, an unquoted one must be a number."""
    with open(path, newline="", encoding="utf-8") as stream:
        reader = csv.reader(stream, quoting=csv.QUOTE_NONNUMERIC)
        header = next(reader)
        return [dict(zip(header, row)) for row in reader]


@pytest.mark.parametrize(("text", "cell"), [
    ("=1+2", "'=1+2"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("\n=1", "'\n=1"), ("  =1+2", "'  =1+2"), ("\u3000=1", "'\u3000=1"), ("＝1+2", "'＝1+2"),
    ("＠A1", "'＠A1"), ("'quoted", "''quoted"), ("-5", "'-5"),
    ("ATLANTIC STAR", "ATLANTIC STAR"), ("", ""), ("a=1", "a=1"), ("SHIP\u202egnp.exe", "SHIP\u202egnp.exe"),
])
def test_a_text_cell_that_would_start_a_formula_gets_a_leading_quote(text, cell):
    assert spreadsheet_text(text) == cell
    assert (cell[1:] if cell.startswith("'") else cell) == text  # one leading ' removed gives the value back


def test_hostile_names_in_a_csv_report_are_text_and_numbers_stay_numbers(service, tmp_path):
    Console.over(service, operator="kim").reports.export(EVERYTHING, tmp_path / "r.csv", software="test")
    rows = csv_rows(tmp_path / "r.csv")  # would fail on any unquoted cell that is not a number
    names = {row["stream_id"]: row["payload.name"] for row in rows if row["type"] == "ShipRegistered"}
    assert names == {f"ship-{mmsi}": spreadsheet_text(name) for mmsi, name in NAMES.items()}
    assert names[f"ship-{COMMAND_MMSI}"] == "'" + COMMAND_NAME
    assert "'" + HYPERLINK_NAME in names.values() and "'" + MARKUP_NAME not in names.values()
    assert names[f"ship-{RLO_MMSI}"] == RLO_NAME  # text, kept exactly: it starts no formula
    details = [row for row in rows if row["type"] == "ShipDetailsChanged"]
    assert {row["payload.destination"] for row in details} == {"'" + DESTINATION}
    assert {row["payload.callsign"] for row in details} == {CALLSIGN}
    [zone] = [row for row in rows if row["type"] == "ZoneDefined"]
    assert zone["payload.name"] == "'" + ZONE_NAME
    [note] = [row for row in rows if row["type"] == "OperatorNoteAdded"]
    assert note["payload.text"] == "'" + NOTE and note["operator"] == OPERATOR
    [ack] = [row for row in rows if row["type"] == "AlertAcknowledged"]
    assert ack["payload.comment"] == "'" + COMMENT
    positions = [row for row in rows if row["type"] == "PositionReported"]
    assert positions and all(isinstance(row["payload.lon"], float) and row["payload.lon"] < 0 for row in positions)
    assert all(isinstance(row["position"], float) for row in rows)
    formula_starts = set("=+-@\t\r\n＝＋－＠")
    assert not [cell for row in rows for cell in row.values() if isinstance(cell, str)
                and (cell[:1] in formula_starts or cell.lstrip()[:1] in formula_starts)]


def test_the_json_report_keeps_hostile_names_exactly_and_still_verifies(service, tmp_path):
    awkward = "LINE\u2028SEP\u0085NEL\nLF\rCR\u202e\"quote\\"  # line breaks JSON does and does not escape
    service.append([renamed(RLO_MMSI, 50, awkward)])
    Console.over(service, operator="kim").reports.export(EVERYTHING, tmp_path / "r.json", software="test")
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    events = document["events"]
    registered = {event["payload"]["mmsi"]: event["payload"]["name"] for event in events
                  if event["type"] == "ShipRegistered"}
    assert registered == NAMES
    assert [event["payload"]["name"] for event in events
            if event["type"] == "ShipDetailsChanged" and event["payload"].get("name")] == [awkward]
    [zone] = [event for event in events if event["type"] == "ZoneDefined"]
    assert zone["payload"]["name"] == ZONE_NAME
    [note] = [event for event in events if event["type"] == "OperatorNoteAdded"]
    assert note["payload"]["text"] == NOTE and note["metadata"]["operator"] == OPERATOR
    assert "\u202e" in (tmp_path / "r.json").read_text(encoding="utf-8")  # as it is: JSON needs no escape for it
    check = verify_json_report(service.store, tmp_path / "r.json")
    assert check.ok and check.events == len(events), check.problems


def test_the_report_command_writes_and_verifies_a_json_report_of_hostile_names(tmp_path, capsys):
    import main

    store = hostile_fleet(tmp_path)
    out = tmp_path / "hostile.json"
    span = ["--from", "2024-05-01T11:00:00Z", "--to", "2024-05-01T14:00:00Z"]
    assert main.main(["report", "--db", str(store), *span, "--out", str(out)]) == 0
    capsys.readouterr()
    assert main.main(["report", "--db", str(store), "--verify", str(out)]) == 0
    assert capsys.readouterr().out.startswith("ok")
    assert main.main(["report", "--db", str(store), *span, "--zone", ZONE_NAME, "--out", str(tmp_path / "z.csv")]) == 0
    rows = csv_rows(tmp_path / "z.csv")
    assert {row["payload.name"] for row in rows if row["type"] == "ShipRegistered"} == {
        spreadsheet_text(name) for name in NAMES.values()}
