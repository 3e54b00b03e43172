"""The map: land by level of detail, ships as one oriented, coloured scatter, fitting and tooltips."""
import dataclasses
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pyqtgraph as pg
import pytest

from domain import ais
from domain.time import MICROS_PER_MINUTE
from tests.ui.fleet_store import T0, channel_fleet
from ui import theme
from chart.coastline import Coastline
from ui.map.graticule import LongitudeAxis
from ui.map.map_view import MapView, fleet_span
from chart.projection import GeoBox, mercator_y
from ui.map.ship_layer import BEARING_STEPS, MOORED, NO_COURSE, symbol_kinds
from ui.map.ship_palette import ALL_GROUPS, UNKNOWN_GROUP, groups_of
from ui.map.trail_layer import screen_vertices

COASTLINE = Coastline()
MOMENT = T0 + 90 * MICROS_PER_MINUTE


@pytest.fixture(scope="module")
def source(module_fleet_stores):
    return module_fleet_stores.open(channel_fleet())


@pytest.fixture(scope="module")
def fleet(source):
    return source.fleet.state_at(MOMENT)


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


def test_land_is_rebuilt_only_when_the_view_leaves_the_area_it_was_built_for(map_view):
    map_view.show_box(GeoBox(-2.0, 50.4, -0.5, 51.0))
    map_view.update_land()
    path = map_view.land.path
    map_view.view_box.translateBy(x=0.01)  # a small pan stays inside the culling margin
    assert map_view.land.path is path and map_view.update_land() is False
    map_view.show_box(GeoBox(120.0, -40.0, 150.0, -10.0))  # Australia: the land follows at once
    assert map_view.land.path is not path and map_view.land.covers(map_view.geo_box())
    assert map_view.land.around.west < 120.0 and map_view.land.around.east > 150.0


def test_the_backdrop_fills_land_only_where_the_land_path_is_exact(map_view):
    map_view.show_box(GeoBox(-2.0, 50.4, -0.5, 51.0))
    map_view.update_land()
    area = map_view.backdrop.land_area
    around = map_view.land.around
    assert area.left() == pytest.approx(around.west) and area.right() == pytest.approx(around.east)
    assert area.top() == pytest.approx(float(mercator_y(around.south)))
    map_view.show_world()
    map_view.update_land()
    assert map_view.backdrop.land_area is None  # every coast drawn whole: nothing to clip


def test_land_follows_the_view_after_the_debounce(qtbot, map_view):
    map_view.show_box(GeoBox(-2.0, 50.4, -0.5, 51.0))
    qtbot.waitUntil(lambda: map_view.land.resolution == "i", timeout=2000)


def test_every_ship_is_one_spot_of_one_scatter_item_identified_by_mmsi(map_view, fleet):
    scatter = map_view.ships.scatter
    assert scatter.data["data"].tolist() == fleet.mmsi.tolist()
    np.testing.assert_allclose(scatter.data["x"], fleet.lon)
    np.testing.assert_allclose(scatter.data["y"], mercator_y(fleet.lat))
    scatter_items = [item for item in map_view.view_box.addedItems if isinstance(item, pg.ScatterPlotItem)]
    assert len(scatter_items) == 4  # the fleet, the flagged ships drawn above it, the selection ring and the alert rings


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


def test_all_trails_are_one_curve_joined_only_within_each_ship(map_view, source):
    trails = source.fleet.trails(MOMENT, 30 * MICROS_PER_MINUTE)
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
    map_view.view_box.translateBy(x=0.05)  # a small pan moves the image rendered with a margin
    map_view.plot.grab()
    assert map_view.backdrop.render_count == rendered
    map_view.view_box.scaleBy((0.5, 0.5))  # a zoom renders it anew
    map_view.plot.grab()
    assert map_view.backdrop.render_count == rendered + 1


def view_pixels(map_view):
    image = map_view.plot.grab().toImage()
    box = map_view.plot.mapFromScene(map_view.view_box.sceneBoundingRect()).boundingRect()
    return image.copy(box.adjusted(2, 2, -2, -2))


def test_a_small_pan_moves_the_backdrop_image_and_a_long_one_renders_it_anew(qtbot, map_view):
    map_view.show_box(GeoBox(-2.0, 50.4, -0.5, 51.0))
    map_view.update_land()
    view_pixels(map_view)
    rendered = map_view.backdrop.render_count
    pixel = map_view.view_box.viewPixelSize()[0]
    map_view.view_box.translateBy(x=37 * pixel, y=-12 * map_view.view_box.viewPixelSize()[1])
    moved = view_pixels(map_view)
    assert map_view.backdrop.render_count == rendered
    map_view.backdrop._image_key = None  # what a fresh render of the same view gives
    fresh = view_pixels(map_view)
    assert map_view.backdrop.render_count == rendered + 1
    assert moved == fresh
    (x0, x1), _ = map_view.view_box.viewRange()
    map_view.view_box.translateBy(x=(x1 - x0) * 0.4)  # past the margin
    view_pixels(map_view)
    assert map_view.backdrop.render_count == rendered + 2


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


def test_the_trails_curve_keeps_every_report_but_draws_only_what_shows_at_the_zoom(map_view, source):
    trails = source.fleet.trails(MOMENT, 30 * MICROS_PER_MINUTE)
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
    map_view.fit_fleet()
    map_view.update_land()
    assert map_view.ships.detailed  # framed, the ships have room for their symbols
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


def fleet_at(fleet, lon, lat):
    """The first ``len(lon)`` ships of ``fleet`` moved to these positions."""
    count = len(lon)
    ships = dataclasses.replace(fleet, **{field.name: getattr(fleet, field.name)[:count]
                                          for field in dataclasses.fields(fleet)})
    return dataclasses.replace(ships, lon=np.asarray(lon, dtype=float), lat=np.asarray(lat, dtype=float))


@pytest.mark.parametrize(("lon", "span"), [
    ([179.0, -179.0], (179.0, 181.0)),
    ([-1.0, 1.0, 0.5], (-1.0, 1.0)),
    ([-170.0, 0.0, 170.0], (0.0, 190.0)),  # 190° across the antimeridian is narrower than 340° across 0°
    ([178.0, -178.0, 179.5, -179.5], (178.0, 182.0)),
])
def test_the_fleet_span_is_the_narrowest_range_holding_every_ship(lon, span):
    assert fleet_span(np.array(lon)) == pytest.approx(span)


def test_fit_fleet_frames_a_fleet_across_the_antimeridian_in_a_small_box(map_view, fleet):
    ships = fleet_at(fleet, [179.2, 179.8, -179.7, -179.4], [-16.8, -16.6, -16.9, -17.0])  # around Fiji
    map_view.show_fleet(ships, MOMENT)
    map_view.fit_fleet()
    (x0, x1), _ = map_view.view_box.viewRange()
    assert x1 - x0 < 3.0 and x0 < 180.0 < x1
    x = map_view.ships.scatter.data["x"]
    np.testing.assert_allclose(np.sort(x), [179.2, 179.8, 180.3, 180.6])  # the western ships east of 180
    assert ((x0 <= x) & (x <= x1)).all()
    map_view.update_land()
    assert map_view.land.path.boundingRect().right() > 180.0  # Fiji's islands west of 180°W, drawn east of it
    assert map_view.land.path.boundingRect().left() < 180.0


def test_a_wrapped_view_labels_meridians_as_they_are_on_the_globe():
    axis = LongitudeAxis()
    assert axis.tickStrings([179.0, 180.0, 181.0, 190.0, -190.0], 1.0, 1.0) == ["179°E", "180°", "179°W", "170°W",
                                                                               "170°E"]


def test_ships_trails_and_alert_rings_move_to_the_world_copy_in_view(map_view, fleet, source):
    ships = fleet_at(fleet, [179.5, -179.5], [-16.8, -16.9])
    map_view.show_fleet(ships, MOMENT)
    map_view.show_world()
    assert sorted(map_view.ships.scatter.data["x"]) == [-179.5, 179.5]
    map_view.show_box(GeoBox(178.0, -18.0, 182.0, -16.0))  # across the antimeridian
    assert sorted(map_view.ships.scatter.data["x"]) == pytest.approx([179.5, 180.5])
    trails = source.fleet.trails(MOMENT, 30 * MICROS_PER_MINUTE)
    crossing = dataclasses.replace(trails, lon=np.where(np.arange(len(trails)) % 2, 179.9, -179.9))
    map_view.show_trails(crossing)
    x, _ = map_view.trails.trails.getData()
    assert ((x > 179.0) & (x < 181.0)).all()
    map_view.show_world()
    x, _ = map_view.trails.trails.getData()
    connect = map_view.trails.trails.opts["connect"]
    assert not (connect[:-1] & (np.abs(np.diff(x)) > 180.0)).any()  # no line drawn across the world


def test_restyled_ships_get_the_atlas_image_of_their_new_symbol(map_view, fleet):
    scatter = map_view.ships.scatter
    for turn in (90.0, 180.0, 0.0, 90.0):  # styles seen before are taken from memory, not the atlas
        heading = np.where(np.isnan(fleet.heading), np.nan, (np.nan_to_num(fleet.heading) + turn) % 360.0)
        map_view.show_fleet(dataclasses.replace(fleet, heading=heading), MOMENT + MICROS_PER_MINUTE)
        styles = list(zip(*scatter._style(["symbol", "size", "pen", "brush"])))
        expected = scatter.fragmentAtlas[styles]
        got = [tuple(int(v) for v in rect) for rect in scatter.data["sourceRect"][["x", "y", "w", "h"]].tolist()]
        assert got == [tuple(int(v) for v in rect) for rect in expected]


def test_ships_coming_and_going_get_the_atlas_images_of_their_symbols(map_view, fleet):
    scatter = map_view.ships.scatter
    for first in (1, 0, 3, 0):  # another set of ships each time: the spots are made anew
        ships = dataclasses.replace(fleet, **{field.name: getattr(fleet, field.name)[first:]
                                              for field in dataclasses.fields(fleet)})
        map_view.show_fleet(ships, MOMENT)
        assert scatter.data["data"].tolist() == ships.mmsi.tolist()
        styles = list(zip(*scatter._style(["symbol", "size", "pen", "brush"])))
        expected = scatter.fragmentAtlas[styles]
        got = [tuple(int(v) for v in rect) for rect in scatter.data["sourceRect"][["x", "y", "w", "h"]].tolist()]
        assert got == [tuple(int(v) for v in rect) for rect in expected]
