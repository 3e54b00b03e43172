"""The fleet table with thousands of ships: sorting and filtering by the model, the selection kept across
moments, sorts and filters."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from domain.time import MICROS_PER_MINUTE
from tests.ui.fleet_store import T0, channel_fleet
from ui.fleet_model import MMSI_ROLE, Column
from ui.fleet_table import FleetTable


@pytest.fixture(scope="module")
def source(module_fleet_stores):
    return module_fleet_stores.open(channel_fleet(ships=3_000, hours=1.0, every_minutes=10))


@pytest.fixture
def table(qtbot):
    widget = FleetTable()
    qtbot.addWidget(widget)
    widget.resize(600, 800)
    widget.show()
    return widget


def matching(fleet, text: str) -> list[int]:
    """The plain answer: the ships whose name, MMSI or callsign contains the text, in any case."""
    text = text.casefold()
    return sorted(int(m) for m, n, c in zip(fleet.mmsi, fleet.names, fleet.callsigns)
                  if text in (n or "").casefold() or text in str(int(m)) or text in (c or "").casefold())


def test_filtering_thousands_of_ships_shows_exactly_the_matching_ones_and_keeps_the_selection(table, source):
    at = T0 + 50 * MICROS_PER_MINUTE
    fleet = source.fleet.state_at(at)
    table.set_fleet(fleet, at)
    assert len(fleet) > 2_500
    chosen = int(fleet.mmsi[np.flatnonzero(fleet.names != None)[40]])  # noqa: E711
    name = str(fleet.names[np.searchsorted(fleet.mmsi, chosen)])
    table.select_ship(chosen)
    table.set_filter(name.split()[0].lower())
    assert sorted(table.visible_mmsis()) == matching(fleet, name.split()[0])
    assert table.count_label.text() == f"{len(matching(fleet, name.split()[0])):,} of {len(fleet):,} ships"
    assert table.selected_ship() == chosen and table.view.selectionModel().selectedRows()[0].data(MMSI_ROLE) == chosen
    table.set_filter("no such ship")
    assert table.visible_mmsis() == [] and not table.view.selectionModel().hasSelection()
    table.set_filter(name)
    assert chosen in table.visible_mmsis()
    assert table.view.selectionModel().selectedRows()[0].data(MMSI_ROLE) == chosen, \
        "the selection comes back with the ship"


def test_sorting_thousands_of_ships_keeps_the_selection_across_moments(table, source):
    at = T0 + 40 * MICROS_PER_MINUTE
    table.set_fleet(source.fleet.state_at(at), at)
    table.view.sortByColumn(Column.SOG, Qt.SortOrder.DescendingOrder)
    fleet = table.model.fleet
    chosen = int(fleet.mmsi[len(fleet) // 2])
    table.select_ship(chosen)
    table.set_filter("0")  # most MMSIs contain a 0: a filter and a sort at once
    for minutes in (41, 47, 55, 38):
        later = T0 + minutes * MICROS_PER_MINUTE
        table.set_fleet(source.fleet.state_at(later), later)
        shown = table.visible_mmsis()
        speeds = dict(zip(table.model.fleet.mmsi.tolist(), table.model.fleet.sog.tolist()))
        in_order = [speeds[m] for m in shown if not np.isnan(speeds[m])]
        assert in_order == sorted(in_order, reverse=True)
        assert sorted(shown) == matching(table.model.fleet, "0")
        rows = table.view.selectionModel().selectedRows()
        assert [row.data(MMSI_ROLE) for row in rows] == [chosen]
