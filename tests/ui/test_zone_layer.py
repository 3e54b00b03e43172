"""Zones on the map: outlined and filled by kind under the ships, named where there is room, named in the
tooltip, drawn again only when the zones or the view change, and explained by the legend."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtGui import QColor

from domain.time import MICROS_PER_MINUTE
from domain.zone_list import ZoneList
from tests.ui.fleet_store import T0, channel_fleet
from tests.ui.zone_fixtures import FIRING_RANGE, MID_CHANNEL, add_zones, pixel_of
from ui import theme
from chart.coastline import Coastline
from ui.map.map_view import MapView
from chart.projection import GeoBox, mercator_y
from ui.map.trail_layer import TRAIL_Z
from ui.map.zone_layer import DRAW_ORDER, ZONE_STYLES

COASTLINE = Coastline()
MOMENT = T0 + 60 * MICROS_PER_MINUTE


@pytest.fixture(scope="module")
def source(module_fleet_stores):
    fleet = module_fleet_stores.open(channel_fleet(ships=60, hours=1.5))
    add_zones(fleet)
    return fleet


@pytest.fixture
def map_view(qtbot, source):
    view = MapView(COASTLINE)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    view.show_fleet(source.fleet.state_at(MOMENT), MOMENT)
    view.show_zones(source.zones.in_force())
    return view


def render(qtbot, map_view):
    """Paint the map now and return what is on screen."""
    map_view.update_land()
    return map_view.plot.grab().toImage()


def redness(image, point) -> int:
    colour = QColor(image.pixel(point))
    return colour.red() - colour.blue()


def test_every_zone_in_force_is_drawn_in_the_colour_of_its_kind_with_its_name(qtbot, map_view):
    map_view.show_box(GeoBox(-4.0, 49.6, 0.0, 51.2))
    image = render(qtbot, map_view)
    assert set(map_view.zones.labels_drawn) >= {"Portland firing range", "Mid-Channel"}
    inside_range = pixel_of(map_view, -2.25, 50.38)  # a corner of the range, away from its name
    open_sea = pixel_of(map_view, -3.8, 49.7)
    assert redness(image, inside_range) > redness(image, open_sea) + 20  # restricted: red, hatched
    assert QColor(image.pixel(open_sea)).name() == QColor(theme.SEA).name()


def test_restricted_zones_are_drawn_last_and_heaviest_so_they_stand_out():
    assert DRAW_ORDER[-1] == "restricted" and set(DRAW_ORDER) == set(ZONE_STYLES)
    restricted = ZONE_STYLES["restricted"]
    assert restricted.hatched and restricted.width == max(style.width for style in ZONE_STYLES.values())
    assert restricted.fill_alpha == max(style.fill_alpha for style in ZONE_STYLES.values())


def test_a_zone_tiny_on_screen_is_not_named_and_names_never_overlap(qtbot, map_view):
    map_view.show_box(GeoBox(-12.0, 45.0, 8.0, 56.0))  # the whole Channel and more: the Solent zones are specks
    render(qtbot, map_view)
    assert "Spithead anchorage" not in map_view.zones.labels_drawn
    assert "Port of Southampton" not in map_view.zones.labels_drawn
    map_view.show_box(GeoBox(-1.5, 50.65, -0.9, 50.95))  # the Solent: now there is room
    render(qtbot, map_view)
    assert {"Spithead anchorage", "Port of Southampton"} <= set(map_view.zones.labels_drawn)


def test_names_keep_clear_of_each_other_restricted_first(qtbot, source, fleet_stores):
    crowded = fleet_stores.open(channel_fleet(ships=10, hours=0.5), name="crowded.sqlite")
    for i in range(12):  # a row of small zones a few pixels apart when seen from afar
        lon = -2.0 + 0.06 * i
        kind = "restricted" if i == 7 else "generic"
        crowded.zones.define(f"Box {i}", kind, [(lon, 50.0), (lon + 0.05, 50.0), (lon + 0.05, 50.05), (lon, 50.05)])
    view = MapView(COASTLINE)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    view.show_zones(crowded.zones.in_force())
    view.show_box(GeoBox(-2.6, 49.6, -0.8, 50.4))
    render(qtbot, view)
    drawn = view.zones.labels_drawn
    assert drawn[0] == "Box 7" and 1 < len(drawn) < 12
    boxes = view.zones.label_boxes
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_scrubbing_does_not_draw_the_zones_again(qtbot, map_view, source):
    map_view.show_box(GeoBox(-4.0, 49.6, 0.0, 51.2))
    render(qtbot, map_view)
    rendered = map_view.zones.render_count
    for minute in range(5):
        map_view.show_fleet(source.fleet.state_at(MOMENT + minute * MICROS_PER_MINUTE), MOMENT + minute * MICROS_PER_MINUTE)
        map_view.plot.grab()
    assert map_view.zones.render_count == rendered
    map_view.show_zones(source.zones.in_force())  # the same zones again (news of other events): nothing to draw
    map_view.plot.grab()
    assert map_view.zones.render_count == rendered
    fewer = source.zones.in_force()
    map_view.show_zones(ZoneList(fewer.zones[1:], fewer.version + 1))  # a zone removed: drawn again
    map_view.plot.grab()
    assert map_view.zones.render_count == rendered + 1


def test_ships_and_trails_stay_above_the_zones(map_view):
    assert map_view.backdrop.zValue() < map_view.zones.highlight.zValue() < TRAIL_Z < map_view.ships.scatter.zValue()


def test_hovering_a_zone_names_it_with_its_kind_and_speed_limit(map_view):
    text = map_view.zones.tooltip_at(-2.4, float(mercator_y(50.45)))
    assert text.splitlines()[0] == "Portland firing range"
    assert "Restricted zone · limit 6 kn · " in text and "nm²" in text
    assert map_view.zones.tooltip_at(-5.5, float(mercator_y(49.0))) == ""  # open sea
    lon, lat = MID_CHANNEL[0][0] + 0.1, MID_CHANNEL[0][1] + 0.1
    assert map_view.zones.tooltip_at(lon + 360.0, float(mercator_y(lat))).startswith("Mid-Channel")  # another copy


def test_selecting_a_zone_outlines_it_and_names_it_whatever_the_zoom(qtbot, map_view):
    map_view.show_box(GeoBox(-12.0, 45.0, 8.0, 56.0))
    map_view.zones.select("Spithead anchorage")
    render(qtbot, map_view)
    assert map_view.zones.highlight.isVisible()
    bounds = map_view.zones.highlight.path().boundingRect()
    assert bounds.left() == pytest.approx(-1.15 - 360.0) and bounds.right() == pytest.approx(-1.05 + 360.0)
    assert map_view.zones.labels_drawn[0] == "Spithead anchorage"
    map_view.zones.select(None)
    assert not map_view.zones.highlight.isVisible()


def test_fitting_a_zone_frames_it(map_view):
    map_view.fit_zone("Portland firing range")
    box = map_view.geo_box()
    west, south = FIRING_RANGE[0]
    east, north = FIRING_RANGE[2]
    assert box.west < west < east < box.east and box.south < south < north < box.north
    assert box.width < 4 * (east - west)


def test_hiding_the_zones_hides_them_and_their_legend(qtbot, map_view):
    map_view.show_box(GeoBox(-4.0, 49.6, 0.0, 51.2))
    assert "Restricted zone" in map_view.legend.row_labels()
    map_view.zones_action.setChecked(False)
    render(qtbot, map_view)
    assert map_view.zones.labels_drawn == [] and not map_view.zones.visible
    assert "Restricted zone" not in map_view.legend.row_labels()
    assert map_view.zones.tooltip_at(-2.4, float(mercator_y(50.45))) == ""
    map_view.zones_action.setChecked(True)
    render(qtbot, map_view)
    assert map_view.zones.labels_drawn
