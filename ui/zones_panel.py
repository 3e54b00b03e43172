"""The zones dock: the zones in force in a sortable, filterable table, with the zone tools above it.

Selecting a zone emits ``zoneSelected(name)`` (None when the selection is cleared) so the map outlines it;
double-clicking one emits ``zoneActivated(name)`` so the map frames it. The tools (draw, edit, edit the
outline, remove, import, export) are the window's actions, shown here as a toolbar.
"""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QItemSelection, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QStackedWidget, QTableView, QToolBar, QVBoxLayout, QWidget

from domain.zone_list import ZoneList
from ui import theme
from ui.table_style import style_record_table
from ui.zones_model import HEADERS, NAME_ROLE, SORT_ROLE, Column, ZonesModel

EMPTY_TEXT = "No zones yet.\nDraw one on the map (Ctrl+D) or import a GeoJSON file."
NO_MATCH_TEXT = "No zone matches the filter."
_ROW_HEIGHT = 22
_SAMPLE_TEXT = {Column.NAME: "Port of Southampton approaches", Column.KIND: "Restricted", Column.SPEED_LIMIT: "10.5 kn",
                Column.AREA: "1,234.5", Column.DEFINED_AT: "2026-11-25 14:03:12", Column.DEFINED_BY: "demo fleet"}
_STYLE = f"""
#zonesEmpty {{ color: {theme.DIM_TEXT}; font-size: 11pt; }}
#zonesCount {{ color: {theme.DIM_TEXT}; }}
"""


class ZonesPanel(QWidget):
    """The zones in force; to be put in a dock by the window."""

    zoneSelected = Signal(object)  # the selected zone's name, or None
    zoneActivated = Signal(str)    # a zone double-clicked

    def __init__(self, actions: Sequence[QAction | None] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("zonesPanel")
        self.setStyleSheet(_STYLE)
        self.model = ZonesModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)  # name, kind, by: any column

        self.toolbar = QToolBar("Zone tools")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in actions:
            if action is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(action)
        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText("Filter zones by name, kind or who defined them")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self._on_filter)
        self.count_label = QLabel()
        self.count_label.setObjectName("zonesCount")

        self.view = QTableView()
        self.view.setModel(self.proxy)
        style_record_table(self.view, _ROW_HEIGHT, _SAMPLE_TEXT, HEADERS,
                           extra=lambda column: 30 if column == Column.KIND else 14)  # the swatch
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
        self.view.doubleClicked.connect(self._on_double_clicked)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setObjectName("zonesEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty_label)

        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter_box, 1)
        filter_row.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.toolbar)
        layout.addLayout(filter_row)
        layout.addWidget(self.stack, 1)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset, self.proxy.layoutChanged):
            signal.connect(self._update_state)
        self._update_state()

    # --- fed by the window -------------------------------------------------------------------------------------

    def set_zones(self, zones: ZoneList) -> None:
        """Show the zones in force (the selection stays on its zone while that zone is there)."""
        self.model.set_zones(zones)
        self._update_state()

    def selected_zone(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].data(NAME_ROLE) if rows else None

    def select_zone(self, name: str | None) -> None:
        """Select a zone's row (None: clear the selection)."""
        row = None if name is None else self.model.row_of(name)
        if row is None:
            self.view.clearSelection()
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():  # filtered out: show it anyway
            self.filter_box.clear()
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.selectRow(index.row())
        self.view.scrollTo(index)

    # --- internals ---------------------------------------------------------------------------------------------

    def _on_filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_state()

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.zoneSelected.emit(self.selected_zone())

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.zoneActivated.emit(index.data(NAME_ROLE))

    def _update_state(self, *_args) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if shown:
            self.stack.setCurrentWidget(self.view)
        else:
            self.empty_label.setText(NO_MATCH_TEXT if total else EMPTY_TEXT)
            self.stack.setCurrentWidget(self.empty_label)
        if not total:
            self.count_label.setText("")
        elif shown == total:
            self.count_label.setText(f"{total:,} zone{'' if total == 1 else 's'}")
        else:
            self.count_label.setText(f"{shown:,} of {total:,} zones")
