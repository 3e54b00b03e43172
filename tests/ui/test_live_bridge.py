"""The live bridge: events committed on any thread reach the GUI thread as a signal."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading

from PySide6.QtCore import QThread

from domain.events import PositionReported
from tests.ui.fleet_store import T0, Subscriptions, append
from ui.live_bridge import LiveBridge


def report(minute: int) -> tuple[PositionReported, int]:
    at = T0 + minute * 60_000_000
    return PositionReported(mmsi=235000001, occurred_at=at, lat=50.7, lon=-1.2), at + 1


def test_events_from_a_worker_thread_arrive_on_the_gui_thread(qtbot, qapp, fleet_stores):
    source = fleet_stores.open()
    bridge = LiveBridge(source.fleet)
    received = []
    bridge.eventsArrived.connect(lambda events: received.append((events, QThread.currentThread())))
    publisher = threading.Thread(target=append, args=(source, [report(1), report(2)]))
    with qtbot.waitSignal(bridge.eventsArrived, timeout=2000):
        publisher.start()
        publisher.join()
    (events, thread), = received
    assert [e.event.occurred_at for e in events] == [T0 + 60_000_000, T0 + 120_000_000]
    assert thread is qapp.thread()
    bridge.close()


def test_a_closed_bridge_unsubscribes_and_stays_quiet(qtbot, fleet_stores, monkeypatch):
    source = fleet_stores.open()
    subscriptions = Subscriptions(monkeypatch, source)
    bridge = LiveBridge(source.fleet)
    assert subscriptions.count == 1
    bridge.close()
    bridge.close()
    assert subscriptions.count == 0
    with qtbot.assertNotEmitted(bridge.eventsArrived, wait=20):
        append(source, [report(3)])
