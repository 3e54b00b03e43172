"""Marking a moment and scrubbing: the Changes dock lists what changed since the mark, sortable, each row
leading the timeline and the map to it; the map draws each ship's displacement; File › Export tracks runs on
a worker."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json

from PySide6.QtCore import Qt

from domain.events import PositionReported
from tests.ui.fleet_store import append, channel_fleet
from ui.changes_model import COLUMNS
from ui.export_tracks_dialog import ExportTracksDialog, start_track_export
from ui.main_window import MainWindow
from ui.timeline_jump import qdatetime_of


def show(qtbot, window, at: int) -> None:
    """Go to ``at`` and wait for the changes from the mark to it, computed on a worker."""
    window.state.go_to(at)
    qtbot.waitUntil(lambda: window.changes.diff is not None and window.changes.diff.after.at == at, timeout=10_000)


def test_changes_since_the_mark_are_listed_drawn_and_lead_back_to_the_ship(qtbot, fleet_stores):
    source = fleet_stores.open(channel_fleet(ships=30, hours=1.0))
    first, last = source.fleet.time_range()
    window = MainWindow(source, first + 10 * 60_000_000)
    qtbot.addWidget(window)
    assert "No moment marked" in window.changes.panel.summary.text()
    assert window.menus.shortcuts()["&Mark this moment"] == "M"
    window.changes.mark_action.trigger()
    mark = window.changes.mark
    assert mark == first + 10 * 60_000_000
    qtbot.waitUntil(lambda: window.changes.diff is not None, timeout=10_000)
    show(qtbot, window, last)
    diff = window.changes.diff
    moved = [ship for ship in diff.ships if ship.moved]
    assert diff.after.at == last and len(moved) > 5 and diff.counts["appeared"] > 5  # some sailed later
    assert window.changes.layer.ships == len(moved)
    assert window.changes.panel.model.rowCount() == len(diff.ships)
    table = window.changes.panel.table
    table.sortByColumn(COLUMNS.index("Moved (nm)"), Qt.SortOrder.DescendingOrder)
    top = window.changes.panel.proxy.index(0, COLUMNS.index("MMSI"))
    farthest = max(moved, key=lambda ship: ship.distance_m)
    assert top.data() == str(farthest.mmsi)
    with qtbot.waitSignal(window.momentShown, timeout=5_000):
        table.activated.emit(top)
    assert window.state.selected_ship == farthest.mmsi and window.state.moment == farthest.after.at
    window.changes.clear_action.trigger()
    assert window.changes.layer.ships == 0 and window.changes.panel.model.rowCount() == 0
    window.close()


def test_a_late_report_shows_as_a_change_only_once_the_log_had_it(qtbot, fleet_stores):
    source = fleet_stores.open(channel_fleet(ships=5, hours=0.5))
    first, last = source.fleet.time_range()
    mmsi = int(source.fleet.state_at(last).mmsi[0])
    append(source, [(PositionReported(mmsi=mmsi, occurred_at=last + 60_000_000, lat=49.0, lon=-3.0,
                                      nav_status="aground"), last + 3_600_000_000)])
    window = MainWindow(source, last)
    qtbot.addWidget(window)
    window.changes.mark_moment(last)
    window.state.set_as_known_then(True)
    show(qtbot, window, last + 60_000_000)
    assert window.changes.diff.ship(mmsi) is None  # recorded an hour after it occurred
    window.state.set_as_known_then(False)
    qtbot.waitUntil(lambda: window.changes.diff.after.known_at is None, timeout=10_000)
    assert window.changes.diff.ship(mmsi).field("nav_status").after == "aground"
    window.close()


def test_exporting_the_listed_ships_tracks_runs_on_a_worker_and_says_what_it_wrote(qtbot, fleet_stores, tmp_path):
    source = fleet_stores.open(channel_fleet(ships=12, hours=1.0))
    window = MainWindow(source, source.fleet.time_range()[1])
    qtbot.addWidget(window)
    window.fleet_table.set_filter(str(window.display.fleet.mmsi[0])[:8])
    listed = window.fleet_table.visible_mmsis()
    assert 0 < len(listed) < 12
    actions = [a.text() for a in window.menus.file_menu.actions()]
    assert actions.index("Export &tracks…") == actions.index("&Export report…") + 1
    dialog = ExportTracksDialog(source.fleet.time_range(), None, None, listed, window, folder=str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.listed.setChecked(True)
    dialog.start_edit.setDateTime(qdatetime_of(source.fleet.time_range()[0]))
    dialog.path_edit.setText(str(tmp_path / "listed.geojson"))
    dialog.accept()
    assert dialog.request is not None and dialog.request.ships == tuple(listed)
    results = []
    start_track_export(source.fleet, dialog.request, dialog.path(), window, on_done=results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=30_000)
    (result,) = results
    features = json.loads((tmp_path / "listed.geojson").read_text())["features"]
    assert sorted(f["properties"]["mmsi"] for f in features) == sorted(listed) and result.ships == len(listed)
    assert result.points == sum(len(f["properties"]["times"]) for f in features)
    dialog.path_edit.setText(str(tmp_path / "listed.shp"))
    dialog.accept()
    assert ".geojson, .kml or .gpx" in dialog.message.text()
    window.close()


def test_marking_a_moment_of_an_empty_log_says_there_is_nothing_to_compare(qtbot):
    from ui.empty_source import empty_console

    window = MainWindow(empty_console())
    qtbot.addWidget(window)
    window.changes.mark_action.trigger()
    assert window.changes.mark is None and "no reports" in window.changes.panel.summary.text()
    window.close()
