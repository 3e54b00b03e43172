"""File › Settings (Ctrl+,): the rules' thresholds, the scheduled report and the background jobs, in tabs.

Save (or Apply) checks both tabs through the application's own validation, writes ``rules.toml`` and
``jobs.toml`` (only the ones that changed) and hands the new settings to the running console: the alert
watch starts over with the new thresholds, the report is rescheduled. A file that cannot be used opens on
the defaults with the reason shown; saving replaces it. Without a running console (no store open) the files
are still written, and apply when one opens.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTabWidget, QVBoxLayout, QWidget

from app.report_schedule import (InvalidSchedule, ReportSchedule, ScheduleSettingsError, jobs_settings_path,
                                 load_report_schedule, save_report_schedule)
from app.rules import RuleSettingsError, load_rule_settings, save_rule_settings, settings_path
from app.scheduled_reports import ScheduleState
from app.scheduler import JobStatus
from domain.rules import InvalidRuleSettings, RuleSettings
from ui import theme
from ui.plain_text import plain_label
from ui.formatting import UTC
from ui.jobs_page import JobsPage
from ui.rules_settings_page import RulesPage
from ui.schedule_settings_page import SchedulePage
from ui.ship_type_overrides import CellError

REFRESH_MS = 1_000


class SettingsTarget(Protocol):
    """What the dialog needs of a running console (the application's ``ConsoleSession``)."""

    read_only: bool
    log_file: Path | None

    def apply_rule_settings(self, settings: RuleSettings) -> bool: ...

    def apply_report_schedule(self, schedule: ReportSchedule) -> bool: ...

    def report_schedule_state(self) -> ScheduleState | None: ...

    def job_statuses(self) -> list[JobStatus]: ...


class SettingsDialog(QDialog):
    """Rules, Scheduled reports and Jobs tabs; Save, Apply, Cancel."""

    def __init__(self, target: SettingsTarget | None, parent: QWidget | None = None, *, time_zone: str = UTC):
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.target = target
        self.time_zone = time_zone
        self.setStyleSheet(f"#settingsProblem {{ color: {theme.ALERT}; }} "
                           f"#settingsMessage[problem=\"true\"] {{ color: {theme.ALERT}; }}")
        self.rules_page = RulesPage()
        self.schedule_page = SchedulePage(time_zone)
        self.jobs_page = JobsPage(getattr(target, "log_file", None))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.rules_page, "Rules")
        self.tabs.addTab(self.schedule_page, "Scheduled reports")
        self.tabs.addTab(self.jobs_page, "Jobs")
        self.message = plain_label(QLabel())
        self.message.setObjectName("settingsMessage")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Apply
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self._load()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()
        self.resize(1060, 800)

    # --- the files --------------------------------------------------------------------------------------------

    def _load(self) -> None:
        try:
            self._saved_rules: RuleSettings | None = load_rule_settings()
            self.rules_page.show_settings(self._saved_rules)
        except RuleSettingsError as error:
            self._saved_rules = None  # saving replaces the file, changed or not
            self.rules_page.show_settings(RuleSettings(), f"{error}\nShown here: the defaults (the running rules "
                                                          "use them too). Saving replaces the file.")
        try:
            self._saved_schedule: ReportSchedule | None = load_report_schedule()
            self.schedule_page.show_schedule(self._saved_schedule)
        except ScheduleSettingsError as error:
            self._saved_schedule = None
            self.schedule_page.show_schedule(ReportSchedule(), f"{error}\nNo report is scheduled until it is "
                                                                 "saved again.")

    def apply(self) -> bool:
        """Check both tabs, write what changed and apply it to the running console; False (and the reason
        shown, naming the field) when a value is refused."""
        try:
            rules = self.rules_page.settings()
        except (InvalidRuleSettings, CellError) as error:
            self.tabs.setCurrentWidget(self.rules_page)
            return self._say(f"Not saved. {self.rules_page.describe_problem(error)}", problem=True)
        try:
            schedule = self.schedule_page.schedule()
        except InvalidSchedule as error:
            self.tabs.setCurrentWidget(self.schedule_page)
            return self._say(f"Not saved. {self.schedule_page.describe_problem(error)}", problem=True)
        done: list[str] = []
        if rules != self._saved_rules:
            try:
                save_rule_settings(rules)
            except RuleSettingsError as error:
                return self._say(f"Not saved: {error}", problem=True)
            self._saved_rules = rules
            self.rules_page.show_settings(rules)
            applied = self.target is not None and self.target.apply_rule_settings(rules)
            done.append(f"Rules saved to {settings_path()}; " + (
                "the alert watch starts over with them." if applied else
                "they apply when the console watches a writable store."))
        if schedule != self._saved_schedule:
            try:
                save_report_schedule(schedule)
            except ScheduleSettingsError as error:
                return self._say(f"Not saved: {error}", problem=True)
            self._saved_schedule = schedule
            self.schedule_page.show_schedule(schedule)
            applied = self.target is not None and self.target.apply_report_schedule(schedule)
            done.append(f"Schedule saved to {jobs_settings_path()}" + (
                "; rescheduled." if applied else "; it applies when a store is open."))
        self.refresh()
        return self._say(" ".join(done) or "Nothing changed.")

    def accept(self) -> None:
        if self.apply():
            super().accept()

    def _say(self, text: str, problem: bool = False) -> bool:
        self.message.setText(text)
        self.message.setProperty("problem", problem)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        return not problem

    # --- what the jobs are doing ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """The scheduled report's next and last run, and every job's state (once a second while open)."""
        target = self.target
        saved = self._saved_schedule or ReportSchedule()
        self.schedule_page.show_state(None if target is None else target.report_schedule_state(), saved)
        self.jobs_page.show_jobs([] if target is None else target.job_statuses(), self.time_zone)

    def done(self, result: int) -> None:
        self._timer.stop()
        super().done(result)
