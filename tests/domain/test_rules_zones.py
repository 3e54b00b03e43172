"""Zones: shapes with holes from GeoJSON, the events that define them, and the index that finds them fast."""
from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidEvent
from domain.events import ZONES_STREAM, ZoneDefined, ZoneRemoved, build_event, event_class
from domain.geo import InvalidArea, area_from_geojson, point_in_area
from domain.rules import InvalidZoneFile, Zone, ZoneIndex, zone_changes, zones_from_geojson
from domain.rules import zones as zones_module
from tests.domain.rules_log import T0, box

WITH_HOLE = {"type": "Polygon", "coordinates": [
    [[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [0.0, 0.0]],
    [[1.0, 1.0], [3.0, 1.0], [3.0, 3.0], [1.0, 3.0], [1.0, 1.0]],
]}
TWO_ISLANDS = {"type": "MultiPolygon", "coordinates": [
    [[[10.0, 50.0], [10.5, 50.0], [10.5, 50.5], [10.0, 50.5], [10.0, 50.0]]],
    [[[11.0, 50.0], [11.5, 50.0], [11.25, 50.5], [11.0, 50.0]]],
]}


def zone(name: str = "Z", kind: str = "generic", geometry: dict = WITH_HOLE, limit: float | None = None) -> Zone:
    return Zone(name, kind, area_from_geojson(geometry), limit)


# --- shapes ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lat, lon, inside", [(0.5, 0.5, True), (2.0, 2.0, False), (3.5, 2.0, True),
                                              (2.0, 4.5, False), (-0.1, 2.0, False), (2.0, 1.0 - 1e-9, True)])
def test_a_point_in_a_polygon_with_a_hole(lat, lon, inside):
    assert zone().contains(lat, lon) is inside
    assert point_in_area(lon, lat, area_from_geojson(WITH_HOLE)) is inside


@pytest.mark.parametrize("lat, lon, inside", [(50.25, 10.25, True), (50.1, 11.25, True), (50.25, 10.75, False),
                                              (50.45, 11.05, False)])
def test_a_point_in_a_multipolygon(lat, lon, inside):
    assert zone(geometry=TWO_ISLANDS).contains(lat, lon) is inside


@pytest.mark.parametrize("geometry, says", [
    ({"type": "Point", "coordinates": [0, 0]}, "Polygon or MultiPolygon"),
    ({"type": "Polygon", "coordinates": []}, "non-empty"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, "at least 3"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [2, 2], [0, 0]]]}, "no area"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 95], [0, 0]]]}, "position 2"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], ["a", 1], [0, 0]]]}, "position 2"),
    ({"type": "Polygon", "coordinates": [[[179, 0], [-179, 0], [-179, 1], [179, 1], [179, 0]]]}, "antimeridian"),
    ({"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[0, 0], [1, 0]]]]},
     "polygon 1, exterior ring"),
])
def test_an_unusable_shape_is_refused_saying_where(geometry, says):
    with pytest.raises(InvalidArea) as refused:
        area_from_geojson(geometry)
    assert says in str(refused.value)


def test_an_area_across_the_antimeridian_is_given_as_two_polygons():
    split = {"type": "MultiPolygon", "coordinates": [
        [[[179.0, 0.0], [180.0, 0.0], [180.0, 1.0], [179.0, 1.0], [179.0, 0.0]]],
        [[[-180.0, 0.0], [-179.0, 0.0], [-179.0, 1.0], [-180.0, 1.0], [-180.0, 0.0]]],
    ]}
    index = ZoneIndex([zone("Dateline", geometry=split)])
    assert [z.name for z in index.zones_at(0.5, 179.5)] == ["Dateline"]
    assert [z.name for z in index.zones_at(0.5, -179.5)] == ["Dateline"]
    assert index.zones_at(0.5, 178.5) == ()


# --- the events ------------------------------------------------------------------------------------------------


def test_a_zone_definition_keeps_one_canonical_text_of_its_shape():
    loose = {"type": "Polygon", "bbox": [0, 0, 1, 1],
             "coordinates": [[[0, 0, 12.5], [1, 0], [1, 1], [1, 1], [0.123456789, 1]]]}  # open ring, altitude
    defined = ZoneDefined(occurred_at=T0, name="  Box ", kind="restricted", geometry=json.dumps(loose, indent=2),
                          speed_limit_kn=6.04)
    assert defined.name == "Box"
    assert defined.speed_limit_kn == 6.0
    assert defined.geometry == ('{"type":"Polygon","coordinates":[[[0.0,0.0],[1.0,0.0],[1.0,1.0],'
                                '[0.1234568,1.0],[0.0,0.0]]]}')
    assert defined.stream_id == ZONES_STREAM == ZoneRemoved(occurred_at=T0, name="Box").stream_id
    again = build_event("ZoneDefined", T0, defined.payload())
    assert again == defined
    assert event_class("ZoneDefined") is ZoneDefined and event_class("ZoneRemoved") is ZoneRemoved


@pytest.mark.parametrize("field, changes", [
    ("name", dict(name=" ")), ("name", dict(name="x" * 81)), ("kind", dict(kind="harbour")),
    ("geometry", dict(geometry="not json")), ("geometry", dict(geometry='{"type":"LineString","coordinates":[]}')),
    ("speed_limit_kn", dict(speed_limit_kn=0)), ("speed_limit_kn", dict(speed_limit_kn=-3.0)),
    ("speed_limit_kn", dict(speed_limit_kn="8")), ("speed_limit_kn", dict(speed_limit_kn=0.04)),
])
def test_a_zone_definition_refuses_what_the_rules_could_not_use(field, changes):
    fields = dict(occurred_at=T0, name="Box", kind="generic", geometry=json.dumps(box(0, 0, 1, 1)))
    fields.update(changes)
    with pytest.raises(InvalidEvent) as refused:
        ZoneDefined(**fields)
    assert refused.value.field == field


def test_a_zone_is_rebuilt_from_its_event_unchanged():
    original = zone("Harbour", "port", TWO_ISLANDS, 6.0)
    assert Zone.from_event(original.defined(T0)) == original


# --- GeoJSON files ---------------------------------------------------------------------------------------------


def feature(name: object = "A", kind: object = "generic", geometry: object = None, **more) -> dict:
    properties = {k: v for k, v in (("name", name), ("kind", kind)) if v is not None}
    properties.update(more)
    return {"type": "Feature", "properties": properties, "geometry": geometry or box(0, 0, 1, 1)}


def collection(*features: dict) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def test_zones_load_from_a_feature_collection_in_order():
    text = collection(feature("Southampton", "port", box(-1.45, 50.85, -1.35, 50.92), speed_limit_kn=6),
                      feature("Firing range", "restricted", WITH_HOLE, colour="red"),
                      feature("Nab", "anchorage", TWO_ISLANDS))
    loaded = zones_from_geojson(text, occurred_at=T0)
    assert [(z.name, z.kind, z.speed_limit_kn) for z in loaded] == [
        ("Southampton", "port", 6.0), ("Firing range", "restricted", None), ("Nab", "anchorage", None)]
    assert all(z.occurred_at == T0 for z in loaded)
    assert json.loads(loaded[2].geometry)["type"] == "MultiPolygon"


@pytest.mark.parametrize("features, says", [
    ([feature(), feature("B", geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]})],
     "feature 1 ('B'): geometry: "),
    ([feature("A"), feature("B"), feature(name=None)], "feature 2: has no name"),
    ([feature(name="  ")], "feature 0: has no name"),
    ([feature("Solent", kind="harbour")], "feature 0 ('Solent'): unknown kind 'harbour'"),
    ([feature("Solent", kind=None)], "feature 0 ('Solent'): has no kind"),
    ([feature("Solent", speed_limit_kn="fast")], "feature 0 ('Solent'): speed_limit_kn: "),
    ([feature("A"), feature("A")], "feature 1 ('A'): the name is already used by feature 0"),
    ([feature(), {"type": "Feature", "properties": {"name": "X", "kind": "port"}, "geometry": None}],
     "feature 1 ('X'): has no geometry"),
    ([feature(), "nonsense"], "feature 1: is not a GeoJSON Feature"),
])
def test_a_bad_zone_file_is_refused_naming_the_feature(features, says):
    with pytest.raises(InvalidZoneFile) as refused:
        zones_from_geojson(collection(*features), occurred_at=T0)
    assert str(refused.value).startswith(says)
    assert refused.value.feature == int(says.split()[1].rstrip(":"))


@pytest.mark.parametrize("text, says", [("{", "not JSON"), ('{"type": "Feature"}', "FeatureCollection"),
                                        ('[1, 2]', "FeatureCollection"),
                                        ('{"type": "FeatureCollection"}', "list of features")])
def test_a_file_that_is_no_feature_collection_is_refused(text, says):
    with pytest.raises(InvalidZoneFile) as refused:
        zones_from_geojson(text, occurred_at=T0)
    assert says in str(refused.value) and refused.value.feature is None


def test_loading_the_same_zones_again_changes_nothing():
    first = zones_from_geojson(collection(feature("A"), feature("B", "port")), occurred_at=T0)
    in_force = [Zone.from_event(z) for z in first]
    again = zones_from_geojson(collection(feature("A"), feature("B", "port")), occurred_at=T0 + 1)
    assert zone_changes(in_force, again) == []
    edited = zones_from_geojson(collection(feature("A"), feature("B", "port", speed_limit_kn=5), feature("C")),
                                occurred_at=T0 + 2)
    assert [z.name for z in zone_changes(in_force, edited)] == ["B", "C"]
    fewer = zones_from_geojson(collection(feature("B", "port")), occurred_at=T0 + 3)
    assert zone_changes(in_force, fewer, remove_missing=True) == [ZoneRemoved(occurred_at=T0 + 3, name="A")]


# --- the index -------------------------------------------------------------------------------------------------


def test_the_index_finds_zones_by_name_order_and_follows_changes():
    index = ZoneIndex([zone("B", geometry=box(0, 0, 2, 2)), zone("A", geometry=box(1, 1, 3, 3))])
    assert [z.name for z in index.zones_at(1.5, 1.5)] == ["A", "B"]
    index.add(zone("A", geometry=box(5, 5, 6, 6)))  # redrawn elsewhere
    assert [z.name for z in index.zones_at(1.5, 1.5)] == ["B"]
    assert index.remove("B") and not index.remove("B")
    assert index.zones_at(1.5, 1.5) == () and len(index) == 1


def test_a_zone_too_large_to_grid_is_still_found(monkeypatch):
    monkeypatch.setattr(zones_module, "MAX_CELLS_PER_ZONE", 100)
    index = ZoneIndex([zone("North Sea", geometry=box(-2, 51, 9, 61)), zone("Small", geometry=box(3, 54, 3.1, 54.1))])
    assert [z.name for z in index.zones_at(54.05, 3.05)] == ["North Sea", "Small"]
    assert [z.name for z in index.zones_at(60.0, 8.0)] == ["North Sea"]
    index.remove("North Sea")
    assert [z.name for z in index.zones_at(54.05, 3.05)] == ["Small"]


@st.composite
def star_zone(draw, name: str) -> Zone:
    """A star-shaped polygon round a random centre, sometimes with a hole, sometimes a second part."""
    lat0 = draw(st.floats(-60, 60))
    lon0 = draw(st.floats(-170, 170))
    n = draw(st.integers(3, 12))
    radii = draw(st.lists(st.floats(0.02, 0.6), min_size=n, max_size=n))
    ring = [[lon0 + r * math.sin(2 * math.pi * k / n), lat0 + r * math.cos(2 * math.pi * k / n)]
            for k, r in enumerate(radii)]
    rings = [ring]
    if draw(st.booleans()):
        small = min(radii) * 0.5
        rings.append([[lon0 + small * math.sin(2 * math.pi * k / 5), lat0 + small * math.cos(2 * math.pi * k / 5)]
                      for k in range(5)])
    geometry = {"type": "Polygon", "coordinates": rings}
    if draw(st.booleans()):
        geometry = {"type": "MultiPolygon", "coordinates": [rings, [[[lon0 + 1, lat0], [lon0 + 1.2, lat0],
                                                                      [lon0 + 1.1, lat0 + 0.3]]]]}
    return Zone(name, draw(st.sampled_from(["port", "generic", "restricted", "anchorage"])),
                area_from_geojson(geometry))


@settings(max_examples=40)
@given(st.data(), st.sampled_from([0.01, 0.05, 0.2]))
def test_the_index_agrees_with_testing_every_zone(data, cell_deg):
    zones = [data.draw(star_zone(f"zone {k}")) for k in range(data.draw(st.integers(1, 4)))]
    index = ZoneIndex(zones, cell_deg=cell_deg)
    for z in zones:
        west, south, east, north = z.bounds
        for _ in range(25):
            lat = data.draw(st.floats(south - 0.05, north + 0.05).filter(lambda v: -90 <= v <= 90))
            lon = data.draw(st.floats(west - 0.05, east + 0.05).filter(lambda v: -180 <= v <= 180))
            expected = tuple(sorted((z2 for z2 in zones if z2.contains(lat, lon)), key=lambda z2: z2.name))
            assert index.zones_at(lat, lon) == expected


@settings(max_examples=40)
@given(st.data(), st.integers(3, 400))
def test_a_zone_tests_only_its_band_of_edges_and_agrees_with_the_plain_ray_cast(data, vertices):
    radii = data.draw(st.lists(st.floats(0.05, 1.0), min_size=vertices, max_size=vertices))
    ring = [[10 + r * math.sin(2 * math.pi * k / vertices), 50 + r * math.cos(2 * math.pi * k / vertices)]
            for k, r in enumerate(radii)]
    area = area_from_geojson({"type": "Polygon", "coordinates": [ring, [[10.0, 49.99], [10.01, 50.0], [10.0, 50.01]]]})
    banded = Zone("Star", "generic", area)
    for _ in range(50):
        lat, lon = data.draw(st.floats(48.9, 51.1)), data.draw(st.floats(8.4, 11.6))
        assert banded.contains(lat, lon) is point_in_area(lon, lat, area)
