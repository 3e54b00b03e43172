"""Following a ship: double-click centres the map on it and keeps it centred until the operator moves the map."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QPointF, Qt

from domain.time import MICROS_PER_MINUTE
from tests.ui.fleet_store import T0, channel_fleet
from ui.main_window import MainWindow
from chart.coastline import Coastline
from chart.projection import mercator_y
from ui.settings import UiSettings

COASTLINE = Coastline()


def at(minutes: float) -> int:
    return T0 + int(minutes * MICROS_PER_MINUTE)


@pytest.fixture
def source(fleet_stores):
    return fleet_stores.open(channel_fleet(ships=60))


@pytest.fixture
def window(qtbot, source, tmp_path):
    console = MainWindow(source, at(45), settings=UiSettings.at(tmp_path / "ui.ini"), coastline=COASTLINE)
    qtbot.addWidget(console)
    console.resize(1400, 900)
    console.show()
    console.activateWindow()
    qtbot.waitExposed(console)
    return console


def moving_ship(window) -> int:
    """A ship under way at 45 min that is still on the map at 60 min."""
    fleet = window.display.fleet
    for row in range(len(fleet)):
        if fleet.sog[row] > 5:
            return int(fleet.mmsi[row])
    raise AssertionError("no ship under way")


def ship_xy(window, mmsi: int) -> tuple[float, float]:
    row = window.map_view.ships.row_of(mmsi)
    fleet = window.map_view.ships.fleet
    return float(fleet.lon[row]), float(mercator_y(fleet.lat[row]))


def view_centre(window) -> tuple[float, float]:
    (x0, x1), (y0, y1) = window.map_view.view_box.viewRange()
    return (x0 + x1) / 2, (y0 + y1) / 2


def double_click_at(qtbot, window, x: float, y: float) -> None:
    map_view = window.map_view
    point = map_view.plot.mapFromScene(map_view.view_box.mapViewToScene(QPointF(x, y)))
    qtbot.mouseDClick(map_view.plot.viewport(), Qt.MouseButton.LeftButton, pos=point)


def zoom_to(qtbot, window, x: float, y: float, half: float = 0.05) -> None:
    view_box = window.map_view.view_box
    view_box.setRange(xRange=(x - half, x + half), yRange=(y - half, y + half), padding=0)


def assert_centred_on(window, mmsi: int) -> None:
    x, y = ship_xy(window, mmsi)
    cx, cy = view_centre(window)
    assert cx == pytest.approx(x, abs=1e-9) and cy == pytest.approx(y, abs=1e-9)


def test_double_clicking_a_ship_selects_it_centres_the_map_and_names_it(qtbot, window):
    mmsi = moving_ship(window)
    x, y = ship_xy(window, mmsi)
    zoom_to(qtbot, window, x + 0.02, y + 0.01)  # the ship off centre, but in view
    with qtbot.waitSignal(window.map_view.followingChanged, timeout=2000) as blocker:
        double_click_at(qtbot, window, x, y)
    assert blocker.args == [mmsi]
    assert window.state.selected_ship == mmsi and window.fleet_table.selected_ship() == mmsi
    assert_centred_on(window, mmsi)
    row = window.map_view.ships.row_of(mmsi)
    assert window.following_label.text() == f"Following {window.display.fleet.names[row] or f'MMSI {mmsi}'}"
    assert window.map_view.follow_action.isChecked()


def test_the_map_keeps_the_followed_ship_centred_as_the_moment_changes(qtbot, window):
    mmsi = moving_ship(window)
    window.state.follow(mmsi)
    width_before = window.map_view.view_box.viewRange()[0]
    for minutes in (50, 55, 60):
        window.timeline.set_moment(at(minutes))
        window.state.set_moment(at(minutes))
        assert_centred_on(window, mmsi)
    width_after = window.map_view.view_box.viewRange()[0]
    assert width_after[1] - width_after[0] == pytest.approx(width_before[1] - width_before[0])  # zoom kept


def test_panning_by_hand_stops_following(qtbot, window):
    mmsi = moving_ship(window)
    window.state.follow(mmsi)
    with qtbot.waitSignal(window.map_view.followingChanged, timeout=2000) as blocker:
        window.map_view.view_box.sigRangeChangedManually.emit([True, True])  # what a drag or the wheel sends
    assert blocker.args == [None]
    assert window.following_label.text() == "" and not window.map_view.follow_action.isChecked()
    centre = view_centre(window)
    window.state.set_moment(at(60))
    assert view_centre(window) == centre


def test_escape_stops_following(qtbot, window):
    window.state.follow(moving_ship(window))
    qtbot.keyClick(window.map_view.plot.viewport(), Qt.Key.Key_Escape)
    assert window.map_view.following is None


def test_double_clicking_empty_sea_stops_following(qtbot, window):
    mmsi = moving_ship(window)
    x, y = ship_xy(window, mmsi)
    zoom_to(qtbot, window, x, y)
    window.state.follow(mmsi)
    double_click_at(qtbot, window, x + 0.04, y + 0.04)
    assert window.map_view.following is None
    assert window.state.selected_ship == mmsi  # the selection stays


def test_the_follow_action_follows_the_selected_ship_and_selecting_another_stops(qtbot, window):
    action = window.map_view.follow_action
    assert not action.isEnabled()  # nothing selected yet
    assert window.menus.shortcuts()["Follow selected ship"] == "Ctrl+Shift+F"
    assert list(window.menus.shortcuts().values()).count("Ctrl+Shift+F") == 1
    first = moving_ship(window)
    window.state.select_ship(first)
    assert action.isEnabled()
    action.trigger()
    assert window.map_view.following == first
    assert_centred_on(window, first)
    other = next(int(m) for m in window.display.fleet.mmsi if int(m) != first)
    window.state.select_ship(other)
    assert window.map_view.following is None and not action.isChecked()
