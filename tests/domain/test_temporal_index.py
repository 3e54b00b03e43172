"""The fast temporal index answers exactly what the plain fold of the log answers."""
from __future__ import annotations

import uuid

import numpy as np

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.events import NewEvent, PositionReported, RecordedEvent, ShipDetailsChanged, ShipRegistered
from domain.fleet_state import replay
from domain.temporal_index import TemporalIndex
from domain import ais

MMSIS = [219000001, 219000002, 235000003, 257000004, 366000005]


def recorded_log(new_events: list[NewEvent]) -> list[RecordedEvent]:
    """Give hand-made events log positions and stream versions, as the store would."""
    versions: dict[str, int] = {}
    log = []
    for position, item in enumerate(new_events, start=1):
        stream = item.event.stream_id
        versions[stream] = versions.get(stream, 0) + 1
        log.append(RecordedEvent(position, uuid.uuid4(), stream, versions[stream], item.event.TYPE, 1,
                                 item.event.occurred_at, item.recorded_at, {}, item.event, b""))
    return log


times = st.one_of(st.integers(0, 12), st.integers(0, 600))  # seconds; often tied, as real reports are


@st.composite
def reports(draw):
    occurred = draw(times) * 1_000_000
    lag = draw(st.one_of(st.just(0), st.integers(0, 5), st.integers(60, 900))) * 1_000_000
    mmsi = draw(st.sampled_from(MMSIS))
    kind = draw(st.sampled_from(["position"] * 6 + ["registered", "details"]))
    if kind == "position":
        event = PositionReported(
            mmsi=mmsi, occurred_at=occurred, lat=draw(st.floats(-89.9, 89.9)), lon=draw(st.floats(-179.9, 179.9)),
            sog=draw(st.one_of(st.none(), st.floats(0, 102.2))), cog=draw(st.one_of(st.none(), st.floats(0, 359.9))),
            heading=draw(st.one_of(st.none(), st.integers(0, 359))),
            nav_status=draw(st.one_of(st.none(), st.sampled_from(ais.NAV_STATUSES))))
    elif kind == "registered":
        event = ShipRegistered(mmsi=mmsi, occurred_at=occurred, name=draw(st.sampled_from(["ARIA", "BORA", None])),
                               ship_type=draw(st.one_of(st.none(), st.sampled_from(ais.SHIP_TYPES))))
    else:
        event = ShipDetailsChanged(mmsi=mmsi, occurred_at=occurred, name=draw(st.sampled_from(["CIRRUS", "DELTA"])),
                                   ship_type=draw(st.one_of(st.none(), st.sampled_from(ais.SHIP_TYPES))),
                                   destination=draw(st.sampled_from([None, "ROTTERDAM", "CIRRUS"])))
    return NewEvent(event, recorded_at=occurred + lag)


queries = st.tuples(st.integers(-10, 1600), st.one_of(st.none(), st.integers(-10, 1600)))


def assert_index_matches_fold(index: TemporalIndex, log: list[RecordedEvent], at_s: int, known_s: int | None) -> None:
    at = at_s * 1_000_000
    known_at = None if known_s is None else known_s * 1_000_000
    assert index.ships_at(at, known_at) == replay(log, at, known_at).positioned()


@settings(max_examples=300)
@given(st.lists(reports(), max_size=60), st.lists(queries, min_size=1, max_size=6))
def test_index_state_equals_the_fold_of_the_log(events, moments):
    log = recorded_log(events)
    index = TemporalIndex()
    index.add_all(log)
    for at_s, known_s in moments:
        assert_index_matches_fold(index, log, at_s, known_s)


@settings(max_examples=150)
@given(st.lists(reports(), max_size=60), st.integers(0, 60), st.lists(queries, min_size=1, max_size=4))
def test_an_index_that_grew_live_equals_one_built_at_once(events, split, moments):
    """Rows still in the unsorted tail (live appends) answer like compacted rows."""
    log = recorded_log(events)
    index = TemporalIndex()
    index.add_all(log[:split])
    for recorded in log[split:]:
        index.add(recorded)
    for at_s, known_s in moments:
        assert_index_matches_fold(index, log, at_s, known_s)


@settings(max_examples=60)
@given(st.lists(reports(), min_size=1, max_size=40), st.lists(queries, min_size=1, max_size=4))
def test_a_snapshot_answers_like_the_index_it_was_taken_from(events, moments):
    log = recorded_log(events)
    index = TemporalIndex()
    index.add_all(log)
    restored = TemporalIndex.from_bytes(index.to_bytes())
    assert restored.log_position == index.log_position
    for at_s, known_s in moments:
        assert_index_matches_fold(restored, log, at_s, known_s)


def test_a_long_run_of_late_reports_falls_back_correctly():
    """Many reports recorded long after they occurred (an archive imported later) stay hidden 'as known then'."""
    mmsi = MMSIS[0]
    events = [NewEvent(PositionReported(mmsi=mmsi, occurred_at=s * 1_000_000, lat=50.0 + s / 1000, lon=-1.0),
                       recorded_at=(s + 10_000) * 1_000_000) for s in range(0, 500)]
    events.insert(0, NewEvent(PositionReported(mmsi=mmsi, occurred_at=0, lat=49.0, lon=-2.0), recorded_at=0))
    log = recorded_log(events)
    index = TemporalIndex()
    index.add_all(log)
    for at_s, known_s in [(400, 400), (400, 10_200), (499, None), (499, 10_498)]:
        assert_index_matches_fold(index, log, at_s, known_s)


def test_a_late_report_does_not_move_a_ship_back_in_time():
    mmsi = MMSIS[1]
    log = recorded_log([
        NewEvent(PositionReported(mmsi=mmsi, occurred_at=100, lat=50.0, lon=-1.0), recorded_at=100),
        NewEvent(PositionReported(mmsi=mmsi, occurred_at=50, lat=49.0, lon=-2.0), recorded_at=200),
    ])
    index = TemporalIndex()
    index.add_all(log)
    (ship,) = index.ships_at(300)
    assert (ship.lat, ship.last_report_at) == (50.0, 100)
    assert replay(log, 300).positioned()[0].lat == 50.0


def test_of_two_facts_stamped_the_same_moment_the_later_in_the_log_wins():
    mmsi = MMSIS[2]
    log = recorded_log([
        NewEvent(ShipRegistered(mmsi=mmsi, occurred_at=10, name="FIRST", ship_type="cargo"), recorded_at=10),
        NewEvent(PositionReported(mmsi=mmsi, occurred_at=20, lat=50.0, lon=-1.0, sog=1.0), recorded_at=20),
        NewEvent(ShipDetailsChanged(mmsi=mmsi, occurred_at=10, name="SECOND"), recorded_at=30),
        NewEvent(PositionReported(mmsi=mmsi, occurred_at=20, lat=51.0, lon=-1.0, sog=2.0), recorded_at=40),
    ])
    index = TemporalIndex()
    index.add_all(log)
    (ship,) = index.ships_at(100)
    assert (ship.name, ship.lat, ship.sog) == ("SECOND", 51.0, 2.0)
    assert replay(log, 100).positioned() == [ship]
    (known_then,) = index.ships_at(100, known_at=25)
    assert (known_then.name, known_then.lat) == ("FIRST", 50.0)


def reports_in_window(log, mmsi, start, end, known_at):
    """The plain answer: a ship's reports in (start, end], in time order, later log entries after earlier."""
    rows = [r for r in log if isinstance(r.event, PositionReported) and r.event.mmsi == mmsi
            and start < r.occurred_at <= end and (known_at is None or r.recorded_at <= known_at)]
    return [(r.event.lat, r.event.lon) for r in sorted(rows, key=lambda r: (r.occurred_at, r.position))]


@settings(max_examples=120)
@given(st.lists(reports(), max_size=60), st.integers(0, 60), st.integers(0, 700), st.integers(1, 700),
       st.one_of(st.none(), st.integers(0, 1600)))
def test_trails_hold_each_ships_reports_in_the_window_in_time_order(events, split, at_s, window_s, known_s):
    log = recorded_log(events)
    index = TemporalIndex()
    index.add_all(log[:split])
    for recorded in log[split:]:
        index.add(recorded)  # some rows still in the live tail
    at, window = at_s * 1_000_000, window_s * 1_000_000
    known_at = None if known_s is None else known_s * 1_000_000
    trails = index.trails(at, window, known_at)
    for mmsi in MMSIS:
        mine = trails.mmsi == mmsi
        assert list(zip(trails.lat[mine], trails.lon[mine])) == reports_in_window(log, mmsi, at - window, at, known_at)
        run = np.flatnonzero(mine)
        if run.size:
            assert run[-1] - run[0] + 1 == run.size, "a ship's vertices are contiguous"
            assert trails.connect[run[:-1]].all() and not trails.connect[run[-1]]


@settings(max_examples=60)
@given(st.lists(reports(), max_size=50), st.integers(0, 600), st.integers(0, 600))
def test_a_track_and_report_times_follow_the_log(events, start_s, length_s):
    log = recorded_log(events)
    index = TemporalIndex()
    index.add_all(log)
    start, end = start_s * 1_000_000, (start_s + length_s) * 1_000_000
    for mmsi in MMSIS:
        track = index.track(mmsi, start, end)
        assert list(zip(track.lat, track.lon)) == reports_in_window(log, mmsi, start - 1, end, None)
        times = sorted(r.occurred_at for r in log if isinstance(r.event, PositionReported) and r.event.mmsi == mmsi)
        assert index.report_times(mmsi).tolist() == times


def test_the_density_of_reports_microseconds_apart_is_counted_not_refused():
    """A live feed's first reports can arrive microseconds apart: 300 slices of a span that short are still
    slices of that span, though at today's epoch microseconds no float can tell their edges apart."""
    now = 1_796_000_000_000_000  # 2026-11-28, in µs since 1970
    log = recorded_log([NewEvent(PositionReported(mmsi=mmsi, occurred_at=now + i, lat=60.0, lon=5.0),
                                 recorded_at=now + i) for i, mmsi in enumerate(MMSIS[:3])])
    index = TemporalIndex()
    index.add_all(log)
    counts = index.report_density(now, now + 2, 300)
    assert len(counts) == 300 and counts.sum() == 3 and counts[0] == 1 and counts[-1] == 1
