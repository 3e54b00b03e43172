"""File › Settings › Jobs: the console's background jobs — what each does, how often, when it runs next, how
its last run went — and where the job log is, so an operator can trust (or check) the work nobody watches.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from app.scheduler import JobStatus
from domain.display_text import visible
from ui import theme
from ui.formatting import UTC, format_moment
from ui.plain_text import plain_label, text_tooltip

_ROOT = QModelIndex()
HEADERS = ("Job", "Schedule", "Next run", "Runs", "Last run", "Took", "Result")


class JobsModel(QAbstractTableModel):
    """One row per job, replaced whole on each refresh (a dozen rows at most)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._jobs: list[JobStatus] = []
        self.time_zone = UTC
        self._failed = QColor(theme.ALERT)

    def set_jobs(self, jobs: Sequence[JobStatus]) -> None:
        jobs = list(jobs)
        if [j.job_id for j in jobs] != [j.job_id for j in self._jobs]:
            self.beginResetModel()
            self._jobs = jobs
            self.endResetModel()
        elif jobs != self._jobs:
            self._jobs = jobs
            self.dataChanged.emit(self.index(0, 0), self.index(len(jobs) - 1, len(HEADERS) - 1))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._jobs)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._jobs):
            return None
        job, column = self._jobs[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(job, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == 6:
            return text_tooltip(visible(job.last_outcome)) or None
        if role == Qt.ItemDataRole.ForegroundRole and column == 6 and not job.last_ok:
            return self._failed
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (3, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, job: JobStatus, column: int) -> str:
        if column == 0:
            return job.title
        if column == 1:
            return job.schedule
        if column == 2:
            return "—" if job.next_run is None else format_moment(job.next_run, self.time_zone)
        if column == 3:
            return f"{job.runs:,}" + (f" ({job.failures:,} failed)" if job.failures else "")
        if column == 4:
            return "not yet" if job.last_started is None else format_moment(job.last_started, self.time_zone)
        if column == 5:
            return "" if job.last_seconds is None else f"{job.last_seconds:.2f} s"
        return visible(job.last_outcome)


class JobsPage(QWidget):
    """The Jobs tab."""

    def __init__(self, log_file: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("jobsPage")
        self.model = JobsModel(self)
        self.view = QTableView()
        self.view.setObjectName("jobsTable")
        self.view.setModel(self.model)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        self.view.setSelectionMode(QTableView.SelectionMode.NoSelection)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.empty = QLabel("No store is open: no jobs are running.")
        self.empty.setObjectName("dimLabel")
        where = (f"Every run, and every failure with its traceback, is written to {log_file}"
                 if log_file is not None else "No job log file is being written.")
        self.log_label = plain_label(QLabel(where))
        self.log_label.setObjectName("dimLabel")
        self.log_label.setWordWrap(True)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder = QPushButton("Open log folder")
        self.open_folder.setEnabled(log_file is not None)
        self.open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(log_file).parent))) if log_file else None)
        bottom = QHBoxLayout()
        bottom.addWidget(self.log_label, 1)
        bottom.addWidget(self.open_folder)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

    def show_jobs(self, jobs: Sequence[JobStatus], time_zone: str) -> None:
        self.model.time_zone = time_zone
        self.model.set_jobs(jobs)
        self.empty.setVisible(not jobs)
