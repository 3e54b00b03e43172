"""The zones in the console: the zone layer on the map, the Zones dock, the Zones menu, and the operator's
edits — draw, change, rename, redraw the outline, remove, import from and export to GeoJSON.

The console hands it the zone desk (``use_source``); this keeps the zones in force on the map and in the dock,
reading them again whenever ``ZoneDefined`` / ``ZoneRemoved`` events arrive (``add_events``: from this
console, another one, or ``zones add`` whose appends the console's catch-up job brings in). Every edit is
one call to the zone desk (``ZoneDesk.define``, ``remove``, ``import_geojson``), which decides and
appends; an edit carries the version of the zone list the operator was looking at, so one made stale by
another writer is refused and the list shown anew. A read-only (auditor) log disables every edit and each
action says why; export stays, it only reads.

Dialogs open window-modal without blocking (``open``), so scripts and tests drive them like an operator.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMessageBox, QStatusBar, QWidget

from app.zone_desk import ZoneDesk
from domain.events import ZONES_STREAM, RecordedEvent
from domain.rules import InvalidZoneFile
from domain.zone_list import InvalidZone, ZoneList, ZoneView
from ui.formatting import in_text
from ui.plain_text import text_tooltip
from ui.map.map_view import MapView
from ui.settings import LAST_ZONES_FOLDER, SHOW_ZONES, UiSettings
from ui.zone_dialog import EDIT_REFUSED, ZoneDialog
from ui.zones_panel import ZonesPanel

GEOJSON_FILTER = "GeoJSON (*.geojson *.json);;All files (*)"
STATUS_MS = 8_000
READ_ONLY_WHY = " (not available: the store is open read-only)"
NO_SELECTION_WHY = " (select a zone in the Zones panel first)"
DRAW_TIP = "Draw a new zone on the map: click its corners, double-click or Enter to finish"


def _action(window, text: str, tip: str, slot) -> QAction:
    action = QAction(text, window)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.setData(tip)  # the tip without a reason it is disabled
    action.triggered.connect(lambda _checked=False: slot())
    return action


class ZoneConsole(QObject):
    """Zones on the map and in their dock, and the actions that change them, for one console (``window``: the
    widget its dialogs open over; the console places ``dock`` and puts the actions in its menus)."""

    def __init__(self, source: ZoneDesk, settings: UiSettings, map_view: MapView, status: QStatusBar, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.source = source
        self.settings, self.status = settings, status
        self.map_view = map_view
        self.zones = ZoneList()
        self.selected: str | None = None
        self.dialog: ZoneDialog | None = None
        self.message: QMessageBox | None = None  # the last question or warning shown (open, not blocking)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)

        self.show_action = self.map_view.zones_action
        self.show_action.setText("Show &zones")
        self.show_action.setChecked(bool(settings.get(SHOW_ZONES)))
        self.map_view.show_zone_layer(self.show_action.isChecked())
        self.show_action.toggled.connect(lambda on: settings.set(SHOW_ZONES, on))
        self.draw_action = _action(window, "&Draw zone", DRAW_TIP, self.draw_zone)
        self.edit_action = _action(window, "&Edit zone…", "Change the selected zone's name, kind or speed limit",
                                   self.edit_zone)
        self.outline_action = _action(window, "Edit &outline", "Move, add or remove the selected zone's corners "
                                      "on the map", self.edit_outline)
        self.remove_action = _action(window, "&Remove zone…", "Stop the rules watching the selected zone",
                                     self.remove_zone)
        self.import_action = _action(window, "&Import zones from GeoJSON…",
                                     "Add or update zones from a GeoJSON FeatureCollection (name and kind of each "
                                     "feature), as 'zones add' does", self.import_zones)
        self.export_action = _action(window, "E&xport zones to GeoJSON…",
                                     "Write the zones in force to a GeoJSON file that 'zones add' reads back",
                                     self.export_zones)
        for action, short in ((self.edit_action, "Edit…"), (self.outline_action, "Outline"),
                              (self.remove_action, "Remove…"), (self.import_action, "Import…"),
                              (self.export_action, "Export…")):
            action.setIconText(short)  # what the dock's toolbar shows; the menu has the whole text
        self.edit_actions = (self.draw_action, self.edit_action, self.outline_action, self.remove_action,
                             self.import_action)

        self.panel = ZonesPanel([self.draw_action, self.edit_action, self.outline_action, self.remove_action, None,
                                 self.import_action, self.export_action])
        self.panel.zoneSelected.connect(self._on_zone_selected)
        self.panel.zoneActivated.connect(self.map_view.fit_zone)
        self.dock = QDockWidget("Zones", window)
        self.dock.setObjectName("zonesDock")
        self.dock.setWidget(self.panel)

        drawing, editor = self.map_view.zone_drawing, self.map_view.outline_editor
        drawing.finished.connect(self._on_zone_drawn)
        drawing.cancelled.connect(lambda: self._say("Drawing cancelled: no zone was defined"))
        editor.saved.connect(self._on_outline_saved)
        editor.cancelled.connect(lambda: self._say("Outline left as it was"))
        self.update_actions()

    # --- following the console ------------------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return bool(getattr(self.source, "read_only", False))

    def use_source(self, source: ZoneDesk) -> None:
        """A store was opened: leave any drawing, edit or question about the last one, show its zones."""
        self.source = source
        for box in (self.dialog, self.message):
            if box is not None and shiboken6.isValid(box) and box.isVisible():
                box.reject()
        self.map_view.zone_drawing.cancel()
        self.map_view.outline_editor.end()
        self.selected = None
        self.refresh()

    def add_events(self, events: Sequence[RecordedEvent]) -> None:
        """News of committed events (GUI thread): read the zones again if any changed."""
        if any(event.stream_id == ZONES_STREAM for event in events) and not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def refresh(self) -> None:
        """Show the zones the source has in force now."""
        self._refresh_timer.stop()
        self.zones = self.source.in_force()
        self.map_view.show_zones(self.zones)
        self.panel.set_zones(self.zones)
        if self.selected is not None and self.zones.get(self.selected) is None:
            self.selected = None
        self.map_view.zones.select(self.selected)
        editing = self.map_view.outline_editor.zone
        if editing is not None and self.zones.get(editing.name) != editing:
            self.map_view.outline_editor.show_problem("This zone changed in the log meanwhile: Cancel and edit "
                                                      "it again to start from what it is now.")
        self.update_actions()

    def select_zone(self, name: str | None) -> None:
        """Make a zone the selected one, in the dock and on the map."""
        self.panel.select_zone(name)
        self._on_zone_selected(name if name is None or self.zones.get(name) else None)

    def update_actions(self) -> None:
        """Enable what can be done now, and say in each tooltip why what cannot be, cannot."""
        view = self.zones.get(self.selected) if self.selected is not None else None
        for action in self.edit_actions:
            why = ""
            if self.read_only:
                why = READ_ONLY_WHY
            elif action in (self.edit_action, self.outline_action, self.remove_action) and view is None:
                why = NO_SELECTION_WHY
            elif action is self.outline_action and not view.single_outline:
                why = (f" (not available: {in_text(view.name)} has holes or several parts; export the zones, edit the "
                       "GeoJSON and import it)")
            self._enable(action, not why, why)
        self._enable(self.export_action, len(self.zones) > 0, "" if len(self.zones) else " (there are no zones)")

    # --- the operator's edits ------------------------------------------------------------------------------

    def draw_zone(self) -> None:
        """Start drawing a new zone on the map."""
        if self.read_only:
            return
        self.map_view.start_drawing_zone()
        self._say("Click the zone's corners on the map; double-click or Enter to finish, Esc to cancel")

    def edit_zone(self, name: str | None = None) -> ZoneDialog | None:
        """Open the dialog that changes a zone's name, kind and speed limit (default: the selected zone)."""
        view = self._zone(name)
        if view is None or self.read_only:
            return None
        source, version = self.source, self.zones.version  # the store looked at, whatever opens meanwhile

        def submit(new_name: str, kind: str, limit: float | None) -> list[RecordedEvent]:
            return source.define(new_name, kind, None, limit, replacing=view.name, expected_version=version)

        return self._open_dialog(ZoneDialog(self.zones, self.source.operator, submit, zone=view, parent=self.window))

    def edit_outline(self, name: str | None = None) -> None:
        """Put handles on a zone's corners on the map (default: the selected zone)."""
        view = self._zone(name)
        if view is None or self.read_only or not view.single_outline:
            return
        box = self.map_view.zones.box_of(view.name)
        shown = self.map_view.geo_box()
        if box is not None and not (shown.west <= box.west and box.east <= shown.east
                                    and shown.south <= box.south and box.north <= shown.north):
            self.map_view.fit_zone(view.name)
        self.map_view.start_editing_outline(view)

    def remove_zone(self, name: str | None = None) -> QMessageBox | None:
        """Ask to confirm, then remove a zone (default: the selected zone)."""
        view = self._zone(name)
        if view is None or self.read_only:
            return None
        source, version = self.source, self.zones.version
        box = QMessageBox(QMessageBox.Icon.Question, "Remove zone",
                          f"Remove the zone {in_text(view.name)}?\n\nThe rules stop watching it from now on; what they "
                          "raised about it stays in the log.", QMessageBox.StandardButton.Cancel, self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the zone's name is text, never markup
        remove = box.addButton("Remove zone", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def answered(_result: int) -> None:
            box.deleteLater()
            if box.clickedButton() is not remove:
                return
            try:
                source.remove(view.name, expected_version=version)
            except (InvalidZone, *EDIT_REFUSED) as error:  # the zone is gone, or the log refused: say why
                self.refresh()
                self._warn("Remove zone", f"The zone {in_text(view.name)} was not removed: {error}")
                return
            self.refresh()
            self.select_zone(None)  # not the next zone in the list: a second Remove must not take it too
            self._say(f"Zone {in_text(view.name)} removed")

        box.finished.connect(answered)
        self.message = box
        box.open()
        return box

    def import_zones(self, path: str | None = None, replace: bool | None = None) -> list[RecordedEvent] | None:
        """Import zones from a GeoJSON file (asked for when not given), adding and updating them, or with
        ``replace`` also removing the zones the file does not have (asked when not given)."""
        if self.read_only:
            return None
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self.window, "Import zones from GeoJSON",
                                                  self.settings.get(LAST_ZONES_FOLDER), GEOJSON_FILTER)
            if not path:
                return None
        if replace is None:
            replace = self._ask_replace(path)
            if replace is None:
                return None
        self.settings.set(LAST_ZONES_FOLDER, str(Path(path).parent))
        try:
            appended = self.source.import_geojson(str(path), replace=replace, expected_version=self.zones.version)
        except (InvalidZoneFile, *EDIT_REFUSED) as error:  # no zone file (or unreadable), or the log refused
            self._warn("Import zones", f"No zones were imported.\n\n{error}")
            return None
        self.refresh()
        defined = sum(1 for r in appended if r.type == "ZoneDefined")
        removed = len(appended) - defined
        if not appended:
            self._say(f"{in_text(Path(path).name)}: the zones are already as the file has them; nothing was appended")
        else:
            self._say(f"{in_text(Path(path).name)}: {defined} zone{'' if defined == 1 else 's'} defined or updated"
                      + (f", {removed} removed" if removed else ""))
        return appended

    def export_zones(self, path: str | None = None) -> int | None:
        """Write the zones in force to a GeoJSON file (asked for when not given)."""
        if path is None:
            folder = self.settings.get(LAST_ZONES_FOLDER)
            path, _ = QFileDialog.getSaveFileName(self.window, "Export zones to GeoJSON",
                                                  str(Path(folder or ".") / "zones.geojson"), GEOJSON_FILTER)
            if not path:
                return None
        self.settings.set(LAST_ZONES_FOLDER, str(Path(path).parent))
        try:
            count = self.source.export_geojson(str(path))
        except OSError as error:
            self._warn("Export zones", f"The zones were not exported: {error}")
            return None
        self._say(f"{count} zone{'' if count == 1 else 's'} written to {in_text(path)}")
        return count

    # --- internals -----------------------------------------------------------------------------------------

    def _zone(self, name: str | None) -> ZoneView | None:
        return self.zones.get(name if name is not None else self.selected or "")

    def _on_zone_selected(self, name: str | None) -> None:
        self.selected = name
        self.map_view.zones.select(name)
        self.update_actions()

    def _on_zone_drawn(self, corners: list[tuple[float, float]]) -> None:
        source, version = self.source, self.zones.version

        def submit(name: str, kind: str, limit: float | None) -> list[RecordedEvent]:
            return source.define(name, kind, corners, limit, expected_version=version)

        dialog = ZoneDialog(self.zones, self.source.operator, submit, outline=corners, parent=self.window)
        dialog.finished.connect(lambda _result: self.map_view.zone_drawing.clear())
        self._open_dialog(dialog)

    def _on_outline_saved(self, name: str, corners: list[tuple[float, float]]) -> None:
        view = self.zones.get(name)
        editor = self.map_view.outline_editor
        if view is None:
            editor.show_problem(f"The zone {in_text(name)} is no longer in the log: Cancel.")
            return
        try:
            appended = self.source.define(name, view.kind, corners, view.speed_limit_kn, replacing=name,
                                          expected_version=self.zones.version)
        except InvalidZone as error:
            editor.show_problem(f"Not saved: the {error.field} {error.reason}")
            return
        except EDIT_REFUSED as error:  # the zones changed meanwhile, read-only, busy
            editor.show_problem(f"Not saved: {error}")
            return
        editor.end()
        self.refresh()
        self._say(f"Outline of {in_text(name)} saved" if appended else f"Outline of {in_text(name)} unchanged")

    def _open_dialog(self, dialog: ZoneDialog) -> ZoneDialog:
        def closed(result: int) -> None:
            if result == ZoneDialog.DialogCode.Accepted and dialog.recorded:
                self.refresh()
                defined = [r.event.name for r in dialog.recorded if r.type == "ZoneDefined"]
                if defined:
                    self.select_zone(defined[-1])
                    self._say(f"Zone {in_text(defined[-1])} {'defined' if dialog.zone is None else 'saved'}")
            dialog.deleteLater()
            if self.dialog is dialog:
                self.dialog = None

        dialog.finished.connect(closed)
        self.dialog = dialog
        dialog.open()
        dialog.name_edit.setFocus()
        return dialog

    def _ask_replace(self, path: str) -> bool | None:
        box = QMessageBox(QMessageBox.Icon.Question, "Import zones",
                          f"Import the zones of {in_text(Path(path).name)}:\n\n"
                          "Add and update: zones in the file are added, or updated where a zone of that name "
                          "differs; other zones stay.\n"
                          "Replace: as well, every zone the file does not have is removed.",
                          QMessageBox.StandardButton.Cancel, self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        add = box.addButton("Add and update", QMessageBox.ButtonRole.AcceptRole)
        replace = box.addButton("Replace", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(add)
        box.exec()
        clicked = box.clickedButton()
        return True if clicked is replace else False if clicked is add else None

    def _enable(self, action: QAction, enabled: bool, why: str) -> None:
        action.setEnabled(enabled)
        tip = f"{action.data()}{why}"
        shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(text_tooltip(f"{tip} ({shortcut})" if shortcut and not why else tip))
        action.setStatusTip(tip)

    def _say(self, text: str) -> None:
        self.status.showMessage(text, STATUS_MS)

    def _warn(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message = box
        box.open()
