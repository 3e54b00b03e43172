"""The ship detail and event log docks follow the window's selection and moment, and lead back to it."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ui.main_window import MainWindow
from tests.ui.fixtures_fleet import InMemoryFleetSource, channel_fleet


def build_fleet_source() -> InMemoryFleetSource:
    return InMemoryFleetSource(channel_fleet(ships=40, hours=1.0), name="channel.sqlite")


def test_selecting_a_ship_fills_the_detail_panel_and_the_event_log_follows(qtbot):
    source = build_fleet_source()
    window = MainWindow(source, source.time_range()[1])
    qtbot.addWidget(window)
    mmsi = int(window.fleet.mmsi[0])
    window.select_ship(mmsi)
    assert window.docks.detail.mmsi == mmsi
    window.docks.event_log.set_selected_ship(mmsi)
    window.docks._show_history(mmsi)
    qtbot.waitUntil(lambda: window.docks.event_log.model.rowCount() > 0)
    shown = window.docks.event_log.model.events()
    assert shown and {e.stream_id for e in shown} == {f"ship-{mmsi}"}
    window.close()


def test_double_clicking_an_event_moves_the_timeline_there_and_selects_its_ship(qtbot):
    source = build_fleet_source()
    window = MainWindow(source, source.time_range()[1])
    qtbot.addWidget(window)
    report = next(e for e in source.log if e.type == "PositionReported")
    with qtbot.waitSignal(window.momentShown, timeout=2_000):
        window.docks.event_log.eventActivated.emit(report)
    assert window.timeline.moment() == report.occurred_at
    assert window.selected_ship == report.event.mmsi
    window.close()
