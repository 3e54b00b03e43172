"""Zones in the console: drawn with the mouse, named in a dialog that names what is wrong, edited, renamed,
redrawn and removed — each an event in the log — listed in their dock, imported and exported, and all of
it disabled, saying why, for an auditor."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
import sqlite3
import threading
from contextlib import contextmanager

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QToolTip

from domain.events import ZoneDefined, ZoneRemoved
from domain.rules import Zone
from domain.time import MICROS_PER_MINUTE
from tests.ui.fleet_store import T0, append, channel_fleet, logged
from tests.ui.zone_fixtures import FIRING_RANGE, SPITHEAD, add_zones, pixel_of
from ui.empty_source import empty_console
from ui.main_window import MainWindow
from chart.coastline import Coastline
from chart.projection import GeoBox, latitude_of, mercator_y
from ui.settings import SHOW_ZONES, UiSettings
from ui.zone_dialog import ZoneDialog
from ui.zones_model import Column

COASTLINE = Coastline()
CORNERS = [(-2.0, 50.0), (-1.6, 50.0), (-1.6, 50.25), (-2.0, 50.25)]  # open sea south of the Isle of Wight


def at(minutes: float) -> int:
    return T0 + int(minutes * MICROS_PER_MINUTE)


@pytest.fixture
def source(fleet_stores):
    fleet = fleet_stores.open(channel_fleet(ships=40, hours=1.0))
    add_zones(fleet)
    return fleet


@pytest.fixture
def window(qtbot, source, tmp_path):
    console = MainWindow(source, at(45), settings=UiSettings.at(tmp_path / "ui.ini"), coastline=COASTLINE)
    qtbot.addWidget(console)
    console.resize(1400, 900)
    console.show()
    qtbot.waitExposed(console)
    console.map_view.show_box(GeoBox(-3.0, 49.7, -0.8, 50.6))
    return console


@contextmanager
def write_locked(path):
    """Another process's writer holding the store's write lock (as a long import does)."""
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def zone_events(source):
    return [e for e in logged(source) if e.stream_id == "zones"]


def click(qtbot, window, lon, lat, double=False):
    viewport = window.map_view.plot.viewport()
    point = pixel_of(window.map_view, lon, lat)
    if double:
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=point)
    else:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point)


def clicked_corners(window, corners):
    """Where the clicks landed, as lon/lat (a click is a whole pixel)."""
    view_box, plot = window.map_view.view_box, window.map_view.plot
    out = []
    for lon, lat in corners:
        spot = view_box.mapSceneToView(plot.mapToScene(pixel_of(window.map_view, lon, lat)))
        out.append((spot.x(), float(latitude_of(spot.y()))))
    return out


def draw(qtbot, window, corners):
    window.zone_console.draw_action.trigger()
    for lon, lat in corners[:-1]:
        click(qtbot, window, lon, lat)
    click(qtbot, window, *corners[-1], double=True)


# --- the dock and the map ------------------------------------------------------------------------------------------


def test_the_zones_dock_lists_every_zone_and_is_a_panel_like_the_others(window, source):
    model = window.zone_console.panel.model
    assert [model.zone_at(row).name for row in range(model.rowCount())] == [
        "Mid-Channel", "Port of Southampton", "Portland firing range", "Spithead anchorage"]
    row = model.row_of("Portland firing range")
    values = [model.index(row, column).data() for column in Column]
    assert values[:3] == ["Portland firing range", "Restricted", "6 kn"]
    assert float(values[Column.AREA]) == pytest.approx(source.zones.in_force().get("Portland firing range").area_nm2, abs=0.1)
    assert values[Column.DEFINED_BY] == "Officer of the watch"
    assert window.zone_console.dock.toggleViewAction() in window.menus.panels_menu.actions()
    assert window.menus.shortcuts()["&Draw zone"] == "Ctrl+D"
    assert {a.text() for a in window.menus.zones_menu.actions()} >= {
        "Show &zones", "&Draw zone", "&Edit zone…", "Edit &outline", "&Remove zone…", "&Import zones from GeoJSON…",
        "E&xport zones to GeoJSON…"}
    assert len(window.map_view.zones.shown) == 4


def test_selecting_a_zone_outlines_it_on_the_map_and_double_clicking_frames_it(qtbot, window):
    panel = window.zone_console.panel
    panel.select_zone("Spithead anchorage")
    assert window.map_view.zones.selected == "Spithead anchorage" and window.map_view.zones.highlight.isVisible()
    index = panel.proxy.mapFromSource(panel.model.index(panel.model.row_of("Spithead anchorage"), 0))
    window.zone_console.dock.raise_()
    qtbot.waitUntil(panel.view.isVisible)
    panel.view.scrollTo(index)
    row = panel.view.visualRect(index).center()
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=row)  # a person's double-click
    qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=row)
    box = window.map_view.geo_box()
    assert box.west < SPITHEAD[0][0] and SPITHEAD[1][0] < box.east and box.width < 0.6


def test_the_zones_toggle_is_remembered(qtbot, window, source, tmp_path):
    assert window.menus.zones in window.menus.view_menu.actions()
    window.menus.zones.trigger()
    assert not window.map_view.zones.visible and window.settings.get(SHOW_ZONES) is False
    again = MainWindow(source, at(45), settings=window.settings, coastline=COASTLINE)
    qtbot.addWidget(again)
    assert not again.map_view.zones.visible and not again.menus.zones.isChecked()


# --- drawing -------------------------------------------------------------------------------------------------------


def test_drawing_a_zone_with_the_mouse_appends_zone_defined_with_those_corners(qtbot, window, source):
    draw(qtbot, window, CORNERS)
    dialog = window.zone_console.dialog
    assert isinstance(dialog, ZoneDialog) and "4 corners" in dialog.shape_label.text()
    dialog.set_fields(name="Exercise area", kind="restricted", speed_limit=12.0)
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    defined = zone_events(source)[-1]
    assert isinstance(defined.event, ZoneDefined) and defined.event.name == "Exercise area"
    assert (defined.event.kind, defined.event.speed_limit_kn) == ("restricted", 12.0)
    assert defined.metadata == {"source": "operator", "operator": source.operator}
    ring = [v for corner in Zone.from_event(defined.event).area[0][0] for v in corner]
    assert ring == pytest.approx([v for corner in clicked_corners(window, CORNERS) for v in corner], abs=1e-7)
    assert ring == pytest.approx([v for corner in CORNERS for v in corner], abs=0.01)
    assert window.zone_console.selected == "Exercise area"  # the new zone is selected in the dock
    assert not window.map_view.editing and window.map_view.zone_drawing.x == []


def test_enter_finishes_and_backspace_takes_back_the_last_corner(qtbot, window, source):
    window.zone_console.draw_action.trigger()
    for lon, lat in [*CORNERS, (-1.0, 50.5)]:
        click(qtbot, window, lon, lat)
    assert len(window.map_view.zone_drawing.x) == 5
    qtbot.keyClick(window.map_view.plot.viewport(), Qt.Key.Key_Backspace)
    assert len(window.map_view.zone_drawing.x) == 4
    qtbot.keyClick(window.map_view.plot.viewport(), Qt.Key.Key_Return)
    dialog = window.zone_console.dialog
    assert dialog is not None and "4 corners" in dialog.shape_label.text()
    dialog.reject()
    assert len(zone_events(source)) == 4 and window.map_view.zone_drawing.x == []


def test_escape_cancels_the_drawing_and_appends_nothing(qtbot, window, source):
    window.zone_console.draw_action.trigger()
    for lon, lat in CORNERS:
        click(qtbot, window, lon, lat)
    qtbot.keyClick(window.map_view.plot.viewport(), Qt.Key.Key_Escape)
    assert not window.map_view.zone_drawing.active and window.zone_console.dialog is None
    assert window.map_view.zone_drawing.outline.scene() is None  # the outline is gone from the map
    assert len(zone_events(source)) == 4


def test_clicks_while_drawing_add_corners_and_select_no_ship(qtbot, window):
    fleet = window.display.fleet
    lon, lat = float(fleet.lon[3]), float(fleet.lat[3])
    window.map_view.show_box(GeoBox(lon - 0.3, lat - 0.2, lon + 0.3, lat + 0.2))
    window.zone_console.draw_action.trigger()
    click(qtbot, window, lon, lat)  # right on a ship
    assert window.state.selected_ship is None and len(window.map_view.zone_drawing.x) == 1
    window.map_view.zone_drawing.cancel()
    click(qtbot, window, lon, lat)
    assert window.state.selected_ship == int(fleet.mmsi[3])  # not drawing: the same click selects the ship


def test_a_self_crossing_outline_cannot_be_finished_and_the_hint_says_why(qtbot, window):
    bow_tie = [(-2.0, 50.0), (-1.6, 50.25), (-1.6, 50.0), (-2.0, 50.25)]
    draw(qtbot, window, bow_tie)
    drawing = window.map_view.zone_drawing
    assert drawing.active and window.zone_console.dialog is None
    assert "Cannot finish: the outline crosses itself" in drawing.hint.text()
    qtbot.keyClick(window.map_view.plot.viewport(), Qt.Key.Key_Backspace)
    qtbot.keyClick(window.map_view.plot.viewport(), Qt.Key.Key_Escape)
    assert not drawing.active


def test_the_dialog_names_what_is_wrong_and_waits(qtbot, window, source, fleet_stores):
    draw(qtbot, window, CORNERS)
    dialog = window.zone_console.dialog
    assert not dialog.ok_button.isEnabled() and dialog.error_label.text() == "Name: a zone needs a name."
    dialog.set_fields(name="portland FIRING range")
    assert not dialog.ok_button.isEnabled()
    assert dialog.error_label.text() == "Name: a zone named 'Portland firing range' exists already."
    dialog.set_fields(name="Exercise area")
    assert dialog.ok_button.isEnabled() and not dialog.error_label.isVisible()
    other_console = fleet_stores.reopen(source.fleet.store.path)  # another console changes the zones meanwhile
    other_console.zones.define("Needles channel", "generic", [(-1.7, 50.6), (-1.5, 50.6), (-1.5, 50.7)])
    dialog.ok_button.click()  # refused: the dialog says why and stays open with what was typed
    assert dialog.isVisible() and dialog.error_label.text().startswith(
        "The zone was not saved: the zones changed in the log meanwhile")
    assert dialog.name() == "Exercise area" and [e.event.name for e in zone_events(source)][-1] == "Needles channel"
    dialog.reject()


# --- editing ---------------------------------------------------------------------------------------------------


def test_changing_a_zones_kind_and_limit_defines_it_again(window, source):
    window.zone_console.select_zone("Spithead anchorage")
    dialog = window.zone_console.edit_zone()
    assert dialog.name_edit.text() == "Spithead anchorage" and dialog.kind() == "anchorage"
    assert not dialog.ok_button.isEnabled() and dialog.error_label.text() == "Nothing changed yet."
    dialog.set_fields(kind="restricted", speed_limit=5.0)
    dialog.ok_button.click()
    changed = zone_events(source)[-1]
    assert isinstance(changed.event, ZoneDefined) and changed.event.name == "Spithead anchorage"
    assert (changed.event.kind, changed.event.speed_limit_kn) == ("restricted", 5.0)
    assert Zone.from_event(changed.event).area[0][0] == tuple(SPITHEAD)
    assert window.zone_console.panel.model.zone_at(
        window.zone_console.panel.model.row_of("Spithead anchorage")).kind == "restricted"


def test_renaming_a_zone_removes_the_old_name_and_defines_the_new_in_one_batch(window, source):
    dialog = window.zone_console.edit_zone("Spithead anchorage")
    dialog.set_fields(name="Spithead")
    dialog.ok_button.click()
    removed, renamed = zone_events(source)[-2:]
    assert isinstance(removed.event, ZoneRemoved) and removed.event.name == "Spithead anchorage"
    assert isinstance(renamed.event, ZoneDefined) and renamed.event.name == "Spithead"
    assert removed.recorded_at == renamed.recorded_at
    assert window.zone_console.selected == "Spithead" and window.map_view.zones.selected == "Spithead"


def test_removing_a_zone_asks_first(window, source):
    window.zone_console.select_zone("Mid-Channel")
    question = window.zone_console.remove_zone()
    assert "Remove the zone Mid-Channel?" in question.text()
    question.button(QMessageBox.StandardButton.Cancel).click()
    assert len(zone_events(source)) == 4
    question = window.zone_console.remove_zone()
    next(b for b in question.buttons() if b.text() == "Remove zone").click()
    gone = zone_events(source)[-1]
    assert isinstance(gone.event, ZoneRemoved) and gone.event.name == "Mid-Channel"
    assert window.zone_console.panel.model.row_of("Mid-Channel") is None
    assert window.zone_console.selected is None and not window.zone_console.remove_action.isEnabled()


def test_moving_a_corner_of_the_outline_and_saving_redefines_the_zone(qtbot, window, source):
    window.zone_console.select_zone("Portland firing range")
    window.zone_console.outline_action.trigger()
    editor = window.map_view.outline_editor
    assert editor.active and len(editor.roi.getHandles()) == 4 and window.map_view.editing
    handle = editor.roi.getHandles()[1]
    editor.roi.movePoint(handle, QPointF(-2.1, float(mercator_y(50.30))), finish=True)
    editor.bar.save_button.click()
    redrawn = zone_events(source)[-1]
    assert isinstance(redrawn.event, ZoneDefined) and redrawn.event.name == "Portland firing range"
    ring = Zone.from_event(redrawn.event).area[0][0]
    assert ring[1] == pytest.approx((-2.1, 50.30), abs=1e-6) and ring[0] == FIRING_RANGE[0]
    assert (redrawn.event.kind, redrawn.event.speed_limit_kn) == ("restricted", 6.0)
    assert not editor.active and editor.roi is None


def test_an_outline_dragged_into_a_knot_is_not_saved_and_cancel_leaves_the_zone(qtbot, window, source):
    window.zone_console.edit_outline("Portland firing range")
    editor = window.map_view.outline_editor
    handles = editor.roi.getHandles()
    editor.roi.movePoint(handles[1], QPointF(-2.2, float(mercator_y(50.55))), finish=True)  # the second corner up
    editor.roi.movePoint(handles[2], QPointF(-2.2, float(mercator_y(50.35))), finish=True)  # the third down: a bow tie
    assert not editor.save()
    assert "Cannot save: the outline crosses itself" in editor.bar.label.text() and editor.active
    qtbot.keyClick(window.map_view.plot.viewport(), Qt.Key.Key_Escape)
    assert not editor.active and len(zone_events(source)) == 4


# --- what the log refuses -----------------------------------------------------------------------------------------


def test_removing_a_zone_another_console_changed_meanwhile_is_refused_saying_why(window, source, fleet_stores):
    window.zone_console.select_zone("Mid-Channel")
    question = window.zone_console.remove_zone()
    fleet_stores.reopen(source.fleet.store.path).zones.define("Mid-Channel", "restricted", replacing="Mid-Channel")
    next(b for b in question.buttons() if b.text() == "Remove zone").click()
    warning = window.zone_console.message
    assert warning.text().startswith("The zone Mid-Channel was not removed: the zones changed in the log meanwhile")
    assert not isinstance(zone_events(source)[-1].event, ZoneRemoved)
    assert window.zone_console.panel.model.zone_at(window.zone_console.panel.model.row_of("Mid-Channel")).kind == \
        "restricted"  # the list shows the zones as they are now
    warning.close()


def test_a_removal_the_busy_store_refuses_says_so_and_the_zone_stays(qtbot, source, fleet_stores, tmp_path):
    impatient = fleet_stores.reopen(source.fleet.store.path, busy_timeout_ms=50)
    console = MainWindow(impatient, at(45), settings=UiSettings.at(tmp_path / "ui.ini"), coastline=COASTLINE)
    qtbot.addWidget(console)
    console.zone_console.select_zone("Mid-Channel")
    question = console.zone_console.remove_zone()
    with write_locked(source.fleet.store.path):
        next(b for b in question.buttons() if b.text() == "Remove zone").click()
    assert console.zone_console.message.text().startswith(
        "The zone Mid-Channel was not removed: another process kept the store busy; the batch was not written")
    assert len(zone_events(source)) == 4 and console.zone_console.panel.model.row_of("Mid-Channel") is not None
    console.zone_console.message.close()


def test_an_outline_saved_after_another_console_changed_the_zones_is_refused(qtbot, window, source, fleet_stores):
    window.zone_console.edit_outline("Portland firing range")
    editor = window.map_view.outline_editor
    editor.roi.movePoint(editor.roi.getHandles()[1], QPointF(-2.1, float(mercator_y(50.30))), finish=True)
    fleet_stores.reopen(source.fleet.store.path).zones.remove("Spithead anchorage")
    editor.bar.save_button.click()
    assert editor.active and "Not saved: the zones changed in the log meanwhile" in editor.bar.label.text()
    assert zone_events(source)[-1].event.name == "Spithead anchorage"  # the other console's removal, nothing more
    qtbot.keyClick(window.map_view.plot.viewport(), Qt.Key.Key_Escape)


def test_a_zone_file_that_cannot_be_read_is_refused_naming_it(window, source, tmp_path):
    folder = tmp_path / "not-a-file.geojson"
    folder.mkdir()
    assert window.zone_console.import_zones(str(folder), replace=False) is None
    assert f"{folder}: cannot read" in window.zone_console.message.text()
    assert len(zone_events(source)) == 4


def test_a_failure_that_is_not_the_logs_refusal_is_not_passed_off_as_one(qtbot, source):
    def broken(name, kind, limit):
        raise KeyError("a bug, not a refusal")

    dialog = ZoneDialog(source.zones.in_force(), source.operator, broken, outline=CORNERS)
    qtbot.addWidget(dialog)
    dialog.set_fields(name="Exercise area")
    with pytest.raises(KeyError):
        dialog.accept()


def test_while_the_store_opens_an_edit_is_refused_as_a_read_only_store_refuses_it(qtbot):
    placeholder = empty_console()
    dialog = ZoneDialog(placeholder.zones.in_force(), placeholder.operator,
                        lambda name, kind, limit: placeholder.zones.define(name, kind, CORNERS, limit), outline=CORNERS)
    qtbot.addWidget(dialog)
    dialog.set_fields(name="Exercise area")
    dialog.accept()
    assert dialog.error_label.text() == "The zone was not saved: no store is open yet: nothing can be appended"


# --- import, export, the auditor, live news -----------------------------------------------------------------------


def test_exported_zones_import_back_unchanged(window, source, tmp_path, fleet_stores):
    path = tmp_path / "zones.geojson"
    assert window.zone_console.export_zones(str(path)) == 4
    document = json.loads(path.read_text(encoding="utf-8"))
    assert {f["properties"]["name"] for f in document["features"]} == {v.name for v in source.zones.in_force()}
    assert window.zone_console.import_zones(str(path), replace=True) == []  # the same zones: nothing appended
    other = fleet_stores.open(channel_fleet(ships=10, hours=0.5), name="other.sqlite")
    window.set_source(other)
    appended = window.zone_console.import_zones(str(path), replace=False)
    assert len(appended) == 4 and [v.zone for v in other.zones.in_force()] == [v.zone for v in source.zones.in_force()]
    assert window.zone_console.panel.model.rowCount() == 4


def test_importing_with_replace_removes_the_zones_the_file_lacks(window, source, tmp_path):
    path = tmp_path / "one.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Mid-Channel", "kind": "generic"},
         "geometry": {"type": "Polygon", "coordinates": [[[-3.5, 49.9], [-0.5, 49.9], [-0.5, 50.3], [-3.5, 50.3],
                                                          [-3.5, 49.9]]]}}]}))
    appended = window.zone_console.import_zones(str(path), replace=True)
    assert sorted(e.event.name for e in appended if e.type == "ZoneRemoved") == [
        "Port of Southampton", "Portland firing range", "Spithead anchorage"]
    assert [v.name for v in source.zones.in_force()] == ["Mid-Channel"]
    assert window.zone_console.panel.model.rowCount() == 1 and len(window.map_view.zones.shown) == 1


def test_a_file_that_is_not_a_zone_file_is_refused_naming_the_problem(window, source, tmp_path):
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "No kind"}, "geometry": None}]}))
    assert window.zone_console.import_zones(str(path), replace=False) is None
    assert "feature 0 ('No kind'): has no kind" in window.zone_console.message.text()
    assert len(zone_events(source)) == 4


def test_a_read_only_log_disables_every_zone_edit_and_says_why(qtbot, source, fleet_stores):
    auditor = fleet_stores.reopen(source.fleet.store.path, read_only=True)
    console = MainWindow(auditor, at(45), coastline=COASTLINE)
    qtbot.addWidget(console)
    zones = console.zone_console
    zones.select_zone("Mid-Channel")
    for action in (zones.draw_action, zones.edit_action, zones.outline_action, zones.remove_action,
                   zones.import_action):
        assert not action.isEnabled() and "read-only" in action.toolTip() and "read-only" in action.statusTip()
    assert zones.export_action.isEnabled() and zones.show_action.isEnabled()
    zones.draw_zone()
    assert not console.map_view.zone_drawing.active
    assert zones.edit_zone() is None and zones.remove_zone() is None


def test_edits_wait_for_a_selection_and_say_so(window):
    zones = window.zone_console
    assert not zones.edit_action.isEnabled() and "select a zone" in zones.edit_action.toolTip()
    zones.select_zone("Mid-Channel")
    assert zones.edit_action.isEnabled() and zones.outline_action.isEnabled() and zones.remove_action.isEnabled()


def test_zones_defined_elsewhere_reach_the_map_and_the_dock(qtbot, window, source):
    elsewhere = ZoneDefined(occurred_at=at(50), name="Needles channel", kind="generic",
                            geometry=json.dumps({"type": "Polygon", "coordinates": [[[-1.7, 50.6], [-1.5, 50.6],
                                                                                      [-1.5, 50.7], [-1.7, 50.6]]]}))
    worker = threading.Thread(target=append, args=(source, [(elsewhere, at(50))]))  # e.g. 'zones add', caught up
    worker.start()
    worker.join()
    model = window.zone_console.panel.model
    qtbot.waitUntil(lambda: model.row_of("Needles channel") is not None, timeout=2000)
    assert "Needles channel" in {v.name for v in window.map_view.zones.shown}


def test_hovering_a_zone_shows_its_name_kind_and_limit(qtbot, window):
    viewport = window.map_view.plot.viewport()
    point = pixel_of(window.map_view, -2.3, 50.4)  # in the firing range, clear of ships
    window.map_view.view_box.setToolTip("")  # no ship hovered
    event = QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
    assert QApplication.sendEvent(viewport, event)
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    assert QToolTip.text().startswith("Portland firing range\nRestricted zone · limit 6 kn")
    QToolTip.hideText()


def test_a_zone_drawn_across_the_180th_meridian_is_refused(qtbot, window):
    window.map_view.show_box(GeoBox(178.5, -17.5, 181.5, -15.5))  # Fiji: the map wraps, x past 180 is 179°W
    draw(qtbot, window, [(179.5, -17.0), (180.5, -17.0), (180.5, -16.0), (179.5, -16.0)])
    drawing = window.map_view.zone_drawing
    assert drawing.active and window.zone_console.dialog is None
    assert "the outline crosses the 180° meridian: draw one zone on each side of it" in drawing.hint.text()
    drawing.cancel()
    draw(qtbot, window, [(180.2, -17.0), (180.8, -17.0), (180.8, -16.0)])  # wholly east of it: fine
    dialog = window.zone_console.dialog
    dialog.set_fields(name="Lau group")
    dialog.ok_button.click()
    ring = Zone.from_event(zone_events(window.source)[-1].event).area[0][0]
    assert all(-179.9 < lon < -179.1 for lon, _ in ring)  # stored as the chart has it: west longitudes


def test_a_dialog_open_when_another_store_is_opened_closes_without_appending(window, source, fleet_stores):
    dialog = window.zone_console.edit_zone("Mid-Channel")
    other = fleet_stores.open(channel_fleet(ships=10, hours=0.5), name="other.sqlite")
    window.set_source(other)
    assert not dialog.isVisible() and len(zone_events(source)) == 4 and zone_events(other) == []

