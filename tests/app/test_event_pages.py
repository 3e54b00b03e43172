"""A page of the event log sought in steps is the page one read gives: it reports how far it has read, stops
between steps when asked (keeping what it found and saying where it got to), and says when it reached the
head of the log."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.console import Console
from app.event_log import EventQuery, SearchProgress, find_page
from app.fleet_service import FleetService
from store import open_store
from tests.fleet_events import MINUTE, T0, report

SHIPS = (219000001, 219000002, 219000003)


def logbook_of(minutes: list[int]):
    store = open_store("sqlite://")
    service = FleetService.open(store)
    service.append([report(SHIPS[i % 3], minute, lat=50 + i / 1000) for i, minute in enumerate(minutes)])
    return store, Console.over(service).logbook


queries = st.builds(EventQuery, mmsi=st.none() | st.sampled_from(SHIPS),
                    occurred_from=st.none() | st.integers(0, 60).map(lambda m: T0 + m * MINUTE),
                    occurred_to=st.none() | st.integers(0, 60).map(lambda m: T0 + m * MINUTE))


@settings(max_examples=40, deadline=None)
@given(minutes=st.lists(st.integers(0, 60), max_size=50), query=queries, after=st.integers(0, 55),
       limit=st.integers(1, 20), step=st.integers(1, 13))
def test_a_page_found_in_steps_is_the_page_of_one_read(minutes, query, after, limit, step):
    store, logbook = logbook_of(minutes)
    try:
        reported: list[SearchProgress] = []
        page = find_page(logbook, query, after, limit, reported.append, step=step)
        whole = logbook.event_page(query, after, limit)
        assert [e.position for e in page.events] == [e.position for e in whole]
        head = len(minutes)
        assert page.at_end == (len(whole) < limit)  # a full page says nothing of what lies after it
        if page.at_end:
            assert page.searched_to == max(after, head)
        else:
            assert page.searched_to == whole[-1].position
        positions = [p.position for p in reported]
        assert positions == sorted(positions) and all(p.head == head for p in reported)
    finally:
        store.close()


def test_a_search_asked_to_stop_keeps_what_it_found_and_where_it_got_to():
    store, logbook = logbook_of(list(range(40)))
    try:
        steps: list[SearchProgress] = []
        page = find_page(logbook, EventQuery(mmsi=SHIPS[0]), 0, 100, steps.append, lambda: len(steps) >= 2, step=5)
        assert page.stopped and not page.at_end and page.searched_to == 10
        assert [e.position for e in page.events] == [1, 4, 7, 10]
        rest = find_page(logbook, EventQuery(mmsi=SHIPS[0]), page.searched_to, 100, step=5)
        assert rest.at_end and [e.position for e in rest.events] == list(range(13, 41, 3))
        assert steps[-1].fraction == 10 / 40
    finally:
        store.close()
