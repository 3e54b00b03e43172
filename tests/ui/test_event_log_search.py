"""The event log seeks its pages on a worker: the console stays responsive while a page is sought and says so,
the newest filter's page wins over a slower older one, Stop keeps what was found, and events committed
while a page is sought are not lost."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading

import pytest
from PySide6.QtCore import QCoreApplication, QModelIndex, QThreadPool, QTimer, Qt

from app.event_log import EventQuery
from domain.events import PositionReported
from domain.time import MICROS_PER_MINUTE
from tests.ui.fleet_store import LATE_MMSI, T0, append, channel_fleet, logged
from ui.event_log import EventLogPanel

WAIT_MS = 10_000
HELD_S = 10.0


def at(minutes: int) -> int:
    return T0 + minutes * MICROS_PER_MINUTE


class HeldPages:
    """The logbook's real pages, held back at the store's edge until the test lets them through, for the
    queries it names: a read as slow as the test wants, without timing."""

    def __init__(self, monkeypatch, logbook, held, *, from_call: int = 1):
        self.held = held              # which queries wait for the gate
        self.from_call = from_call    # the first call of such a query (1-based) that waits
        self.gate = threading.Event()
        self.waiting = threading.Event()
        self.threads: list[threading.Thread] = []
        self.calls = 0
        read = logbook.event_page

        def event_page(query, *args, **kwargs):
            self.threads.append(threading.current_thread())
            if self.held(query):
                self.calls += 1
                if self.calls >= self.from_call:
                    self.waiting.set()
                    self.gate.wait(HELD_S)
            return read(query, *args, **kwargs)

        monkeypatch.setattr(logbook, "event_page", event_page)

    def wait_until_held(self) -> None:
        assert self.waiting.wait(HELD_S), "the search never reached the store"

    def release(self) -> None:
        self.gate.set()


def the_work_has_ended() -> None:
    """Every worker has returned and what they reported has been delivered (a superseded page included)."""
    assert QThreadPool.globalInstance().waitForDone(WAIT_MS)
    for _ in range(3):
        QCoreApplication.processEvents()


@pytest.fixture
def source(fleet_stores):
    return fleet_stores.open(channel_fleet(ships=30, hours=2.0))


@pytest.fixture
def make_panel(qtbot):
    made = []

    def make(source, **options):
        panel = EventLogPanel(source.fleet, source.logbook, **options)
        qtbot.addWidget(panel)
        panel.resize(1000, 400)
        panel.show()
        made.append(panel)
        return panel

    yield make
    for panel in made:
        panel.shutdown()


def settled(qtbot, panel):
    qtbot.waitUntil(lambda: not panel.model.searching, timeout=WAIT_MS)
    return panel


def is_window(query) -> bool:
    return query is not None and query.occurred_from is not None


def test_a_page_is_sought_on_a_worker_while_the_console_stays_responsive(qtbot, source, monkeypatch, make_panel):
    panel = settled(qtbot, make_panel(source))
    pages = HeldPages(monkeypatch, source.logbook, is_window)
    panel.set_time_range(at(30), at(40))
    pages.wait_until_held()
    assert panel.model.searching and panel.model.rowCount() == 0
    assert panel.search_label.isVisible() and panel.search_label.text().startswith("Searching the log")
    assert panel.stop_button.isVisible() and panel.stop_button.text() == "Stop"
    early = []
    panel.model.rowsInserted.connect(lambda *_: early.append(True))
    ticked = []
    QTimer.singleShot(20, lambda: ticked.append(True))
    qtbot.waitUntil(lambda: bool(ticked), timeout=WAIT_MS)  # the GUI thread runs its timers meanwhile
    qtbot.keyClicks(panel.ship_box, "LATE")                  # and takes the operator's typing
    assert early == [] and panel.ship_box.text() == "LATE" and panel.model.searching
    panel.ship_box.clear()
    panel.apply_filters()  # the typing changed the filter: back to the window alone, sought anew
    pages.release()
    settled(qtbot, panel)
    expected = [e.position for e in logged(source) if at(30) <= e.occurred_at <= at(40) + 999]
    assert [e.position for e in panel.model.events()] == expected
    assert threading.main_thread() not in pages.threads
    assert not panel.search_label.isVisible() and not panel.stop_button.isVisible()
    assert panel.count_label.text() == f"{len(expected):,} events"


def test_a_newer_filters_page_is_never_overwritten_by_an_older_slower_one(qtbot, source, monkeypatch, make_panel):
    panel = settled(qtbot, make_panel(source, page_size=30))  # a page fills the view: it asks for no more
    pages = HeldPages(monkeypatch, source.logbook, lambda query: query is not None and query.occurred_from == at(100))
    panel.set_time_range(at(100), at(110))        # the older request: held in the store
    pages.wait_until_held()
    panel.set_time_range(at(0), at(60))           # the newer one: answered at once
    settled(qtbot, panel)
    newer = [e.position for e in logged(source) if at(0) <= e.occurred_at <= at(60) + 999]
    older = [e.position for e in logged(source) if at(100) <= e.occurred_at <= at(110) + 999]
    assert len(newer) > 30 and older and min(older) > newer[29]  # the older page would land after the newer
    assert [e.position for e in panel.model.events()] == newer[:30]
    changed = []
    panel.model.rowsInserted.connect(lambda *_: changed.append(True))
    panel.model.modelReset.connect(lambda: changed.append(True))
    pages.release()
    the_work_has_ended()                           # the older page came back, late
    assert changed == []
    assert [e.position for e in panel.model.events()] == newer[:30]
    assert panel.model.query == EventQuery(occurred_from=at(0), occurred_to=at(60) + 999)


def test_stop_keeps_what_was_found_and_continue_seeks_on(qtbot, source, monkeypatch, make_panel):
    mmsi = LATE_MMSI
    expected = [e.position for e in logged(source) if e.stream_id == f"ship-{mmsi}"]
    panel = settled(qtbot, make_panel(source, search_step=40, page_size=1_000))
    pages = HeldPages(monkeypatch, source.logbook, lambda query: query is not None and query.mmsi == mmsi,
                      from_call=3)
    panel.set_ship_filter(str(mmsi))
    pages.wait_until_held()                        # two steps read, the third in hand
    qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    pages.release()
    settled(qtbot, panel)
    found = [e.position for e in panel.model.events()]
    assert panel.model.stopped and found == [p for p in expected if p <= 120]
    assert panel.search_label.text() == "Search stopped" and panel.stop_button.text() == "Continue"
    assert not panel.model.canFetchMore(QModelIndex())
    qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    settled(qtbot, panel)
    assert [e.position for e in panel.model.events()] == expected and panel.model.at_end
    assert not panel.search_label.isVisible()


def test_events_committed_while_the_last_page_is_sought_appear_once_it_arrives(qtbot, source, monkeypatch,
                                                                               make_panel):
    panel = settled(qtbot, make_panel(source, page_size=100_000))
    pages = HeldPages(monkeypatch, source.logbook, lambda query: query is not None and query.mmsi == LATE_MMSI)
    panel.set_ship_filter(str(LATE_MMSI))
    pages.wait_until_held()
    report = PositionReported(mmsi=LATE_MMSI, occurred_at=at(200), lat=50.5, lon=-1.5, sog=9.0, cog=45.0)
    with qtbot.waitSignal(panel.bridge.eventsArrived, timeout=WAIT_MS):
        worker = threading.Thread(target=append, args=(source, [(report, at(200))]))
        worker.start()
        worker.join()
    pages.release()
    settled(qtbot, panel)
    expected = [e.position for e in logged(source) if e.stream_id == f"ship-{LATE_MMSI}"]
    assert [e.position for e in panel.model.events()] == expected
    assert panel.model.events()[-1].event == report and panel.model.at_end


def test_a_page_the_store_cannot_read_says_so_and_can_be_tried_again(qtbot, source, monkeypatch, make_panel):
    from store import StoreError

    panel = settled(qtbot, make_panel(source))
    read = source.logbook.event_page
    failures = [StoreError("database disk image is malformed")]

    def event_page(query, *args, **kwargs):
        if failures:
            raise failures.pop()
        return read(query, *args, **kwargs)

    monkeypatch.setattr(source.logbook, "event_page", event_page)
    panel.set_types({"ShipRegistered"})
    settled(qtbot, panel)
    assert panel.model.stopped and isinstance(panel.model.failure, StoreError)
    assert panel.search_label.text() == "The log could not be read: database disk image is malformed"
    assert panel.stop_button.text() == "Try again"
    qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    settled(qtbot, panel)
    assert [e.position for e in panel.model.events()] == [e.position for e in logged(source)
                                                           if e.type == "ShipRegistered"]


def test_closing_the_log_while_a_page_is_sought_drops_it(qtbot, source, monkeypatch, make_panel):
    panel = settled(qtbot, make_panel(source))
    pages = HeldPages(monkeypatch, source.logbook, is_window)
    panel.set_time_range(at(30), at(40))
    pages.wait_until_held()
    inserted = []
    panel.model.rowsInserted.connect(lambda *_: inserted.append(True))
    pages.release()
    panel.shutdown()
    the_work_has_ended()
    assert not panel.model.searching and inserted == []
