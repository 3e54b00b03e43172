"""The console over a real store: it opens off the GUI thread, shows the fleet, and an operator's note
goes into the store and shows up in the event log."""
import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from app.console_session import ConsoleSession
from app.demo_fleet import seed_history
from domain.time import parse_instant
from store import open_store
from ui.console_controller import ConsoleController
from ui.empty_source import empty_console
from ui.main_window import MainWindow

NOW = parse_instant("2026-02-01T06:00:00Z")


@pytest.fixture
def demo_store(store_path):
    store = open_store(store_path)
    seed_history(store, ships=50, hours=0.5, seed=2, end=NOW)
    store.close()
    return store_path


@pytest.fixture
def console(qtbot, demo_store):
    window = MainWindow(empty_console())
    qtbot.addWidget(window)
    controller = ConsoleController(window)
    session = ConsoleSession(demo_store, clock=lambda: NOW, live=False)
    with qtbot.waitSignal(window.momentShown, timeout=20_000):
        loader = controller.open(session)
        qtbot.waitUntil(lambda: loader.done.is_set(), timeout=20_000)
    qtbot.waitUntil(lambda: controller.session is session, timeout=5_000)
    yield window, controller, session
    controller.close()
    window.close()


def test_the_store_opens_off_the_gui_thread_and_the_fleet_appears(console):
    window, controller, session = console
    assert len(window.display.fleet) == 50
    assert window.source is session.console
    assert "events" in window.source.fleet.describe()


def test_a_note_written_in_the_console_is_in_the_store_and_the_event_log(qtbot, console):
    window, controller, session = console
    mmsi = int(window.display.fleet.mmsi[0])
    window.state.select_ship(mmsi)
    session.console.operator = "kim"
    dialog = window.docks.detail.open_note_dialog()
    dialog.text_edit.setPlainText("pilot boarded off the breakwater")
    dialog.accept()
    window.docks.event_log.show_ship_history(mmsi)
    qtbot.waitUntil(lambda: any(getattr(e.event, "text", None) == "pilot boarded off the breakwater"
                                for e in window.docks.event_log.model.events()), timeout=5_000)
    stored = list(session.store.read_stream(f"ship-{mmsi}"))[-1]
    assert stored.event.text == "pilot boarded off the breakwater" and stored.metadata["operator"] == "kim"


def test_opening_a_missing_read_only_store_says_why_and_keeps_the_window(qtbot, console, tmp_path, monkeypatch):
    window, controller, session = console
    shown = []
    monkeypatch.setattr("ui.console_controller.show_message", lambda parent, title, text, **_: shown.append(text))
    other = ConsoleSession(tmp_path / "absent.sqlite", read_only=True)
    loader = controller.open(other)
    qtbot.waitUntil(lambda: loader.done.is_set() and bool(shown), timeout=10_000)
    assert "no store at" in shown[0] and controller.session is session


def test_ships_with_open_alerts_are_ringed_on_the_map_from_the_windows_board(qtbot, console):
    from domain.events import AlertAcknowledged, AlertRectified, CloseQuarters, NewEvent
    from domain.time import MICROS_PER_MINUTE

    window, controller, session = console
    mmsi, other = int(window.display.fleet.mmsi[0]), int(window.display.fleet.mmsi[1])
    raised = window.state.moment - MICROS_PER_MINUTE
    session.service.append([NewEvent(CloseQuarters(mmsi=mmsi, occurred_at=raised, alert_id="cpa-console",
                                                   severity="critical", summary="CPA 150 m in 3 min",
                                                   other_mmsi=other, cpa_m=150.0, tcpa_s=180.0),
                                     recorded_at=raised, metadata={"source": "rules"})])
    asked = []
    real_alerts_at = session.console.alerts.alerts_at
    session.console.alerts.alerts_at = lambda *args: asked.append(args) or real_alerts_at(*args)
    window.display.refresh()
    assert len(asked) == 1  # the map takes the window's board: the source is asked once for the moment
    assert window.map_view.alerts.marked == {mmsi: "alarm", other: "alarm"}  # a critical CPA: both ships
    session.service.append([NewEvent(AlertAcknowledged(occurred_at=raised, operator="kim", mmsi=mmsi,
                                                       alert_id="cpa-console"),
                                     recorded_at=raised, metadata={"source": "operator"}),
                            NewEvent(AlertRectified(mmsi=mmsi, occurred_at=raised, alert_id="cpa-console",
                                                    reason="the ships opened past their CPA"),
                                     recorded_at=raised, metadata={"source": "rules"})])
    window.display.refresh()
    assert window.map_view.alerts.marked == {}  # acknowledged and rectified: off the map


def test_a_store_switched_away_from_closes_off_the_gui_thread_and_before_the_program_ends(qtbot, console, tmp_path,
                                                                                          monkeypatch):
    """Its close saves the index snapshot: at ten million reports, seconds the window must not freeze for."""
    window, controller, session = console
    release, closed_on = threading.Event(), []
    close = session.close

    def slow_close():  # as a large index compressed and written
        closed_on.append(threading.current_thread())
        release.wait(10)
        close()

    monkeypatch.setattr(session, "close", slow_close)
    other_path = tmp_path / "other.sqlite"
    with open_store(other_path) as other_store:
        seed_history(other_store, ships=60, hours=0.5, seed=5, end=NOW)
    other = ConsoleSession(other_path, clock=lambda: NOW, live=False)
    controller.open(other)
    qtbot.waitUntil(lambda: controller.session is other and window.source is other.console, timeout=20_000)
    assert len(window.display.fleet) == 60  # the other store is shown while the first one still closes
    qtbot.waitUntil(lambda: bool(closed_on), timeout=5_000)
    assert closed_on[0] is not threading.main_thread() and session.store is not None
    release.set()
    controller.close()  # waits for it
    assert session.store is None and not closed_on[0].is_alive()
