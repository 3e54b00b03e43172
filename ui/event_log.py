"""The event log dock: the audit trail on screen, filtered by ship, event type and time.

``EventLogPanel`` shows an ``EventLogModel`` (lazy: a page of the log at a time) under a row of filters.
Events committed later reach it through a ``LiveBridge`` (the source calls back on any thread; the bridge
hops to the GUI thread by a queued signal). Double-clicking a row emits ``eventActivated(RecordedEvent)``
so the window can move the timeline to when it happened and select its ship. Pages are sought on a worker:
while one is, the panel says how far the search has read, and Stop keeps what it found (Continue seeks on).
"""
from __future__ import annotations

from typing import Iterable

from PySide6.QtCore import QDateTime, QModelIndex, QTimer, QTimeZone, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QLineEdit, QMenu, QSizePolicy, QTableView, QToolButton,
                               QVBoxLayout, QWidget)

from app.event_log import SEARCH_STEP, EventQuery
from domain.display_text import visible
from domain.events import RecordedEvent, registered_event_types
from domain.time import MICROS_PER_HOUR
from ui.event_log_model import HEADERS, PAGE_SIZE, TYPE_NAMES, Column, EventLogModel, type_name
from ui import theme
from ui.plain_text import plain_label
from app.fleet_view import FleetView
from app.logbook import Logbook
from ui.table_style import style_record_table
from ui.live_bridge import LiveBridge
from ui.timeline_jump import utc_time_edit

_ROW_HEIGHT = 22
_FILTER_DELAY_MS = 300
_SAMPLE_TEXT = {Column.POSITION: "00000000", Column.TIME: "2026-11-25 14:03:12",
                Column.RECORDED: "2026-11-25 14:03:12", Column.SHIP: "PORTLAND EXPRESS 216 · 235000007",
                Column.TYPE: "Details changed",
                Column.SUMMARY: "50°46.4′N 001°05.6′W · 12.3 kn · 157° · moored · registered as PORTLAND",
                Column.SOURCE: "simulator", Column.OPERATOR: "operator"}
_UTC = QTimeZone.utc()
# The dark palette leaves Fusion's check boxes nearly invisible: draw the filters' boxes plainly.
_STYLE = f"""
QCheckBox::indicator {{ width: 11px; height: 11px; border: 1px solid {theme.DIM_TEXT}; border-radius: 2px;
                        background: {theme.BASE}; }}
QCheckBox::indicator:checked {{ background: {theme.ACCENT}; border-color: {theme.ACCENT}; }}
"""


def event_types() -> list[str]:
    """The event types an operator can filter on: the familiar ones first, then any other registered."""
    known = list(TYPE_NAMES)
    return known + sorted(name for name in registered_event_types() if name not in TYPE_NAMES)


def _to_micros(moment: QDateTime) -> int:
    return moment.toMSecsSinceEpoch() * 1000


def _from_micros(instant: int) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(instant // 1000, _UTC)


class EventLogPanel(QWidget):
    """Filters over the lazily loaded event log; to be put in a dock by the window."""

    eventActivated = Signal(object)  # RecordedEvent, when the operator double-clicks a row

    def __init__(self, fleet: FleetView, logbook: Logbook, parent: QWidget | None = None, *, live: bool = True,
                 page_size: int = PAGE_SIZE, search_step: int = SEARCH_STEP):
        super().__init__(parent)
        self.setObjectName("eventLogPanel")
        self.setStyleSheet(_STYLE)
        self._fleet = fleet  # the ships' names, the log's time range
        self._selected_ship: int | None = None
        self._ship_problem = ""

        self.model = EventLogModel(logbook, fleet, page_size, self, search_step=search_step)

        self.ship_box = QLineEdit()
        self.ship_box.setPlaceholderText("Ship name or MMSI")
        self.ship_box.setClearButtonEnabled(True)
        self.ship_box.setToolTip("Only events of this ship (its reports, details and notes)")
        self.selected_only = QCheckBox("Selected ship")
        self.selected_only.setToolTip("Only events of the ship selected on the map or in the table")

        self.type_button = QToolButton()
        self.type_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.type_menu = QMenu(self.type_button)
        self.type_actions: dict[str, QAction] = {}
        for name in event_types():
            action = QAction(type_name(name), self.type_menu)
            action.setCheckable(True)
            action.setChecked(True)
            action.setData(name)
            action.toggled.connect(self._schedule_apply)
            self.type_menu.addAction(action)
            self.type_actions[name] = action
        self.type_menu.addSeparator()
        self.type_menu.addAction("All types", lambda: self.set_types(None))
        self.type_button.setMenu(self.type_menu)

        self.from_enabled, self.from_edit = QCheckBox("From"), utc_time_edit()
        self.to_enabled, self.to_edit = QCheckBox("to"), utc_time_edit()
        span = fleet.time_range()
        start, end = span if span else (0, MICROS_PER_HOUR)
        self.from_edit.setDateTime(_from_micros(start))
        self.to_edit.setDateTime(_from_micros(end))
        self.from_edit.setEnabled(False)
        self.to_edit.setEnabled(False)
        self.count_label = plain_label(QLabel())  # may quote the ship typed in the filter
        self.count_label.setObjectName("eventCount")
        self.search_label = plain_label(QLabel())  # may quote the store's error
        self.search_label.setObjectName("eventSearch")
        # It shares the filters' row and gives way to them: the dock is never wider for it (the map keeps its room).
        self.search_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.stop_button = QToolButton()
        self.stop_button.setObjectName("eventSearchStop")
        self.stop_button.clicked.connect(self._stop_or_continue)

        self.view = QTableView()
        self.view.setModel(self.model)
        style_record_table(self.view, _ROW_HEIGHT, _SAMPLE_TEXT, HEADERS)
        self.view.doubleClicked.connect(self._on_double_clicked)

        self._apply_timer = QTimer(self)
        self._apply_timer.setSingleShot(True)
        self._apply_timer.setInterval(_FILTER_DELAY_MS)
        self._apply_timer.timeout.connect(self.apply_filters)
        self.ship_box.textChanged.connect(self._schedule_apply)
        self.ship_box.returnPressed.connect(self.apply_filters)
        self.selected_only.toggled.connect(self._on_selected_only)
        for check, edit in ((self.from_enabled, self.from_edit), (self.to_enabled, self.to_edit)):
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(self._schedule_apply)
            edit.dateTimeChanged.connect(self._schedule_apply)

        filters = QHBoxLayout()
        self.ship_box.setMaximumWidth(320)
        filters.addWidget(self.ship_box, 1)
        filters.addWidget(self.selected_only)
        filters.addWidget(self.type_button)
        filters.addWidget(self.search_label, 1)
        filters.addWidget(self.stop_button)
        times = QHBoxLayout()
        times.addWidget(self.from_enabled)
        times.addWidget(self.from_edit)
        times.addWidget(self.to_enabled)
        times.addWidget(self.to_edit)
        times.addStretch(1)
        times.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(filters)
        layout.addLayout(times)
        layout.addWidget(self.view)

        for signal in (self.model.rowsInserted, self.model.modelReset, self.model.searchChanged):
            signal.connect(self._update_count)
        self._update_type_button()
        self._update_count()

        self.bridge: LiveBridge | None = None
        if live:
            self.bridge = LiveBridge(fleet, self)
            self.bridge.eventsArrived.connect(self.add_events)

    # --- fed by the window ------------------------------------------------------------------------------

    def set_selected_ship(self, mmsi: int | None) -> None:
        """The ship selected elsewhere; with 'Selected ship' ticked the log follows it."""
        if mmsi == self._selected_ship:
            return
        self._selected_ship = mmsi
        if self.selected_only.isChecked():
            self.apply_filters()

    def show_ship_history(self, mmsi: int) -> None:
        """Every event of one ship, whatever its type or time (the detail panel's 'Full history')."""
        self._block_filters(True)
        try:
            self.selected_only.setChecked(False)
            self.ship_box.setEnabled(True)
            self.ship_box.setText(str(mmsi))
            for action in self.type_actions.values():
                action.setChecked(True)
            self.from_enabled.setChecked(False)
            self.to_enabled.setChecked(False)
            self.from_edit.setEnabled(False)
            self.to_edit.setEnabled(False)
        finally:
            self._block_filters(False)
        self.apply_filters()

    def set_ship_filter(self, text: str) -> None:
        """Only the events of the ship named or numbered by ``text`` ('' for every ship)."""
        self.ship_box.setText(text)
        self.apply_filters()

    def set_types(self, types: Iterable[str] | None) -> None:
        """Only events of these types (None: all)."""
        wanted = None if types is None else set(types)
        self._block_filters(True)
        try:
            for name, action in self.type_actions.items():
                action.setChecked(wanted is None or name in wanted)
        finally:
            self._block_filters(False)
        self.apply_filters()

    def set_time_range(self, start: int | None, end: int | None) -> None:
        """Only events that occurred within [start, end] (µs UTC; None: open on that side)."""
        self._block_filters(True)
        try:
            for check, edit, value in ((self.from_enabled, self.from_edit, start), (self.to_enabled, self.to_edit, end)):
                check.setChecked(value is not None)
                edit.setEnabled(value is not None)
                if value is not None:
                    edit.setDateTime(_from_micros(value))
        finally:
            self._block_filters(False)
        self.apply_filters()

    def add_events(self, events: Iterable[RecordedEvent]) -> None:
        """Newly committed events (GUI thread): appended if they match and the log is shown to its end."""
        bar = self.view.verticalScrollBar()
        following = bar.value() == bar.maximum()
        if self.model.add_events(events) and following:
            self.view.scrollToBottom()

    def shutdown(self) -> None:
        """Stop listening for new events and seeking pages (call when the window closes, before the store
        does); idempotent."""
        if self.bridge is not None:
            self.bridge.close()
        self.model.shutdown()

    # --- the query ---------------------------------------------------------------------------------------

    def query(self) -> EventQuery | None:
        """What the filters ask for; None when they name no ship that can be found."""
        mmsi = self._ship_filter()
        if mmsi is False:
            return None
        checked = frozenset(name for name, action in self.type_actions.items() if action.isChecked())
        types = None if len(checked) == len(self.type_actions) else checked
        start = _to_micros(self.from_edit.dateTime()) if self.from_enabled.isChecked() else None
        end = _to_micros(self.to_edit.dateTime()) + 999 if self.to_enabled.isChecked() else None  # the whole ms
        return EventQuery(mmsi=mmsi, types=types, occurred_from=start, occurred_to=end)

    def set_source(self, fleet: FleetView, logbook: Logbook) -> None:
        """Page through another store's log, keeping the filters the operator set."""
        self._fleet = fleet
        self.model.set_source(logbook, fleet)
        self.apply_filters()

    def apply_filters(self) -> None:
        """Reset the log to the filters' query and fetch its first page."""
        self._apply_timer.stop()
        self._update_type_button()
        query = self.query()
        if query != self.model.query or query is None:
            self.model.set_query(query)
        self._update_count()

    def _ship_filter(self) -> int | None | bool:
        """The MMSI to filter on, None for all ships, False when the filter names no single ship."""
        self._ship_problem = ""
        if self.selected_only.isChecked():
            if self._selected_ship is None:
                self._ship_problem = "no ship selected"
                return False
            return self._selected_ship
        text = self.ship_box.text().strip()
        if not text:
            return None
        if text.isdigit():
            return int(text)
        span = self._fleet.time_range()
        if span is None:
            self._ship_problem = f"no ship called “{text}”"
            return False
        fleet = self._fleet.state_at(span[1])
        wanted = text.casefold()
        exact = [int(m) for m, name in zip(fleet.mmsi, fleet.names) if name and name.casefold() == wanted]
        partial = [int(m) for m, name in zip(fleet.mmsi, fleet.names) if name and wanted in name.casefold()]
        found = exact or partial
        if len(found) == 1:
            return found[0]
        self._ship_problem = (f"no ship called “{text}”" if not found
                              else f"{len(found)} ships match “{text}”: type more of the name, or the MMSI")
        return False

    # --- internals -------------------------------------------------------------------------------------------

    def _schedule_apply(self, *_args) -> None:
        if not self._filters_blocked:
            self._apply_timer.start()

    _filters_blocked = False

    def _block_filters(self, blocked: bool) -> None:
        self._filters_blocked = blocked

    def _on_selected_only(self, checked: bool) -> None:
        self.ship_box.setEnabled(not checked)
        if not self._filters_blocked:
            self.apply_filters()

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.eventActivated.emit(self.model.event_at(index.row()))

    def _update_type_button(self) -> None:
        checked = [name for name, action in self.type_actions.items() if action.isChecked()]
        if len(checked) == len(self.type_actions):
            text = "All types"
        elif len(checked) == 1:
            text = type_name(checked[0])
        else:
            text = f"{len(checked)} types"
        self.type_button.setText(text)

    def _stop_or_continue(self) -> None:
        if self.model.searching:
            self.model.stop_search()
        else:
            self.model.resume_search()

    def _update_search(self) -> None:
        model = self.model
        if model.searching:
            progress = model.progress
            done = "" if progress is None else f" {100 * progress.fraction:.0f}%"
            self.search_label.setText(f"Searching the log…{done}")
            self.stop_button.setText("Stop")
            self.stop_button.setToolTip("Stop searching; keep the events found so far")
        elif model.stopped:
            failure = model.failure
            self.search_label.setText("Search stopped" if failure is None else
                                      f"The log could not be read: {visible(str(failure))}")
            self.stop_button.setText("Continue" if failure is None else "Try again")
            self.stop_button.setToolTip("Search on from where it stopped")
        self.search_label.setVisible(model.searching or model.stopped)
        self.stop_button.setVisible(model.searching or model.stopped)

    def _update_count(self, *_args) -> None:
        self._update_search()
        if self._ship_problem:
            self.count_label.setText(self._ship_problem)
            return
        rows = self.model.rowCount()
        if rows == 0 and self.model.searching:
            self.count_label.setText("")  # the search label says what is happening
            return
        more = "+" if self.model.canFetchMore(QModelIndex()) or not self.model.at_end else ""  # stopped: maybe more
        self.count_label.setText(f"{rows:,}{more} event{'' if rows == 1 and not more else 's'}")
