"""The zones in force as the console lists them, and what an operator's edit appends."""
import json
from uuid import UUID

import pytest

from domain.events import RecordedEvent, ZoneDefined, ZoneRemoved
from domain.rules import Zone, zone_changes, zones_from_geojson, zones_to_geojson
from domain.zone_list import InvalidZone, fold_zones, zone_definition, zone_removal

T0 = 1_777_000_000_000_000
SQUARE = [(-1.5, 50.5), (-1.0, 50.5), (-1.0, 51.0), (-1.5, 51.0)]
TRIANGLE = [(-2.0, 50.0), (-1.8, 50.0), (-1.9, 50.2)]


def polygon(corners):
    return json.dumps({"type": "Polygon", "coordinates": [[list(c) for c in corners] + [list(corners[0])]]})


def log(*events_and_metadata):
    """Zone events as the ``zones`` stream holds them, numbered in order."""
    out = []
    for version, (event, metadata) in enumerate(events_and_metadata, start=1):
        out.append(RecordedEvent(position=10 * version, event_id=UUID(int=version), stream_id="zones", version=version,
                                 type=event.TYPE, schema_version=1, occurred_at=event.occurred_at,
                                 recorded_at=event.occurred_at, metadata=metadata, event=event, hash=b""))
    return out


def defined(name, corners=SQUARE, kind="generic", minute=0, limit=None):
    return ZoneDefined(occurred_at=T0 + minute * 60_000_000, name=name, kind=kind, geometry=polygon(corners),
                       speed_limit_kn=limit)


@pytest.fixture
def zones():
    return fold_zones(log((defined("Solent", limit=10.0), {"source": "operator", "operator": "Mate"}),
                          (defined("Port of Dover", TRIANGLE, "port", 1), {"source": "demo fleet"}),
                          (defined("Old range", TRIANGLE, "restricted", 2), {"source": "operator", "operator": "Mate"}),
                          (ZoneRemoved(occurred_at=T0 + 180_000_000, name="Old range"), {"source": "operator"})))


def test_the_list_holds_the_zones_in_force_with_who_defined_them_and_the_stream_version(zones):
    assert [view.name for view in zones] == ["Port of Dover", "Solent"]
    assert zones.version == 4
    solent = zones.get("Solent")
    assert (solent.kind, solent.speed_limit_kn, solent.defined_by, solent.defined_at) == ("generic", 10.0, "Mate", T0)
    assert zones.get("Port of Dover").defined_by == "demo fleet"
    assert 500 < solent.area_nm2 < 700  # half a degree square at 50.7°N
    assert solent.single_outline


def test_a_new_zone_is_one_definition_with_its_drawn_outline(zones):
    [event] = zone_definition(zones, name=" Needles ", kind="restricted", outline=[(x, y - 1) for x, y in SQUARE],
                              speed_limit_kn=6, at=T0 + 1)
    assert isinstance(event, ZoneDefined) and event.name == "Needles" and event.kind == "restricted"
    assert Zone.from_event(event).area == ((tuple((x, y - 1) for x, y in SQUARE),),)
    assert event.speed_limit_kn == 6.0 and event.occurred_at == T0 + 1


@pytest.mark.parametrize("name, reason", [("", "a zone needs a name"), ("  ", "a zone needs a name"),
                                          ("solent", "a zone named 'Solent' exists already"),
                                          ("x" * 81, "is longer than 80 characters")])
def test_a_zone_needs_a_name_of_its_own(zones, name, reason):
    with pytest.raises(InvalidZone) as refused:
        zone_definition(zones, name=name, kind="generic", outline=TRIANGLE, at=T0)
    assert refused.value.field == "name" and reason in refused.value.reason


def test_an_invalid_outline_or_limit_is_refused_naming_the_field(zones):
    with pytest.raises(InvalidZone, match="outline: has 2 distinct corners: a zone needs at least 3") as refused:
        zone_definition(zones, name="Spithead", kind="generic", outline=TRIANGLE[:2], at=T0)
    assert refused.value.field == "outline"
    with pytest.raises(InvalidZone, match="speed limit: must be a speed") as refused:
        zone_definition(zones, name="Spithead", kind="generic", outline=TRIANGLE, speed_limit_kn=-3, at=T0)
    with pytest.raises(InvalidZone, match="kind: unknown kind 'harbour'"):
        zone_definition(zones, name="Spithead", kind="harbour", outline=TRIANGLE, at=T0)
    with pytest.raises(InvalidZone, match="outline: a new zone needs an outline"):
        zone_definition(zones, name="Spithead", kind="generic", at=T0)


def test_changing_a_zone_defines_it_again_keeping_its_shape_unless_redrawn(zones):
    [event] = zone_definition(zones, name="Solent", kind="restricted", speed_limit_kn=8, replacing="Solent", at=T0 + 5)
    assert (event.name, event.kind, event.speed_limit_kn) == ("Solent", "restricted", 8.0)
    assert Zone.from_event(event).area == zones.get("Solent").zone.area
    [redrawn] = zone_definition(zones, name="Solent", kind="generic", outline=TRIANGLE, speed_limit_kn=10,
                                replacing="Solent", at=T0 + 6)
    assert Zone.from_event(redrawn).area == ((tuple(TRIANGLE),),)


def test_an_edit_that_changes_nothing_appends_nothing(zones):
    assert zone_definition(zones, name="Solent", kind="generic", speed_limit_kn=10.0, replacing="Solent", at=T0) == []
    assert zone_definition(zones, name="Solent", kind="generic", outline=SQUARE, speed_limit_kn=10.0,
                           replacing="Solent", at=T0) == []


def test_renaming_removes_the_old_name_and_defines_the_new_one(zones):
    removed, renamed = zone_definition(zones, name="The Solent", kind="generic", speed_limit_kn=10.0,
                                       replacing="Solent", at=T0 + 7)
    assert isinstance(removed, ZoneRemoved) and removed.name == "Solent"
    assert isinstance(renamed, ZoneDefined) and renamed.name == "The Solent"
    [recased] = zone_definition(zones, name="SOLENT", kind="generic", speed_limit_kn=10.0, replacing="Solent",
                                at=T0)[1:]
    assert recased.name == "SOLENT"  # a change of case is a rename of the zone itself, not a clash
    with pytest.raises(InvalidZone, match="a zone named 'Port of Dover' exists already"):
        zone_definition(zones, name="port of dover", kind="generic", replacing="Solent", at=T0)


def test_removing_or_editing_a_zone_that_is_gone_is_refused(zones):
    assert zone_removal(zones, "Solent", at=T0 + 9) == ZoneRemoved(occurred_at=T0 + 9, name="Solent")
    with pytest.raises(InvalidZone, match="no zone named 'Old range' any more"):
        zone_removal(zones, "Old range", at=T0)
    with pytest.raises(InvalidZone, match="no zone named 'Old range' any more"):
        zone_definition(zones, name="Old range", kind="generic", replacing="Old range", at=T0)


def test_zones_written_as_geojson_read_back_as_the_same_zones(zones):
    document = zones_to_geojson(view.zone for view in zones)
    assert [f["properties"] for f in document["features"]] == [{"name": "Port of Dover", "kind": "port"},
                                                               {"name": "Solent", "kind": "generic",
                                                                "speed_limit_kn": 10.0}]
    loaded = zones_from_geojson(json.dumps(document), occurred_at=T0 + 10)
    assert [Zone.from_event(event) for event in loaded] == [view.zone for view in zones]
    assert zone_changes((view.zone for view in zones), loaded, remove_missing=True) == []
