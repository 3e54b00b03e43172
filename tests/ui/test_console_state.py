"""The console's state as one object: its choices start from the settings and are remembered there, each
change is told once, and a command sent to it by any part of the console reaches the map, the table, the
timeline and the menus — on a real store simulated into ``tmp_path``."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from app.demo_fleet import seed_history
from chart.coastline import Coastline
from domain.time import MICROS_PER_MINUTE, parse_instant
from store import open_store
from tests.ui.fleet_store import open_service
from ui.console_state import ConsoleState
from ui.formatting import KMH, LOCAL
from ui.main_window import MainWindow
from ui.settings import SPEED_UNIT, TIME_ZONE, TRAIL_MINUTES, UiSettings

COASTLINE = Coastline()
END = parse_instant("2026-11-25T12:00:00Z")


@pytest.fixture
def settings(tmp_path):
    return UiSettings.at(tmp_path / "ui.ini")


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """One simulated hour of 50 ships, read by every test here (none of them appends)."""
    store = open_store(tmp_path_factory.mktemp("console") / "fleet.sqlite")
    seed_history(store, ships=50, hours=1, seed=3, end=END)
    console = open_service(store)
    yield console
    console.imports.stop_feeds()
    store.close()


@pytest.fixture
def window(qtbot, service, settings):
    console = MainWindow(service, END - 30 * MICROS_PER_MINUTE, settings=settings, coastline=COASTLINE)
    qtbot.addWidget(console)
    console.resize(1400, 900)
    console.show()
    qtbot.waitExposed(console)
    return console


def test_display_choices_start_from_the_settings_and_are_remembered_there(qtbot, settings):
    settings.set(TRAIL_MINUTES, 60)
    settings.set(SPEED_UNIT, "furlongs per fortnight")  # a value no version of the console wrote
    state = ConsoleState(settings)
    assert (state.trail_minutes, state.speed_unit, state.time_zone) == (60, "kn", "utc")
    state.set_time_zone(LOCAL)
    state.set_speed_unit(KMH)
    assert settings.get(TIME_ZONE) == LOCAL and settings.get(SPEED_UNIT) == KMH
    assert ConsoleState(settings).time_zone == LOCAL


def test_unkept_settings_read_as_defaults_and_keep_nothing(qtbot):
    settings = UiSettings.unkept()
    state = ConsoleState(settings)
    state.set_trail_minutes(180)
    assert settings.get(TRAIL_MINUTES) == TRAIL_MINUTES.default and ConsoleState(settings).trail_minutes == 30


def test_a_selection_is_told_once_and_revealed_only_when_asked(qtbot):
    state = ConsoleState(UiSettings.unkept())
    selected, revealed = [], []
    state.selectionChanged.connect(selected.append)
    state.revealRequested.connect(revealed.append)
    state.select_ship(235000001)
    state.select_ship(235000001)
    state.select_ship(235000002, reveal=False)
    state.select_ship(None)
    assert selected == [235000001, 235000002, None] and revealed == [235000001]


def test_as_known_then_bounds_what_is_read_by_the_moment(qtbot):
    state = ConsoleState(UiSettings.unkept())
    assert state.known_at(END) is None
    state.set_as_known_then(True)
    assert state.known_at(END) == END


def test_going_to_a_moment_moves_the_timeline_and_redraws_map_and_table(qtbot, window, service):
    target = END - 50 * MICROS_PER_MINUTE
    with qtbot.waitSignal(window.momentShown, timeout=3000):
        window.state.go_to(target)
    assert window.state.moment == target and window.timeline.moment() == target
    expected = service.fleet.state_at(target)
    assert sorted(window.display.fleet.mmsi.tolist()) == sorted(expected.mmsi.tolist())
    assert window.fleet_table.model.rowCount() == len(expected)


def test_a_moment_before_the_log_is_clamped_by_the_timeline(qtbot, window, service):
    with qtbot.waitSignal(window.momentShown, timeout=3000):
        window.state.go_to(0)
    assert window.state.moment == service.fleet.time_range()[0]


def test_as_known_then_asked_of_the_state_ticks_the_timeline_and_says_so(qtbot, window):
    window.state.set_as_known_then(True)
    assert window.timeline.as_known_then()
    assert "as known then" in window.display.mode_text()
    window.timeline.known_then_box.setChecked(False)
    assert not window.state.as_known_then


def test_live_asked_of_the_state_moves_the_timeline_to_the_head(qtbot, window, service):
    with qtbot.waitSignal(window.momentShown, timeout=3000):
        window.menus.live.trigger()
    assert window.state.live and window.timeline.is_live()
    assert window.state.moment == service.fleet.time_range()[1]
    with qtbot.waitSignal(window.momentShown, timeout=3000):
        window.timeline.step(-MICROS_PER_MINUTE)
    assert not window.state.live


def test_following_a_ship_selects_it_and_the_map_keeps_it_centred_until_panned(qtbot, window):
    mmsi = int(window.display.fleet.mmsi[0])
    window.state.follow(mmsi)
    assert window.state.selected_ship == mmsi and window.state.followed_ship == mmsi
    assert window.map_view.following == mmsi and window.following_label.text().startswith("Following ")
    window.map_view.stop_following()  # what a pan by the operator does
    assert window.state.followed_ship is None and window.following_label.text() == ""


def test_a_choice_made_in_the_state_ticks_its_menu_item(qtbot, window):
    window.state.set_trail_minutes(180)
    window.state.set_speed_unit(KMH)
    assert window.menus.trail_actions[180].isChecked() and window.menus.unit_actions[KMH].isChecked()
    assert window.fleet_table.model.speed_unit == KMH


def test_the_import_menu_item_asks_for_the_files_to_import(qtbot, window):
    """Triggering File › Import from the menu (or Ctrl+I) opens the file chooser, not nothing."""
    asked = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QFileDialog):
            asked.append(dialog.windowTitle())
            dialog.reject()

    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(answer)
    poll.start()
    window.menus.import_files.trigger()
    poll.stop()
    assert asked == ["Import AIS files"]
