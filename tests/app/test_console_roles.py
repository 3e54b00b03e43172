"""The roles a console is handed: built once over one service, sharing its log, signed by one operator."""
from __future__ import annotations

import json

from app.console import Console
from app.fleet_service import FleetService
from store import open_store
from tests.fleet_events import MINUTE, T0, registered, report

RANGE = [(-1.2, 50.7), (-1.1, 50.7), (-1.1, 50.8), (-1.2, 50.8)]


def test_a_renamed_operator_signs_notes_zones_imports_and_reports_alike(store, tmp_path):
    service = FleetService.open(store)
    console = Console.over(service, operator="day watch", clock=lambda: T0 + 30 * MINUTE)
    service.append([registered(235000001, 0, "ARIA"), *[report(235000001, m) for m in range(1, 10)]])
    console.operator = "night watch"
    note = console.logbook.add_note("fog")
    [zone] = console.zones.define("Range", "generic", RANGE)
    path = tmp_path / "zones.geojson"
    ring = [[x + 1, y] for x, y in RANGE]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Pier", "kind": "port"},
         "geometry": {"type": "Polygon", "coordinates": [ring + [ring[0]]]}}]}))
    [imported] = console.zones.import_geojson(path)
    assert {note.metadata["operator"], zone.metadata["operator"], imported.metadata["operator"]} == {"night watch"}
    assert console.imports.operator == console.reports.operator == console.alerts.operator == "night watch"


def test_what_one_role_appends_the_others_see_at_once(store):
    service = FleetService.open(store)
    console = Console.over(service, operator="kim", clock=lambda: T0 + 30 * MINUTE)
    service.append([registered(235000001, 0, "ARIA"), report(235000001, 1)])
    console.logbook.correct_particulars(235000001, {"name": "ARIA II"}, "agent's papers")
    assert console.fleet.ship_details(235000001, T0 + 30 * MINUTE).name == "ARIA II"
    console.zones.define("Range", "generic", RANGE)
    assert [view.name for view in console.zones.in_force()] == ["Range"]
    assert "4 events" in console.fleet.describe()


def test_a_read_only_store_gives_read_only_roles(store_path):
    with open_store(store_path) as writable:
        writable.append_batch([registered(235000001, 0, "ARIA")])
    with open_store(store_path, read_only=True) as store:
        console = Console.over(FleetService.open(store))
        assert console.read_only and console.alerts.read_only and console.logbook.read_only
        assert console.zones.read_only and console.imports.read_only and console.reports.read_only
