"""The map: land by level of detail, ships as one oriented, coloured scatter, fitting and tooltips."""
import dataclasses
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pyqtgraph as pg
import pytest

from domain import ais
from domain.time import MICROS_PER_MINUTE
from tests.ui.fixtures_fleet import T0, InMemoryFleetSource, channel_fleet
from ui import theme
from ui.map.coastline import Coastline
from ui.map.map_view import MapView
from ui.map.projection import GeoBox, mercator_y
from ui.map.ship_layer import BEARING_STEPS, MOORED, NO_COURSE, symbol_kinds
from ui.map.ship_palette import ALL_GROUPS, UNKNOWN_GROUP, groups_of
from ui.map.trail_layer import screen_vertices

COASTLINE = Coastline()
MOMENT = T0 + 90 * MICROS_PER_MINUTE


@pytest.fixture(scope="module")
def fleet():
    return InMemoryFleetSource(channel_fleet()).state_at(MOMENT)


@pytest.fixture
def map_view(qtbot, fleet):
    view = MapView(COASTLINE)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    view.show_fleet(fleet, MOMENT)
    return view


def test_land_is_drawn_at_the_detail_the_zoom_calls_for(map_view):
    map_view.show_world()
    map_view.update_land()
    assert map_view.land.resolution == "c"
    map_view.show_box(GeoBox(-15.0, 45.0, 15.0, 60.0))
    map_view.update_land()
    assert map_view.land.resolution == "l"
    map_view.show_box(GeoBox(-2.0, 50.4, -0.5, 51.0))
    map_view.update_land()
    assert map_view.land.resolution == "i"
    assert 0 < map_view.land.polygon_count < len(COASTLINE.layer("i")) / 50


def test_land_is_rebuilt_only_when_the_polygons_in_view_change(map_view):
    map_view.show_box(GeoBox(-2.0, 50.4, -0.5, 51.0))
    map_view.update_land()
    map_view.view_box.translateBy(x=0.01)  # a small pan stays inside the culling margin
    assert map_view.update_land() is False
    map_view.show_box(GeoBox(120.0, -40.0, 150.0, -10.0))  # Australia
    assert map_view.update_land() is True


def test_land_follows_the_view_after_the_debounce(qtbot, map_view):
    map_view.show_box(GeoBox(-2.0, 50.4, -0.5, 51.0))
    qtbot.waitUntil(lambda: map_view.land.resolution == "i", timeout=2000)


def test_every_ship_is_one_spot_of_one_scatter_item_identified_by_mmsi(map_view, fleet):
    scatter = map_view.ships.scatter
    assert scatter.data["data"].tolist() == fleet.mmsi.tolist()
    np.testing.assert_allclose(scatter.data["x"], fleet.lon)
    np.testing.assert_allclose(scatter.data["y"], mercator_y(fleet.lat))
    scatter_items = [item for item in map_view.view_box.addedItems if isinstance(item, pg.ScatterPlotItem)]
    assert len(scatter_items) == 2  # the fleet and the selection ring


def test_ships_point_along_their_heading_or_course_and_moored_ships_are_circles(fleet):
    kinds = symbol_kinds(fleet)
    moored = np.isin(fleet.status, [ais.NAV_STATUS_CODES["moored"], ais.NAV_STATUS_CODES["at anchor"]])
    assert (kinds[moored] == MOORED).all() and moored.any()
    moving = ~moored
    bearing = np.where(np.isnan(fleet.heading), fleet.cog, fleet.heading)
    with_bearing = moving & ~np.isnan(bearing)
    assert with_bearing.any() and (moving & np.isnan(bearing)).any()
    np.testing.assert_array_equal(kinds[with_bearing], np.rint(bearing[with_bearing] / 5).astype(int) % BEARING_STEPS)
    assert (kinds[moving & np.isnan(bearing)] == NO_COURSE).all()


def test_symbols_and_brushes_are_reused_between_moments(map_view, fleet):
    first = set(map(id, map_view.ships.scatter.data["symbol"])) | set(map(id, map_view.ships.scatter.data["brush"]))
    map_view.show_fleet(fleet, MOMENT + MICROS_PER_MINUTE)
    again = set(map(id, map_view.ships.scatter.data["symbol"])) | set(map(id, map_view.ships.scatter.data["brush"]))
    assert again <= first | set(map(id, map_view.ships._brushes)) | set(map(id, map_view.ships._symbols))
    assert len(map_view.ships.scatter.fragmentAtlas) <= 2 * len(ALL_GROUPS) * (BEARING_STEPS + 2)


def test_every_ship_type_has_a_colour_and_unknown_types_are_grey():
    codes = np.arange(-1, len(ais.SHIP_TYPES))
    groups = groups_of(codes)
    assert groups[0] == UNKNOWN_GROUP and (groups[1:] < UNKNOWN_GROUP).all()


def test_fit_fleet_frames_every_ship(map_view, fleet):
    map_view.show_world()
    map_view.fit_fleet_action.trigger()
    (x0, x1), (y0, y1) = map_view.view_box.viewRange()
    y = mercator_y(fleet.lat)
    assert x0 <= fleet.lon.min() and fleet.lon.max() <= x1 and y0 <= y.min() and y.max() <= y1
    assert x1 - x0 < 20


def test_hovering_a_ship_tells_name_mmsi_speed_course_and_status(map_view, fleet):
    i = int(np.flatnonzero(~np.isnan(fleet.cog) & (fleet.status == 0) & (fleet.names != None))[0])  # noqa: E711
    text = map_view.ships.tooltip(data=int(fleet.mmsi[i]))
    assert fleet.names[i] in text and str(fleet.mmsi[i]) in text
    assert f"SOG {fleet.sog[i]:.1f} kn" in text and f"COG {fleet.cog[i]:.1f}°" in text
    assert "under way using engine" in text


def test_selecting_a_ship_rings_it_and_names_it(map_view, fleet):
    map_view.select_ship(int(fleet.mmsi[3]))
    ring = map_view.ships.ring.data
    assert ring["x"].tolist() == [fleet.lon[3]]
    assert map_view.ships.label.isVisible()
    map_view.select_ship(None)
    assert len(map_view.ships.ring.data) == 0 and not map_view.ships.label.isVisible()


def test_ensure_visible_pans_to_a_ship_out_of_view(map_view, fleet):
    map_view.show_box(GeoBox(100.0, 0.0, 101.0, 1.0))
    map_view.ensure_visible(int(fleet.mmsi[0]))
    (x0, x1), (y0, y1) = map_view.view_box.viewRange()
    assert x0 < fleet.lon[0] < x1 and y0 < mercator_y(fleet.lat[0]) < y1


def test_the_legend_sits_in_the_corner_hiding_the_fewest_ships(map_view):
    map_view.fit_fleet()
    map_view.update_land()
    hidden_in_each_corner = [map_view._ships_under(corner) for corner in map_view._legend_corners()]
    assert map_view._ships_under(map_view.legend.geometry()) <= min(hidden_in_each_corner) + 3


def test_all_trails_are_one_curve_joined_only_within_each_ship(map_view):
    source = InMemoryFleetSource(channel_fleet())
    trails = source.trails(MOMENT, 30 * MICROS_PER_MINUTE)
    map_view.show_trails(trails)
    curve = map_view.trails.trails
    x, y = curve.getData()
    np.testing.assert_allclose(x, trails.lon)
    np.testing.assert_allclose(y, mercator_y(trails.lat))
    np.testing.assert_array_equal(curve.opts["connect"], trails.connect)
    assert not trails.connect[np.flatnonzero(np.diff(trails.mmsi))].any()  # never from one ship to the next
    curves = [item for item in map_view.view_box.addedItems if isinstance(item, pg.PlotCurveItem)]
    assert len(curves) == 3  # all trails, the selected track, its part after the moment
    assert curve.zValue() < map_view.ships.scatter.zValue()
    map_view.show_trails(None)
    assert len(curve.getData()[0]) == 0


def test_sea_land_and_graticule_are_rendered_once_per_view_not_once_per_moment(qtbot, map_view, fleet):
    map_view.show_box(GeoBox(-2.0, 50.4, -0.5, 51.0))
    map_view.update_land()
    assert map_view.backdrop.land is map_view.land.path and not map_view.land.path.isEmpty()
    map_view.plot.grab()
    rendered = map_view.backdrop.render_count
    for minutes in range(1, 4):
        map_view.show_fleet(fleet, MOMENT + minutes * MICROS_PER_MINUTE)
        map_view.plot.grab()
    assert map_view.backdrop.render_count == rendered
    map_view.view_box.translateBy(x=0.05)  # the view moved: the image must follow it
    map_view.plot.grab()
    assert map_view.backdrop.render_count == rendered + 1


def test_the_backdrop_paints_land_and_sea_under_the_ships(qtbot, map_view):
    map_view.show_box(GeoBox(-2.0, 50.4, -0.5, 51.0))  # the Solent: land north, sea south
    map_view.update_land()
    image = map_view.plot.grab().toImage()
    box = map_view.plot.mapFromScene(map_view.view_box.sceneBoundingRect()).boundingRect()
    colours = {image.pixelColor(x, y).name() for x in range(box.left() + 5, box.right() - 5, 17)
               for y in range(box.top() + 5, box.bottom() - 5, 17)}
    assert {theme.SEA, theme.LAND} <= colours


def test_trails_draw_each_run_from_its_first_to_its_last_report_skipping_points_within_a_pixel():
    x = np.array([0.0, 0.1, 0.2, 1.5, 1.6, 5.0, 5.1, 5.2, 5.3])
    y = np.zeros_like(x)
    connect = np.array([1, 1, 1, 1, 0, 1, 1, 1, 0], dtype=bool)  # two ships: vertices 0-4 and 5-8
    kept = screen_vertices(x, y, connect, 1.0, 1.0)
    np.testing.assert_array_equal(kept, [0, 3, 4, 5, 8])
    np.testing.assert_array_equal(connect[kept], [True, True, False, True, False])
    np.testing.assert_array_equal(screen_vertices(x, y, connect, 0.01, 0.01), np.arange(len(x)))


def test_the_trails_curve_keeps_every_report_but_draws_only_what_shows_at_the_zoom(map_view):
    trails = InMemoryFleetSource(channel_fleet()).trails(MOMENT, 30 * MICROS_PER_MINUTE)
    map_view.show_trails(trails)
    map_view.show_world()
    map_view.plot.grab()
    curve = map_view.trails.trails
    assert len(curve.getData()[0]) == len(trails)
    assert 0 < curve.drawn_count < len(trails)
    world_count = curve.drawn_count
    map_view.show_box(GeoBox(-1.5, 50.6, -1.0, 50.9))
    map_view.plot.grab()
    assert curve.drawn_count > world_count  # zoomed in: more of the reports are pixels apart


def test_the_same_ships_at_a_new_moment_are_moved_in_place_and_only_turned_ships_restyled(map_view, fleet):
    scatter = map_view.ships.scatter
    spots_before = scatter.data
    heading = fleet.heading.copy()
    turned = int(np.flatnonzero(~np.isnan(heading) & (symbol_kinds(fleet) < BEARING_STEPS))[0])
    heading[turned] = (heading[turned] + 90.0) % 360.0
    later = dataclasses.replace(fleet, lon=fleet.lon + 0.01, heading=heading)
    map_view.show_fleet(later, MOMENT + MICROS_PER_MINUTE)
    assert scatter.data is spots_before  # the same spots, not a rebuilt array
    np.testing.assert_allclose(scatter.data["x"], later.lon)
    np.testing.assert_allclose(scatter.data["y"], mercator_y(later.lat))
    expected = [id(map_view.ships._symbols[kind]) for kind in symbol_kinds(later)]
    assert [id(symbol) for symbol in scatter.data["symbol"]] == expected
    assert (scatter.data["sourceRect"]["w"] > 0).all()  # every spot, the turned one too, has its atlas image
    fewer = dataclasses.replace(later, **{field.name: getattr(later, field.name)[1:]
                                          for field in dataclasses.fields(later)})
    map_view.show_fleet(fewer, MOMENT + MICROS_PER_MINUTE)
    assert scatter.data["data"].tolist() == fewer.mmsi.tolist()
