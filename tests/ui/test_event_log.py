"""The event log dock: a lazy, filterable audit trail that follows the log as events commit."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading

import pytest
from PySide6.QtCore import QModelIndex, Qt

from app.event_log import EventQuery
from domain.events import OperatorNoteAdded, PositionReported, ShipDetailsChanged, ShipRegistered
from domain.time import MICROS_PER_MINUTE
from tests.ui.fleet_store import LATE_MMSI, LATE_RECORDED_AT, T0, Calls, Subscriptions, append, channel_fleet, logged
from ui.event_log import EventLogPanel
from ui.event_log_model import PAGE_SIZE, Column, EventLogModel, summary_of

SMALL = dict(ships=30, hours=2.0)


def at(minutes: int) -> int:
    return T0 + minutes * MICROS_PER_MINUTE


@pytest.fixture
def source(fleet_stores):
    return fleet_stores.open(channel_fleet(**SMALL))


@pytest.fixture(scope="module")
def whole_fleet(module_fleet_stores):
    """The whole Channel fleet (several thousand events), for the tests that only read it."""
    return module_fleet_stores.open(channel_fleet(), name="whole.sqlite")


@pytest.fixture
def panel(qtbot, source):
    widget = EventLogPanel(source.fleet, source.logbook)
    qtbot.addWidget(widget)
    widget.resize(1000, 400)
    widget.show()
    yield widget
    widget.shutdown()


WAIT_MS = 10_000


def settled(qtbot, model: EventLogModel) -> EventLogModel:
    """The model once the page it seeks (on a worker) has arrived."""
    qtbot.waitUntil(lambda: not model.searching, timeout=WAIT_MS)
    return model


def read_to_end(qtbot, model: EventLogModel) -> list:
    settled(qtbot, model)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        settled(qtbot, model)
    return model.events()


def positions(events) -> list[int]:
    return [event.position for event in events]


def a_ship(source, index: int = 3) -> int:
    return 235_000_000 + 1_000 * index + 7


def append_from_another_thread(source, facts) -> None:
    worker = threading.Thread(target=append, args=(source, facts))
    worker.start()
    worker.join()


# --- lazy loading ---------------------------------------------------------------------------------------------


def test_opening_the_log_loads_only_its_first_page(qtbot, whole_fleet, monkeypatch):
    source = whole_fleet
    assert len(logged(source)) > 5_000
    pages = Calls(monkeypatch, source.logbook, "event_page")
    panel = EventLogPanel(source.fleet, source.logbook)
    qtbot.addWidget(panel)
    panel.resize(1000, 400)
    panel.show()
    qtbot.waitExposed(panel)
    settled(qtbot, panel.model)
    assert panel.model.rowCount() == PAGE_SIZE
    assert pages.count == 1
    assert panel.model.canFetchMore(QModelIndex())
    assert positions(panel.model.events()) == positions(logged(source)[:PAGE_SIZE])
    assert panel.count_label.text() == f"{PAGE_SIZE}+ events"
    panel.shutdown()


def test_scrolling_to_the_bottom_fetches_the_next_page(qtbot, whole_fleet):
    source = whole_fleet
    panel = EventLogPanel(source.fleet, source.logbook)
    qtbot.addWidget(panel)
    panel.resize(1000, 400)
    panel.show()
    qtbot.waitExposed(panel)
    settled(qtbot, panel.model)
    with qtbot.waitSignal(panel.model.rowsInserted, timeout=WAIT_MS):
        panel.view.scrollToBottom()
    assert panel.model.rowCount() == 2 * PAGE_SIZE
    assert positions(panel.model.events()) == positions(logged(source)[:2 * PAGE_SIZE])
    panel.shutdown()


def test_a_large_log_holds_only_the_pages_asked_for(qtbot, whole_fleet, monkeypatch):
    source = whole_fleet
    pages = Calls(monkeypatch, source.logbook, "event_page")
    model = settled(qtbot, EventLogModel(source.logbook, source.fleet, page_size=500))
    for _ in range(2):
        model.fetchMore(QModelIndex())
        settled(qtbot, model)
    assert model.rowCount() == 1_500 < len(logged(source))
    assert pages.count == 3
    assert positions(model.events()) == positions(logged(source)[:1_500])


def test_reading_to_the_end_holds_the_whole_log_in_order_once(qtbot, qapp, source):
    model = EventLogModel(source.logbook, source.fleet, page_size=97)
    assert positions(read_to_end(qtbot, model)) == positions(logged(source))
    assert not model.canFetchMore(QModelIndex())


# --- filters ----------------------------------------------------------------------------------------------------


def test_filtering_by_mmsi_shows_exactly_that_ships_events(qtbot, panel, source):
    mmsi = a_ship(source)
    panel.set_ship_filter(str(mmsi))
    expected = [e for e in logged(source) if e.stream_id == f"ship-{mmsi}"]
    assert expected
    assert positions(read_to_end(qtbot, panel.model)) == positions(expected)


def test_filtering_by_a_unique_name_finds_the_ship(qtbot, panel, source):
    panel.set_ship_filter("late relay")
    assert panel.query().mmsi == LATE_MMSI
    expected = [e for e in logged(source) if e.stream_id == f"ship-{LATE_MMSI}"]
    assert positions(read_to_end(qtbot, panel.model)) == positions(expected)


def test_a_name_matching_several_ships_shows_nothing_and_says_why(panel):
    panel.set_ship_filter("star")
    assert panel.query() is None
    assert panel.model.rowCount() == 0
    assert "ships match" in panel.count_label.text()


def test_typing_a_ship_applies_the_filter_after_a_pause(qtbot, panel, source):
    mmsi = a_ship(source, 5)
    with qtbot.waitSignal(panel.model.modelReset):
        qtbot.keyClicks(panel.ship_box, str(mmsi))
    qtbot.waitUntil(lambda: panel.model.query is not None and panel.model.query.mmsi == mmsi)
    settled(qtbot, panel.model)
    assert {e.stream_id for e in panel.model.events()} == {f"ship-{mmsi}"}


def test_selected_ship_only_follows_the_selection(qtbot, panel, source):
    first, second = a_ship(source, 4), a_ship(source, 6)
    panel.set_selected_ship(first)
    panel.selected_only.setChecked(True)
    assert not panel.ship_box.isEnabled()
    assert positions(read_to_end(qtbot, panel.model)) == positions([e for e in logged(source) if e.stream_id == f"ship-{first}"])
    panel.set_selected_ship(second)
    assert positions(read_to_end(qtbot, panel.model)) == positions([e for e in logged(source) if e.stream_id == f"ship-{second}"])
    panel.set_selected_ship(None)
    assert panel.model.rowCount() == 0
    assert panel.count_label.text() == "no ship selected"


def test_filtering_by_type_shows_exactly_those_types(qtbot, panel, source):
    panel.set_types({"ShipRegistered"})
    expected = [e for e in logged(source) if e.type == "ShipRegistered"]
    assert positions(read_to_end(qtbot, panel.model)) == positions(expected)
    assert panel.type_button.text() == "Registered"


def test_unticking_a_type_in_the_menu_hides_it(qtbot, panel, source):
    with qtbot.waitSignal(panel.model.modelReset, timeout=2_000):
        panel.type_actions["PositionReported"].setChecked(False)
    assert panel.query().types == frozenset(panel.type_actions) - {"PositionReported"}
    expected = [e for e in logged(source) if e.type != "PositionReported"]
    assert positions(read_to_end(qtbot, panel.model)) == positions(expected)


def test_filtering_by_time_shows_exactly_what_occurred_within(qtbot, panel, source):
    start, end = at(30), at(60)
    panel.set_time_range(start, end)
    query = panel.query()
    assert (query.occurred_from, query.occurred_to) == (start, end + 999)
    expected = [e for e in logged(source) if start <= e.occurred_at <= end + 999]
    assert expected and len(expected) < len(logged(source))
    assert positions(read_to_end(qtbot, panel.model)) == positions(expected)
    panel.set_time_range(None, None)
    assert panel.query() == EventQuery()


def test_ship_type_and_time_filters_combine(qtbot, panel, source):
    mmsi = LATE_MMSI
    panel.set_ship_filter(str(mmsi))
    panel.set_types({"PositionReported"})
    panel.set_time_range(at(50), at(100))
    expected = [e for e in logged(source) if e.stream_id == f"ship-{mmsi}" and e.type == "PositionReported"
                and at(50) <= e.occurred_at <= at(100) + 999]
    assert len(expected) == 6
    assert positions(read_to_end(qtbot, panel.model)) == positions(expected)


def test_full_history_clears_other_filters(qtbot, panel, source):
    panel.set_types({"ShipRegistered"})
    panel.set_time_range(at(10), at(20))
    mmsi = a_ship(source, 2)
    panel.show_ship_history(mmsi)
    assert panel.query() == EventQuery(mmsi=mmsi)
    assert positions(read_to_end(qtbot, panel.model)) == positions([e for e in logged(source) if e.stream_id == f"ship-{mmsi}"])


# --- what a row says --------------------------------------------------------------------------------------------


def test_a_row_says_when_where_and_who(qtbot, panel, source):
    events = read_to_end(qtbot, panel.model)
    row = next(i for i, e in enumerate(events) if isinstance(e.event, PositionReported) and e.event.mmsi == LATE_MMSI
               and e.occurred_at == T0)
    text = {column: panel.model.index(row, column).data() for column in Column}
    assert text[Column.TIME] == "2026-11-25 12:00:00"
    assert text[Column.RECORDED] == ""
    assert text[Column.SHIP] == f"LATE RELAY · {LATE_MMSI}"
    assert text[Column.TYPE] == "Position"
    assert text[Column.SUMMARY] == "50°18.0′N 003°00.0′W · 12.0 kn · 090°"
    assert text[Column.SOURCE] == "test"


def test_a_late_report_shows_when_it_was_recorded(qtbot, panel, source):
    events = read_to_end(qtbot, panel.model)
    late = [i for i, e in enumerate(events) if e.recorded_at - e.occurred_at > MICROS_PER_MINUTE]
    assert late
    for row in late:
        assert panel.model.index(row, Column.RECORDED).data() == "2026-11-25 14:30:00"
        assert events[row].recorded_at == LATE_RECORDED_AT
    on_time = next(i for i, e in enumerate(events) if i not in late)
    assert panel.model.index(on_time, Column.RECORDED).data() == ""


def test_summaries_read_as_an_operator_would_say_them(source):
    registered = next(e for e in logged(source) if isinstance(e.event, ShipRegistered) and e.event.name == "LATE RELAY")
    assert summary_of(registered) == "registered as LATE RELAY · tanker"
    append(source, [(ShipDetailsChanged(mmsi=LATE_MMSI, occurred_at=at(200), name="EARLY RELAY",
                                         destination="ROTTERDAM", eta=at(24 * 60)), at(200))])
    assert summary_of(logged(source)[-1]) == "renamed to EARLY RELAY · destination ROTTERDAM · ETA 2026-11-26 12:00 UTC"
    source.operator = "Jo"
    note = source.logbook.add_note("Hailed on\nVHF 16")
    assert summary_of(note) == "Hailed on VHF 16"


def test_a_new_event_that_matches_appears_at_the_end(qtbot, panel, source):
    read_to_end(qtbot, panel.model)
    rows = panel.model.rowCount()
    report = PositionReported(mmsi=LATE_MMSI, occurred_at=at(200), lat=50.5, lon=-1.5, sog=9.0, cog=45.0)
    with qtbot.waitSignal(panel.model.rowsInserted):
        append_from_another_thread(source, [(report, at(200))])
    assert panel.model.rowCount() == rows + 1
    assert panel.model.event_at(rows).event == report


def test_a_note_from_another_thread_shows_the_watch_and_operator(qtbot, panel, source):
    read_to_end(qtbot, panel.model)
    source.operator = "Sam Reyes"
    worker = threading.Thread(target=source.logbook.add_note, args=("Handover to the night watch",))
    with qtbot.waitSignal(panel.model.rowsInserted):
        worker.start()
        worker.join()
    row = panel.model.rowCount() - 1
    assert isinstance(panel.model.event_at(row).event, OperatorNoteAdded)
    assert panel.model.index(row, Column.SHIP).data() == "watch"
    assert panel.model.index(row, Column.OPERATOR).data() == "Sam Reyes"
    assert panel.model.index(row, Column.SUMMARY).data() == "Handover to the night watch"


def test_a_new_event_that_does_not_match_is_not_added(qtbot, panel, source):
    panel.set_ship_filter(str(LATE_MMSI))
    read_to_end(qtbot, panel.model)
    rows = panel.model.rowCount()
    other = PositionReported(mmsi=a_ship(source), occurred_at=at(200), lat=50.5, lon=-1.5)
    mine = PositionReported(mmsi=LATE_MMSI, occurred_at=at(201), lat=50.5, lon=-1.5)
    append_from_another_thread(source, [(other, at(200))])
    with qtbot.waitSignal(panel.model.rowsInserted):
        append_from_another_thread(source, [(mine, at(201))])
    assert panel.model.rowCount() == rows + 1
    assert panel.model.event_at(rows).event == mine


def test_new_events_wait_for_fetch_more_until_the_log_is_read_to_its_end(qtbot, source):
    panel = EventLogPanel(source.fleet, source.logbook, page_size=100)
    qtbot.addWidget(panel)
    report = PositionReported(mmsi=LATE_MMSI, occurred_at=at(200), lat=50.5, lon=-1.5)
    with qtbot.waitSignal(panel.bridge.eventsArrived):
        append_from_another_thread(source, [(report, at(200))])
    with qtbot.waitSignal(panel.bridge.eventsArrived):
        note = source.logbook.add_note("bridge check")
    assert settled(qtbot, panel.model).rowCount() == 100
    assert positions(read_to_end(qtbot, panel.model)) == positions(logged(source))
    assert panel.model.events()[-1] == note
    panel.shutdown()


def _bulk(source, count: int):
    """A batch as an import commits it: many reports in one append."""
    return append(source, [(PositionReported(mmsi=LATE_MMSI, occurred_at=at(300) + i * 1_000_000, lat=50.0,
                                             lon=-1.0 + i / 100_000), at(300) + i * 1_000_000)
                           for i in range(count)])


def test_a_bulk_commit_adds_a_page_and_leaves_the_rest_to_be_read_as_the_view_scrolls(qtbot, source):
    """An import's batch is tens of thousands of events: the model must not hold them all (a national day
    would be ten million rows) nor stall the window inserting them."""
    model = EventLogModel(source.logbook, source.fleet, page_size=40)
    read_to_end(qtbot, model)
    held = model.rowCount()
    assert model.add_events(_bulk(source, 150)) == 40
    assert model.rowCount() == held + 40 and model.canFetchMore(QModelIndex())
    assert positions(read_to_end(qtbot, model)) == positions(logged(source))  # all of it, in order, once


def test_a_bulk_commit_while_the_last_page_is_sought_is_kept_to_a_page_too(qtbot, source):
    model = EventLogModel(source.logbook, source.fleet, page_size=40)
    query = EventQuery(mmsi=LATE_MMSI)
    before = [event for event in logged(source) if query.matches(event)]
    assert len(before) < 40  # the page sought is the last one
    model.set_query(query)  # sought on a worker meanwhile
    assert model.searching
    model.add_events(_bulk(source, 150))
    settled(qtbot, model)
    assert model.rowCount() == len(before) + 40 and model.canFetchMore(QModelIndex())
    assert positions(read_to_end(qtbot, model)) == positions(event for event in logged(source) if query.matches(event))


def test_news_stops_growing_a_model_that_holds_many_rows_and_the_rest_is_read_on_scrolling(qtbot, source):
    """A national feed commits a hundred events a second: a model following the log's end would hold them all."""
    model = EventLogModel(source.logbook, source.fleet, page_size=40, live_rows_max=120)
    held = len(read_to_end(qtbot, model))
    assert held > 120
    assert model.add_events(_bulk(source, 3)) == 0 and model.rowCount() == held
    assert model.canFetchMore(QModelIndex())
    assert positions(read_to_end(qtbot, model)) == positions(logged(source))


def test_closing_stops_listening(qtbot, source, monkeypatch):
    subscriptions = Subscriptions(monkeypatch, source)
    panel = EventLogPanel(source.fleet, source.logbook)
    qtbot.addWidget(panel)
    assert subscriptions.count == 1
    panel.shutdown()
    panel.shutdown()
    assert subscriptions.count == 0


# --- activation and the model contract --------------------------------------------------------------------------


def test_double_clicking_a_row_emits_its_event(qtbot, panel):
    settled(qtbot, panel.model)
    panel.view.scrollTo(panel.model.index(3, 0))
    qtbot.waitExposed(panel)
    rect = panel.view.visualRect(panel.model.index(3, Column.SUMMARY))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(panel.eventActivated) as activated:
        qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert activated.args == [panel.model.event_at(3)]


def test_the_model_passes_the_model_tester_through_pages_queries_and_live_events(qtbot, qtmodeltester, source):
    model = EventLogModel(source.logbook, source.fleet, page_size=50)
    qtmodeltester.check(model, force_py=True)
    settled(qtbot, model).fetchMore(QModelIndex())
    model.set_query(EventQuery(mmsi=LATE_MMSI))
    read_to_end(qtbot, model)
    added = append(source, [(PositionReported(mmsi=LATE_MMSI, occurred_at=at(300), lat=50.0, lon=-1.0), at(300))])
    model.add_events(added)
    model.set_query(EventQuery(types=frozenset({"ShipRegistered"}), occurred_from=at(0), occurred_to=at(60)))
    settled(qtbot, model)
    model.set_query(None)
    model.set_query(EventQuery())
    settled(qtbot, model)
