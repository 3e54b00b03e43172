"""The Changes dock's table: one row per ship that changed (and one per zone), sortable by every column.

A thin adapter over a ``domain.fleet_diff.FleetDiff``: text for display (names shown as plain, visible text),
and a sort value per cell (``SORT_ROLE``) so distance sorts as a number and times as times.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from app.fleet_diff import change_phrases
from domain.display_text import visible
from domain.fleet_diff import FleetDiff

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("MMSI", "Name", "What changed", "Moved (nm)", "When")


@dataclass(frozen=True)
class ChangeRow:
    """One row: a ship (``mmsi``) or a zone (``mmsi`` None), when to jump to, and what to show."""

    mmsi: int | None
    name: str
    what: str
    moved_nm: float | None
    at: int


def rows_of(diff: FleetDiff) -> list[ChangeRow]:
    rows = []
    for ship in diff.ships:
        times = [a.at for a in ship.alerts] + ([ship.after.at] if ship.after is not None else [])
        at = max(times) if times else diff.after.at
        rows.append(ChangeRow(ship.mmsi, ship.name or "", "; ".join(change_phrases(ship)),
                              ship.distance_m / 1852 if ship.moved else None, at))
    for zone in diff.zones:
        rows.append(ChangeRow(None, zone.name, f"zone {zone.change} ({zone.kind})", None, zone.at))
    return rows


class ChangesModel(QAbstractTableModel):
    """The rows of one diff; ``format_time`` writes a time as the console does (UTC or local)."""

    def __init__(self, format_time, parent=None):
        super().__init__(parent)
        self._rows: list[ChangeRow] = []
        self._format_time = format_time

    def set_diff(self, diff: FleetDiff | None) -> None:
        self.beginResetModel()
        self._rows = rows_of(diff) if diff is not None else []
        self.endResetModel()

    def row(self, number: int) -> ChangeRow:
        return self._rows[number]

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        if role == SORT_ROLE:
            return (row.mmsi if row.mmsi is not None else -1, row.name.casefold(), row.what,
                    row.moved_nm if row.moved_nm is not None else -1.0, row.at)[column]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return "zone" if row.mmsi is None else str(row.mmsi)
            if column == 1:
                return visible(row.name)
            if column == 2:
                return visible(row.what)
            if column == 3:
                return "" if row.moved_nm is None else f"{row.moved_nm:.2f}"
            return self._format_time(row.at)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
