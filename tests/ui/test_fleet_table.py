"""The fleet table: a thin model over the fleet at a moment, filtered and sorted, keeping its selection."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtWidgets import QStyleOptionViewItem

from domain.time import MICROS_PER_MINUTE
from tests.ui.fleet_store import T0, channel_fleet
from ui.fleet_model import MMSI_ROLE, Column, FleetTableModel, changed_columns, empty_fleet, name_order_key
from ui.fleet_table import FleetTable
from ui.formatting import format_position


@pytest.fixture(scope="module")
def source(module_fleet_stores):
    return module_fleet_stores.open(channel_fleet())


def at(minutes: int) -> int:
    return T0 + minutes * MICROS_PER_MINUTE


@pytest.fixture
def table(qtbot, source):
    widget = FleetTable()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    widget.set_fleet(source.fleet.state_at(at(60)), at(60))
    return widget


def cell(model, row: int, column: Column) -> str:
    return model.index(row, column).data()


def test_the_model_passes_the_model_tester_through_moments_sorts_and_resets(qapp, qtmodeltester, fleet_stores):
    source = fleet_stores.open(channel_fleet(ships=40))
    model = FleetTableModel()
    model.set_fleet(source.fleet.state_at(at(30)), at(30))
    qtmodeltester.check(model, force_py=True)
    for minutes in (31, 60, 45, 120, 5, 179, 0):
        model.set_fleet(source.fleet.state_at(at(minutes)), at(minutes))
    model.sort(Column.SOG, Qt.SortOrder.DescendingOrder)
    model.set_fleet(source.fleet.state_at(at(90)), at(90))
    model.sort(Column.NAME)
    model.set_fleet(empty_fleet(), at(0))
    model.set_fleet(source.fleet.state_at(at(150)), at(150))


def test_the_proxy_passes_the_model_tester_with_a_filter(qtmodeltester, table):
    table.set_filter("solent")
    qtmodeltester.check(table.proxy, force_py=True)
    table.set_fleet(table.model.fleet, table.model.at)


def test_each_ship_at_the_moment_is_one_row_with_its_values(table, source):
    fleet = source.fleet.state_at(at(60))
    model = table.model
    assert model.rowCount() == len(fleet)
    rows = {model.mmsi_at(row): row for row in range(model.rowCount())}
    assert sorted(rows) == fleet.mmsi.tolist()
    for i in range(0, len(fleet), 17):
        row = rows[int(fleet.mmsi[i])]
        assert cell(model, row, Column.MMSI) == str(fleet.mmsi[i])
        assert cell(model, row, Column.POSITION) == format_position(fleet.lat[i], fleet.lon[i])
        assert cell(model, row, Column.SOG) == ("–" if np.isnan(fleet.sog[i]) else f"{fleet.sog[i]:.1f}")


def test_filtering_by_name_shows_only_matching_ships(table):
    table.filter_box.setText("solent")
    shown = table.visible_mmsis()
    assert shown
    names = {int(m): n for m, n in zip(table.model.fleet.mmsi, table.model.fleet.names)}
    assert all("SOLENT" in (names[m] or "") for m in shown)
    expected = sum(1 for n in names.values() if n and "solent" in n.lower())
    assert len(shown) == expected
    assert "of" in table.count_label.text()


def test_filtering_by_mmsi_finds_the_ship(table):
    mmsi = int(table.model.fleet.mmsi[5])
    table.filter_box.setText(str(mmsi))
    assert table.visible_mmsis() == [mmsi]
    table.filter_box.clear()
    assert len(table.visible_mmsis()) == table.model.rowCount()


def test_sorting_by_speed_puts_the_fastest_first_and_unknown_speeds_last(table):
    table.view.sortByColumn(Column.SOG, Qt.SortOrder.DescendingOrder)
    fleet = table.model.fleet
    sog_of = dict(zip(fleet.mmsi.tolist(), fleet.sog.tolist()))
    speeds = [sog_of[m] for m in table.visible_mmsis()]
    known = [s for s in speeds if not np.isnan(s)]
    assert known == sorted(known, reverse=True)
    assert all(np.isnan(s) for s in speeds[len(known):])


def test_sorting_by_name_is_alphabetical_with_unnamed_ships_last(table):
    table.view.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
    fleet = table.model.fleet
    name_of = dict(zip(fleet.mmsi.tolist(), fleet.names.tolist()))
    names = [name_of[m] for m in table.visible_mmsis()]
    named = [n for n in names if n]
    assert named == sorted(named, key=name_order_key)
    assert all(n is None for n in names[len(named):])


def test_names_sort_as_an_operator_reads_them():
    names = ["SHIP 10", "ship 2", "Atlantic Star", "SHIP 1"]
    assert sorted(names, key=name_order_key) == ["Atlantic Star", "SHIP 1", "ship 2", "SHIP 10"]


def watch_structure(model):
    """Lists that fill as the model resets, inserts, removes and changes rows."""
    seen = {"reset": [], "inserted": [], "removed": [], "changed": []}
    model.modelReset.connect(lambda: seen["reset"].append(1))
    model.rowsInserted.connect(lambda parent, first, last: seen["inserted"].append(last - first + 1))
    model.rowsRemoved.connect(lambda parent, first, last: seen["removed"].append(last - first + 1))
    model.dataChanged.connect(lambda *args: seen["changed"].append(1))
    return seen


def selected_mmsis(table) -> list[int]:
    return [index.data(MMSI_ROLE) for index in table.view.selectionModel().selectedRows()]


def test_a_new_moment_with_the_same_ships_keeps_the_selection_without_a_reset(qtbot, table, source):
    table.set_fleet(source.fleet.state_at(at(150)), at(150))
    table.view.sortByColumn(Column.SOG, Qt.SortOrder.DescendingOrder)  # rows move as speeds change
    mmsi = table.model.mmsi_at(3)
    table.select_ship(mmsi)
    seen = watch_structure(table.model)
    same_ships = source.fleet.state_at(at(151))
    assert np.array_equal(same_ships.mmsi, table.model.fleet.mmsi)
    with qtbot.assertNotEmitted(table.shipSelected):
        table.set_fleet(same_ships, at(151))
    assert not seen["reset"] and not seen["inserted"] and not seen["removed"] and seen["changed"]
    assert selected_mmsis(table) == [mmsi]


def test_ships_appearing_or_leaving_are_inserted_or_removed_and_the_selection_stays(qtbot, table, source):
    mmsi = table.model.mmsi_at(10)
    table.select_ship(mmsi)
    seen = watch_structure(table.model)
    with qtbot.assertNotEmitted(table.shipSelected):
        table.set_fleet(source.fleet.state_at(at(63)), at(63))  # nine ships report for the first time
    assert sum(seen["inserted"]) == 9 and not seen["reset"]
    assert selected_mmsis(table) == [mmsi]
    with qtbot.assertNotEmitted(table.shipSelected):
        table.set_fleet(source.fleet.state_at(at(58)), at(58))  # back before eleven ships had reported
    assert sum(seen["removed"]) == 11 and not seen["reset"]
    assert selected_mmsis(table) == [mmsi]
    assert table.model.rowCount() == len(source.fleet.state_at(at(58)))
    assert table.count_label.text() == f"{len(source.fleet.state_at(at(58)))} ships"


def test_a_long_jump_keeps_the_selected_ship_selected(qtbot, table, source):
    mmsi = table.model.mmsi_at(10)
    table.select_ship(mmsi)
    with qtbot.assertNotEmitted(table.shipSelected):
        table.set_fleet(source.fleet.state_at(at(170)), at(170))
    assert selected_mmsis(table) == [mmsi]
    assert sorted(table.visible_mmsis()) == source.fleet.state_at(at(170)).mmsi.tolist()


def test_a_selected_ship_not_yet_reporting_is_selected_again_when_it_appears(table, source):
    late_comer = int(np.setdiff1d(source.fleet.state_at(at(100)).mmsi, table.model.fleet.mmsi)[0])
    table.select_ship(late_comer)
    assert selected_mmsis(table) == []
    table.set_fleet(source.fleet.state_at(at(100)), at(100))
    assert selected_mmsis(table) == [late_comer]


def test_the_operator_selecting_a_row_reports_the_ship(qtbot, table):
    proxy_index = table.proxy.index(4, Column.NAME)
    mmsi = proxy_index.data(MMSI_ROLE)
    rect = table.view.visualRect(proxy_index)
    with qtbot.waitSignal(table.shipSelected) as blocker:
        qtbot.mouseClick(table.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [mmsi]
    assert table.selected_ship() == mmsi


def test_the_age_of_the_last_report_is_relative_to_the_moment(table, source):
    model = table.model
    row = 0
    last = int(model.fleet.last_report_at[model._order[row]])
    model.set_fleet(model.fleet, last + 2 * MICROS_PER_MINUTE + 3_000_000)
    assert cell(model, row, Column.LAST_REPORT) == "2 min"
    assert model.index(row, Column.NAME).parent() == QModelIndex()


def test_a_new_moment_with_the_same_ships_repaints_only_the_columns_that_changed(qtbot, table):
    fleet = table.model.fleet
    moved = dataclasses.replace(fleet, lat=fleet.lat + 0.01)
    changes = []
    table.model.dataChanged.connect(lambda first, last, roles=(): changes.append((first.column(), last.column())))
    table.set_fleet(moved, at(61))
    assert changes == [(Column.LAST_REPORT, Column.LAST_REPORT), (Column.POSITION, Column.POSITION)]
    # not names, MMSIs, types, statuses, speeds
    changes.clear()
    table.set_fleet(moved, at(61))
    assert changes == []
    restated = dataclasses.replace(fleet, status=fleet.status + 1)
    assert changed_columns(fleet, at(60), restated, at(60)) == [Column.STATUS]


def test_a_painted_cell_gets_all_its_roles_in_one_call_as_data_gives_them(table):
    view = table.view
    for row in range(3):
        for column in Column:
            index = table.proxy.index(row, column)
            option = QStyleOptionViewItem()
            view.itemDelegate().initStyleOption(option, index)  # asks the proxy's multiData
            assert option.text == (index.data() or "")
            assert option.icon.isNull() == (index.data(Qt.ItemDataRole.DecorationRole) is None)
            assert int(option.displayAlignment) == int(index.data(Qt.ItemDataRole.TextAlignmentRole))
            assert option.backgroundBrush.style() == Qt.BrushStyle.NoBrush  # a role not served stays empty


def test_the_table_repaints_only_the_changed_columns_of_the_visible_rows(qtbot, table):
    painted = []

    class Spy(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                painted.append(event.region().boundingRect())
            return False

    spy = Spy()
    table.view.viewport().installEventFilter(spy)
    quiet = 0
    for _ in range(200):  # until the window's first paints are over: 200 ms without a paint, even on a busy machine
        painted.clear()
        qtbot.wait(40)
        quiet = quiet + 1 if not painted else 0
        if quiet == 5:
            break
    fleet = table.model.fleet
    table.set_fleet(dataclasses.replace(fleet, lat=fleet.lat + 0.01), at(61))
    qtbot.waitUntil(lambda: bool(painted), timeout=1000)
    left = table.view.columnViewportPosition(Column.LAST_REPORT)  # the first column that changed
    assert all(rect.left() >= left for rect in painted)
