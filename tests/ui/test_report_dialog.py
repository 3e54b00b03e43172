"""File › Export report: the dialog's choices become a request; the export runs off the GUI thread and is
logged; a read-only (auditor) console disables what would append and says why."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import csv

import pytest

from store import open_store
from tests.fleet_events import MINUTE, T0, range_zone_file, registered, report
from tests.ui.fleet_store import open_service
from ui.main_window import MainWindow
from chart.coastline import Coastline
from ui.report_dialog import ReportDialog, result_text, start_report

COASTLINE = Coastline()


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "watch.sqlite"
    with open_store(path) as store:
        store.append_batch([registered(219000001, 0, "ARIA"), registered(219000002, 0, "BORA"),
                            *[report(219000001 + minute % 2, minute, lat=50 + minute / 100) for minute in range(1, 90)]])
    return path


def test_the_dialog_turns_its_choices_into_a_request_and_refuses_bad_ones(qtbot, tmp_path):
    dialog = ReportDialog((T0, T0 + 90 * MINUTE), T0 + 60 * MINUTE, 219000002, read_only=False, folder=str(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.end_edit.dateTime().toMSecsSinceEpoch() * 1000 == T0 + 60 * MINUTE
    dialog.selected.setChecked(True)
    dialog.path_edit.setText(str(tmp_path / "r.csv"))
    dialog.accept()
    assert dialog.request is not None and dialog.request.ships == (219000002,)
    again = ReportDialog((T0, T0 + 90 * MINUTE), None, None, read_only=False)
    qtbot.addWidget(again)
    again.listed.setChecked(True)
    again.ship_list.setText("219000001, twelve")
    again.accept()
    assert again.request is None and "MMSI" in again.message.text()
    again.ship_list.setText("219000001 219000002")
    again.path_edit.setText(str(tmp_path / "r.docx"))
    again.accept()
    assert again.request is None and ".pdf, .csv or .json" in again.message.text()


def test_an_export_runs_on_a_worker_and_is_logged(qtbot, store_path, tmp_path):
    with open_store(store_path) as store:
        service = open_service(store, operator="kim")
        dialog = ReportDialog(service.fleet.time_range(), None, None, read_only=False)
        qtbot.addWidget(dialog)
        dialog.path_edit.setText(str(tmp_path / "watch.csv"))
        dialog.accept()
        results = []
        run = start_report(service.reports, dialog.request, dialog.path(), dialog, on_done=results.append)
        qtbot.waitUntil(lambda: bool(results), timeout=30_000)
        (result,) = results
        with open(tmp_path / "watch.csv", newline="") as stream:
            assert len(list(csv.DictReader(stream))) == result.events == 89
        assert result.logged_at_position == store.head().position and "Logged as event" in result_text(result)
        assert run.done.is_set()


def test_a_read_only_console_offers_reports_but_nothing_that_appends(qtbot, store_path):
    with open_store(store_path, read_only=True) as store:
        service = open_service(store)
        window = MainWindow(service, coastline=COASTLINE)
        qtbot.addWidget(window)
        assert window.menus.export_report.isEnabled()
        assert not window.menus.import_files.isEnabled() and not window.menus.feeds.isEnabled()
        detail = window.docks.detail
        assert not detail.note_button.isEnabled() and "read-only" in detail.note_button.toolTip()
        dialog = ReportDialog(service.fleet.time_range(), None, None, read_only=service.read_only)
        qtbot.addWidget(dialog)
        assert "not logged" in dialog.message.text()


def test_the_operator_named_in_the_console_signs_what_it_appends(qtbot, store_path, tmp_path):
    from ui.settings import UiSettings

    with open_store(store_path) as store:
        service = open_service(store, operator="os-user")
        window = MainWindow(service, coastline=COASTLINE, settings=UiSettings.at(tmp_path / "ui.ini"))
        qtbot.addWidget(window)
        window.commands.set_operator_name("  Ana Watch  ")
        note = service.logbook.add_note("ferry late", mmsi=219000001)
        assert note.event.operator == "Ana Watch" and note.metadata["operator"] == "Ana Watch"
        assert window.status.operator_label.text() == "operator Ana Watch"
        again = MainWindow(service, coastline=COASTLINE, settings=UiSettings.at(tmp_path / "ui.ini"))
        qtbot.addWidget(again)
        assert service.operator == "Ana Watch"  # remembered for the next console


def test_content_choices_are_offered_for_a_pdf_and_become_the_request_sections(qtbot, tmp_path):
    dialog = ReportDialog((T0, T0 + 90 * MINUTE), None, None, read_only=False, folder=str(tmp_path))
    qtbot.addWidget(dialog)
    assert all(box.isEnabled() and box.isChecked() for box in dialog.section_boxes.values())
    assert "always included" in dialog.content_note.text()
    dialog.section_boxes["listing"].setChecked(False)
    dialog.section_boxes["map"].setChecked(False)
    dialog.accept()
    assert dialog.request.sections == frozenset({"summary", "ships"})
    csv_dialog = ReportDialog((T0, T0 + 90 * MINUTE), None, None, read_only=False)
    qtbot.addWidget(csv_dialog)
    csv_dialog.section_boxes["listing"].setChecked(False)
    csv_dialog.path_edit.setText(str(tmp_path / "r.csv"))
    assert not any(box.isEnabled() for box in csv_dialog.section_boxes.values())
    assert "always hold every event" in csv_dialog.content_note.text()
    csv_dialog.accept()
    assert csv_dialog.request.sections == frozenset({"summary", "map", "ships", "listing"})


def test_a_zone_chosen_in_the_dialog_limits_the_report_to_the_ships_that_were_in_it(qtbot, tmp_path):
    from app.zone_desk import add_zones

    path = tmp_path / "zone.sqlite"
    with open_store(path) as store:
        store.append_batch([registered(219000001, 0, "INSIDE"), registered(219000002, 0, "OUTSIDE"),
                            *[report(219000001, m, lat=50.75, lon=-1.4 + m * 0.02) for m in range(1, 20)],
                            *[report(219000002, m, lat=52.0, lon=3.0) for m in range(1, 20)]])
        add_zones(store, range_zone_file(tmp_path), operator="kim", clock=lambda: T0 + 30 * MINUTE)
        service = open_service(store, operator="kim")
        dialog = ReportDialog(service.fleet.time_range(), None, None, read_only=False, zones=[zone.name for zone in service.zones.in_force()])
        qtbot.addWidget(dialog)
        assert dialog.zone_box.isEnabled() and dialog.zone() is None
        dialog.zone_box.setCurrentText("Range")
        dialog.path_edit.setText(str(tmp_path / "range.csv"))
        dialog.accept()
        assert dialog.request.zone == "Range"
        results = []
        start_report(service.reports, dialog.request, dialog.path(), dialog, on_done=results.append)
        qtbot.waitUntil(lambda: bool(results), timeout=30_000)
        with open(tmp_path / "range.csv", newline="") as stream:
            assert {row["stream_id"] for row in csv.DictReader(stream)} == {"ship-219000001"}
        assert results[0].ships == 1
    none_defined = ReportDialog((T0, T0 + MINUTE), None, None, read_only=False, zones=())
    qtbot.addWidget(none_defined)
    assert not none_defined.zone_box.isEnabled() and "No zones" in none_defined.zone_box.toolTip()
