"""The alerts dock: the alert board at the selected moment, with its IEC 62923 states, and the operator's
moves on alerts (acknowledge, silence, suppress a ship's alerts of a kind).

``AlertsPanel`` shows an ``AlertsModel`` of ``AlertDesk.alerts_at(at, known_at)`` (newest first): by default
the alerts standing (active, or rectified and unacknowledged: acknowledged-and-rectified alerts leave the
list), or only those waiting for an acknowledgement, or all; and of every priority or one. The counts by
state are above the table. "Hand over to…" (the table's context menu) transfers the responsibility for the
selected alerts to a named operator. "Silence" quiets the selected alerts' audible signal for 30 s (an event every
console shares); "Sound" mutes this console's signal (``ui.alerts_sound``). "Suppress…" acknowledges the
selected alert's ship's alerts of its type and those raised in the next minutes, with a reason. Selecting an alert emits ``shipSelected(mmsi)``; double-clicking it emits
``alertActivated(AlertView)`` so the window can move the timeline to when it was raised. "Acknowledge…"
opens ``AcknowledgeDialog`` (the operator's name, an optional comment) and, on OK, calls
``AlertDesk.acknowledge(alert_id, comment)``; the dialog closes only when the log took it. Several rows
may be selected (Shift/Ctrl-click, Ctrl+A): "Acknowledge 12…" acknowledges the open ones among them with
one comment, in one append, all or none (``AlertDesk.acknowledge_all``) — a busy watch is not made to sign
a thousand dialogs. A read-only log disables the button and says why.

An acknowledgement occurs now. Shown at an earlier moment, the alert is still open then: the panel says so
under the table rather than pretending the past changed.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QComboBox, QHBoxLayout, QInputDialog, QLabel,
                               QPushButton, QStackedWidget, QTableView, QToolButton, QVBoxLayout, QWidget)

from app.alert_desk import AlertDesk
from app.errors import StoreError
from app.fleet_view import FleetView
from domain.alert_board import (ACTIVE, ACTIVE_ACKNOWLEDGED, ACTIVE_SILENCED, ACTIVE_TRANSFERRED,
                                ACTIVE_UNACKNOWLEDGED, NORMAL, RECTIFIED_UNACKNOWLEDGED, UNACKNOWLEDGED_STATES,
                                AlertError, AlertView, counts_by_state)
from domain.errors import InvalidEvent
from domain.events import RecordedEvent
from domain.temporal_index import FleetArrays
from ui import theme
from ui.alerts_model import STANDING_STATES, HEADERS, AlertsModel, Column, alert_type_name, ship_text
from ui.alerts_sound import AlertSounder
from domain.display_text import visible
from ui.formatting import format_moment, in_text
from ui.operator_entry import OperatorEntryDialog, escape_html
from ui.plain_text import plain_label
from ui.table_style import style_record_table

MAX_COMMENT_LENGTH = 2_000  # what AlertAcknowledged accepts
EMPTY_TEXT = "No alerts at this moment"
EMPTY_OPEN_TEXT = "No open alerts at this moment"
EMPTY_STANDING_TEXT = "No active or unacknowledged alerts at this moment"
PRIORITY_FILTERS = (("All priorities", None), ("Alarms", frozenset({"emergency", "alarm"})),
                    ("Warnings", frozenset({"warning"})), ("Cautions", frozenset({"caution"})))
# the counts above the table, in the order a watch reads them
COUNTED_STATES = ((ACTIVE_UNACKNOWLEDGED, "unacknowledged"), (ACTIVE_SILENCED, "silenced"),
                  (ACTIVE_TRANSFERRED, "handed over"), (ACTIVE_ACKNOWLEDGED, "acknowledged"), (ACTIVE, "active caution"),
                  (RECTIFIED_UNACKNOWLEDGED, "rectified, unacknowledged"), (NORMAL, "normal"))
SUPPRESS_MINUTES = 30
READ_ONLY_TIP = "The log is open read-only: acknowledgements cannot be written to it"
_ROW_HEIGHT = 22
_SAMPLE_TEXT = {Column.SEVERITY: "Critical", Column.RAISED: "2026-11-25 14:03:12",
                Column.SHIP: "PORTLAND EXPRESS 216 · 235000007", Column.TYPE: "Signal restored",
                Column.SUMMARY: "12.4 kn in the Solent 10 kn zone (limit 10 kn)", Column.STATE: "Active, responsibility transferred",
                Column.ACKNOWLEDGED_BY: "Officer of the watch", Column.ACKNOWLEDGED_AT: "2026-11-25 14:03:12"}
_STYLE = f"""
#alertsEmpty {{ color: {theme.DIM_TEXT}; font-size: 11pt; }}
#alertsMessage, #alertsCount {{ color: {theme.DIM_TEXT}; }}
QToolButton#alertsFilter {{ border: 1px solid {theme.BORDER}; padding: 2px 10px; }}
QToolButton#alertsFilter:checked {{ background: {theme.HIGHLIGHT}; border-color: {theme.HIGHLIGHT}; }}
"""


def _heading_of(alerts: list[AlertView], ships: list[str]) -> str:
    """One alert in full; several as how many of each type, on how many ships, raised between when and when."""
    if len(alerts) == 1:
        alert, ship = alerts[0], ships[0]
        return (f"<b>{escape_html(alert_type_name(alert.type))}</b> · {escape_html(ship)}<br>"
                f"{escape_html(visible(alert.summary))}<br>"
                f"<span style='color:{theme.DIM_TEXT}'>raised {format_moment(alert.raised_at)}</span>")
    kinds: dict[str, int] = {}
    for alert in alerts:
        kinds[alert_type_name(alert.type)] = kinds.get(alert_type_name(alert.type), 0) + 1
    listed = ", ".join(f"{number:,} {name.lower()}" for name, number in sorted(kinds.items(), key=lambda kv: -kv[1]))
    first, last = min(a.raised_at for a in alerts), max(a.raised_at for a in alerts)
    return (f"<b>{len(alerts):,} open alerts</b> on {len(set(ships)):,} ships: {escape_html(listed)}<br>"
            f"<span style='color:{theme.DIM_TEXT}'>raised {format_moment(first)} – {format_moment(last)}; "
            "one comment for all of them</span>")


class AcknowledgeDialog(OperatorEntryDialog):
    """Acknowledge one alert, or several with one comment, signed with the operator's name."""

    def __init__(self, operator: str, alert: AlertView | list[AlertView], ship: str | list[str],
                 submit: Callable[[str | None], object], parent: QWidget | None = None):
        alerts = alert if isinstance(alert, list) else [alert]
        ships = ship if isinstance(ship, list) else [ship]
        super().__init__(
            title="Acknowledge alert" if len(alerts) == 1 else f"Acknowledge {len(alerts):,} alerts",
            heading_html=_heading_of(alerts, ships),
            signature_html=f"Acknowledged by <b>{escape_html(in_text(operator))}</b>",
            placeholder="Comment (optional): what you checked or did", ok_text="Acknowledge", what="comment",
            max_length=MAX_COMMENT_LENGTH, required=False, submit=submit,
            # the alert cannot be (already acknowledged, unknown) or the log refused (read-only, busy): say
            # why, stay open
            refusals=(AlertError, StoreError), refused_text="The alert was not acknowledged", parent=parent)
        self.setObjectName("acknowledgeDialog")
        self.alerts = alerts
        self.alert = alerts[0]
        self.alert_label = self.heading_label
        self.comment_edit = self.text_edit

    def comment(self) -> str | None:
        return self.entry()


class AlertsPanel(QWidget):
    """The alert board at the selected moment; to be put in a dock by the window."""

    shipSelected = Signal(object)    # MMSI (int) of the selected alert's ship
    alertActivated = Signal(object)  # AlertView, when the operator double-clicks an alert
    alertAcknowledged = Signal(object)  # RecordedEvent of an acknowledgement made here

    def __init__(self, alerts: AlertDesk, fleet: FleetView, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("alertsPanel")
        self.setStyleSheet(_STYLE)
        self._alerts = alerts
        self._fleet = fleet  # the ships' names
        self._at: int | None = None
        self._known_at: int | None = None
        self.dialog: AcknowledgeDialog | None = None

        self.model = AlertsModel(self)
        self.sounder = AlertSounder(parent=self)
        self.standing_button = self._filter_button(
            "Standing", "Active alerts, and rectified ones still unacknowledged (acknowledged and rectified "
                        "alerts leave this list)")
        self.open_button = self._filter_button("Open", "Only alerts waiting for an acknowledgement")
        self.all_button = self._filter_button("All", "Every alert and caution raised by this moment")
        self.standing_button.setChecked(True)
        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        for button in (self.standing_button, self.open_button, self.all_button):
            self.filter_group.addButton(button)
            button.toggled.connect(lambda _on: self._on_filter())
        self.priority_combo = QComboBox()
        self.priority_combo.setObjectName("priorityFilter")
        for label, priorities in PRIORITY_FILTERS:
            self.priority_combo.addItem(label, priorities)
        self.priority_combo.currentIndexChanged.connect(lambda _index: self._on_filter())
        self.silence_button = QPushButton("Silence")
        self.silence_button.setObjectName("silenceButton")
        self.silence_button.setToolTip("Silence the selected alerts' audible signal for 30 s (on every console)")
        self.silence_button.clicked.connect(self.silence_selected)
        self.suppress_button = QPushButton("Suppress…")
        self.suppress_button.setObjectName("suppressButton")
        self.suppress_button.clicked.connect(self.open_suppress_dialog)
        self.sound_button = QToolButton()
        self.sound_button.setObjectName("alertsFilter")
        self.sound_button.setText("Sound")
        self.sound_button.setCheckable(True)
        self.sound_button.setChecked(True)
        self.sound_button.setToolTip("The audible signal of active unacknowledged alarms and warnings on this "
                                     "console (uncheck to mute)")
        self.sound_button.toggled.connect(lambda on: self.sounder.set_muted(not on))
        self.count_label = QLabel()
        self.count_label.setObjectName("alertsCount")
        self.acknowledge_button = QPushButton("Acknowledge…")
        self.acknowledge_button.setObjectName("acknowledgeButton")
        self.acknowledge_button.clicked.connect(self.open_acknowledge_dialog)

        self.view = QTableView()
        self.view.setModel(self.model)
        style_record_table(self.view, _ROW_HEIGHT, _SAMPLE_TEXT, HEADERS,
                           extra=lambda column: 40 if column == Column.SEVERITY else 14)  # the marker, bold text
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.doubleClicked.connect(self._on_double_clicked)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.hand_over_action = QAction("Hand over to…", self.view)
        self.hand_over_action.setToolTip("Transfer the responsibility for the selected active unacknowledged "
                                         "alerts to another operator (another watch, another console)")
        self.hand_over_action.triggered.connect(self.open_hand_over_dialog)
        for action in (self.hand_over_action,):
            self.view.addAction(action)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setObjectName("alertsEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty_label)
        self.message_label = plain_label(QLabel())
        self.message_label.setObjectName("alertsMessage")
        self.message_label.setWordWrap(True)
        self.message_label.hide()

        controls = QHBoxLayout()
        controls.setSpacing(0)
        controls.addWidget(self.standing_button)
        controls.addWidget(self.open_button)
        controls.addWidget(self.all_button)
        controls.addStretch(1)
        controls.addWidget(self.sound_button)  # this console's sound
        counts = QHBoxLayout()  # the priorities shown, and how many alerts are in each state
        counts.setSpacing(8)
        self.count_label.setWordWrap(True)
        plain_label(self.count_label)
        counts.addWidget(self.priority_combo)
        counts.addWidget(self.count_label, 1)
        actions = QHBoxLayout()  # what the operator can do with the selection
        actions.setSpacing(4)
        actions.addStretch(1)
        actions.addWidget(self.silence_button)
        actions.addWidget(self.suppress_button)
        actions.addWidget(self.acknowledge_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(controls)
        layout.addLayout(counts)
        layout.addLayout(actions)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.message_label)

        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset, self.model.dataChanged):
            signal.connect(self._update_state)
        self._update_state()

    def _filter_button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setObjectName("alertsFilter")
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        return button

    # --- fed by the window ------------------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return bool(getattr(self._alerts, "read_only", False))

    def set_source(self, alerts: AlertDesk, fleet: FleetView) -> None:
        """Show another store's alerts (from the next ``show_moment``)."""
        self._alerts, self._fleet = alerts, fleet

    def show_moment(self, at: int, known_at: int | None = None, *, fleet: FleetArrays | None = None,
                    board: list[AlertView] | None = None, live: bool = False) -> None:
        """Show the board at ``at`` (as known at ``known_at``). Pass ``fleet`` and ``board`` (the fleet and
        the alerts at that moment) when the window has them already, so the source is not asked again. A
        ``live`` moment sounds the audible signal when the board calls for it."""
        self._at, self._known_at = at, known_at
        if board is None:
            board = self._alerts.alerts_at(at, known_at)
        names: dict[int, str | None] = {}
        if board:
            if fleet is None:
                fleet = self._fleet.state_at(at, known_at)
            names = _names_of(fleet, {mmsi for alert in board for mmsi in alert.ships or (alert.mmsi,)})
        self.model.set_alerts(board, names)
        self._update_state()
        self.sounder.consider(board, live=live)

    def set_open_only(self, open_only: bool) -> None:
        """Show only open alerts (True) or all alerts and cautions."""
        (self.open_button if open_only else self.all_button).setChecked(True)

    def set_priorities(self, label: str) -> None:
        """Show only the alerts of one priority filter, by its label ("Alarms", "All priorities", ...)."""
        self.priority_combo.setCurrentIndex(self.priority_combo.findText(label))

    def selected_alert(self) -> AlertView | None:
        """The selected alert (the current one of several selected)."""
        selected = self.selected_alerts()
        if not selected:
            return None
        current = self.view.currentIndex()
        if current.isValid() and self.view.selectionModel().isRowSelected(current.row(), QModelIndex()):
            return self.model.alert_at(current.row())
        return selected[0]

    def selected_alerts(self) -> list[AlertView]:
        """Every selected alert, in the order of the rows."""
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        return [self.model.alert_at(row) for row in rows]

    def select_alerts(self, alert_ids: list[str]) -> None:
        """Select several alerts' rows (those shown)."""
        self.view.clearSelection()
        selection = QItemSelection()
        for alert_id in alert_ids:
            row = self.model.row_of(alert_id)
            if row is not None:
                selection.select(self.model.index(row, 0), self.model.index(row, self.model.columnCount() - 1))
        self.view.selectionModel().select(selection, self.view.selectionModel().SelectionFlag.Select)

    def select_alert(self, alert_id: str | None) -> None:
        """Select an alert's row (None: clear)."""
        row = None if alert_id is None else self.model.row_of(alert_id)
        if row is None:
            self.view.clearSelection()
        else:  # this row alone, whatever keys are held (selectRow would add to the selection under Ctrl)
            flags = self.view.selectionModel().SelectionFlag
            self.view.selectionModel().select(self.model.index(row, 0), flags.ClearAndSelect | flags.Rows)
            self.view.scrollTo(self.model.index(row, 0))

    # --- acknowledging ------------------------------------------------------------------------------------

    def open_acknowledge_dialog(self) -> AcknowledgeDialog | None:
        """Open the dialog for the selected open alerts (window-modal, not blocking); returns it."""
        alerts = [alert for alert in self.selected_alerts() if alert.is_open]
        if not alerts or self.read_only:
            return None
        ships = [self.model.ship_of(alert) for alert in alerts]
        if len(alerts) == 1:
            alert_id = alerts[0].alert_id
            submit: Callable[[str | None], object] = lambda comment: self._alerts.acknowledge(alert_id, comment)
            dialog = AcknowledgeDialog(self._alerts.operator, alerts[0], ships[0], submit, self)
        else:
            ids = [alert.alert_id for alert in alerts]
            dialog = AcknowledgeDialog(self._alerts.operator, alerts, ships,
                                       lambda comment: self._alerts.acknowledge_all(ids, comment), self)
        dialog.accepted.connect(lambda: self._acknowledged(dialog))
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()
        dialog.comment_edit.setFocus()
        return dialog

    def _acknowledged(self, dialog: AcknowledgeDialog) -> None:
        made = dialog.recorded
        recorded: list[RecordedEvent] = list(made) if isinstance(made, list) else [] if made is None else [made]
        if self._at is not None:
            self.show_moment(self._at, self._known_at)
        wanted = {alert.alert_id for alert in dialog.alerts}
        still_open = sum(1 for a in self.model.board if a.alert_id in wanted and a.is_open)
        if recorded and still_open:
            alerts = "the alert was" if len(wanted) == 1 else "the alerts were"
            self.message_label.setText(f"Acknowledged {format_moment(recorded[0].occurred_at)}, after the moment "
                                       f"shown: {alerts} still open then.")
            self.message_label.show()
        else:
            self.message_label.hide()
        for event in recorded:
            self.alertAcknowledged.emit(event)

    def _dialog_closed(self, _result: int) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None

    # --- internals ---------------------------------------------------------------------------------------

    def _on_filter(self) -> None:
        if self.open_button.isChecked():
            states: frozenset[str] | None = UNACKNOWLEDGED_STATES
        elif self.standing_button.isChecked():
            states = STANDING_STATES
        else:
            states = None
        self.model.set_filter(states, self.priority_combo.currentData())
        self._update_state()

    # --- silencing and suppressing ------------------------------------------------------------------------

    def silence_selected(self) -> list[RecordedEvent]:
        """Silence the selected active unacknowledged alerts for 30 s; the reason under the table if refused."""
        alerts = [alert for alert in self.selected_alerts() if alert.state == ACTIVE_UNACKNOWLEDGED]
        if not alerts or self.read_only:
            return []
        try:
            recorded = self._alerts.silence([alert.alert_id for alert in alerts])
        except (AlertError, StoreError) as error:
            self.message_label.setText(f"Not silenced: {error}")
            self.message_label.show()
            return []
        if self._at is not None:
            self.show_moment(self._at, self._known_at)
        return recorded

    def open_hand_over_dialog(self) -> list[RecordedEvent]:
        """Ask to whom, then hand the selected active unacknowledged alerts over (nothing on Cancel)."""
        if not self._handed_over_candidates() or self.read_only:
            return []
        name, ok = QInputDialog.getText(self, "Hand over alerts", "To which operator:")
        if not ok or not name.strip():
            return []
        return self.hand_over(name)

    def hand_over(self, to_operator: str) -> list[RecordedEvent]:
        """Transfer the responsibility for the selected active unacknowledged alerts to ``to_operator``."""
        alerts = self._handed_over_candidates()
        if not alerts or self.read_only:
            return []
        try:
            recorded = self._alerts.transfer([alert.alert_id for alert in alerts], to_operator.strip())
        except (AlertError, StoreError, InvalidEvent) as error:
            self.message_label.setText(f"Not handed over: {error}")
            self.message_label.show()
            return []
        if self._at is not None:
            self.show_moment(self._at, self._known_at)
        return recorded

    def _handed_over_candidates(self) -> list[AlertView]:
        return [alert for alert in self.selected_alerts() if alert.state in (ACTIVE_UNACKNOWLEDGED, ACTIVE_TRANSFERRED)]

    def open_suppress_dialog(self) -> RecordedEvent | None:
        """Ask for how long and why, then acknowledge and suppress the selected alert's ship's alerts of its
        type (a window-modal question; nothing is appended on Cancel)."""
        alert = self.selected_alert()
        if alert is None or self.read_only:
            return None
        ship = self.model.ship_of(alert)
        minutes, ok = QInputDialog.getInt(self, "Suppress alerts", f"Acknowledge and suppress the "
                                          f"{alert_type_name(alert.type).lower()} alerts of {ship} for (minutes):",
                                          SUPPRESS_MINUTES, 1, 24 * 60)
        if not ok:
            return None
        reason, ok = QInputDialog.getText(self, "Suppress alerts", "Why (recorded with your name):")
        if not ok or not reason.strip():
            return None
        return self.suppress(alert, minutes, reason)

    def suppress(self, alert: AlertView, minutes: int, reason: str) -> RecordedEvent | None:
        """Acknowledge and suppress ``alert``'s ship's alerts of its type for ``minutes``, for ``reason``."""
        try:
            recorded = self._alerts.suppress(alert.mmsi, minutes, reason, alert.type)
        except (StoreError, ValueError) as error:
            self.message_label.setText(f"Not suppressed: {error}")
            self.message_label.show()
            return None
        if self._at is not None:
            self.show_moment(self._at, self._known_at)
        return recorded

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.message_label.hide()
        alert = self.selected_alert()
        if alert is not None:
            self.shipSelected.emit(alert.mmsi)
        self._update_button()

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.alertActivated.emit(self.model.alert_at(index.row()))

    def _update_state(self, *_args) -> None:
        board = self.model.board
        if self.model.rowCount():
            self.stack.setCurrentWidget(self.view)
        elif not board:
            self.empty_label.setText(EMPTY_TEXT)
            self.stack.setCurrentWidget(self.empty_label)
        else:
            self.empty_label.setText(EMPTY_OPEN_TEXT if self.model.open_only else EMPTY_STANDING_TEXT
                                     if self.model.states == STANDING_STATES else EMPTY_TEXT)
            self.stack.setCurrentWidget(self.empty_label)
        counts = counts_by_state(board)
        self.count_label.setText(" · ".join(f"{counts[state]:,} {name}" for state, name in COUNTED_STATES
                                            if counts[state]) if board else "")
        self._update_button()

    def _update_button(self) -> None:
        selected = self.selected_alerts()
        opened = [alert for alert in selected if alert.is_open]
        text = "Acknowledge…" if len(opened) <= 1 else f"Acknowledge {len(opened):,}…"
        if self.read_only:
            enabled, tip = False, READ_ONLY_TIP
        elif not selected:
            enabled, tip = False, "Select an open alert to acknowledge it (Shift or Ctrl for several)"
        elif len(opened) > 1:
            enabled, tip = True, (f"Acknowledge the {len(opened):,} open alerts selected, with one comment"
                                  + (f" ({len(selected) - len(opened):,} selected are not open)"
                                     if len(selected) > len(opened) else ""))
        elif opened:
            enabled, tip = True, "Acknowledge the selected alert, with an optional comment"
        elif len(selected) > 1:
            enabled, tip = False, "None of the selected alerts is open"
        elif selected[0].acknowledged_by:
            enabled, tip = False, f"Already acknowledged by {selected[0].acknowledged_by}"
        else:
            enabled, tip = False, "A caution is never acknowledged: it clears itself"
        self.acknowledge_button.setText(text)
        self.acknowledge_button.setEnabled(enabled)
        self.acknowledge_button.setToolTip(tip)
        sounding = [alert for alert in selected if alert.state == ACTIVE_UNACKNOWLEDGED]
        self.hand_over_action.setEnabled(bool(self._handed_over_candidates()) and not self.read_only)
        self.silence_button.setEnabled(bool(sounding) and not self.read_only)
        self.suppress_button.setEnabled(bool(selected) and not self.read_only)
        self.suppress_button.setToolTip(READ_ONLY_TIP if self.read_only else
                                        "Acknowledge the selected alert's ship's alerts of its type and suppress "
                                        "them for some minutes, with a reason")


def _names_of(fleet: FleetArrays, wanted: set[int]) -> dict[int, str | None]:
    """The names of some ships in a fleet picture (sorted by MMSI)."""
    names: dict[int, str | None] = {}
    if not len(fleet.mmsi):
        return names
    mmsis = np.fromiter(sorted(wanted), dtype=np.int64, count=len(wanted))
    rows = np.clip(np.searchsorted(fleet.mmsi, mmsis), 0, len(fleet.mmsi) - 1)
    for mmsi, row in zip(mmsis.tolist(), rows.tolist()):
        if int(fleet.mmsi[row]) == mmsi:
            names[mmsi] = fleet.names[row] or None
    return names


__all__ = ["AcknowledgeDialog", "AlertsPanel", "EMPTY_STANDING_TEXT", "EMPTY_TEXT", "EMPTY_OPEN_TEXT", "READ_ONLY_TIP",
           "ship_text"]
