"""The alerts dock: the board at the selected moment, filtering, selection, and acknowledging through a dialog."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sqlite3

import pytest
from PySide6.QtCore import QModelIndex, Qt

from domain.alert_board import ACTIVE_ACKNOWLEDGED as ACKNOWLEDGED, ACTIVE_UNACKNOWLEDGED as OPEN, AlertAlreadyAcknowledged
from domain.events import AlertAcknowledged, CloseQuarters, PortArrived, SignalLost, SpeedLimitExceeded, ZoneEntered
from domain.time import MICROS_PER_MINUTE
from tests.ui.fleet_store import T0, Calls, Clock, channel_fleet, in_log_order, logged
from ui.alerts_model import ALERT_ROLE, AlertsModel, Column
from ui.alerts_panel import EMPTY_OPEN_TEXT, EMPTY_TEXT, READ_ONLY_TIP, AlertsPanel


def at(minutes: float) -> int:
    return T0 + round(minutes * MICROS_PER_MINUTE)


def ship(index: int) -> int:
    return 235_000_000 + 1_000 * index + 7


NAMED, UNNAMED = ship(1), ship(0)  # the fleet names ship 1 "SOLENT STAR 1"; ship 0 has no name


def alert_facts():
    """(event, recorded_at) pairs: alerts on two ships, one recorded late, one notice."""
    return [
        (SpeedLimitExceeded(mmsi=NAMED, occurred_at=at(10), alert_id="speed-1", severity="warning",
                            summary="12.4 kn in the Solent 10 kn zone", sog=12.4, limit=10.0, zone="Solent"), at(10)),
        (ZoneEntered(mmsi=UNNAMED, occurred_at=at(20), alert_id="zone-1", severity="info",
                     summary="entered Needles", zone="Needles", lat=50.66, lon=-1.59), at(20)),
        (CloseQuarters(mmsi=NAMED, occurred_at=at(30), alert_id="cpa-1", severity="critical",
                       summary="CPA 180 m in 4 min with MMSI 235000007", other_mmsi=UNNAMED, cpa_m=180.0,
                       tcpa_s=240.0), at(30)),
        (SignalLost(mmsi=UNNAMED, occurred_at=at(40), alert_id="dark-1", severity="critical",
                    summary="no report for 20 min", last_report_at=at(20), threshold_s=900.0), at(70)),
        (PortArrived(mmsi=NAMED, occurred_at=at(50), alert_id="port-1", severity="info",
                     summary="arrived Southampton", port="Southampton"), at(50)),
    ]


def alerting_log():
    """The fleet's log with the alerts in it, in the order the log learned them."""
    return in_log_order([*((recorded.event, recorded.recorded_at) for recorded in channel_fleet(ships=12, hours=2.0)),
                         *alert_facts()])


@pytest.fixture
def clock():
    return Clock(at(100))


@pytest.fixture
def source(fleet_stores, clock):
    return fleet_stores.open(alerting_log(), clock=clock)


@pytest.fixture
def panel(qtbot, source):
    widget = AlertsPanel(source.alerts, source.fleet)
    qtbot.addWidget(widget)
    widget.resize(1100, 300)
    widget.set_open_only(False)  # every alert; the default list (standing alerts) has tests of its own
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shown_ids(panel) -> list[str]:
    return [alert.alert_id for alert in panel.model.alerts()]


def cell(panel, alert_id: str, column: Column) -> str:
    return panel.model.index(panel.model.row_of(alert_id), column).data()


def click_row(qtbot, panel, alert_id: str, double: bool = False) -> None:
    rect = panel.view.visualRect(panel.model.index(panel.model.row_of(alert_id), Column.SUMMARY))
    if double:  # after a click on the same row, as a person double-clicks
        qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    else:
        qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


# --- the board at the moment ------------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes, known", [(5, None), (25, None), (45, None), (45, 45), (90, None), (90, 90)])
def test_the_rows_are_the_board_at_the_moment_newest_first(panel, source, minutes, known):
    known_at = None if known is None else at(known)
    panel.show_moment(at(minutes), known_at)
    expected = list(reversed(source.alerts.alerts_at(at(minutes), known_at)))
    assert panel.model.alerts() == expected
    assert [panel.model.index(row, 0).data(ALERT_ROLE) for row in range(panel.model.rowCount())] == expected


def test_a_row_says_severity_time_ship_type_summary_and_state(panel):
    panel.show_moment(at(45))
    assert [cell(panel, "cpa-1", column) for column in Column] == [
        "Alarm", "2026-11-25 12:30:00", f"MMSI {UNNAMED} & SOLENT STAR 1 · {NAMED}", "Close quarters",
        "CPA 180 m in 4 min with MMSI 235000007", "Active, unacknowledged", "", ""]
    assert cell(panel, "zone-1", Column.SHIP) == f"MMSI {UNNAMED}"
    marker = panel.model.index(panel.model.row_of("cpa-1"), Column.SEVERITY).data(Qt.ItemDataRole.DecorationRole)
    assert marker is not None and not marker.isNull()


def test_an_alert_recorded_late_is_hidden_as_known_then(panel):
    panel.show_moment(at(45))
    assert "dark-1" in shown_ids(panel)
    panel.show_moment(at(45), at(45))
    assert "dark-1" not in shown_ids(panel)


def test_before_any_alert_the_panel_says_there_are_none(panel):
    panel.show_moment(at(5))
    assert panel.stack.currentWidget() is panel.empty_label
    assert panel.empty_label.text() == EMPTY_TEXT
    panel.show_moment(at(15))
    assert panel.stack.currentWidget() is panel.view


def test_the_open_filter_hides_cautions_and_acknowledged_alerts(panel, source, clock):
    panel.show_moment(at(60))
    assert shown_ids(panel) == ["port-1", "dark-1", "cpa-1", "zone-1", "speed-1"]
    panel.set_open_only(True)
    assert shown_ids(panel) == ["dark-1", "cpa-1", "speed-1"]  # the zone entry of priority caution clears itself
    assert panel.count_label.text() == "3 unacknowledged · 1 active caution · 1 normal"
    panel.show_moment(at(12))
    panel.set_open_only(True)
    clock.now = at(15)
    source.alerts.acknowledge("speed-1")
    panel.show_moment(at(16))
    assert panel.empty_label.text() == EMPTY_OPEN_TEXT and panel.stack.currentWidget() is panel.empty_label
    panel.set_open_only(False)
    assert shown_ids(panel) == ["speed-1"]


def test_scrubbing_keeps_rows_and_selection_without_resetting_the_model(qtbot, panel):
    panel.show_moment(at(35))
    panel.select_alert("speed-1")
    resets = []
    panel.model.modelReset.connect(lambda: resets.append(True))
    with qtbot.waitSignal(panel.model.rowsInserted):
        panel.show_moment(at(55))
    panel.show_moment(at(56))
    panel.show_moment(at(25))
    assert resets == []
    assert panel.selected_alert().alert_id == "speed-1"
    assert shown_ids(panel) == ["zone-1", "speed-1"]


# --- selecting ------------------------------------------------------------------------------------------------


def test_selecting_an_alert_selects_its_ship(qtbot, panel):
    panel.show_moment(at(45))
    with qtbot.waitSignal(panel.shipSelected) as selected:
        click_row(qtbot, panel, "zone-1")
    assert selected.args == [UNNAMED]


def test_double_clicking_an_alert_activates_it(qtbot, panel, source):
    panel.show_moment(at(45))
    click_row(qtbot, panel, "cpa-1")
    with qtbot.waitSignal(panel.alertActivated) as activated:
        click_row(qtbot, panel, "cpa-1", double=True)
    [alert] = activated.args
    assert (alert.alert_id, alert.raised_at) == ("cpa-1", at(30))


# --- acknowledging ----------------------------------------------------------------------------------------------


def test_acknowledging_through_the_dialog_updates_the_row(qtbot, panel, source):
    panel.show_moment(at(100))
    assert not panel.acknowledge_button.isEnabled()
    panel.select_alert("cpa-1")
    assert panel.acknowledge_button.isEnabled()
    panel.acknowledge_button.click()
    dialog = panel.dialog
    assert dialog is not None and dialog.isVisible()
    assert "Officer of the watch" in dialog.operator_label.text()
    qtbot.keyClicks(dialog.comment_edit, "Both ships called on VHF 16")
    with qtbot.waitSignal(panel.alertAcknowledged) as acknowledged:
        dialog.ok_button.click()
    recorded = logged(source)[-1]
    assert acknowledged.args == [recorded]
    assert isinstance(recorded.event, AlertAcknowledged)
    assert (recorded.event.alert_id, recorded.event.comment) == ("cpa-1", "Both ships called on VHF 16")
    assert panel.dialog is None or not panel.dialog.isVisible()
    assert cell(panel, "cpa-1", Column.STATE) == "Active, acknowledged"
    assert cell(panel, "cpa-1", Column.ACKNOWLEDGED_BY) == "Officer of the watch"
    assert cell(panel, "cpa-1", Column.ACKNOWLEDGED_AT) == "2026-11-25 13:40:00"
    assert panel.selected_alert().state == ACKNOWLEDGED
    assert not panel.acknowledge_button.isEnabled()
    assert "Already acknowledged" in panel.acknowledge_button.toolTip()
    assert not panel.message_label.isVisible()


def test_acknowledging_at_an_earlier_moment_says_the_alert_was_still_open_then(panel, source):
    panel.show_moment(at(35))
    panel.select_alert("speed-1")
    dialog = panel.open_acknowledge_dialog()
    dialog.ok_button.click()
    assert logged(source)[-1].event.alert_id == "speed-1"
    assert cell(panel, "speed-1", Column.STATE) == "Active, unacknowledged"
    assert panel.message_label.isVisible() and "after the moment shown" in panel.message_label.text()


def test_cancelling_the_dialog_appends_nothing(panel, source):
    panel.show_moment(at(100))
    panel.select_alert("speed-1")
    before = len(logged(source))
    panel.open_acknowledge_dialog().reject()
    assert len(logged(source)) == before
    assert cell(panel, "speed-1", Column.STATE) == "Active, unacknowledged"


def test_a_refused_acknowledgement_is_explained_in_the_dialog(panel, source):
    panel.show_moment(at(100))
    panel.select_alert("speed-1")
    dialog = panel.open_acknowledge_dialog()
    source.alerts.acknowledge("speed-1")  # someone else was quicker
    with pytest.raises(AlertAlreadyAcknowledged):
        source.alerts.acknowledge("speed-1")
    before = len(logged(source))
    dialog.ok_button.click()
    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert "already acknowledged" in dialog.error_label.text()
    assert len(logged(source)) == before
    dialog.reject()


def test_an_acknowledgement_the_busy_store_refuses_is_explained_and_can_be_retried(qtbot, source, fleet_stores,
                                                                                    clock):
    impatient = fleet_stores.reopen(source.fleet.store.path, busy_timeout_ms=50, clock=clock)
    panel = AlertsPanel(impatient.alerts, impatient.fleet)
    qtbot.addWidget(panel)
    panel.show_moment(at(100))
    panel.select_alert("cpa-1")
    dialog = panel.open_acknowledge_dialog()
    importer = sqlite3.connect(source.fleet.store.path, isolation_level=None)  # another process writing a long batch
    importer.execute("BEGIN IMMEDIATE")
    try:
        dialog.ok_button.click()
    finally:
        importer.execute("ROLLBACK")
        importer.close()
    assert dialog.isVisible() and "another process kept the store busy" in dialog.error_label.text()
    assert not [e for e in logged(source) if isinstance(e.event, AlertAcknowledged)]
    dialog.ok_button.click()  # the store is free again
    assert not dialog.isVisible() and cell(panel, "cpa-1", Column.STATE) == "Active, acknowledged"


def test_several_selected_open_alerts_are_acknowledged_with_one_comment(qtbot, panel, source):
    panel.show_moment(at(100))
    panel.select_alerts(["cpa-1", "speed-1", "port-1"])   # a notice among them is left alone
    assert [a.alert_id for a in panel.selected_alerts()] == [a for a in shown_ids(panel)
                                                             if a in ("cpa-1", "speed-1", "port-1")]
    assert panel.acknowledge_button.isEnabled() and panel.acknowledge_button.text() == "Acknowledge 2…"
    assert "1 selected are not open" in panel.acknowledge_button.toolTip()
    dialog = panel.open_acknowledge_dialog()
    assert "2 open alerts" in dialog.heading_label.text() and "one comment for all" in dialog.heading_label.text()
    qtbot.keyClicks(dialog.comment_edit, "VTS spoke to both")
    acknowledged = []
    panel.alertAcknowledged.connect(acknowledged.append)
    dialog.ok_button.click()
    assert sorted(r.event.alert_id for r in acknowledged) == ["cpa-1", "speed-1"]
    assert {r.event.comment for r in acknowledged} == {"VTS spoke to both"}
    assert cell(panel, "cpa-1", Column.STATE) == "Active, acknowledged" and cell(panel, "speed-1", Column.STATE) == "Active, acknowledged"
    assert not panel.acknowledge_button.isEnabled() and panel.acknowledge_button.text() == "Acknowledge…"


def test_ctrl_a_selects_every_open_alert_shown(qtbot, panel):
    panel.show_moment(at(100))
    panel.set_open_only(True)
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(panel.selected_alerts()) == panel.model.rowCount() >= 2
    assert panel.acknowledge_button.text() == f"Acknowledge {panel.model.rowCount()}…"


def test_notices_and_acknowledged_alerts_cannot_be_acknowledged(panel):
    panel.show_moment(at(100))
    panel.select_alert("port-1")
    assert not panel.acknowledge_button.isEnabled()
    assert "caution" in panel.acknowledge_button.toolTip()
    assert panel.open_acknowledge_dialog() is None


def test_a_read_only_log_disables_acknowledging_and_says_why(qtbot, fleet_stores):
    writer = fleet_stores.open(alerting_log())
    source = fleet_stores.reopen(writer.fleet.store.path, read_only=True)  # as an auditor opens it
    panel = AlertsPanel(source.alerts, source.fleet)
    qtbot.addWidget(panel)
    panel.show_moment(at(100))
    panel.select_alert("speed-1")
    assert panel.selected_alert().state == OPEN
    assert not panel.acknowledge_button.isEnabled()
    assert panel.acknowledge_button.toolTip() == READ_ONLY_TIP
    assert panel.open_acknowledge_dialog() is None


def test_the_fleet_the_window_has_names_the_ships_without_asking_again(panel, source, monkeypatch):
    fleet = source.fleet.state_at(at(45))
    calls = Calls(monkeypatch, source.fleet, "state_at")
    panel.show_moment(at(45), fleet=fleet)
    assert calls.count == 0
    assert cell(panel, "cpa-1", Column.SHIP) == f"MMSI {UNNAMED} & SOLENT STAR 1 · {NAMED}"  # one encounter, both ships


# --- the model --------------------------------------------------------------------------------------------------


def test_the_model_passes_the_model_tester_through_moments_filters_and_acknowledgements(qapp, qtmodeltester, source):
    model = AlertsModel()
    model.set_alerts(source.alerts.alerts_at(at(25)), {NAMED: "SOLENT STAR 1"})
    qtmodeltester.check(model, force_py=True)
    for minutes in (45, 5, 100, 35, 60):
        model.set_alerts(source.alerts.alerts_at(at(minutes)), {NAMED: "SOLENT STAR 1"})
    model.set_open_only(True)
    source.alerts.acknowledge("speed-1", "seen")
    model.set_alerts(source.alerts.alerts_at(at(100)), {NAMED: "RENAMED"})
    model.set_open_only(False)
    model.set_alerts(source.alerts.alerts_at(at(100), at(50)), {})
    assert model.rowCount() == 4  # the lost signal was recorded at 70 min
    assert not model.index(0, 0).parent().isValid() and model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None
