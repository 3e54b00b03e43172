"""The zones in force as a Qt table model: a thin adapter over the ``ZoneList`` the source gives.

One row per zone, in name order: name, kind (with its map colour), speed limit, area, when and by whom it
was last defined. A new zone list changes only what changed: zones gone are removed and new zones inserted
as row ranges, zones redefined emit ``dataChanged`` for their row, so the selection survives an edit made
here or elsewhere. ``SORT_ROLE`` gives each column's value to sort by (numbers for limit, area and time).
"""
from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from domain.display_text import visible
from domain.zone_list import ZoneList, ZoneView
from ui import theme
from ui.formatting import format_moment
from ui.map.zone_layer import ZONE_STYLES, format_area, zone_brushes, zone_kind_label, zone_pen
from ui.model_rows import contiguous_runs
from ui.plain_text import text_tooltip

NAME_ROLE = Qt.ItemDataRole.UserRole + 1  # the zone's name, on every cell
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # what the column sorts by


class Column(IntEnum):
    NAME = 0
    KIND = 1
    SPEED_LIMIT = 2
    AREA = 3
    DEFINED_AT = 4
    DEFINED_BY = 5


HEADERS = {Column.NAME: "Name", Column.KIND: "Kind", Column.SPEED_LIMIT: "Speed limit", Column.AREA: "Area (nm²)",
           Column.DEFINED_AT: "Defined (UTC)", Column.DEFINED_BY: "Defined by"}
_HEADER_TIPS = {
    Column.KIND: "Port: arrivals and departures · Restricted: entering is a critical alert · Anchorage: where "
                 "ships wait · Zone: any other watched area",
    Column.SPEED_LIMIT: "The speed limit inside the zone, in knots (the speed rule raises an alert above it)",
    Column.AREA: "The zone's area in square nautical miles",
    Column.DEFINED_AT: "When the zone was last defined or changed, UTC",
    Column.DEFINED_BY: "The operator who defined it, or where it came from",
}
_COLUMN_COUNT = len(Column)
_ROOT = QModelIndex()
_RIGHT = (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value
_LEFT = (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value


class ZonesModel(QAbstractTableModel):
    """One row per zone in force."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[ZoneView] = []
        self.version = 0
        self._swatches: dict[str, QIcon] = {}  # made on first use: pixmaps need the GUI application
        self._dim = QColor(theme.DIM_TEXT)

    # --- reading -----------------------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else _COLUMN_COUNT

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < _COLUMN_COUNT:
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS.get(column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in (Column.SPEED_LIMIT, Column.AREA) else _LEFT
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < _COLUMN_COUNT:
            return None
        zone = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(zone, column)
        if role == SORT_ROLE:
            return self._sort_value(zone, column)
        if role == NAME_ROLE:
            return zone.name
        if role == Qt.ItemDataRole.DecorationRole and column == Column.KIND:
            return self._swatch(zone.kind)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in (Column.SPEED_LIMIT, Column.AREA) else _LEFT
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.SPEED_LIMIT and zone.speed_limit_kn is None:
            return self._dim
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.NAME:
            return text_tooltip(visible(zone.name))
        return None

    def _text(self, zone: ZoneView, column: Column) -> str:
        if column == Column.NAME:
            return visible(zone.name)
        if column == Column.KIND:
            return zone_kind_label(zone.kind)
        if column == Column.SPEED_LIMIT:
            return "—" if zone.speed_limit_kn is None else f"{zone.speed_limit_kn:g} kn"
        if column == Column.AREA:
            return format_area(zone.area_nm2)
        if column == Column.DEFINED_AT:
            return format_moment(zone.defined_at).removesuffix(" UTC")
        return visible(zone.defined_by) or "—"

    @staticmethod
    def _sort_value(zone: ZoneView, column: Column):
        if column == Column.NAME:
            return zone.name.casefold()
        if column == Column.KIND:
            return zone_kind_label(zone.kind)
        if column == Column.SPEED_LIMIT:
            return -1.0 if zone.speed_limit_kn is None else zone.speed_limit_kn
        if column == Column.AREA:
            return zone.area_nm2
        if column == Column.DEFINED_AT:
            return zone.defined_at
        return zone.defined_by.casefold()

    def _swatch(self, kind: str) -> QIcon:
        icon = self._swatches.get(kind)
        if icon is None:
            pixmap = QPixmap(14, 10)
            pixmap.fill(QColor(theme.BASE))
            painter = QPainter(pixmap)
            for brush in zone_brushes(kind if kind in ZONE_STYLES else "generic"):
                painter.fillRect(pixmap.rect(), brush)
            painter.setPen(zone_pen(kind))
            painter.drawRect(pixmap.rect().adjusted(0, 0, -1, -1))
            painter.end()
            icon = self._swatches[kind] = QIcon(pixmap)
        return icon

    # --- the zones ---------------------------------------------------------------------------------------------

    def zone_at(self, row: int) -> ZoneView:
        return self._rows[row]

    def row_of(self, name: str) -> int | None:
        return next((row for row, zone in enumerate(self._rows) if zone.name == name), None)

    def zones(self) -> list[ZoneView]:
        return list(self._rows)

    def set_zones(self, zones: ZoneList) -> None:
        """Show a new zone list, changing only the rows that changed."""
        self.version = zones.version
        new_rows = list(zones)
        new_names = [zone.name for zone in new_rows]
        kept = set(new_names)
        gone = [row for row, zone in enumerate(self._rows) if zone.name not in kept]
        for first, last in reversed(contiguous_runs(gone)):
            self.beginRemoveRows(_ROOT, first, last)
            del self._rows[first:last + 1]
            self.endRemoveRows()
        old_names = [zone.name for zone in self._rows]
        staying = set(old_names)
        if [name for name in new_names if name in staying] != old_names:
            self.beginResetModel()  # the zones that stay changed order (never, in name order; but be safe)
            self._rows = new_rows
            self.endResetModel()
            return
        for row, zone in enumerate(new_rows):
            if row < len(self._rows) and self._rows[row].name == zone.name:
                if self._rows[row] != zone:
                    self._rows[row] = zone
                    self.dataChanged.emit(self.index(row, 0), self.index(row, _COLUMN_COUNT - 1))
                continue
            self.beginInsertRows(_ROOT, row, row)
            self._rows.insert(row, zone)
            self.endInsertRows()
