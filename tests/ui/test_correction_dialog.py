"""Correcting a ship's particulars from the ship detail dock: the dialog shows what the log holds, the
correction is appended signed and with its reason, a refusal names the field, auditors cannot correct."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from domain.events import ShipDetailsChanged
from store import open_store
from tests.fleet_events import MINUTE, T0, registered, report
from tests.ui.fleet_store import open_service
from ui.ship_detail import ShipDetailPanel

ARIA = 219000001


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "watch.sqlite"
    with open_store(path) as store:
        store.append_batch([registered(ARIA, 0, "ARIA"), *[report(ARIA, minute) for minute in range(1, 30)]])
    return path


def panel_over(qtbot, service) -> ShipDetailPanel:
    panel = ShipDetailPanel(service.fleet, service.logbook, live=False)
    qtbot.addWidget(panel)
    panel.show_ship(ARIA, T0 + 20 * MINUTE)
    return panel


def test_a_correction_made_in_the_dialog_is_appended_with_the_operators_name_and_reason(qtbot, store_path):
    with open_store(store_path) as store:
        service = open_service(store, operator="Ana Watch")
        panel = panel_over(qtbot, service)
        assert panel.correct_button.isEnabled()
        panel.correct_button.click()
        dialog = panel.correction_dialog
        assert dialog is not None and dialog.isVisible()
        assert dialog.edits["name"].text() == "ARIA" and dialog.edits["length"].text() == "120"
        assert dialog.type_box.currentText() == "cargo" and not dialog.ok_button.isEnabled()   # no reason yet
        dialog.edits["name"].setText("ARIA II")
        dialog.type_box.setCurrentText("tanker")
        dialog.edits["draught"].setText("9.5")
        dialog.reason_edit.setPlainText("Renamed at her last port; the crew has not updated the transponder.")
        with qtbot.waitSignal(panel.corrected) as corrected:
            dialog.ok_button.click()
        recorded = store.read_all(store.head().position).__next__()
        assert corrected.args == [recorded] and isinstance(recorded.event, ShipDetailsChanged)
        assert (recorded.event.name, recorded.event.ship_type, recorded.event.draught) == ("ARIA II", "tanker", 9.5)
        assert recorded.event.length is None   # unchanged fields are not in the correction
        assert recorded.metadata["operator"] == "Ana Watch" and "transponder" in recorded.metadata["reason"]
        assert panel.correction_dialog is None


def test_a_refused_correction_names_the_field_and_keeps_what_was_typed(qtbot, store_path):
    with open_store(store_path) as store:
        service = open_service(store, operator="kim")
        panel = panel_over(qtbot, service)
        dialog = panel.open_correction_dialog()
        head = store.head().position
        dialog.edits["imo"].setText("123")
        dialog.reason_edit.setPlainText("IMO from the certificate")
        dialog.ok_button.click()
        assert dialog.isVisible() and dialog.error_label.isVisible()
        assert dialog.error_label.text().startswith("The correction was not added: IMO: must be a 7-digit IMO number")
        assert dialog.edits["imo"].text() == "123" and store.head().position == head
        dialog.edits["imo"].setText("")
        dialog.ok_button.click()
        assert "nothing to correct" in dialog.error_label.text()
        dialog.reject()


def test_an_auditor_cannot_correct_and_is_told_why(qtbot, store_path):
    with open_store(store_path, read_only=True) as store:
        panel = panel_over(qtbot, open_service(store))
        assert not panel.correct_button.isEnabled() and "read-only" in panel.correct_button.toolTip()


def test_the_event_log_says_a_correction_is_one_and_why(store_path):
    from ui.event_log_model import summary_of

    with open_store(store_path) as store:
        service = open_service(store, operator="kim")
        recorded = service.logbook.correct_particulars(ARIA, {"name": "ARIA II"}, "Renamed;\nconfirmed by the agent")
        assert summary_of(recorded) == "corrected: renamed to ARIA II — Renamed; confirmed by the agent"
