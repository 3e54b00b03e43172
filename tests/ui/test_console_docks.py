"""The ship detail and event log docks follow the window's selection and moment, and lead back to it."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ui.main_window import MainWindow
from tests.ui.fleet_store import append, channel_fleet, logged


def build_fleet_source(fleet_stores):
    return fleet_stores.open(channel_fleet(ships=40, hours=1.0))


def test_selecting_a_ship_fills_the_detail_panel_and_the_event_log_follows(qtbot, fleet_stores):
    source = build_fleet_source(fleet_stores)
    window = MainWindow(source, source.fleet.time_range()[1])
    qtbot.addWidget(window)
    mmsi = int(window.display.fleet.mmsi[0])
    window.state.select_ship(mmsi)
    assert window.docks.detail.mmsi == mmsi
    window.docks.event_log.set_selected_ship(mmsi)
    window.docks.show_history(mmsi)
    qtbot.waitUntil(lambda: window.docks.event_log.model.rowCount() > 0)
    shown = window.docks.event_log.model.events()
    assert shown and {e.stream_id for e in shown} == {f"ship-{mmsi}"}
    window.close()


def test_double_clicking_an_event_moves_the_timeline_there_and_selects_its_ship(qtbot, fleet_stores):
    source = build_fleet_source(fleet_stores)
    window = MainWindow(source, source.fleet.time_range()[1])
    qtbot.addWidget(window)
    report = next(e for e in logged(source) if e.type == "PositionReported")
    with qtbot.waitSignal(window.momentShown, timeout=2_000):
        window.docks.event_log.eventActivated.emit(report)
    assert window.timeline.moment() == report.occurred_at
    assert window.state.selected_ship == report.event.mmsi
    window.close()


def test_alerts_are_marked_on_the_timeline_where_they_were_raised(qtbot, fleet_stores):
    from domain.events.alerts import SignalLost

    source = build_fleet_source(fleet_stores)
    first, last = source.fleet.time_range()
    middle = first + (last - first) // 2
    mmsi = int(source.fleet.state_at(last).mmsi[0])
    lost = SignalLost(mmsi=mmsi, occurred_at=middle, alert_id="dark-1", severity="warning",
                      summary="no report for 45 min", last_report_at=middle - 2_700_000_000, threshold_s=1800.0)
    append(source, [(lost, middle)])
    window = MainWindow(source, last)
    qtbot.addWidget(window)
    marks = window.timeline.density.alert_marks
    assert len(marks) == 1 and marks[0][1] == "warning"
    first, last = window.timeline.time_range()
    assert abs(marks[0][0] - (middle - first) / (last - first)) < 1e-9
    window.close()


def test_timeline_marks_follow_priority_and_leave_cautions_out(qtbot, fleet_stores):
    from domain.events import AlertEscalated, PortArrived, SignalLost

    source = build_fleet_source(fleet_stores)
    first, last = source.fleet.time_range()
    middle = first + (last - first) // 2
    mmsi = int(source.fleet.state_at(last).mmsi[0])
    lost = SignalLost(mmsi=mmsi, occurred_at=middle, alert_id="dark-1", severity="warning", priority="warning",
                      summary="no report for 45 min", last_report_at=middle - 2_700_000_000, threshold_s=1800.0)
    escalated = AlertEscalated(mmsi=mmsi, occurred_at=middle + 180_000_000, alert_id="dark-1", after_s=180.0)
    port = PortArrived(mmsi=mmsi, occurred_at=middle, alert_id="port-1", severity="info", summary="arrived",
                       port="Dover")
    append(source, [(lost, middle), (escalated, middle + 180_000_000), (port, middle)])
    window = MainWindow(source, last)
    qtbot.addWidget(window)
    assert [priority for _, priority in window.timeline.density.alert_marks] == ["alarm"]  # escalated; no caution
    window.close()
