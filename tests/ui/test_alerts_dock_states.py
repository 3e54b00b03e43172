"""The alerts dock with bridge alert states: the default list of standing alerts, filters by state and priority,
counts by state, silencing, suppressing, and the audible signal asked for only when live and not muted."""
import dataclasses
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from domain.events import AlertRectified
from tests.ui.fleet_store import Clock, in_log_order, logged
from tests.ui.test_alerts_panel import UNNAMED, alerting_log, at
from ui.alerts_panel import AlertsPanel
from ui.alerts_sound import AlertSounder


@pytest.fixture
def clock():
    return Clock(at(100))


@pytest.fixture
def source(fleet_stores, clock):
    rectified = AlertRectified(mmsi=UNNAMED, occurred_at=at(80), alert_id="dark-1", reason="reported again")
    return fleet_stores.open((*alerting_log(), *in_log_order([(rectified, at(80))])), clock=clock)


class Bell:
    def __init__(self) -> None:
        self.rung = 0

    def __call__(self) -> None:
        self.rung += 1


@pytest.fixture
def bell():
    return Bell()


@pytest.fixture
def panel(qtbot, source, bell):
    widget = AlertsPanel(source.alerts, source.fleet)
    widget.sounder = AlertSounder(bell, clock=lambda: 0.0, parent=widget)  # asked for, never played
    qtbot.addWidget(widget)
    widget.resize(1100, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shown(panel) -> list[str]:
    return [alert.alert_id for alert in panel.model.alerts()]


def test_by_default_the_list_holds_the_standing_alerts_and_acknowledged_rectified_ones_leave_it(panel, source):
    panel.show_moment(at(90))
    assert panel.standing_button.isChecked()
    assert shown(panel) == ["dark-1", "cpa-1", "zone-1", "speed-1"]  # the port call is back to normal
    assert panel.count_label.text() == ("2 unacknowledged · 1 active caution · 1 rectified, unacknowledged "
                                        "· 1 normal")
    source.alerts.acknowledge("dark-1", "called the ship")
    panel.show_moment(at(100))
    assert "dark-1" not in shown(panel)  # acknowledged and rectified: normal
    panel.set_open_only(False)
    assert "dark-1" in shown(panel) and "port-1" in shown(panel)


def test_the_list_filters_by_priority(panel):
    panel.show_moment(at(90))
    panel.set_priorities("Alarms")
    assert shown(panel) == ["dark-1", "cpa-1"]
    panel.set_priorities("Warnings")
    assert shown(panel) == ["speed-1"]
    panel.set_priorities("Cautions")
    assert shown(panel) == ["zone-1"]


def test_silencing_the_selected_alert_is_an_event_every_console_shares(panel, source):
    panel.show_moment(at(100))
    panel.select_alert("speed-1")
    assert panel.silence_button.isEnabled()
    [silenced] = panel.silence_selected()
    assert (silenced.type, silenced.event.alert_id, silenced.metadata["operator"]) == (
        "AlertSilenced", "speed-1", "Officer of the watch")
    assert logged(source)[-1] == silenced


def test_suppressing_acknowledges_the_ships_alerts_of_the_kind_with_the_reason(panel, source):
    panel.show_moment(at(100))
    panel.select_alert("cpa-1")
    alert = panel.selected_alert()
    recorded = panel.suppress(alert, 30, "pilot boarding alongside")
    assert recorded.type == "AlertsSuppressed" and recorded.event.alert_type == "CloseQuarters"
    panel.show_moment(at(100))
    panel.set_open_only(False)
    [cpa] = [a for a in panel.model.alerts() if a.alert_id == "cpa-1"]
    assert cpa.acknowledged_by == "Officer of the watch" and cpa.comment == "suppressed: pilot boarding alongside"


def test_the_audible_signal_is_asked_for_live_only_and_never_when_muted(panel, bell):
    panel.show_moment(at(90))  # scrubbing the past: silent
    assert bell.rung == 0
    panel.show_moment(at(100), live=True)
    assert bell.rung == 1 and panel.sounder.requests == 1
    panel.sound_button.setChecked(False)
    assert panel.sounder.muted
    panel.show_moment(at(100), live=True)
    assert bell.rung == 1


def test_the_status_bar_names_the_most_urgent_active_alert_and_never_widens_the_window(qtbot, source):
    from PySide6.QtWidgets import QMainWindow

    from ui.status_bar import ConsoleStatusBar

    window = QMainWindow()
    qtbot.addWidget(window)
    bar = ConsoleStatusBar()
    window.setStatusBar(bar)
    window.resize(480, 200)
    window.show()
    qtbot.waitExposed(window)
    board = source.alerts.alerts_at(at(60))
    shown = bar.set_urgent_alert(board)
    assert shown.alert_id == "dark-1"  # alarms before warnings; of the two alarms, the newer
    assert bar.urgent_label.text().startswith("⚠ Alarm · Signal lost: no report for 20 min (+2 more)")
    long = [a for a in board if a.alert_id == "dark-1"][0]
    bar.set_urgent_alert([dataclasses.replace(long, summary="no report " * 200)])
    assert window.width() <= 480 and window.minimumSizeHint().width() <= 480
    window.resize(1200, 200)
    qtbot.waitUntil(lambda: bar.urgent_label.width() <= 0.4 * bar.width())  # the store and head stay legible
    assert bar.set_urgent_alert([a for a in board if a.priority == "caution"]) is None
    assert not bar.urgent_label.isVisible()


def test_handing_alerts_over_names_the_operator_now_responsible(panel, source):
    panel.show_moment(at(100))
    panel.select_alerts(["speed-1", "cpa-1"])
    assert panel.hand_over_action.isEnabled()
    recorded = panel.hand_over("Master")
    assert [r.type for r in recorded] == ["AlertResponsibilityTransferred"] * 2
    states = {a.alert_id: (a.state, a.responsible) for a in panel.model.alerts()}
    assert states["speed-1"] == states["cpa-1"] == ("active-responsibility-transferred", "Master")
    panel.select_alert("zone-1")  # a caution is never handed over
    assert not panel.hand_over_action.isEnabled() and panel.hand_over("Master") == []
