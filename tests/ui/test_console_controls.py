"""The operator's controls on the real window: trails, playing, stepping, jumping, menus, settings, status."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import time
from collections import Counter

import numpy as np
import pytest
from PySide6.QtCore import QDateTime, Qt, QTimeZone
from PySide6.QtGui import QKeySequence

from domain.events import PositionReported
from domain.time import MICROS_PER_HOUR, MICROS_PER_MINUTE, MICROS_PER_SECOND
from tests.ui.fleet_store import LATE_FROM, LATE_MMSI, T0, Calls, Subscriptions, append, channel_fleet, logged
from ui.about import AboutDialog
from ui.fleet_model import Column
from ui.formatting import KMH, LOCAL, UTC
from ui.main_window import MainWindow
from chart.coastline import Coastline
from chart.projection import mercator_y
from ui.settings import LAST_STORE_PATH, PLAY_SPEED, SPEED_UNIT, TIME_ZONE, TRAIL_MINUTES, UiSettings
from ui.timeline_density import DENSITY_BINS

COASTLINE = Coastline()


def at(minutes: float) -> int:
    return T0 + int(minutes * MICROS_PER_MINUTE)


@pytest.fixture
def source(fleet_stores):
    return fleet_stores.open(channel_fleet())


@pytest.fixture
def settings_path(tmp_path):
    return tmp_path / "ui.ini"


@pytest.fixture
def window(qtbot, source, settings_path):
    console = MainWindow(source, at(45), settings=UiSettings.at(settings_path), coastline=COASTLINE)
    qtbot.addWidget(console)
    console.resize(1400, 900)
    console.show()
    qtbot.waitExposed(console)
    console.activateWindow()
    qtbot.waitUntil(console.isActiveWindow)
    return console


def go_to(qtbot, window, moment: int) -> None:
    with qtbot.waitSignal(window.momentShown, timeout=2000):
        window.timeline.set_moment(moment)


def reports_in(source, start: int, end: int, known_at: int | None = None, mmsi: int | None = None):
    return [e.event for e in logged(source) if isinstance(e.event, PositionReported) and start < e.occurred_at <= end
            and (known_at is None or e.recorded_at <= known_at) and (mmsi is None or e.event.mmsi == mmsi)]


def curve_points(curve) -> Counter:
    x, y = curve.getData()
    return Counter(zip(np.round(x, 9).tolist(), np.round(y, 9).tolist()))


def expected_points(reports) -> Counter:
    return Counter(zip(np.round([r.lon for r in reports], 9).tolist(),
                       np.round(mercator_y(np.array([r.lat for r in reports])), 9).tolist()))


# --- trails ------------------------------------------------------------------------------------------------------

def test_trails_show_every_report_of_the_last_30_minutes_as_one_curve_broken_between_ships(window, source):
    curve = window.map_view.trails.trails
    expected = reports_in(source, at(45) - 30 * MICROS_PER_MINUTE, at(45))
    assert curve_points(curve) == expected_points(expected)
    connect = curve.opts["connect"]
    ships = {r.mmsi for r in expected}
    assert int(np.count_nonzero(connect)) == len(expected) - len(ships)  # joined only within one ship's run


def test_trails_follow_the_chosen_length_and_can_be_turned_off(qtbot, window, source, settings_path):
    window.menus.trail_actions[180].trigger()
    assert curve_points(window.map_view.trails.trails) == expected_points(reports_in(source, at(45) - 3 * MICROS_PER_HOUR, at(45)))
    window.menus.trail_actions[0].trigger()
    assert len(window.map_view.trails.trails.getData()[0]) == 0
    assert UiSettings.at(settings_path).get(TRAIL_MINUTES) == 0


def test_trails_as_known_then_leave_out_reports_recorded_later(qtbot, window, source):
    moment = LATE_FROM + 25 * MICROS_PER_MINUTE
    go_to(qtbot, window, moment)
    with qtbot.waitSignal(window.momentShown, timeout=2000):
        window.timeline.known_then_box.click()
    expected = reports_in(source, moment - 30 * MICROS_PER_MINUTE, moment, known_at=moment)
    assert curve_points(window.map_view.trails.trails) == expected_points(expected)
    assert not [r for r in expected if r.mmsi == LATE_MMSI]


def test_the_selected_ship_track_is_highlighted_three_hours_either_side(qtbot, window, source):
    window.state.select_ship(LATE_MMSI)
    moment = window.state.moment
    past = reports_in(source, moment - 3 * MICROS_PER_HOUR - 1, moment, mmsi=LATE_MMSI)
    ahead = reports_in(source, moment, moment + 3 * MICROS_PER_HOUR, mmsi=LATE_MMSI)
    assert curve_points(window.map_view.trails.selected_track) == expected_points(past)
    assert curve_points(window.map_view.trails.selected_ahead) == expected_points([past[-1], *ahead])
    window.state.select_ship(None)
    assert len(window.map_view.trails.selected_track.getData()[0]) == 0


# --- playing -----------------------------------------------------------------------------------------------------

def test_playing_at_600x_advances_the_moment_by_600_times_the_wall_time(qtbot, window):
    timeline = window.timeline
    timeline.set_play_speed(600)
    start, started = timeline.moment(), time.monotonic()
    timeline.play()
    assert "playing 600×" in window.moment_label.text()
    qtbot.waitUntil(lambda: timeline.moment() - start >= 5 * MICROS_PER_MINUTE, timeout=3000)  # ~0.5 s
    timeline.pause()
    elapsed = time.monotonic() - started
    advanced = (timeline.moment() - start) / MICROS_PER_SECOND
    assert 600 * (elapsed - 0.2) <= advanced <= 600 * elapsed
    qtbot.waitUntil(lambda: window.state.moment == timeline.moment(), timeout=2000)  # each tick is drawn


def test_space_plays_and_pauses(qtbot, window):
    qtbot.keyClick(window.map_view.plot.viewport(), Qt.Key.Key_Space)
    assert window.timeline.is_playing()
    qtbot.keyClick(window.map_view.plot.viewport(), Qt.Key.Key_Space)
    assert not window.timeline.is_playing()


def test_playing_stops_at_the_head_and_goes_live(qtbot, window, source):
    window.timeline.set_play_speed(3600)
    go_to(qtbot, window, source.fleet.time_range()[1] - 30 * MICROS_PER_SECOND)
    with qtbot.waitSignal(window.timeline.liveChanged, timeout=3000) as blocker:
        window.timeline.play()
    assert blocker.args == [True]
    assert not window.timeline.is_playing()
    qtbot.waitUntil(lambda: window.state.moment == source.fleet.time_range()[1], timeout=2000)


# --- stepping, ends, jumping -----------------------------------------------------------------------------------

def test_right_and_left_step_exactly_through_the_selected_ships_reports(qtbot, window, source):
    mmsi = int(window.display.fleet.mmsi[3])
    window.state.select_ship(mmsi)
    times = source.fleet.report_times(mmsi)
    after = times[times > window.state.moment]
    viewport = window.map_view.plot.viewport()
    for expected in after[:3]:
        with qtbot.waitSignal(window.momentShown, timeout=2000):
            qtbot.keyClick(viewport, Qt.Key.Key_Right)
        assert window.state.moment == expected
    with qtbot.waitSignal(window.momentShown, timeout=2000):
        qtbot.keyClick(viewport, Qt.Key.Key_Left)
    assert window.state.moment == after[1]


def test_without_a_selection_steps_are_a_minute(qtbot, window):
    with qtbot.waitSignal(window.momentShown, timeout=2000):
        window.menus.next.trigger()
    assert window.state.moment == at(46)
    with qtbot.waitSignal(window.momentShown, timeout=2000):
        window.menus.previous.trigger()
    assert window.state.moment == at(45)


def test_home_and_end_go_to_the_first_and_last_event(qtbot, window, source):
    viewport = window.map_view.plot.viewport()
    with qtbot.waitSignal(window.momentShown, timeout=2000):
        qtbot.keyClick(viewport, Qt.Key.Key_Home)
    assert window.state.moment == source.fleet.time_range()[0]
    with qtbot.waitSignal(window.momentShown, timeout=2000):
        qtbot.keyClick(viewport, Qt.Key.Key_End)
    assert window.state.moment == source.fleet.time_range()[1]


def test_jump_to_time_goes_to_the_time_typed_when_enter_is_pressed(qtbot, window):
    window.menus.jump.trigger()
    edit = window.timeline.jump_edit
    assert edit.hasFocus()
    edit.setDateTime(QDateTime.fromMSecsSinceEpoch(at(100) // 1000, QTimeZone.utc()))
    with qtbot.waitSignal(window.momentShown, timeout=2000):
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.state.moment == at(100)
    assert "2026-11-25 13:40:00 UTC" in window.timeline.moment_label.text()


def test_keys_typed_in_the_filter_box_or_the_date_box_do_not_play_or_step(qtbot, window):
    window.menus.find_ship.trigger()
    box = window.fleet_table.filter_box
    assert box.hasFocus()
    qtbot.keyClicks(box, "NORTH STAR")
    for key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End):
        qtbot.keyClick(box, key)
    assert box.text() == "NORTH STAR" and not window.timeline.is_playing()
    window.timeline.focus_jump()
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Left, Qt.Key.Key_Right):
        qtbot.keyClick(window.timeline.jump_edit, key)
    qtbot.wait(20)
    assert window.state.moment == at(45) and window.timeline.moment() == at(45) and not window.timeline.is_playing()


# --- time zone, units, settings ----------------------------------------------------------------------------------

@pytest.fixture
def local_zone_three_hours_east():
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "XYZ-3"
    time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


def test_local_time_changes_every_time_shown_but_ages_stay_ages(window, local_zone_three_hours_east, settings_path):
    age_before = window.fleet_table.proxy.index(0, Column.LAST_REPORT).data()
    window.menus.zone_actions[LOCAL].trigger()
    assert window.timeline.moment_label.text() == "2026-11-25 15:45:00 XYZ"
    assert "2026-11-25 15:45:00 XYZ" in window.moment_label.text()
    assert window.timeline.first_label.text().startswith("2026-11-25 15:")
    assert "XYZ" in window.status.head_label.text()
    assert window.fleet_table.proxy.index(0, Column.LAST_REPORT).data() == age_before
    assert UiSettings.at(settings_path).get(TIME_ZONE) == LOCAL
    window.menus.zone_actions[UTC].trigger()
    assert window.timeline.moment_label.text() == "2026-11-25 12:45:00 UTC"


def test_kmh_changes_the_speeds_in_the_table_and_tooltips(qtbot, window, settings_path):
    model = window.fleet_table.model
    row = int(np.flatnonzero(window.display.fleet.sog > 1)[0])
    mmsi, sog = int(window.display.fleet.mmsi[row]), float(window.display.fleet.sog[row])
    display_row = model.row_of(mmsi)
    assert model.index(display_row, Column.SOG).data() == f"{sog:.1f}"
    with qtbot.waitSignal(model.dataChanged):
        window.menus.unit_actions[KMH].trigger()
    assert model.index(display_row, Column.SOG).data() == f"{sog * 1.852:.1f}"
    assert model.headerData(Column.SOG, Qt.Orientation.Horizontal) == "SOG (km/h)"
    assert f"SOG {sog * 1.852:.1f} km/h" in window.map_view.ships.tooltip(data=mmsi)
    assert UiSettings.at(settings_path).get(SPEED_UNIT) == KMH


def test_choices_are_remembered_for_the_next_session(qtbot, window, source, settings_path):
    window.state.set_trail_minutes(60)
    window.state.set_speed_unit(KMH)
    window.timeline.set_play_speed(3600)
    window.commands.request_open_store("/data/fleet.sqlite")
    window.close()
    again = MainWindow(source, at(45), settings=UiSettings.at(settings_path), coastline=COASTLINE)
    qtbot.addWidget(again)
    assert again.state.trail_minutes == 60 and again.menus.trail_actions[60].isChecked()
    assert again.state.speed_unit == KMH and again.fleet_table.model.speed_unit == KMH
    assert again.timeline.play_speed() == 3600
    stored = UiSettings.at(settings_path)
    assert stored.get(PLAY_SPEED) == 3600 and stored.get(LAST_STORE_PATH) == "/data/fleet.sqlite"


# --- density, menus, status, about ------------------------------------------------------------------------------

def test_the_density_strip_counts_the_reports_in_each_slice_of_the_log(window, source):
    first, last = source.fleet.time_range()
    counts = window.timeline.density.counts
    assert len(counts) == DENSITY_BINS
    expected = np.zeros(DENSITY_BINS, dtype=np.int64)
    for event in logged(source):
        if event.type == "PositionReported" and first <= event.occurred_at <= last:
            expected[min(DENSITY_BINS - 1, (event.occurred_at - first) * DENSITY_BINS // (last - first))] += 1
    np.testing.assert_array_equal(counts, expected)


def test_the_density_is_not_recounted_while_scrubbing(qtbot, window, source, monkeypatch):
    density = Calls(monkeypatch, source.fleet, "event_density")
    for minutes in (10, 90, 150):
        go_to(qtbot, window, at(minutes))
    assert density.count == 0


def test_the_density_is_recounted_when_the_log_grows(qtbot, window, source):
    head = source.fleet.time_range()[1]
    report = PositionReported(mmsi=LATE_MMSI, occurred_at=head + 10 * MICROS_PER_MINUTE, lat=50.3, lon=-1.0,
                              sog=12.0, cog=90.0)
    window.news.density_timer.setInterval(10)
    before = int(window.timeline.density.counts.sum())
    append(source, [(report, report.occurred_at + 1)])
    qtbot.waitUntil(lambda: window.timeline.density.counts.sum() == before + 1, timeout=3000)
    assert window.timeline.density.counts[-1] >= 1


def test_the_menus_carry_the_operator_shortcuts(window):
    keys = window.menus.shortcuts()
    expected = {"&Open store…": "Ctrl+O", "&Export report…": "Ctrl+E", "&Quit": "Ctrl+Q", "&Full screen": "F11",
                "Play": "Space", "Previous report": "Left", "Next report": "Right", "First event": "Home",
                "Last event": "End", "&Find ship…": "Ctrl+F", "Fit fleet": "F"}
    assert {text: keys.get(text) for text in expected} == expected
    assert window.menus.export_report.isEnabled()  # a store open for writing: its log can be reported on
    view_items = [a.text() for a in window.menus.view_menu.actions()]
    assert {"Fit fleet", "World", "&Trails", "Time &zone", "Speed &units", "&Panels"} <= set(view_items)
    panels = [a.text() for a in window.menus.panels_menu.actions()]
    assert "Fleet" in panels and "Timeline" in panels
    assert len(set(QKeySequence(k).toString() for k in keys.values())) == len(keys)  # no key twice


def test_find_ship_puts_the_cursor_in_the_fleet_filter(qtbot, window):
    window.fleet_dock.hide()
    window.menus.find_ship.trigger()
    assert window.fleet_dock.isVisible() and window.fleet_table.filter_box.hasFocus()


def test_open_store_asks_the_composition_root(qtbot, window):
    with qtbot.waitSignal(window.commands.openStoreRequested) as blocker:
        window.commands.request_open_store("/tmp/other.sqlite")
    assert blocker.args == ["/tmp/other.sqlite"]


def test_the_status_bar_names_the_store_feed_integrity_and_mode(qtbot, window, source):
    assert window.source_label.text() == source.fleet.describe()
    assert window.status.head_label.text() == "newest report 2026-11-25 15:00:00 UTC"
    assert window.moment_label.text() == "2026-11-25 12:45:00 UTC · replay"
    window.set_feed_state("demo fleet · 26 ev/s")
    window.set_integrity("chain verified ✓")
    assert window.status.feed_label.isVisibleTo(window) and window.status.feed_label.text() == "demo fleet · 26 ev/s"
    assert window.status.integrity_label.text() == "chain verified ✓"
    window.timeline.set_live(True)
    qtbot.waitUntil(lambda: window.moment_label.text().endswith("· live"), timeout=2000)


def test_another_store_can_be_swapped_in(qtbot, source, settings_path, fleet_stores, monkeypatch):
    subscriptions = Subscriptions(monkeypatch, source)
    window = MainWindow(source, at(45), settings=UiSettings.at(settings_path), coastline=COASTLINE)
    qtbot.addWidget(window)
    other = fleet_stores.open(channel_fleet(ships=20), name="other.sqlite")
    other_subscriptions = Subscriptions(monkeypatch, other)
    window.set_source(other, at(30))
    assert subscriptions.count == 0 and other_subscriptions.count == 1
    assert window.source_label.text() == other.fleet.describe()
    np.testing.assert_array_equal(window.display.fleet.mmsi, other.fleet.state_at(at(30)).mmsi)


def test_about_names_the_versions_the_console_runs_on(qtbot, window):
    dialog = window.commands.show_about()
    qtbot.addWidget(dialog)
    text = dialog.text.text()
    for name in ("Fleet Logbook", "Python", "Qt", "PySide6", "pyqtgraph", "SQLAlchemy", "numpy"):
        assert name in text
    dialog.close()


def test_the_ui_never_imports_sqlalchemy_for_the_about_box():
    import ast
    import inspect

    import ui.about
    tree = ast.parse(inspect.getsource(ui.about))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                for alias in node.names} | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name and name.startswith("sqlalchemy") for name in imported)
    assert AboutDialog is not None
