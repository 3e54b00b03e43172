"""The fleet table's Destination and Alerts columns, and the filter matching callsigns."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Qt

from domain.time import MICROS_PER_MINUTE
from tests.ui.fleet_store import T0, channel_fleet
from tests.ui.test_alerts_panel import alerting_log
from ui.fleet_model import Column, FleetTableModel
from ui.fleet_table import FleetTable
from ui.main_window import MainWindow
from chart.coastline import Coastline

MOMENT = T0 + 60 * MICROS_PER_MINUTE


def at(minutes: int) -> int:
    return T0 + minutes * MICROS_PER_MINUTE


@pytest.fixture(scope="module")
def fleet(module_fleet_stores):
    """The channel fleet with a destination for every third ship and a callsign for every ship."""
    plain = module_fleet_stores.open(channel_fleet(ships=40)).fleet.state_at(MOMENT)
    destinations = np.array([("SOUTHAMPTON" if i % 2 else "LE HAVRE") if i % 3 == 0 else None
                             for i in range(len(plain))], dtype=object)
    callsigns = np.array([f"2AB{i:03d}" for i in range(len(plain))], dtype=object)
    return dataclasses.replace(plain, destinations=destinations, callsigns=callsigns)


@pytest.fixture
def table(qtbot, fleet):
    widget = FleetTable()
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    widget.set_fleet(fleet, MOMENT)
    return widget


def cell(model, mmsi: int, column: Column) -> str:
    return model.index(model.row_of(mmsi), column).data()


def test_the_destination_column_shows_the_reported_destination_or_nothing(table, fleet):
    model = table.model
    assert model.headerData(Column.DESTINATION, Qt.Orientation.Horizontal) == "Destination"
    assert cell(model, int(fleet.mmsi[0]), Column.DESTINATION) == "LE HAVRE"
    assert cell(model, int(fleet.mmsi[3]), Column.DESTINATION) == "SOUTHAMPTON"
    assert cell(model, int(fleet.mmsi[1]), Column.DESTINATION) == ""


def test_the_alerts_column_counts_open_alerts_and_is_blank_without(table, fleet):
    model = table.model
    first, second = int(fleet.mmsi[0]), int(fleet.mmsi[5])
    table.set_fleet(fleet, MOMENT, open_alerts={first: 2, second: 1, int(fleet.mmsi[7]): 0})
    assert model.headerData(Column.ALERTS, Qt.Orientation.Horizontal) == "Alerts"
    assert cell(model, first, Column.ALERTS) == "2"
    assert cell(model, second, Column.ALERTS) == "1"
    assert cell(model, int(fleet.mmsi[7]), Column.ALERTS) == ""
    assert cell(model, int(fleet.mmsi[1]), Column.ALERTS) == ""


def test_the_alerts_column_is_announced_changed_only_when_the_counts_change(qtbot, table, fleet):
    model = table.model
    counts = {int(fleet.mmsi[0]): 1}
    table.set_fleet(fleet, MOMENT, open_alerts=counts)
    changed = []
    model.dataChanged.connect(lambda top_left, bottom_right, *_: changed.append(
        (top_left.column(), bottom_right.column())))
    table.set_fleet(fleet, MOMENT, open_alerts=dict(counts))  # same ships, same moment, same counts
    assert changed == []
    table.set_fleet(fleet, MOMENT, open_alerts={int(fleet.mmsi[0]): 2})
    assert changed == [(Column.ALERTS, Column.ALERTS)]


def test_sorting_by_alerts_puts_the_most_alerted_ships_first_and_ships_without_last(table, fleet):
    counts = {int(fleet.mmsi[4]): 1, int(fleet.mmsi[9]): 3}
    table.set_fleet(fleet, MOMENT, open_alerts=counts)
    table.view.sortByColumn(Column.ALERTS, Qt.SortOrder.DescendingOrder)
    assert table.visible_mmsis()[:2] == [int(fleet.mmsi[9]), int(fleet.mmsi[4])]
    table.view.sortByColumn(Column.ALERTS, Qt.SortOrder.AscendingOrder)
    assert table.visible_mmsis()[:2] == [int(fleet.mmsi[4]), int(fleet.mmsi[9])]


def test_sorting_by_destination_is_alphabetical_with_blanks_last(table, fleet):
    table.view.sortByColumn(Column.DESTINATION, Qt.SortOrder.AscendingOrder)
    texts = [cell(table.model, mmsi, Column.DESTINATION) for mmsi in table.visible_mmsis()]
    named = [text for text in texts if text]
    assert named == sorted(named) and texts[len(named):] == [""] * (len(texts) - len(named))


def test_the_filter_matches_callsigns_as_well_as_names_and_mmsi(table, fleet):
    assert table.filter_box.placeholderText() == "Filter by name, MMSI or callsign"
    table.set_filter("2ab007")
    assert table.visible_mmsis() == [int(fleet.mmsi[7])]
    table.set_filter(str(int(fleet.mmsi[3])))
    assert table.visible_mmsis() == [int(fleet.mmsi[3])]


def test_a_changed_callsign_is_refiltered(table, fleet):
    table.set_filter("NEWCALL")
    assert table.visible_mmsis() == []
    callsigns = fleet.callsigns.copy()
    callsigns[2] = "NEWCALL"
    table.set_fleet(dataclasses.replace(fleet, callsigns=callsigns), MOMENT + 1)
    assert table.visible_mmsis() == [int(fleet.mmsi[2])]


def test_the_model_passes_the_model_tester_with_alerts_and_destinations(qapp, qtmodeltester, fleet):
    model = FleetTableModel()
    model.set_fleet(fleet, MOMENT, {int(fleet.mmsi[0]): 1})
    qtmodeltester.check(model, force_py=True)
    model.sort(Column.ALERTS, Qt.SortOrder.DescendingOrder)
    model.set_fleet(fleet, MOMENT, {int(fleet.mmsi[3]): 2})
    model.sort(Column.DESTINATION)
    model.set_fleet(fleet, MOMENT + 1, None)


def test_the_window_counts_each_ships_open_alerts_at_the_moment(qtbot, fleet_stores):
    source = fleet_stores.open(alerting_log())
    window = MainWindow(source, at(60), coastline=Coastline())
    qtbot.addWidget(window)
    expected: dict[int, int] = {}
    for alert in source.alerts.alerts_at(at(60)):
        if alert.is_open:  # waiting for an acknowledgement; an encounter counts on both its ships
            for mmsi in alert.ships:
                expected[mmsi] = expected.get(mmsi, 0) + 1
    assert expected and max(expected.values()) >= 2  # the fixture has a ship with two open alerts
    model = window.fleet_table.model
    assert model.open_alerts == expected
    shown = {mmsi: count for mmsi, count in expected.items() if model.row_of(mmsi) is not None}
    assert shown
    for mmsi, count in shown.items():
        assert cell(model, mmsi, Column.ALERTS) == str(count)
    window.timeline.set_moment(at(5))  # before any alert
    window.state.set_moment(at(5))
    assert model.open_alerts == {}
    window.close()


def test_the_columns_run_from_name_and_alerts_to_destination_then_mmsi_and_position():
    assert [column.name for column in Column] == ["NAME", "ALERTS", "TYPE", "STATUS", "SOG", "COG", "LAST_REPORT",
                                                  "DESTINATION", "MMSI", "POSITION"]


def test_destination_and_alerts_are_in_view_at_the_docks_default_width_without_scrolling(qtbot, fleet_stores):
    source = fleet_stores.open(alerting_log())
    window = MainWindow(source, at(60), coastline=Coastline())
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.fleet_dock.width() == 1600 * 2 // 5)  # the dock's default width
    view = window.fleet_table.view
    assert view.horizontalScrollBar().value() == 0
    room = view.viewport().width()
    for column in (Column.ALERTS, Column.DESTINATION):
        assert 0 <= view.columnViewportPosition(column)
        assert view.columnViewportPosition(column) + view.columnWidth(column) <= room, column.name
    window.close()


def test_long_names_and_destinations_are_cut_short_in_the_cell_and_told_whole_in_the_tooltip(table, fleet):
    model = table.model
    long = dataclasses.replace(fleet, names=np.array(["PORTLAND EXPRESS OF THE NORTH SEA"] * len(fleet), dtype=object),
                               destinations=np.array(["SAINT PETERSBURG PASSENGER PORT"] * len(fleet), dtype=object))
    table.set_fleet(long, MOMENT)
    mmsi = int(fleet.mmsi[0])
    name_tip = model.index(model.row_of(mmsi), Column.NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert name_tip == f"PORTLAND EXPRESS OF THE NORTH SEA · MMSI {mmsi}"
    assert model.index(model.row_of(mmsi), Column.DESTINATION).data(Qt.ItemDataRole.ToolTipRole) == \
        "SAINT PETERSBURG PASSENGER PORT"
    assert table.view.textElideMode() == Qt.TextElideMode.ElideRight
    metrics = table.view.fontMetrics()
    assert metrics.horizontalAdvance("PORTLAND EXPRESS OF THE NORTH SEA") > table.view.columnWidth(Column.NAME)


def test_switching_to_kmh_widens_the_speed_column_to_its_header(table):
    before = table.view.columnWidth(Column.SOG)
    table.set_speed_unit("km/h")
    assert table.view.columnWidth(Column.SOG) > before
    header = table.view.horizontalHeader().fontMetrics().horizontalAdvance("SOG (km/h)")
    assert table.view.columnWidth(Column.SOG) >= header + 12
