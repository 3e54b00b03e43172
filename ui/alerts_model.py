"""The alert board as a Qt table model: a thin adapter over the ``AlertView`` list of the selected moment.

Rows are the board's alerts, newest first, optionally only the open ones. A new moment with the same
alerts only emits ``dataChanged`` for the rows that changed (an acknowledgement, a ship's name); alerts
raised or gone are inserted and removed as row ranges, so the selection and the scroll position survive
scrubbing. Only when the order of the alerts that stay would change (it never does: an alert keeps its
raised time) is the model reset.
"""
from __future__ import annotations

from enum import IntEnum
from typing import Mapping, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap

from domain.alert_board import (ACTIVE, ACTIVE_ACKNOWLEDGED, ACTIVE_SILENCED, ACTIVE_TRANSFERRED,
                                ACTIVE_UNACKNOWLEDGED, NORMAL, RECTIFIED_UNACKNOWLEDGED, STATES,
                                UNACKNOWLEDGED_STATES, AlertView)
from ui import theme
from domain.display_text import isolated, visible
from ui.formatting import format_moment, ship_with_mmsi
from ui.plain_text import text_tooltip
from ui.model_rows import contiguous_runs

ALERT_ROLE = Qt.ItemDataRole.UserRole + 1  # the AlertView of the row, on every cell
MMSI_ROLE = Qt.ItemDataRole.UserRole + 2   # the alert's ship, on every cell

SEVERITY_COLOURS = {"info": theme.ACCENT, "warning": "#f2b138", "critical": "#ff5c5c"}
SEVERITY_NAMES = {"info": "Info", "warning": "Warning", "critical": "Critical"}
PRIORITY_COLOURS = {"emergency": "#ff2d6f", "alarm": "#ff5c5c", "warning": "#f2b138", "caution": theme.ACCENT}
PRIORITY_NAMES = {"emergency": "Emergency alarm", "alarm": "Alarm", "warning": "Warning", "caution": "Caution"}
STATE_NAMES = {ACTIVE_UNACKNOWLEDGED: "Active, unacknowledged", ACTIVE_SILENCED: "Active, silenced",
               ACTIVE_TRANSFERRED: "Active, responsibility transferred", ACTIVE_ACKNOWLEDGED: "Active, acknowledged",
               ACTIVE: "Active", RECTIFIED_UNACKNOWLEDGED: "Rectified, unacknowledged", NORMAL: "Normal"}
STANDING_STATES = frozenset(STATES) - {NORMAL}
"""The default list: alerts not back to normal (acknowledged and rectified ones leave it)."""
# Alert types as an operator says them; unknown types show their stored name.
ALERT_TYPE_NAMES = {
    "SpeedLimitExceeded": "Speed limit", "ZoneEntered": "Zone entered", "ZoneExited": "Zone exited",
    "SignalLost": "Signal lost", "SignalRestored": "Signal restored", "CloseQuarters": "Close quarters",
    "PortArrived": "Port arrival", "PortDeparted": "Port departure", "Loitering": "Loitering",
    "PositionJumped": "Position jump",
}


class Column(IntEnum):
    SEVERITY = 0
    RAISED = 1
    SHIP = 2
    TYPE = 3
    SUMMARY = 4
    STATE = 5
    ACKNOWLEDGED_BY = 6
    ACKNOWLEDGED_AT = 7


HEADERS = {Column.SEVERITY: "Priority", Column.RAISED: "Raised (UTC)", Column.SHIP: "Ship", Column.TYPE: "Type",
           Column.SUMMARY: "Summary", Column.STATE: "State", Column.ACKNOWLEDGED_BY: "Acknowledged by",
           Column.ACKNOWLEDGED_AT: "Acknowledged (UTC)"}
_HEADER_TIPS = {
    Column.RAISED: "When the alert was raised (the time of the event that raised it), UTC",
    Column.STATE: "Open: waits for an operator · Acknowledged · Notice: a fact that needs no acknowledgement",
}
_COLUMN_COUNT = len(Column)
_ROOT = QModelIndex()
_LEFT = (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value


def alert_type_name(type_name: str) -> str:
    return ALERT_TYPE_NAMES.get(type_name, type_name)


def _clock(instant: int) -> str:
    """'2026-11-25 14:03:12' (the header says UTC)."""
    return format_moment(instant).removesuffix(" UTC")


def ship_text(mmsi: int, name: str | None) -> str:
    """'PORTLAND EXPRESS · 235000007' (the name's hidden characters shown, the name isolated so that it cannot
    reorder the MMSI), or 'MMSI 235000007' for a ship whose name is not known."""
    return ship_with_mmsi(name, mmsi)


class AlertsModel(QAbstractTableModel):
    """One row per alert at the selected moment, newest first."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._board: list[AlertView] = []       # every alert at the moment, in raised order
        self._rows: list[AlertView] = []        # those shown, newest first
        self._names: dict[int, str | None] = {}
        self._states: frozenset[str] | None = STANDING_STATES  # shown states (None: all)
        self._priorities: frozenset[str] | None = None          # shown priorities (None: all)
        self._markers: dict[str, QIcon] = {}    # made on first use: pixmaps need the GUI application
        self._dim = QColor(theme.DIM_TEXT)
        self._severity_colours = {name: QColor(colour) for name, colour in PRIORITY_COLOURS.items()}
        self._bold = QFont()
        self._bold.setBold(True)

    # --- reading -----------------------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else _COLUMN_COUNT

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < _COLUMN_COUNT:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS.get(Column(section))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._rows):
            return None
        alert, column = self._rows[row], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(alert, column)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._marker(alert.priority) if column == Column.SEVERITY else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if not alert.is_active:
                return self._dim
            return self._severity_colours.get(alert.priority) if column == Column.SEVERITY else None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if column == Column.SEVERITY and alert.is_open else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(alert, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT
        if role == ALERT_ROLE:
            return alert
        if role == MMSI_ROLE:
            return alert.mmsi
        return None

    def _text(self, alert: AlertView, column: int) -> str:
        if column == Column.SEVERITY:
            return PRIORITY_NAMES.get(alert.priority, alert.priority)
        if column == Column.RAISED:
            return _clock(alert.raised_at)
        if column == Column.SHIP:
            return self.ship_of(alert)
        if column == Column.TYPE:
            return alert_type_name(alert.type)
        if column == Column.SUMMARY:
            return visible(alert.summary)
        if column == Column.STATE:
            return STATE_NAMES.get(alert.state, alert.state)
        if column == Column.ACKNOWLEDGED_BY:
            return visible(alert.acknowledged_by)
        return "" if alert.acknowledged_at is None else _clock(alert.acknowledged_at)

    def _tooltip(self, alert: AlertView, column: int) -> str | None:
        if column == Column.SUMMARY:
            return text_tooltip(visible(alert.summary))
        if column in (Column.STATE, Column.ACKNOWLEDGED_BY, Column.ACKNOWLEDGED_AT) and alert.acknowledged_by is not None:
            said = f": “{isolated(alert.comment)}”" if alert.comment else ""
            return text_tooltip(f"Acknowledged by {isolated(alert.acknowledged_by)} at "
                                f"{format_moment(alert.acknowledged_at or 0)}{said}")
        if column == Column.STATE and alert.rectified_reason:
            return text_tooltip(f"Rectified {format_moment(alert.rectified_at or 0)}: {visible(alert.rectified_reason)}")
        if column == Column.STATE and alert.responsible:
            return text_tooltip(f"Responsibility transferred to {isolated(alert.responsible)}")
        if column == Column.TYPE:
            return text_tooltip(visible(alert.alert_id))  # holds the zone's name
        return None

    def _marker(self, severity: str) -> QIcon:
        icon = self._markers.get(severity)
        if icon is None:
            pixmap = QPixmap(12, 12)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(self._severity_colours.get(severity, self._dim)))
            painter.drawEllipse(QRectF(1.5, 1.5, 9, 9))
            painter.end()
            icon = self._markers[severity] = QIcon(pixmap)
        return icon

    def alert_at(self, row: int) -> AlertView:
        return self._rows[row]

    def alerts(self) -> list[AlertView]:
        """The alerts shown, in display order."""
        return list(self._rows)

    def ship_of(self, alert: AlertView) -> str:
        """How the table names an alert's ships (both ships of a close-quarters encounter)."""
        return " & ".join(ship_text(mmsi, self._names.get(mmsi)) for mmsi in alert.ships or (alert.mmsi,))

    def row_of(self, alert_id: str) -> int | None:
        for row, alert in enumerate(self._rows):
            if alert.alert_id == alert_id:
                return row
        return None

    @property
    def board(self) -> list[AlertView]:
        """Every alert at the moment, shown or not, in raised order."""
        return list(self._board)

    @property
    def open_only(self) -> bool:
        return self._states == UNACKNOWLEDGED_STATES

    @property
    def states(self) -> frozenset[str] | None:
        return self._states

    @property
    def priorities(self) -> frozenset[str] | None:
        return self._priorities

    # --- changing ----------------------------------------------------------------------------------------------

    def set_alerts(self, board: Sequence[AlertView], names: Mapping[int, str | None] | None = None) -> None:
        """Show the board of a new moment (in raised order), with the ships' names as known then."""
        self._board = list(board)
        old_names, self._names = self._names, dict(names or {})
        self._show(self._visible(), renamed={m for m in set(old_names) | set(self._names)
                                             if old_names.get(m) != self._names.get(m)})

    def set_open_only(self, open_only: bool) -> None:
        """Show only the alerts waiting for an acknowledgement (True) or all of them."""
        self.set_filter(UNACKNOWLEDGED_STATES if open_only else None, self._priorities)

    def set_filter(self, states: frozenset[str] | None, priorities: frozenset[str] | None = None) -> None:
        """Show only alerts in these states and of these priorities (None: any)."""
        if (states, priorities) != (self._states, self._priorities):
            self._states, self._priorities = states, priorities
            self._show(self._visible())

    def _visible(self) -> list[AlertView]:
        states, priorities = self._states, self._priorities
        return [alert for alert in reversed(self._board) if (states is None or alert.state in states)
                and (priorities is None or alert.priority in priorities)]

    def _show(self, rows: list[AlertView], renamed: set[int] = frozenset()) -> None:  # type: ignore[assignment]
        old_ids = [alert.alert_id for alert in self._rows]
        new_ids = [alert.alert_id for alert in rows]
        if old_ids != new_ids and not self._move_rows(old_ids, new_ids, rows):
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()
            return
        changed = [row for row, (old, new) in enumerate(zip(self._rows, rows)) if old != new or new.mmsi in renamed]
        self._rows = rows
        if changed:
            self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[-1], _COLUMN_COUNT - 1))

    def _move_rows(self, old_ids: list[str], new_ids: list[str], rows: list[AlertView]) -> bool:
        """Remove the alerts that went and insert those that came; False when the others would move."""
        new_set, old_set = set(new_ids), set(old_ids)
        if [i for i in old_ids if i in new_set] != [i for i in new_ids if i in old_set]:
            return False
        for first, last in reversed(contiguous_runs([row for row, i in enumerate(old_ids) if i not in new_set])):
            self.beginRemoveRows(_ROOT, first, last)
            del self._rows[first:last + 1]
            self.endRemoveRows()
        for first, last in contiguous_runs([row for row, i in enumerate(new_ids) if i not in old_set]):
            self.beginInsertRows(_ROOT, first, last)
            self._rows[first:first] = rows[first:last + 1]
            self.endInsertRows()
        return True
