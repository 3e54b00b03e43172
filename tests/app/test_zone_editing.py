"""An operator's zones through the real store: drawn, changed, renamed, removed, imported and exported as
events signed by the operator, refused when stale or read-only, and watched by the running rules at once."""
from __future__ import annotations

import json

import pytest

from app.alert_watch import AlertWatch
from app.event_bus import EventBus
from app.console import Console
from app.fleet_service import FleetService
from app.zone_desk import ZoneDesk, ZonesChanged, ZonesReadOnly, add_zones, zones_in_force
from domain.rules import RuleSettings, Zone
from domain.zone_list import InvalidZone
from store import open_store
from tests.fleet_events import MINUTE, T0, registered, report

NOW = T0 + 30 * MINUTE
RANGE = [(-1.2, 50.7), (-1.1, 50.7), (-1.1, 50.8), (-1.2, 50.8)]


def zone_events(store):
    return [r for r in store.read_all() if r.stream_id == "zones"]


@pytest.fixture
def service(store):
    return FleetService.open(store, bus=EventBus())


@pytest.fixture
def desk(service):
    """The console's zone desk over ``service``."""
    return Console.over(service, clock=lambda: NOW, operator="Officer of the watch").zones


def geojson_file(path, *features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name, "kind": kind},
         "geometry": {"type": "Polygon", "coordinates": [[list(c) for c in corners] + [list(corners[0])]]}}
        for name, kind, corners in features]}))
    return path


def test_a_drawn_zone_is_defined_in_the_log_signed_by_the_operator(service, desk, store):
    heard = []
    service.subscribe(heard.extend)
    [recorded] = desk.define("Firing range", "restricted", RANGE, 6.0)
    assert recorded.type == "ZoneDefined" and recorded.stream_id == "zones"
    assert recorded.metadata == {"source": "operator", "operator": "Officer of the watch"}
    assert recorded.occurred_at == recorded.recorded_at == NOW
    assert heard == [recorded]
    [view] = desk.in_force()
    assert (view.name, view.kind, view.speed_limit_kn, view.defined_by) == ("Firing range", "restricted", 6.0,
                                                                           "Officer of the watch")
    assert view.zone.area == ((tuple(RANGE),),)
    assert zones_in_force(store) == [view.zone]  # what the rules and 'zones list' see


def test_changing_renaming_and_removing_a_zone_append_the_events_that_say_so(service, desk, store):
    desk.define("Range", "generic", RANGE)
    version = desk.in_force().version
    [changed] = desk.define("Range", "restricted", None, 8.0, replacing="Range", expected_version=version)
    assert (changed.type, changed.event.kind, changed.event.speed_limit_kn) == ("ZoneDefined", "restricted", 8.0)
    assert desk.define("Range", "restricted", None, 8.0, replacing="Range") == []  # nothing changed
    removed, renamed = desk.define("Danger area", "restricted", None, 8.0, replacing="Range")
    assert (removed.type, removed.event.name, renamed.type, renamed.event.name) == \
        ("ZoneRemoved", "Range", "ZoneDefined", "Danger area")
    assert renamed.position == removed.position + 1 and renamed.recorded_at == removed.recorded_at  # one batch
    assert Zone.from_event(renamed.event).area == ((tuple(RANGE),),)
    gone = desk.remove("Danger area")
    assert gone.type == "ZoneRemoved" and gone.metadata["operator"] == "Officer of the watch"
    assert len(desk.in_force()) == 0
    assert [r.type for r in zone_events(store)] == ["ZoneDefined", "ZoneDefined", "ZoneRemoved", "ZoneDefined",
                                                    "ZoneRemoved"]


def test_an_invalid_zone_is_refused_and_nothing_is_appended(service, desk, store):
    with pytest.raises(InvalidZone, match="crosses itself"):
        desk.define("Knot", "generic", [(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0)])
    desk.define("Range", "generic", RANGE)
    with pytest.raises(InvalidZone, match="a zone named 'Range' exists already"):
        desk.define("range", "port", [(x, y + 1) for x, y in RANGE])
    assert len(zone_events(store)) == 1


def test_an_edit_of_zones_changed_meanwhile_by_another_writer_is_refused(service, desk, store, tmp_path):
    desk.define("Range", "generic", RANGE)
    seen = desk.in_force().version
    add_zones(store, geojson_file(tmp_path / "more.geojson", ("Anchorage B", "anchorage", [(x, y + 1) for x, y in RANGE])),
              operator="night shift", clock=lambda: NOW)  # 'zones add' from another process
    with pytest.raises(ZonesChanged, match="changed in the log meanwhile"):
        desk.define("Range", "restricted", replacing="Range", expected_version=seen)
    with pytest.raises(ZonesChanged):
        desk.remove("Range", expected_version=seen)
    with pytest.raises(ZonesChanged, match="changed in the log meanwhile"):  # a file imported over them too
        desk.import_geojson(geojson_file(tmp_path / "z.geojson", ("Pier", "port", [(x + 2, y) for x, y in RANGE])),
                            replace=True, expected_version=seen)
    assert [r.event.name for r in zone_events(store)] == ["Range", "Anchorage B"]
    [pier] = desk.import_geojson(tmp_path / "z.geojson", expected_version=desk.in_force().version)
    assert pier.event.name == "Pier"


def test_zones_imported_while_another_writer_appends_them_are_refused_not_doubled(service, desk, store, tmp_path):
    """The version the import decided against is the one it appends expecting: a writer that slips in between
    (here: the other writer's batch lands as the import reads the zones) makes it refuse."""
    path = geojson_file(tmp_path / "z.geojson", ("Range", "generic", RANGE))
    other = geojson_file(tmp_path / "other.geojson", ("Range", "restricted", RANGE))

    def append_after_another_writer(new_events, *, expected=None):
        add_zones(store, other, operator="night shift", clock=lambda: NOW)  # lands first
        return service.append(new_events, expected=expected)

    racing = ZoneDesk(store, append_after_another_writer, operator="Officer of the watch", clock=lambda: NOW)
    with pytest.raises(ZonesChanged, match="while this edit was being saved"):
        racing.import_geojson(path)
    assert [(r.event.name, r.event.kind) for r in zone_events(store)] == [("Range", "restricted")]


def test_a_read_only_log_takes_no_zone_changes(store_path, tmp_path):
    with open_store(store_path) as writable:
        writable.append_batch([registered(235000001, 0, "ARIA")])
    with open_store(store_path, read_only=True) as store:
        desk = Console.over(FleetService.open(store, bus=EventBus())).zones
        with pytest.raises(ZonesReadOnly, match="read-only"):
            desk.define("Range", "generic", RANGE)
        with pytest.raises(ZonesReadOnly):
            desk.import_geojson(str(geojson_file(tmp_path / "z.geojson", ("Range", "generic", RANGE))))
        assert desk.in_force().version == 0


def test_exported_zones_are_read_back_unchanged_by_zones_add_and_import(service, desk, store, tmp_path):
    desk.define("Range", "restricted", RANGE, 6.0)
    desk.define("Anchorage B", "anchorage", [(x + 1, y) for x, y in RANGE])
    path = tmp_path / "zones.geojson"
    assert desk.export_geojson(str(path)) == 2
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["type"] == "FeatureCollection" and len(document["features"]) == 2
    assert add_zones(store, path, operator="cli", replace=True) == []  # the same zones: nothing to append
    with open_store(tmp_path / "other.sqlite") as other_store:
        other = Console.over(FleetService.open(other_store, bus=EventBus()), operator="Mate").zones
        appended = other.import_geojson(str(path))
        assert [r.event.name for r in appended] == ["Anchorage B", "Range"]
        assert appended[0].metadata["operator"] == "Mate" and appended[0].metadata["file"] == str(path)
        assert [v.zone for v in other.in_force()] == [v.zone for v in desk.in_force()]


def test_importing_with_replace_removes_the_zones_the_file_does_not_have(service, desk, tmp_path):
    desk.define("Range", "restricted", RANGE)
    desk.define("Old anchorage", "anchorage", [(x + 1, y) for x, y in RANGE])
    heard = []
    service.subscribe(heard.extend)
    appended = desk.import_geojson(str(geojson_file(tmp_path / "z.geojson", ("Range", "restricted", RANGE))),
                                    replace=True)
    assert [(r.type, r.event.name) for r in appended] == [("ZoneRemoved", "Old anchorage")]
    assert heard == appended  # through the service: the window and the rules hear of it
    assert [v.name for v in desk.in_force()] == ["Range"]


def test_a_ship_entering_a_zone_drawn_in_the_console_raises_zone_entered(service, desk, store):
    ship = 235000001
    service.append([registered(ship, 0, "ARIA"), *[report(ship, m, lat=50.75, lon=-1.40 + 0.01 * m) for m in range(5)]])
    watch = AlertWatch(service, RuleSettings(), clock=lambda: NOW)
    service.subscribe(watch.notice)
    assert watch.catch_up() == 0
    desk.define("Firing range", "restricted", RANGE)  # drawn while the ship is west of it
    service.append([report(ship, m, lat=50.75, lon=-1.40 + 0.01 * m) for m in range(5, 30)])  # sails through it
    entered = [r for r in store.read_all() if r.type == "ZoneEntered"]
    assert len(entered) == 1
    assert (entered[0].event.zone, entered[0].event.severity, entered[0].stream_id) == \
        ("Firing range", "critical", f"ship-{ship}")
    assert -1.2 <= entered[0].event.lon <= -1.1
    desk.remove("Firing range")
    service.append([report(ship, m, lat=50.75, lon=-1.40 + 0.01 * m) for m in range(30, 40)])  # out where it was
    assert [r.type for r in store.read_all() if r.type in ("ZoneEntered", "ZoneExited")] == ["ZoneEntered"]


def test_zones_added_by_another_process_reach_the_subscribers_at_catch_up(service, desk, store, tmp_path):
    heard = []
    service.subscribe(heard.extend)
    add_zones(store, geojson_file(tmp_path / "z.geojson", ("Range", "restricted", RANGE)), operator="cli",
              clock=lambda: NOW)  # 'zones add' writing the same store file
    assert heard == []
    assert service.refresh() == 1  # the console's catch-up job
    assert [(r.type, r.event.name) for r in heard] == [("ZoneDefined", "Range")]
    assert [v.name for v in desk.in_force()] == ["Range"]

