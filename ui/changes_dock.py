"""The Changes dock: what changed between the marked moment and the moment shown, one row per ship (and
zone), sortable; activating a row moves the timeline to that change and selects (and reveals) its ship.

It shows a ``FleetDiff`` handed to it (``show_diff``); the ``ChangesConsole`` decides when to compute one.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from domain.fleet_diff import FleetDiff
from ui.changes_model import COLUMNS, SORT_ROLE, ChangesModel
from ui.formatting import UTC, format_moment
from ui.plain_text import plain_label

NO_MARK = ("No moment marked. Press M (Go › Mark this moment) or ⚑ Mark on the timeline, then scrub: "
           "what changed since the mark is listed here and drawn on the map.")


class ChangesPanel(QWidget):
    """The summary line and the sortable table of one diff."""

    changeActivated = Signal("qint64", object)  # when (µs UTC), MMSI or None (a zone)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("changesPanel")
        self.time_zone = UTC
        self.summary = plain_label(QLabel(NO_MARK))
        self.summary.setWordWrap(True)
        self.model = ChangesModel(lambda at: format_moment(at, self.time_zone), self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COLUMNS.index("Moved (nm)"), Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMNS.index("What changed"), QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._activate)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def show_diff(self, diff: FleetDiff | None, mark: int | None) -> None:
        """List ``diff`` (the changes from ``mark`` to the moment shown); None with no mark: say how to mark."""
        self.model.set_diff(diff)
        if diff is None or mark is None:
            self.summary.setText(NO_MARK)
            return
        counts = diff.counts
        parts = [f"{counts.get('moved', 0):,} moved", f"{counts.get('appeared', 0):,} appeared",
                 f"{counts.get('nav_status', 0):,} changed status", f"{counts.get('destination', 0):,} destination",
                 f"{counts.get('alerts', 0):,} alert changes", f"{counts.get('zones', 0):,} zone changes"]
        known = " (as known then)" if diff.after.known_at is not None else ""
        self.summary.setText(f"Since the mark {format_moment(mark, self.time_zone)} to "
                             f"{format_moment(diff.after.at, self.time_zone)}{known}: {len(diff.ships):,} ships "
                             f"changed — {', '.join(parts)}")
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)

    def _activate(self, index: QModelIndex) -> None:
        row = self.model.row(self.proxy.mapToSource(index).row())
        self.changeActivated.emit(row.at, row.mmsi)


def changes_dock(panel: ChangesPanel, parent: QWidget) -> QDockWidget:
    dock = QDockWidget("Changes", parent)
    dock.setObjectName("changesDock")
    dock.setWidget(panel)
    return dock
