"""Marking a moment and seeing what changed since: the mark (a key and a button on the timeline), the
Changes dock, and the map's displacement lines, kept in step with the moment shown.

Whenever a moment is shown while a mark is set, the diff from the mark to that moment is computed from the
console's fleet view and alert desk (``app.fleet_diff``; "as known then" applies to both ends), listed in
the dock and drawn on the map. It runs on a worker (``ui.background_work``): a few milliseconds for the demo
fleet, up to ~150 ms for 10,000 ships, which would stall a scrub on the GUI thread; a newer moment
supersedes the diff still being computed for an older one, so only the newest is ever drawn.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from app.console import Console
from ui.background_work import BackgroundRun, WorkOfOneKind
from app.fleet_diff import fleet_diff
from domain.fleet_diff import FleetDiff, Moment
from ui.changes_dock import ChangesPanel, changes_dock
from ui.console_state import ConsoleState
from ui.map.displacement_layer import DisplacementLayer
from ui.map.map_view import MapView
from ui.moment_display import MomentDisplay


class ChangesConsole(QObject):
    """The mark, the Changes dock and the displacement layer of one window."""

    markChanged = Signal(object)  # µs UTC, or None when cleared
    changesShown = Signal()       # a diff is listed and drawn

    def __init__(self, state: ConsoleState, display: MomentDisplay, source: Console, map_view: MapView,
                 parent: QWidget):
        super().__init__(parent)
        self.state, self.source, self.map_view = state, source, map_view
        self.mark: int | None = None
        self.diff: FleetDiff | None = None
        self.panel = ChangesPanel()
        self.dock = changes_dock(self.panel, parent)
        self.layer = DisplacementLayer(map_view.view_box)
        self.mark_action = QAction("&Mark this moment", parent)
        self.mark_action.setIconText("⚑ Mark")  # on the timeline's button
        self.mark_action.setToolTip("Mark this moment: scrub, and see what changed since (M)")
        self.mark_action.setStatusTip("Mark the moment shown; the Changes dock and the map show what changed since")
        self.mark_action.triggered.connect(lambda _checked=False: self.mark_moment())
        self.clear_action = QAction("Clear the mark", parent)
        self.clear_action.setEnabled(False)
        self.clear_action.triggered.connect(self.clear_mark)
        self.panel.changeActivated.connect(self._go_to)
        display.momentShown.connect(self._follow)
        state.asKnownThenChanged.connect(lambda _on: self._follow(state.moment))
        state.timeZoneChanged.connect(self._set_time_zone)
        self.panel.time_zone = state.time_zone

    def use_source(self, source: Console) -> None:
        """Another store: the mark belongs to the old one's log, so it goes."""
        self.source = source
        self.clear_mark()

    def mark_moment(self, at: int | None = None, *, wait: bool = False) -> None:
        """Mark ``at`` (default: the moment shown) and show the changes since (``wait``: computed here and
        now, for a screenshot, rather than on a worker)."""
        chosen = self.state.moment if at is None else at
        if chosen is None or self.source.fleet.time_range() is None:
            self.panel.summary.setText("Nothing to compare yet: the log has no reports.")
            return
        self.mark = chosen
        self.clear_action.setEnabled(True)
        self.dock.show()
        self.dock.raise_()
        self.markChanged.emit(chosen)
        self._follow(self.state.moment, wait=wait)

    def clear_mark(self) -> None:
        self.mark = None
        self.diff = None
        self.clear_action.setEnabled(False)
        self.layer.show(None)
        self.panel.show_diff(None, None)
        self.markChanged.emit(None)

    def _follow(self, at: int | None, *, wait: bool = False) -> None:
        if self.mark is None or at is None:
            return
        mark = self.mark
        before = Moment(mark, self.state.known_at(mark))
        after = Moment(at, self.state.known_at(at))
        fleet, alerts = self.source.fleet, self.source.alerts
        if wait:
            self._show(fleet_diff(fleet, alerts, before, after), mark)
            return
        run = BackgroundRun(lambda _progress, _cancelled: fleet_diff(fleet, alerts, before, after), self)
        run.finished.connect(lambda diff: self._show(diff, mark))
        run.failed.connect(lambda error: self._failed(error, mark))
        run.discarded.connect(run.deleteLater)
        run.finished.connect(run.deleteLater)
        run.failed.connect(run.deleteLater)
        WorkOfOneKind.of(self, "changes").start(run)

    def _show(self, diff: FleetDiff, mark: int) -> None:
        if mark != self.mark:  # cleared, or marked anew, while it was computed
            return
        self.diff = diff
        box = self.map_view.geo_box()
        self.layer.show(diff, centre=(box.west + box.east) / 2)
        self.panel.show_diff(diff, mark)
        self.changesShown.emit()

    def _failed(self, error: Exception, mark: int) -> None:
        if mark == self.mark:
            self.panel.summary.setText(f"The changes could not be read: {error}")

    def _set_time_zone(self, zone: str) -> None:
        self.panel.time_zone = zone
        self.panel.show_diff(self.diff, self.mark)

    def _go_to(self, at: int, mmsi: int | None) -> None:
        """A row activated: the timeline to the change, the ship selected and brought into view."""
        self.state.go_to(at)
        if mmsi is not None:
            self.state.select_ship(mmsi)
