"""The per-ship-type overrides of the rules as a small editable table: one row per ship type, one column per
threshold a type may change; an empty cell keeps the general setting.

Cells are text in the operator's units ('40' kn, 'none' for no limit, '2 h', '150' m). ``mapping()`` turns
the table into the ``ship_types`` table of the settings file; reading a cell's text is the only check made
here — the domain (``RuleSettings.from_mapping``) judges the values and names the key at fault.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from domain.rules import INHERIT, ShipTypeOverrides
from ui.settings_fields import DurationError, duration_text, parse_duration

_ROOT = QModelIndex()


@dataclass(frozen=True)
class OverrideColumn:
    section: str
    key: str
    field: str        # the ShipTypeOverrides field
    title: str
    unit: str         # 'kn', 'm' or 'duration'


COLUMNS = (
    OverrideColumn("speed", "limit_kn", "speed_limit_kn", "Speed limit\n(kn or none)", "kn"),
    OverrideColumn("dark", "after_s", "dark_after_s", "Signal lost after\n(under way)", "duration"),
    OverrideColumn("dark", "stationary_after_s", "dark_stationary_after_s", "Signal lost after\n(stopped)",
                   "duration"),
    OverrideColumn("loitering", "below_kn", "loitering_below_kn", "Loitering below\n(kn)", "kn"),
    OverrideColumn("loitering", "after_s", "loitering_after_s", "Loitering after", "duration"),
    OverrideColumn("close_quarters", "cpa_m", "close_quarters_cpa_m", "Close quarters\nCPA under (m)", "m"),
)
NONE_WORDS = ("none", "no limit")


class CellError(ValueError):
    """A cell whose text is not a value; ``key`` names it as the settings file would."""

    def __init__(self, key: str, message: str):
        super().__init__(f"{key}: {message}")
        self.key = key
        self.reason = message


def cell_text(column: OverrideColumn, value: Any) -> str:
    if value is INHERIT:
        return ""
    if value is None:
        return "none"
    if column.unit == "duration":
        return duration_text(value)
    return f"{value:g}"


def cell_value(column: OverrideColumn, text: str, ship_type: str) -> Any:
    """The file's value for a cell's text ('none' for no speed limit; seconds for a duration)."""
    key = f"ship_types.{ship_type}.{column.section}.{column.key}"
    cleaned = text.strip().lower()
    if column.field == "speed_limit_kn" and cleaned in NONE_WORDS:
        return "none"
    if column.unit == "duration":
        try:
            return parse_duration(cleaned)
        except DurationError as error:
            raise CellError(key, str(error)) from None
    try:
        return float(cleaned.removesuffix(column.unit).strip())
    except ValueError:
        raise CellError(key, f"not a number of {column.unit}: {text!r}") from None


class ShipTypeOverridesModel(QAbstractTableModel):
    """Rows of (ship type, cell texts); the ship type is fixed per row, the thresholds are edited in place."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[tuple[str, list[str]]] = []

    # --- filling and reading ----------------------------------------------------------------------------------

    def set_overrides(self, overrides: Mapping[str, ShipTypeOverrides]) -> None:
        self.beginResetModel()
        self._rows = [(ship_type, [cell_text(c, getattr(o, c.field)) for c in COLUMNS])
                      for ship_type, o in sorted(overrides.items())]
        self.endResetModel()

    def ship_types(self) -> list[str]:
        return [ship_type for ship_type, _cells in self._rows]

    def add(self, ship_type: str) -> int:
        """A row for ``ship_type`` (its row if it has one already); returns the row."""
        if ship_type in self.ship_types():
            return self.ship_types().index(ship_type)
        row = len(self._rows)
        self.beginInsertRows(_ROOT, row, row)
        self._rows.append((ship_type, [""] * len(COLUMNS)))
        self.endInsertRows()
        return row

    def remove(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(_ROOT, row, row)
            del self._rows[row]
            self.endRemoveRows()

    def mapping(self) -> dict[str, dict[str, dict[str, Any]]]:
        """The ``ship_types`` table of the settings file; raises ``CellError`` for a cell that is no value."""
        result: dict[str, dict[str, dict[str, Any]]] = {}
        for ship_type, cells in self._rows:
            table: dict[str, dict[str, Any]] = {}
            for column, text in zip(COLUMNS, cells):
                if text.strip():
                    table.setdefault(column.section, {})[column.key] = cell_value(column, text, ship_type)
            result[ship_type] = table
        return result

    # --- Qt ---------------------------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS) + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return "Ship type"
        return COLUMNS[section - 1].title if 0 < section <= len(COLUMNS) else None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        ship_type, cells = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return ship_type if column == 0 else cells[column - 1]
        if role == Qt.ItemDataRole.ToolTipRole and column > 0:
            return "Empty: the general setting applies"
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() > 0 else base

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() == 0:
            return False
        self._rows[index.row()][1][index.column() - 1] = str(value)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        return True
