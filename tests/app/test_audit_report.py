"""Audit reports through the real store: content, CSV and JSON files, the logged export, checking a report
against the log, and tampering caught by both."""
from __future__ import annotations

import csv
import json
import shutil
import sqlite3

import pytest

from app.audit_report import (STATUS_CHANGES_KEPT, ReportError, ReportRequest, build_report, count_status_changes,
                              distance_sailed_nm, sample_track, status_changes, time_by_state)
from app.console import Console
from app.fleet_service import FleetService
from app.report_files import verify_json_report
from domain.time import MICROS_PER_HOUR, MICROS_PER_MINUTE, parse_instant
from domain.tracks import Track
from store import open_store
from tests.fleet_events import MINUTE, T0, range_zone_file, registered, report

import numpy as np

END = parse_instant("2026-03-01T12:00:00Z")


@pytest.fixture(scope="module")
def fleet_path(tmp_path_factory):
    from app.demo_fleet import seed_history

    path = tmp_path_factory.mktemp("audit") / "fleet.sqlite"
    with open_store(path) as store:
        seed_history(store, ships=50, hours=3, seed=3, end=END)
    return path


@pytest.fixture
def console(fleet_path, tmp_path):
    copy = tmp_path / "fleet.sqlite"
    shutil.copy(fleet_path, copy)
    store = open_store(copy)
    console = Console.over(FleetService.open(store), operator="kim")
    yield console
    store.close()


def window(hours_before_end: float = 2, length_hours: float = 1) -> ReportRequest:
    start = END - round(hours_before_end * MICROS_PER_HOUR)
    return ReportRequest(start, start + round(length_hours * MICROS_PER_HOUR))


def in_range(console, request: ReportRequest, streams=None):
    return [r for r in console.fleet.store.read_all(occurred_from=request.start, occurred_to=request.end)
            if streams is None or r.stream_id in streams]


def test_the_report_counts_what_occurred_in_its_range_and_names_the_log_positions(console):
    request = window()
    content = build_report(console.fleet, console.alerts, request, generated_by="kim", software="test")
    events = in_range(console, request)
    assert content.events == len(events) and sum(content.events_by_type.values()) == len(events)
    assert content.integrity.first_position == events[0].position
    assert content.integrity.last_position == events[-1].position
    assert content.integrity.first_hash == events[0].hash.hex() and content.integrity.verified
    assert content.integrity.head_hash == console.fleet.store.head().hash.hex()
    assert [r.position for r in content.listing()] == [r.position for r in events]
    assert 40 <= len(content.ships) <= 50 and all(ship.reports > 0 for ship in content.ships)


def test_a_report_for_chosen_ships_covers_only_their_events(console):
    request = window()
    mmsis = tuple(console.fleet.ships_reporting(request.start, request.end)[:2])
    chosen = ReportRequest(request.start, request.end, mmsis)
    content = build_report(console.fleet, console.alerts, chosen, generated_by="kim", software="test")
    streams = {f"ship-{mmsi}" for mmsi in mmsis}
    assert [s.mmsi for s in content.ships] == list(mmsis)
    assert {r.stream_id for r in content.listing()} == streams
    assert content.events == len(in_range(console, request, streams))


def test_unknown_ships_zones_and_backward_ranges_are_refused_with_reasons(console):
    request = window()
    with pytest.raises(ReportError, match="999999999"):
        build_report(console.fleet, console.alerts, ReportRequest(request.start, request.end, (999999999,)), generated_by="k", software="t")
    with pytest.raises(ReportError, match="zone"):
        build_report(console.fleet, console.alerts, ReportRequest(request.start, request.end, zone="Solent"), generated_by="k", software="t")
    with pytest.raises(ReportError, match="before it starts"):
        ReportRequest(request.end, request.start)
    with pytest.raises(ReportError, match="unknown report section appendix"):
        ReportRequest(request.start, request.end, sections={"summary", "appendix"})


def test_distance_and_time_by_status_follow_the_track():
    minute = 60_000_000
    track = Track(mmsi=1, occurred=np.array([0, 10 * minute, 20 * minute, 80 * minute], dtype=np.int64),
                  recorded=np.zeros(4, np.int64), lat=np.array([50.0, 51.0, 51.0, 51.0]),
                  lon=np.zeros(4), sog=np.full(4, 10.0), cog=np.zeros(4), heading=np.zeros(4),
                  status=np.array([0, 5, 1, 1]))
    assert distance_sailed_nm(track) == pytest.approx(60.04, abs=0.05)  # one degree of latitude
    assert time_by_state(track) == {"under way": 600.0, "at anchor": 0.0, "moored": 600.0, "other": 0.0,
                                    "no reports": 3600.0}  # a gap over 30 min is no status at all
    sample = sample_track(track, 3)
    assert sample.decimated and sample.total == 4 and sample.occurred[0] == 0 and sample.occurred[-1] == 80 * minute


def test_a_flapping_status_is_counted_in_full_but_only_its_first_changes_are_kept():
    reports = 10_001
    status = np.tile(np.array([0, 5]), reports // 2 + 1)[:reports]   # under way, moored, under way, …
    track = Track(mmsi=1, occurred=np.arange(reports, dtype=np.int64) * 60_000_000,
                  recorded=np.zeros(reports, np.int64), lat=np.full(reports, 50.0), lon=np.zeros(reports),
                  sog=np.zeros(reports), cog=np.zeros(reports), heading=np.zeros(reports), status=status)
    assert count_status_changes(track) == 10_000
    kept = status_changes(track, STATUS_CHANGES_KEPT)
    assert len(kept) == STATUS_CHANGES_KEPT and kept[0].before == "under way using engine" and kept[0].after == "moored"
    assert [change.at for change in kept] == [i * 60_000_000 for i in range(1, STATUS_CHANGES_KEPT + 1)]


def test_csv_has_one_row_per_event_in_range_with_flattened_payloads(console, tmp_path):
    request = window()
    result = console.reports.export(request, tmp_path / "r.csv", software="test")
    with open(tmp_path / "r.csv", newline="") as stream:
        rows = list(csv.DictReader(stream))
    events = in_range(console, request)
    assert len(rows) == len(events) == result.events
    first = rows[0]
    assert int(first["position"]) == events[0].position and first["hash"] == events[0].hash.hex()
    positions = [r for r in rows if r["type"] == "PositionReported"]
    assert positions and positions[0]["payload.lat"] and positions[0]["payload.name"] == ""


def test_an_export_is_logged_with_its_file_hash_and_the_json_report_verifies(console, tmp_path):
    request = window()
    result = console.reports.export(request, tmp_path / "r.json", software="test")
    document = json.loads((tmp_path / "r.json").read_text())
    assert set(document) == {"events", "summary", "integrity"} and len(document["events"]) == result.events
    assert document["events"][0]["hash"] == document["integrity"]["first_hash"]
    (logged,) = [r for r in console.fleet.store.read_all(result.logged_at_position) if r.type == "AuditReportExported"]
    assert logged.event.output_sha256 == result.sha256 and logged.event.operator == "kim"
    assert logged.event.events == result.events and logged.metadata["operator"] == "kim"
    check = verify_json_report(console.fleet.store, tmp_path / "r.json")
    assert check.ok and check.events == result.events


def test_tampering_with_one_event_fails_verify_at_its_position_and_fails_the_report_check(console, tmp_path):
    request = window()
    console.reports.export(request, tmp_path / "r.json", software="test")
    target = [r for r in in_range(console, request) if r.type == "PositionReported"][10].position
    path = console.fleet.store.path
    console.fleet.store.close()
    with sqlite3.connect(path) as raw:  # what a tamperer would do: lift the guard, move a ship, put the guard back
        (trigger_sql,) = raw.execute("SELECT sql FROM sqlite_master WHERE name = 'events_no_update'").fetchone()
        (payload,) = raw.execute("SELECT payload FROM events WHERE position = ?", (target,)).fetchone()
        values = json.loads(payload)
        values[0] = round(values[0] + 0.01, 7)  # the latitude, a kilometre off
        raw.execute("DROP TRIGGER events_no_update")
        raw.execute("UPDATE events SET payload = ? WHERE position = ?", (json.dumps(values), target))
        raw.execute(trigger_sql)
    with open_store(path, read_only=True) as tampered:
        verified = tampered.verify()
        assert not verified.ok and verified.first_bad_position == target
        check = verify_json_report(tampered, tmp_path / "r.json")
        assert not check.ok and any(f"position {target}" in problem for problem in check.problems)


def test_a_read_only_store_exports_without_logging(fleet_path, tmp_path):
    request = window()
    with open_store(fleet_path, read_only=True) as store:
        console = Console.over(FleetService.open(store))
        before = store.head().position
        result = console.reports.export(request, tmp_path / "r.csv", software="test")
        assert result.logged_at_position is None and store.head().position == before


def test_an_unknown_suffix_is_refused_before_anything_is_written(console, tmp_path):
    with pytest.raises(ReportError, match=r"\.pdf, \.csv or \.json"):
        console.reports.export(window(), tmp_path / "r.docx", software="test")
    assert not (tmp_path / "r.docx").exists()


def test_a_report_gathered_once_is_exported_in_two_formats_on_one_chain_head(console, tmp_path):
    request = window()
    content = build_report(console.fleet, console.alerts, request, generated_by="kim", software="test")
    as_csv = console.reports.export(request, tmp_path / "r.csv", software="test", report=content)
    as_json = console.reports.export(request, tmp_path / "r.json", software="test", report=content)
    assert as_csv.head_hash == as_json.head_hash == content.integrity.head_hash
    assert as_json.logged_at_position == as_csv.logged_at_position + 1
    with pytest.raises(ValueError, match="another request"):
        console.reports.export(window(hours_before_end=1), tmp_path / "other.csv", software="test", report=content)
    assert not (tmp_path / "other.csv").exists()


def test_a_hand_made_log_reports_its_notes_and_particulars(tmp_path):
    with open_store(tmp_path / "small.sqlite") as store:
        service = FleetService.open(store)
        console = Console.over(service, clock=lambda: T0 + 30 * MINUTE, operator="ana")
        service.append([registered(219000001, 0, "ARIA"), report(219000001, 1), report(219000001, 20, lat=51.0)])
        console.logbook.add_note("pilot aboard", mmsi=219000001)
        content = build_report(console.fleet, console.alerts, ReportRequest(T0, T0 + 60 * MICROS_PER_MINUTE), generated_by="ana",
                               software="test")
        (ship,) = content.ships
        assert ship.name == "ARIA" and ship.reports == 2 and ship.distance_nm > 10
        assert [(n.operator, n.text, n.mmsi) for n in content.notes] == [("ana", "pilot aboard", 219000001)]
        assert content.events_by_type == {"ShipRegistered": 1, "PositionReported": 2, "OperatorNoteAdded": 1}


def test_a_stored_event_altered_beyond_reading_is_named_by_the_report_check(console, tmp_path):
    request = window()
    console.reports.export(request, tmp_path / "r.json", software="test")
    target = [r for r in in_range(console, request) if r.type == "PositionReported"][5].position
    path = console.fleet.store.path
    console.fleet.store.close()
    with sqlite3.connect(path) as raw:
        (trigger_sql,) = raw.execute("SELECT sql FROM sqlite_master WHERE name = 'events_no_update'").fetchone()
        raw.execute("DROP TRIGGER events_no_update")
        raw.execute("UPDATE events SET payload = '[999, 999, 1, 1, 1, 1]' WHERE position = ?", (target,))
        raw.execute(trigger_sql)
    with open_store(path, read_only=True) as tampered:
        check = verify_json_report(tampered, tmp_path / "r.json")
        assert not check.ok and any(f"position {target}: the log's event cannot be read" in p for p in check.problems)
        assert check.events > 100  # the rest of the report was still checked


def test_a_zone_report_covers_the_ships_that_were_in_the_zone(tmp_path):
    from app.zone_desk import add_zones

    with open_store(tmp_path / "zone.sqlite") as store:
        store.append_batch([registered(219000001, 0, "INSIDE"), registered(219000002, 0, "OUTSIDE"),
                            *[report(219000001, m, lat=50.75, lon=-1.4 + m * 0.02) for m in range(20)],
                            *[report(219000002, m, lat=52.0, lon=3.0) for m in range(20)]])
        add_zones(store, range_zone_file(tmp_path), operator="kim", clock=lambda: T0 + 30 * MINUTE)
        console = Console.over(FleetService.open(store))
        request = ReportRequest(T0, T0 + 25 * MINUTE, zone="Range")
        content = build_report(console.fleet, console.alerts, request, generated_by="kim", software="test")
        assert [s.name for s in content.ships] == ["INSIDE"]
        assert {r.stream_id for r in content.listing()} == {"ship-219000001"} and content.events == 21  # + registration
        with pytest.raises(ReportError, match="zones: Range"):
            build_report(console.fleet, console.alerts, ReportRequest(T0, T0 + 25 * MINUTE, zone="Solent"), generated_by="k", software="t")
        nobody = build_report(console.fleet, console.alerts, ReportRequest(T0 + 26 * MINUTE, T0 + 29 * MINUTE, zone="Range"),
                              generated_by="k", software="t")
        assert nobody.events == 0 and not nobody.ships and list(nobody.listing()) == []
