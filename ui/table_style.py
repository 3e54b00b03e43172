"""The look every record table of the console shares: whole-row single selection, no grid, fixed rows."""
from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


def style_record_table(view: QTableView, row_height: int, samples: dict[int, str], headers, *, extra=lambda column: 14) -> None:
    """Read-only rows of records, one selected at a time; columns sized to ``samples`` of their content."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setCornerButtonEnabled(False)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(row_height)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    metrics = view.fontMetrics()
    for column, sample in samples.items():
        width = max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(headers[column]) + 8)
        view.setColumnWidth(column, width + extra(column))
