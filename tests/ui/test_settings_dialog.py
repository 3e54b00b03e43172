"""File › Settings: thresholds edited and saved apply at once to the running console; a refused value is
named; the scheduled report is set up and rescheduled; the jobs are listed; a failing job is shown."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import tomllib

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from app.console_session import ConsoleSession
from app.report_schedule import ReportSchedule, load_report_schedule, save_report_schedule
from app.rules import load_rule_settings
from app.scheduled_reports import JOB_ID as REPORT_JOB
from domain.rules import RuleSettings
from store import open_store
from tests.fleet_events import MINUTE, T0, registered, report
from ui.console_controller import ConsoleController
from ui.empty_source import empty_console
from ui.formatting import LOCAL
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog

NOW = T0 + 200 * MINUTE


@pytest.fixture
def watched_store(store_path):
    with open_store(store_path) as store:
        store.append_batch([registered(235000001, 0, "ARIA"), *[report(235000001, m, sog=12.0) for m in range(10)]])
    return store_path


@pytest.fixture
def console(qtbot, watched_store):
    """The console on a store its rules watch, jobs started."""
    window = MainWindow(empty_console())
    qtbot.addWidget(window)
    controller = ConsoleController(window)
    session = ConsoleSession(watched_store, clock=lambda: NOW, live=True)
    with qtbot.waitSignal(window.momentShown, timeout=20_000):
        loader = controller.open(session)
        qtbot.waitUntil(lambda: loader.done.is_set(), timeout=20_000)
    qtbot.waitUntil(lambda: window.commands.settings_target is session, timeout=10_000)
    assert session.wait_for_job("rules-catch-up", 1)
    yield window, session
    controller.close()
    window.close()


def save(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def types_in(store_path) -> list[str]:
    with open_store(store_path) as store:
        return [r.type for r in store.read_all()]


def test_a_lower_speed_limit_saved_in_the_dialog_is_in_the_file_and_the_running_watch_uses_it(
        qtbot, console, watched_store, user_folders, tmp_path):
    window, session = console
    dialog = window.commands.show_settings()
    assert window.menus.shortcuts()["&Settings…"] == "Ctrl+,"
    dialog.rules_page.fields["speed.limit_kn"].widget.setValue(15.0)
    save(dialog)
    assert not dialog.isVisible(), dialog.message.text()
    rules_file = user_folders["config"] / "rules.toml"
    assert tomllib.loads(rules_file.read_text(encoding="utf-8"))["speed"]["limit_kn"] == 15.0
    assert load_rule_settings().speed.limit_kn == 15.0 and session.rule_settings.speed.limit_kn == 15.0
    assert session.wait_for_job("rules-catch-up", 2)
    assert "SpeedLimitExceeded" not in types_in(watched_store)
    session.service.append([report(235000001, 11, sog=18.5)])
    assert types_in(watched_store).count("SpeedLimitExceeded") == 1


def test_a_value_the_rules_refuse_is_named_and_nothing_is_saved(qtbot, user_folders):
    dialog = SettingsDialog(None)
    qtbot.addWidget(dialog)
    dialog.rules_page.fields["close_quarters.critical_cpa_m"].widget.setValue(1_500.0)
    assert dialog.apply() is False
    assert dialog.message.text().startswith(
        "Not saved. Critical when the CPA is under (m) (close_quarters.critical_cpa_m): must be a number in [0, 926]")
    assert dialog.tabs.currentWidget() is dialog.rules_page
    dialog.rules_page.show_settings(RuleSettings())
    overrides = dialog.rules_page.overrides
    row = overrides.ship_types().index("sailing")
    overrides.setData(overrides.index(row, 2), "an hour or so")
    assert dialog.apply() is False
    assert "Per ship type, sailing, Signal lost after (under way) (ship_types.sailing.dark.after_s): not a duration" \
        in dialog.message.text()
    assert not (user_folders["config"] / "rules.toml").exists()


def test_per_ship_type_overrides_are_edited_in_the_table_and_restored_to_the_defaults(qtbot, user_folders):
    dialog = SettingsDialog(None)
    qtbot.addWidget(dialog)
    page = dialog.rules_page
    page.ship_type_choice.setCurrentText("tug")
    page._add_ship_type()
    overrides = page.overrides
    row = overrides.ship_types().index("tug")
    overrides.setData(overrides.index(row, 1), "none")
    overrides.setData(overrides.index(row, 6), "150")
    assert dialog.apply(), dialog.message.text()
    saved = load_rule_settings()
    assert saved.for_ship_type("tug").speed_limit_kn is None and saved.for_ship_type("tug").close_quarters_cpa_m == 150
    page.restore_button.click()
    assert "tug" not in overrides.ship_types() and page.fields["speed.limit_kn"].read() == "none"
    assert dialog.apply()
    assert load_rule_settings() == RuleSettings()


def test_a_rules_file_that_does_not_parse_opens_the_dialog_on_the_defaults_with_the_reason(qtbot, user_folders):
    rules_file = user_folders["config"] / "rules.toml"
    rules_file.parent.mkdir(parents=True)
    rules_file.write_text("[speed\nlimit_kn = 30\n", encoding="utf-8")
    dialog = SettingsDialog(None)
    qtbot.addWidget(dialog)
    assert "not valid TOML" in dialog.rules_page.problem.text() and not dialog.rules_page.problem.isHidden()
    assert dialog.rules_page.settings() == RuleSettings()
    assert dialog.apply()
    assert load_rule_settings() == RuleSettings() and "Rules saved" in dialog.message.text()


def test_the_scheduled_report_is_set_up_checked_and_rescheduled_at_once(qtbot, console, tmp_path, user_folders):
    window, session = console
    dialog = window.commands.show_settings()
    page = dialog.schedule_page
    assert page.next_label.text() == "— (off)" and page.last_label.text() == "none yet in this store"
    page.enabled.setChecked(True)
    page.folder_edit.setText(str(tmp_path / "not-there"))
    assert dialog.apply() is False
    assert "Folder (report_schedule.folder): " in dialog.message.text() and "does not exist" in dialog.message.text()
    (tmp_path / "reports").mkdir()
    page.folder_edit.setText(str(tmp_path / "reports"))
    for box in page.format_boxes.values():
        box.setChecked(False)
    assert dialog.apply() is False and "Formats (report_schedule.formats): choose at least one" in dialog.message.text()
    page.format_boxes["csv"].setChecked(True)
    page.time_edit.setTime(page.time_edit.time().fromString("05:30", "HH:mm"))
    assert dialog.apply(), dialog.message.text()
    assert load_report_schedule() == ReportSchedule(enabled=True, hour=5, minute=30, folder=str(tmp_path / "reports"),
                                                    formats=("csv",))
    assert page.next_label.text().endswith(" 05:30:00 UTC")  # by the wall clock, which the scheduler follows
    assert any(job.job_id == REPORT_JOB and job.schedule == "daily at 05:30 UTC" for job in session.job_statuses())
    dialog.reject()


def test_the_time_of_day_is_read_in_the_consoles_time_zone(qtbot):
    dialog = SettingsDialog(None, time_zone=LOCAL)
    qtbot.addWidget(dialog)
    assert dialog.schedule_page.mapping()["report_schedule"]["time_zone"] == "local"
    form_labels = [label.text() for label in dialog.schedule_page.findChildren(type(dialog.message))]
    assert any(text.startswith("Daily at (local time, ") for text in form_labels)


def test_the_jobs_tab_lists_each_job_with_its_last_result_and_the_log_file(qtbot, console):
    window, session = console
    dialog = window.commands.show_settings()
    dialog.tabs.setCurrentWidget(dialog.jobs_page)
    dialog.refresh()
    model = dialog.jobs_page.model
    rows = {model.index(row, 0).data(): [model.index(row, c).data() for c in range(model.columnCount())]
            for row in range(model.rowCount())}
    assert {"rules catch-up", "rules scan", "catch up with other writers", "integrity watch"} <= set(rows)
    assert rows["rules catch-up"][1] == "once" and rows["rules catch-up"][3] == "1"
    assert rows["rules scan"][1] == "every 1 min"
    assert "No job log file" in dialog.jobs_page.log_label.text()  # this session was given none
    dialog.reject()


def test_a_failing_scheduled_report_shows_in_the_status_bar_in_the_warning_colour(qtbot, watched_store, tmp_path):
    folder = tmp_path / "gone"
    save_report_schedule(ReportSchedule(enabled=True, hour=14, folder=str(folder), formats=("csv",)))
    window = MainWindow(empty_console())
    qtbot.addWidget(window)
    controller = ConsoleController(window)
    session = ConsoleSession(watched_store, clock=lambda: NOW, live=False, log_file=tmp_path / "jobs.log")
    loader = controller.open(session)
    qtbot.waitUntil(lambda: loader.done.is_set() and window.commands.settings_target is session, timeout=20_000)
    try:
        session.run_job_soon(REPORT_JOB)
        assert session.wait_for_job(REPORT_JOB, 1)
        label = window.status.feed_label
        qtbot.waitUntil(lambda: label.text().startswith("scheduled report failed"), timeout=5_000)
        assert label.text() == f"scheduled report failed 15:20 UTC: {folder} does not exist — see {tmp_path / 'jobs.log'}"
        assert "color" in label.styleSheet() and label.toolTip() == label.text()
    finally:
        controller.close()
        window.close()


def test_the_dialog_renders_offscreen(qtbot, tmp_path):
    dialog = SettingsDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        assert dialog.grab().save(str(tmp_path / f"settings-{index}.png"))


def test_priorities_are_chosen_per_rule_and_the_per_type_ceilings_survive_a_save(qtbot, user_folders):
    from app.rules import save_rule_settings

    save_rule_settings(RuleSettings.from_mapping({"plausibility": {"speed_kn": {"cargo": 28}}}))
    dialog = SettingsDialog(None)
    qtbot.addWidget(dialog)
    page = dialog.rules_page
    page.show_settings(load_rule_settings())
    combo = page.fields["priorities.dark"].widget
    combo.setCurrentIndex(combo.findData("alarm"))
    assert dialog.apply(), dialog.message.text()
    saved = load_rule_settings()
    assert saved.priorities.dark == "alarm" and saved.priorities.speed == "warning"
    assert saved.for_ship_type("cargo").speed_ceiling_kn == 28.0
