"""Every filtered read of the log returns exactly the events a plain filter over the whole log keeps: by
stream, by type, by either clock, by position, alone or together, including streams and types never seen."""
from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.events import NewEvent, OperatorNoteAdded
from store import open_store
from tests.fleet_events import MINUTE, T0, registered, report

SHIPS = (219000001, 219000002, 219000003)
STREAMS = [f"ship-{mmsi}" for mmsi in SHIPS] + ["operations", "ship-999999999"]  # the last is never written
TYPES = ["PositionReported", "ShipRegistered", "OperatorNoteAdded", "ZoneDefined"]  # nor is the last


def note(mmsi: int | None, minute: int) -> NewEvent:
    return NewEvent(OperatorNoteAdded(occurred_at=T0 + minute * MINUTE, operator="Ana", mmsi=mmsi, text=f"at {minute}"),
                    recorded_at=T0 + (minute + 3) * MINUTE, metadata={"operator": "Ana"})


@pytest.fixture(scope="module")
def log():
    """A log of 120 events on four streams and three types, some recorded late, in no particular time order."""
    store = open_store("sqlite://")
    items = [registered(mmsi, 0, f"SHIP {mmsi}") for mmsi in SHIPS]
    for i in range(117):
        minute = (i * 37) % 90
        if i % 9 == 0:
            items.append(note(SHIPS[i % 3] if i % 2 else None, minute))
        else:
            items.append(report(SHIPS[i % 3], minute, late_minutes=(i % 4) * 10, lat=50 + i / 1000))
    store.append_batch(items)
    yield store
    store.close()


minutes = st.none() | st.integers(-5, 100).map(lambda m: T0 + m * MINUTE)
some_streams = st.none() | st.lists(st.sampled_from(STREAMS), max_size=3, unique=True)
some_types = st.none() | st.lists(st.sampled_from(TYPES), max_size=2, unique=True)


def kept(event, *, streams=None, types=None, occurred_from=None, occurred_to=None, recorded_to=None) -> bool:
    return ((streams is None or event.stream_id in streams) and (types is None or event.type in types)
            and (occurred_from is None or event.occurred_at >= occurred_from)
            and (occurred_to is None or event.occurred_at <= occurred_to)
            and (recorded_to is None or event.recorded_at <= recorded_to))


@settings(max_examples=60, deadline=None)
@given(streams=some_streams, occurred_from=minutes, occurred_to=minutes, recorded_to=minutes,
       from_position=st.integers(1, 125), to_position=st.none() | st.integers(0, 125))
def test_reading_the_log_keeps_exactly_the_events_in_range_on_the_streams(log, streams, occurred_from, occurred_to,
                                                                           recorded_to, from_position, to_position):
    every = list(log.read_all())
    want = [e.position for e in every if kept(e, streams=streams, occurred_from=occurred_from, occurred_to=occurred_to,
                                               recorded_to=recorded_to)
            and e.position >= from_position and (to_position is None or e.position <= to_position)]
    got = log.read_all(from_position, to_position=to_position, occurred_from=occurred_from, occurred_to=occurred_to,
                       recorded_to=recorded_to, stream_names=streams, page=7)
    assert [e.position for e in got] == want


@settings(max_examples=60, deadline=None)
@given(stream=st.sampled_from(STREAMS), from_version=st.integers(1, 40), occurred_from=minutes, occurred_to=minutes)
def test_reading_one_stream_keeps_its_events_from_a_version_in_range(log, stream, from_version, occurred_from,
                                                                      occurred_to):
    want = [e.position for e in log.read_all() if kept(e, streams=[stream], occurred_from=occurred_from,
                                                         occurred_to=occurred_to) and e.version >= from_version]
    got = log.read_stream(stream, from_version=from_version, occurred_from=occurred_from, occurred_to=occurred_to)
    assert [e.position for e in got] == want


@settings(max_examples=60, deadline=None)
@given(stream=st.none() | st.sampled_from(STREAMS), types=some_types, occurred_from=minutes, occurred_to=minutes,
       after=st.integers(0, 125), limit=st.integers(1, 50))
def test_a_page_of_the_event_log_is_the_next_matching_events_after_a_position(log, stream, types, occurred_from,
                                                                             occurred_to, after, limit):
    want = [e.position for e in log.read_all() if kept(
        e, streams=None if stream is None else [stream], types=types, occurred_from=occurred_from,
        occurred_to=occurred_to) and e.position > after][:limit]
    got = log.read_page(after_position=after, limit=limit, stream_id=stream, type_names=types,
                        occurred_from=occurred_from, occurred_to=occurred_to)
    assert [e.position for e in got] == want
    if types is not None:
        assert [e.position for e in log.read_types(types, occurred_from=occurred_from, occurred_to=occurred_to)] == [
            e.position for e in log.read_all() if kept(e, types=types, occurred_from=occurred_from,
                                                       occurred_to=occurred_to)]


@settings(max_examples=60, deadline=None)
@given(streams=some_streams, occurred_from=minutes, occurred_to=minutes)
def test_counts_and_the_position_span_of_a_range_match_its_events(log, streams, occurred_from, occurred_to):
    matching = [e for e in log.read_all() if kept(e, streams=streams, occurred_from=occurred_from,
                                                  occurred_to=occurred_to)]
    assert log.count_by_type(occurred_from=occurred_from, occurred_to=occurred_to,
                             stream_names=streams) == dict(Counter(e.type for e in matching))
    span = log.position_span(occurred_from=occurred_from, occurred_to=occurred_to, stream_names=streams)
    assert span == ((matching[0].position, matching[-1].position) if matching else None)
