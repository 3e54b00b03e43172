"""The fleet table dock: a filter box over a sortable table of every ship at the selected moment.

``FleetTableModel`` filters by name, MMSI or callsign and sorts (numpy, once per moment); ``FleetFilterModel``
hands it the view's sort requests. ``FleetTable`` reports the operator's selection as ``shipSelected(mmsi or None)`` and takes
selections made elsewhere (the map) through ``select_ship`` without echoing them back.
"""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QRect, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QLineEdit, QTableView, QVBoxLayout,
                               QWidget)

from domain.temporal_index import FleetArrays
from ui.fleet_model import HEADERS, MMSI_ROLE, Column, FleetTableModel
from ui.table_style import style_record_table

_ROW_HEIGHT = 22
# Columns are sized to typical content, not the longest possible: longer names, types, statuses and
# destinations are cut short with '…' (their tooltips tell them whole), so that every column up to
# Destination fits the dock's default width (630 px of table in a 1600 px window; ``FleetTable.fit_columns``).
_SAMPLE_TEXT = {Column.NAME: "AEGEAN MARINER", Column.MMSI: "000000000", Column.TYPE: "passenger",
                Column.STATUS: "under way", Column.SOG: "", Column.COG: "", Column.LAST_REPORT: "1 h 05 min",
                Column.DESTINATION: "BREMERHAVEN", Column.ALERTS: "", Column.POSITION: "00°00.00′N 000°00.00′W"}
_CELL_PADDING = 8     # a cell's text margins
_HEADER_PADDING = 12  # a header section's (the theme's 6 px each side)
_SWATCH_ROOM = 20     # the colour swatch before a name


class FleetFilterModel(QSortFilterProxyModel):
    """The table's rows as the source model orders and filters them: sorting is delegated to it (a proxy
    filtering 10,000 rows would ask each for its text, in Python, at every keystroke)."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)

    def multiData(self, index, role_data_span) -> None:
        """Hand a painted cell's roles to the source model in one call (Qt's proxy asks role by role)."""
        source = self.sourceModel()
        if source is not None and index.isValid():
            source.multiData(self.mapToSource(index), role_data_span)


class FleetTableView(QTableView):
    """A table view that repaints only the cells a change covers.

    ``QAbstractItemView`` repaints its whole viewport for any change of more than one cell; at each
    moment the model announces only the columns that changed (speeds, positions, ages), so repainting
    just those columns of the visible rows halves the cost of following a scrub.
    """

    def dataChanged(self, top_left: QModelIndex, bottom_right: QModelIndex, roles=()) -> None:
        if not top_left.isValid() or not bottom_right.isValid() or top_left == bottom_right:
            super().dataChanged(top_left, bottom_right, roles)
            return
        viewport = self.viewport()
        left = self.columnViewportPosition(top_left.column())
        right = self.columnViewportPosition(bottom_right.column()) + self.columnWidth(bottom_right.column())
        top = self.rowViewportPosition(top_left.row())
        bottom = self.rowViewportPosition(bottom_right.row()) + self.rowHeight(bottom_right.row())
        if self.horizontalHeader().stretchLastSection() and bottom_right.column() == self.model().columnCount() - 1:
            right = viewport.width()
        area = QRect(left, top, right - left, bottom - top) & viewport.rect()
        if not area.isEmpty():
            viewport.update(area)


class FleetTable(QWidget):
    """Filter box, table and count of the ships at the selected moment."""

    shipSelected = Signal(object)  # MMSI (int) or None, when the operator selects in the table

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = FleetTableModel(self)
        self.proxy = FleetFilterModel(self)
        self.proxy.setSourceModel(self.model)

        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText("Filter by name, MMSI or callsign")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self.set_filter)
        self.count_label = QLabel()

        self.view = FleetTableView()
        self.view.setModel(self.proxy)
        style_record_table(self.view, _ROW_HEIGHT, _SAMPLE_TEXT, HEADERS)
        self.fit_columns()
        header = self.view.horizontalHeader()
        header.setSortIndicator(Column.NAME, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self._updating = False
        self._selected: int | None = None

        top = QHBoxLayout()
        top.addWidget(self.filter_box, 1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view)
        # The model's signals, not the proxy's: the proxy drops rows while the model is only *about* to.
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            signal.connect(self._update_count)
        self._update_count()

    # --- fed by the window ------------------------------------------------------------------------------------

    def set_fleet(self, fleet: FleetArrays, at: int, open_alerts: dict[int, int] | None = None) -> None:
        """Show the fleet at a new moment (with each ship's open alerts, MMSI -> count); the selected ship
        stays selected while it is in the table."""
        self._updating = True
        try:
            self.model.set_fleet(fleet, at, open_alerts)
            self._update_count()
            self._restore_selection()
        finally:
            self._updating = False

    def select_ship(self, mmsi: int | None, scroll: bool = True) -> None:
        """Select a ship's row (None: clear) without emitting ``shipSelected``."""
        self._selected = mmsi
        self._updating = True
        try:
            self._restore_selection(scroll)
        finally:
            self._updating = False

    def set_speed_unit(self, unit: str) -> None:
        """Show speeds in knots or km/h."""
        self.model.set_speed_unit(unit)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Size each column to its typical content or its header, whichever is wider (numbers are narrow:
        their headers decide); the last column stretches."""
        cells, header = self.view.fontMetrics(), self.view.horizontalHeader().fontMetrics()
        for column in Column:
            title = self.model.headerData(column, Qt.Orientation.Horizontal) or ""
            width = max(cells.horizontalAdvance(_SAMPLE_TEXT[column]) + _CELL_PADDING,
                        header.horizontalAdvance(title) + _HEADER_PADDING)
            self.view.setColumnWidth(column, width + (_SWATCH_ROOM if column == Column.NAME else 0))

    def set_filter(self, text: str) -> None:
        if self.filter_box.text() != text:
            self.filter_box.setText(text)  # comes back here through textChanged
            return
        self.model.set_filter(text)
        self._update_count()
        self.select_ship(self._selected)

    def preferred_width(self) -> int:
        """Wide enough to show every column without scrolling."""
        columns = sum(self.view.columnWidth(column) for column in Column)
        return columns + self.view.verticalScrollBar().sizeHint().width() + 2 * self.view.frameWidth() + 12

    def selected_ship(self) -> int | None:
        return self._selected

    def visible_mmsis(self) -> list[int]:
        """MMSIs of the rows shown, top to bottom (after filter and sort)."""
        return [self.proxy.index(row, 0).data(MMSI_ROLE) for row in range(self.proxy.rowCount())]

    # --- internals -------------------------------------------------------------------------------------------------

    def _proxy_index_of(self, mmsi: int | None) -> QModelIndex:
        row = None if mmsi is None else self.model.row_of(mmsi)
        if row is None:
            return QModelIndex()
        return self.proxy.mapFromSource(self.model.index(row, 0))

    def _restore_selection(self, scroll: bool = False) -> None:
        selection = self.view.selectionModel()
        index = self._proxy_index_of(self._selected)
        if not index.isValid():
            if selection.hasSelection():
                selection.clearSelection()
            return
        current = selection.selectedRows()
        if len(current) != 1 or current[0].row() != index.row():
            flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
                     | QItemSelectionModel.SelectionFlag.Current)
            selection.setCurrentIndex(index, flags)
        if scroll:
            self.view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def _on_selection_changed(self, *_args) -> None:
        if self._updating:
            return
        rows = self.view.selectionModel().selectedRows()
        mmsi = rows[0].data(MMSI_ROLE) if rows else None
        if mmsi != self._selected:
            self._selected = mmsi
            self.shipSelected.emit(mmsi)

    def _update_count(self, *_args) -> None:
        shown, total = self.model.rowCount(), self.model.ship_count
        self.count_label.setText(f"{total:,} ships" if shown == total else f"{shown:,} of {total:,} ships")
