"""The zones table model: a correct Qt model that changes only the rows whose zones changed."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt

from tests.ui.zone_fixtures import MID_CHANNEL, SPITHEAD, add_zones
from ui.zones_model import NAME_ROLE, SORT_ROLE, Column, ZonesModel
from ui.zones_panel import ZonesPanel


def zoned_source(fleet_stores):
    """A store with the four zones and no ships."""
    source = fleet_stores.open(name="zones.sqlite")
    add_zones(source)
    return source


def test_the_zones_model_is_a_well_behaved_qt_model(qtmodeltester, fleet_stores):
    source = zoned_source(fleet_stores)
    model = ZonesModel()
    model.set_zones(source.zones.in_force())
    qtmodeltester.check(model)
    source.zones.define("Alpha", "generic", MID_CHANNEL[::-1])
    source.zones.remove("Spithead anchorage")
    model.set_zones(source.zones.in_force())
    qtmodeltester.check(model)
    assert model.headerData(Column.AREA, Qt.Orientation.Horizontal) == "Area (nm²)"
    assert model.index(0, Column.SPEED_LIMIT).data(SORT_ROLE) == -1.0  # no limit sorts below every limit


def test_a_new_zone_list_inserts_removes_and_updates_rows_without_a_reset(qtbot, fleet_stores):
    source = zoned_source(fleet_stores)
    model = ZonesModel()
    model.set_zones(source.zones.in_force())
    resets, inserted, removed, changed = [], [], [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    model.dataChanged.connect(lambda top, _bottom: changed.append(top.row()))
    source.zones.define("Alpha", "generic", MID_CHANNEL[::-1])
    source.zones.remove("Spithead anchorage")
    source.zones.define("Mid-Channel", "restricted", replacing="Mid-Channel")
    model.set_zones(source.zones.in_force())
    assert resets == [] and inserted == [(0, 0)] and removed == [(3, 3)] and changed == [1]
    assert [model.index(row, 0).data(NAME_ROLE) for row in range(model.rowCount())] == [
        "Alpha", "Mid-Channel", "Port of Southampton", "Portland firing range"]
    assert model.index(1, Column.KIND).data() == "Restricted"


def test_the_selection_stays_on_its_zone_when_others_come_and_go(qtbot, fleet_stores):
    source = zoned_source(fleet_stores)
    panel = ZonesPanel()
    qtbot.addWidget(panel)
    panel.set_zones(source.zones.in_force())
    panel.select_zone("Portland firing range")
    source.zones.define("Alpha", "generic", SPITHEAD[::-1])
    source.zones.remove("Mid-Channel")
    panel.set_zones(source.zones.in_force())
    assert panel.selected_zone() == "Portland firing range"
    assert panel.count_label.text() == "4 zones"
    panel.filter_box.setText("restricted")
    assert panel.proxy.rowCount() == 1 and panel.count_label.text() == "1 of 4 zones"
