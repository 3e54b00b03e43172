"""File › Settings › Scheduled reports: a daily audit report of every ship, exported while the console is
open — the time (in the console's time zone, which the label names), the folder, the formats and the
range — with the next run and how the last one went.

``schedule()`` builds a mapping as ``jobs.toml`` spells it and hands it to ``ReportSchedule.from_mapping``
(the application's validation, naming the key), then checks that the folder can be written.
"""
from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QRadioButton, QTimeEdit, QVBoxLayout, QWidget)

from app.report_schedule import (FORMATS, LAST_DAY, LOCAL, SECTION, SINCE_LAST_RUN, UTC, InvalidSchedule,
                                 ReportSchedule, check_folder, next_run_time, zone_of)
from app.scheduled_reports import CANCELLED, FAILED, SKIPPED, ScheduleState
from domain.time import now_micros
from ui.formatting import format_moment, zone_name
from ui.plain_text import plain_label


def convert_time(schedule: ReportSchedule, zone: str) -> tuple[int, int, int]:
    """The schedule's time of day as read in ``zone`` (UTC or LOCAL) on today's date."""
    if schedule.time_zone == zone:
        return schedule.hour, schedule.minute, schedule.second
    today = datetime.now(zone_of(schedule)).date()
    moment = datetime(today.year, today.month, today.day, schedule.hour, schedule.minute, schedule.second,
                      tzinfo=zone_of(schedule))
    shown = moment.astimezone(timezone.utc) if zone == UTC else moment.astimezone()
    return shown.hour, shown.minute, shown.second


class SchedulePage(QWidget):
    """The Scheduled reports tab."""

    def __init__(self, time_zone: str = UTC, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("schedulePage")
        self.time_zone = time_zone if time_zone in (UTC, LOCAL) else UTC
        self.problem = plain_label(QLabel())
        self.problem.setObjectName("settingsProblem")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        self.enabled = QCheckBox("Export an audit report of every ship each day, while the console is open")
        self.time_edit = QTimeEdit()
        self.time_edit.setObjectName("scheduleTime")
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_edit.setFixedWidth(110)
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("scheduleFolder")
        self.folder_edit.setPlaceholderText("the folder the reports are written to")
        self.browse = QPushButton("Choose…")
        self.browse.clicked.connect(self._choose_folder)
        self.format_boxes = {fmt: QCheckBox(fmt.upper()) for fmt in FORMATS}
        self.format_boxes["pdf"].setToolTip("Summary, map, a page per ship, the event listing and integrity")
        self.format_boxes["csv"].setToolTip("One row per event")
        self.format_boxes["json"].setToolTip("Events with summary and integrity (report --verify checks it)")
        self.last_day = QRadioButton("The 24 hours before the run time")
        self.since_last = QRadioButton("Since the previous scheduled run of this store (24 hours for the first)")
        group = QButtonGroup(self)
        group.addButton(self.last_day)
        group.addButton(self.since_last)
        self.next_label = QLabel()
        self.next_label.setObjectName("scheduleNextRun")
        self.last_label = plain_label(QLabel())  # quotes failures and file names
        self.last_label.setObjectName("scheduleLastRun")
        self.last_label.setWordWrap(True)
        self.read_only_note = QLabel("This store is open read-only (auditor mode): scheduled reports are skipped.")
        self.read_only_note.setObjectName("settingsProblem")
        self.read_only_note.setVisible(False)

        form = QFormLayout()
        form.addRow(self.enabled)
        form.addRow(self._time_label(), self.time_edit)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.browse)
        form.addRow("Folder", folder_row)
        formats_row = QHBoxLayout()
        for box in self.format_boxes.values():
            formats_row.addWidget(box)
        formats_row.addStretch(1)
        form.addRow("Formats", formats_row)
        covers = QVBoxLayout()
        covers.addWidget(self.last_day)
        covers.addWidget(self.since_last)
        form.addRow("Covering", covers)
        form.addRow("Ships", QLabel("All ships in the store"))
        what = QGroupBox("Daily report")
        what.setLayout(form)
        status = QGroupBox("Runs")
        status_form = QFormLayout(status)
        status_form.addRow("Next run", self.next_label)
        status_form.addRow("Last run", self.last_label)
        notes = QLabel("Each file is named after its run time in UTC (audit-report-2026-12-03T0600Z.pdf), never "
                       "replaces a file already there, and is logged as an exported report signed by the operator. "
                       "A run missed while the console was closed is made when it next opens.")
        notes.setObjectName("dimLabel")
        notes.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.problem)
        layout.addWidget(self.read_only_note)
        layout.addWidget(what)
        layout.addWidget(status)
        layout.addWidget(notes)
        layout.addStretch(1)
        self.enabled.toggled.connect(self._enable_fields)
        self.show_schedule(ReportSchedule())

    def _time_label(self) -> str:
        if self.time_zone == LOCAL:
            return f"Daily at (local time, {zone_name(now_micros(), LOCAL)})"
        return "Daily at (UTC)"

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for scheduled reports", self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def _enable_fields(self, on: bool) -> None:
        for widget in (self.time_edit, self.folder_edit, self.browse, self.last_day, self.since_last, *self.format_boxes.values()):
            widget.setEnabled(on)

    # --- settings in and out ----------------------------------------------------------------------------------

    def show_schedule(self, schedule: ReportSchedule, problem: str | None = None) -> None:
        hour, minute, second = convert_time(schedule, self.time_zone)
        self.time_edit.setDisplayFormat("HH:mm:ss" if second else "HH:mm")
        self.time_edit.setTime(QTime(hour, minute, second))
        self.enabled.setChecked(schedule.enabled)
        self._enable_fields(schedule.enabled)
        self.folder_edit.setText(schedule.folder)
        for fmt, box in self.format_boxes.items():
            box.setChecked(fmt in schedule.formats)
        (self.since_last if schedule.covers == SINCE_LAST_RUN else self.last_day).setChecked(True)
        self.problem.setText(problem or "")
        self.problem.setVisible(bool(problem))

    def mapping(self) -> dict:
        """What the fields say, as ``jobs.toml`` would."""
        time = self.time_edit.time()
        at = time.toString("HH:mm:ss" if time.second() else "HH:mm")
        return {SECTION: {"enabled": self.enabled.isChecked(), "at": at, "time_zone": self.time_zone,
                          "folder": self.folder_edit.text().strip(),
                          "formats": [fmt for fmt, box in self.format_boxes.items() if box.isChecked()],
                          "covers": SINCE_LAST_RUN if self.since_last.isChecked() else LAST_DAY}}

    def schedule(self) -> ReportSchedule:
        """The schedule the fields make; raises ``InvalidSchedule`` naming the key (a folder that is missing or
        cannot be written included, when the schedule is on)."""
        schedule = ReportSchedule.from_mapping(self.mapping())
        if schedule.enabled:
            check_folder(schedule.folder)
        return schedule

    def describe_problem(self, error: InvalidSchedule) -> str:
        labels = {"at": self._time_label(), "folder": "Folder", "formats": "Formats", "covers": "Covering"}
        name = error.key.split(".")[-1]
        widget = {"at": self.time_edit, "folder": self.folder_edit}.get(name)
        if widget is not None:
            widget.setFocus()
        return f"{labels.get(name, name)} ({error.key}): {error.reason}"

    # --- runs -------------------------------------------------------------------------------------------------

    def show_state(self, state: ScheduleState | None, saved: ReportSchedule) -> None:
        """The next run and the last run's result (``state`` None: no store's jobs are running)."""
        zone = self.time_zone
        if state is None:
            next_run = next_run_time(saved, now_micros()) if saved.enabled else None
            self.next_label.setText("—" if next_run is None else
                                    f"{format_moment(next_run, zone)} (once a store is open)")
            self.last_label.setText("—")
            return
        self.read_only_note.setVisible(state.read_only)
        self.next_label.setText("— (off)" if state.next_run is None else format_moment(state.next_run, zone))
        last = state.last_run
        if last is None:
            self.last_label.setText("none yet in this store")
            return
        when = f"{format_moment(last.run_time, zone)} run"
        if last.outcome == FAILED:
            self.last_label.setText(f"{when} failed: {last.message}")
        elif last.outcome in (SKIPPED, CANCELLED):
            self.last_label.setText(f"{when} {last.message if last.outcome == CANCELLED else 'skipped: ' + last.message}")
        else:
            self.last_label.setText(f"{when}, finished {format_moment(last.ended_at, zone)}: {', '.join(last.files)}")
