"""The console window: scrubbing, 'as known then', selection across map and table, live, layout."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from domain.events import PositionReported
from domain.time import MICROS_PER_MINUTE
from tests.ui.fleet_store import (LATE_FROM, LATE_MMSI, LATE_RECORDED_AT, ONLY_LATE_MMSI, T0, Subscriptions, append,
                                  channel_fleet)
from ui.fleet_model import Column
from ui.main_window import MainWindow
from chart.coastline import Coastline
from chart.projection import mercator_y
from ui.settings import WINDOW_GEOMETRY, UiSettings

COASTLINE = Coastline()


def at(minutes: float) -> int:
    return T0 + int(minutes * MICROS_PER_MINUTE)


@pytest.fixture
def source(fleet_stores):
    return fleet_stores.open(channel_fleet())


@pytest.fixture
def window(qtbot, source, tmp_path):
    console = MainWindow(source, at(45), settings=UiSettings.at(tmp_path / "ui.ini"), coastline=COASTLINE)
    qtbot.addWidget(console)
    console.resize(1400, 900)
    console.show()
    qtbot.waitExposed(console)
    return console


def scrub_to(qtbot, window, moment: int) -> None:
    """Move the timeline slider as an operator would, and wait for the moment to be drawn."""
    timeline = window.timeline
    position = (moment - timeline.time_range()[0]) // timeline._unit
    with qtbot.waitSignal(window.momentShown, timeout=2000):
        timeline.slider.setValue(position)


def on_map(window) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    data = window.map_view.ships.scatter.data
    return np.array(data["data"].tolist(), dtype=np.int64), data["x"], data["y"]


def table_rows(window) -> dict[int, int]:
    model = window.fleet_table.model
    return {model.mmsi_at(row): row for row in range(model.rowCount())}


def test_the_window_opens_at_the_moment_asked_with_title_and_status(window, source):
    assert window.windowTitle() == "Fleet Logbook"
    assert window.state.moment == at(45)
    assert window.source_label.text() == source.fleet.describe()
    assert f"{len(source.fleet.state_at(at(45))):,} ships shown" == window.ships_label.text()
    assert "2026-11-25 12:45:00 UTC" in window.moment_label.text()
    assert not window.timeline.is_live()


def test_scrubbing_shows_the_fleet_at_that_moment_on_the_map_and_in_the_table(qtbot, window, source):
    for minutes in (100, 12, 179.5):
        scrub_to(qtbot, window, at(minutes))
        expected = source.fleet.state_at(window.state.moment)
        mmsi, x, y = on_map(window)
        np.testing.assert_array_equal(mmsi, expected.mmsi)
        np.testing.assert_allclose(x, expected.lon)
        np.testing.assert_allclose(y, mercator_y(expected.lat))
        assert sorted(table_rows(window)) == expected.mmsi.tolist()
        assert window.ships_label.text() == f"{len(expected):,} ships shown"


def test_a_fast_drag_draws_only_the_newest_moment(qtbot, window):
    shown: list[int] = []
    window.momentShown.connect(shown.append)
    slider = window.timeline.slider
    with qtbot.waitSignal(window.momentShown, timeout=2000):
        for position in range(100, 6000, 50):  # many moves before the event loop runs once
            slider.setValue(position)
    assert shown == [window.timeline._moment_of(5950)]
    assert window.state.moment == shown[-1]


def test_as_known_then_hides_a_report_recorded_later(qtbot, window, source):
    moment = LATE_FROM + 20 * MICROS_PER_MINUTE  # its reports since LATE_FROM reach the log only later
    scrub_to(qtbot, window, moment)
    row = window.map_view.ships.row_of(LATE_MMSI)
    as_now_known = window.display.fleet.last_report_at[row]
    assert as_now_known > LATE_FROM and ONLY_LATE_MMSI in table_rows(window)
    with qtbot.waitSignal(window.momentShown, timeout=2000):
        window.timeline.known_then_box.click()
    row = window.map_view.ships.row_of(LATE_MMSI)
    assert window.display.fleet.last_report_at[row] < LATE_FROM
    expected = source.fleet.state_at(window.state.moment, known_at=window.state.moment)
    np.testing.assert_array_equal(on_map(window)[0], expected.mmsi)
    assert ONLY_LATE_MMSI not in on_map(window)[0].tolist()
    assert ONLY_LATE_MMSI not in table_rows(window)
    assert "as known then" in window.moment_label.text()
    scrub_to(qtbot, window, LATE_RECORDED_AT)  # by now the log knows
    assert ONLY_LATE_MMSI in table_rows(window)


def test_clicking_a_ship_on_the_map_selects_its_row(qtbot, window):
    fleet = window.display.fleet
    i = len(fleet) // 3
    mmsi, x, y = int(fleet.mmsi[i]), float(fleet.lon[i]), float(mercator_y(fleet.lat[i]))
    view_box = window.map_view.view_box
    view_box.setRange(xRange=(x - 0.01, x + 0.01), yRange=(y - 0.01, y + 0.01), padding=0)
    qtbot.waitUntil(lambda: abs(view_box.viewRange()[0][0] - (x - 0.01)) < 0.01)
    plot = window.map_view.plot
    point = plot.mapFromScene(view_box.mapViewToScene(QPointF(x, y)))
    with qtbot.waitSignal(window.state.selectionChanged, timeout=2000) as blocker:
        qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == [mmsi]
    assert window.fleet_table.selected_ship() == mmsi
    rows = window.fleet_table.view.selectionModel().selectedRows()
    assert [index.data(Qt.ItemDataRole.UserRole + 3) for index in rows] == [mmsi]
    assert window.map_view.ships.ring.data["x"].tolist() == [x]


def test_selecting_a_row_rings_the_ship_on_the_map(qtbot, window):
    table = window.fleet_table
    index = table.proxy.index(7, Column.NAME)
    mmsi = table.proxy.data(index, Qt.ItemDataRole.UserRole + 3)
    with qtbot.waitSignal(window.state.selectionChanged, timeout=2000) as blocker:
        qtbot.mouseClick(table.view.viewport(), Qt.MouseButton.LeftButton, pos=table.view.visualRect(index).center())
    assert blocker.args == [mmsi]
    row = window.map_view.ships.row_of(mmsi)
    assert window.map_view.ships.ring.data["x"].tolist() == [window.display.fleet.lon[row]]
    assert window.map_view.ships.label.isVisible()
    assert "Selected:" in window.selection_label.text()


def test_the_selection_survives_scrubbing(qtbot, window):
    mmsi = int(window.display.fleet.mmsi[5])
    window.state.select_ship(mmsi)
    scrub_to(qtbot, window, at(140))
    assert window.state.selected_ship == mmsi
    assert window.fleet_table.view.selectionModel().selectedRows()[0].data(Qt.ItemDataRole.UserRole + 3) == mmsi
    assert len(window.map_view.ships.ring.data) == 1


def test_live_follows_new_reports_from_another_thread(qtbot, window, source):
    window.timeline.set_live(True)
    qtbot.waitUntil(lambda: window.state.moment == source.fleet.time_range()[1])
    head = source.fleet.time_range()[1]
    report = PositionReported(mmsi=LATE_MMSI, occurred_at=head + 5 * MICROS_PER_MINUTE, lat=50.31, lon=-1.1,
                              sog=12.0, cog=90.0, heading=90, nav_status="under way using engine")
    publisher = threading.Thread(target=append, args=(source, [(report, head + 5 * MICROS_PER_MINUTE + 1)]))
    with qtbot.waitSignal(window.momentShown, timeout=3000,
                          check_params_cb=lambda moment: moment == report.occurred_at):
        publisher.start()
        publisher.join()
    assert window.timeline.time_range()[1] == report.occurred_at
    row = window.map_view.ships.row_of(LATE_MMSI)
    assert window.display.fleet.lon[row] == pytest.approx(-1.1)


def test_a_late_report_for_the_moment_shown_redraws_it_when_not_live(qtbot, window, source):
    moment = window.state.moment
    mmsi = int(window.display.fleet.mmsi[0])
    report = PositionReported(mmsi=mmsi, occurred_at=moment, lat=50.5, lon=-0.5, sog=3.0, cog=10.0)
    with qtbot.waitSignal(window.momentShown, timeout=3000):
        append(source, [(report, LATE_RECORDED_AT + MICROS_PER_MINUTE)])
    assert window.state.moment == moment
    assert window.display.fleet.lon[window.map_view.ships.row_of(mmsi)] == pytest.approx(-0.5)


def test_closing_the_window_unsubscribes_and_saves_the_layout(qtbot, source, tmp_path, monkeypatch):
    settings = UiSettings.at(tmp_path / "ui.ini")
    subscriptions = Subscriptions(monkeypatch, source)
    console = MainWindow(source, at(45), settings=settings, coastline=COASTLINE)
    qtbot.addWidget(console)
    assert subscriptions.count == 1
    console.close()
    assert subscriptions.count == 0
    assert not UiSettings.at(tmp_path / "ui.ini").get(WINDOW_GEOMETRY).isEmpty()


def test_an_empty_log_opens_an_empty_console_that_fills_when_reports_arrive(qtbot, fleet_stores):
    empty = fleet_stores.open(name="empty.sqlite")
    console = MainWindow(empty, coastline=COASTLINE)
    qtbot.addWidget(console)
    assert len(console.display.fleet) == 0 and console.moment_label.text() == "no reports yet"
    assert console.timeline.is_live()
    report = PositionReported(mmsi=235000001, occurred_at=T0, lat=50.7, lon=-1.2, sog=5.0, cog=45.0)
    with qtbot.waitSignal(console.momentShown, timeout=3000):
        append(empty, [(report, T0 + 1)])
    assert console.display.fleet.mmsi.tolist() == [235000001]


def test_hovering_a_ship_on_the_map_shows_its_details(qtbot, window):
    fleet = window.display.fleet
    i = int(np.flatnonzero(fleet.names != None)[2])  # noqa: E711
    x, y = float(fleet.lon[i]), float(mercator_y(fleet.lat[i]))
    view_box = window.map_view.view_box
    view_box.setRange(xRange=(x - 0.01, x + 0.01), yRange=(y - 0.01, y + 0.01), padding=0)
    qtbot.waitUntil(lambda: abs(view_box.viewRange()[0][0] - (x - 0.01)) < 0.01)
    plot = window.map_view.plot
    point = plot.mapFromScene(view_box.mapViewToScene(QPointF(x, y)))
    wiggle = iter(range(1_000))

    def hovering() -> bool:  # pyqtgraph drops mouse moves closer together than a frame: keep moving
        qtbot.mouseMove(plot.viewport(), point + QPoint(next(wiggle) % 2, 0))
        return fleet.names[i] in view_box.toolTip()

    qtbot.waitUntil(hovering, timeout=2000)
    assert f"MMSI {fleet.mmsi[i]}" in view_box.toolTip()


def test_a_new_live_alert_is_announced_in_the_status_bar_without_sound(qtbot, window, source):
    from domain.events import SignalLost, ZoneExited

    window.timeline.set_live(True)
    lost = SignalLost(mmsi=235000001, occurred_at=at(60), alert_id="dark:235000001:1", severity="warning",
                      summary="CHANNEL STAR silent for 30 min", last_report_at=at(30), threshold_s=1800.0)
    notice = ZoneExited(mmsi=235000001, occurred_at=at(61), alert_id="zone:1", severity="info", summary="left the range",
                        zone="Range", lat=50.7, lon=-1.2)
    with qtbot.waitSignal(window.momentShown, timeout=3000):
        append(source, [(lost, at(60)), (notice, at(61))])
    assert window.status.alert_label.isVisible()
    assert window.status.alert_label.text() == "⚠ CHANNEL STAR silent for 30 min"  # the notice needs no one
