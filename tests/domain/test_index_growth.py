"""An index that grew report by report, in bulk blocks and through compactions and merges left half done,
answers every question exactly as an index built in one go from the same log (and as the plain fold)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import domain.temporal_index as temporal_index
import domain.time_grid as time_grid
from domain import ais
from domain.events import PositionReported, RecordedEvent
from domain.fleet_state import replay
from domain.sorted_rows import Merge, SortedRows
from domain.temporal_index import POSITION_COLUMNS, TemporalIndex
from domain.time_grid import TimeGrid
from domain.tracks import Track, Trails
from tests.domain.test_temporal_index import MMSIS, recorded_log, reports

SECOND = 1_000_000


def tenths(value: float | None) -> int:
    return -1 if value is None else round(value * 10)


def extend_with(index: TemporalIndex, block: list[RecordedEvent]) -> None:
    """Position reports added in bulk, in index units, as an import or the log's catch-up adds them."""
    events = [recorded.event for recorded in block]
    index.extend_positions(
        np.array([e.mmsi for e in events], np.int64), np.array([r.occurred_at for r in block], np.int64),
        np.array([r.recorded_at for r in block], np.int64),
        np.array([round(e.lat * 10_000_000) for e in events], np.int32),
        np.array([round(e.lon * 10_000_000) for e in events], np.int32),
        np.array([tenths(e.sog) for e in events], np.int16), np.array([tenths(e.cog) for e in events], np.int16),
        np.array([-1 if e.heading is None else e.heading for e in events], np.int16),
        np.array([-1 if e.nav_status is None else ais.NAV_STATUS_CODES[e.nav_status] for e in events], np.int8),
        block[-1].position)


def grown(log: list[RecordedEvent], data: st.DataObject) -> TemporalIndex:
    """The log folded in pieces chosen by ``data``: report by report, bulk blocks, compactions between, and
    questions asked on the way (a scrubbing console asks while the index grows), answered as the fold of
    the log so far answers them."""
    index = TemporalIndex()
    at = 0
    while at < len(log):
        way = data.draw(st.sampled_from(["add"] * 4 + ["bulk", "compact", "ask"]))
        if way == "compact":
            index.compact()
        elif way == "ask":
            moment, known = data.draw(st.integers(0, 1_600)) * SECOND, data.draw(st.one_of(st.none(), st.integers(0, 1_600)))
            known_at = None if known is None else known * SECOND
            assert index.ships_at(moment, known_at) == replay(log[:at], moment, known_at).positioned()
        elif way == "bulk" and isinstance(log[at].event, PositionReported):
            end = at
            while end < len(log) and end - at < 12 and isinstance(log[end].event, PositionReported):
                end += 1
            extend_with(index, log[at:end])
            at = end
        else:
            index.add(log[at])
            at += 1
    return index


def with_small_blocks(patch: pytest.MonkeyPatch, tail: int, recent: int, step: int, at_once_share: int) -> None:
    """Tails of a few rows, recent blocks of a few more, merges of a row or two a step (with
    ``at_once_share`` 0, however small the main block): every way a row can be held (tail, recent block, a
    merge half done, main block) comes up in a log of a few dozen events."""
    patch.setattr(temporal_index, "_TAIL_LIMIT", tail)
    patch.setattr(temporal_index, "_RECENT_LIMIT", recent)
    patch.setattr(temporal_index, "_MERGE_STEP_ROWS", step)
    patch.setattr(temporal_index, "_AT_ONCE_SHARE", at_once_share)


limits = st.integers(1, 4).flatmap(lambda tail: st.tuples(st.just(tail), st.integers(tail, 4 * tail), st.integers(1, 4),
                                                          st.sampled_from([0, 0, temporal_index._AT_ONCE_SHARE, 4])))
moments = st.tuples(st.integers(-10, 1_600), st.one_of(st.none(), st.integers(-10, 1_600)), st.integers(1, 700))


@settings(max_examples=200, deadline=None)
@given(st.lists(reports(), max_size=80), limits, st.lists(moments, min_size=1, max_size=4), st.data())
def test_an_index_grown_in_pieces_answers_as_one_built_at_once(events, sizes, asked, data):
    log = recorded_log(events)
    whole = TemporalIndex()
    whole.add_all(log)
    with pytest.MonkeyPatch.context() as patch:
        with_small_blocks(patch, *sizes)
        index = grown(log, data)
        assert index.report_count == whole.report_count
        assert index.time_range() == whole.time_range()
        for at_s, known_s, window_s in asked:
            at, window = at_s * SECOND, window_s * SECOND
            known_at = None if known_s is None else known_s * SECOND
            assert index.ships_at(at, known_at) == whole.ships_at(at, known_at) == replay(log, at, known_at).positioned()
            assert trails_by_ship(index.trails(at, window, known_at)) == trails_by_ship(whole.trails(at, window, known_at))
            chosen = np.array(MMSIS[::2], np.int64)
            assert trails_by_ship(index.trails(at, window, known_at, chosen)) == \
                trails_by_ship(whole.trails(at, window, known_at, chosen))
            for mmsi in MMSIS:
                assert same_track(index.track(mmsi, at - window, at, known_at), whole.track(mmsi, at - window, at, known_at))
            assert index.ships_reporting(at - window, at) == whole.ships_reporting(at - window, at)
            assert index.report_density(at - window, at, 7).tolist() == whole.report_density(at - window, at, 7).tolist()
        for mmsi in MMSIS:
            assert index.report_times(mmsi).tolist() == whole.report_times(mmsi).tolist()


@settings(max_examples=100, deadline=None)
@given(st.lists(reports(), min_size=1, max_size=60), limits, st.lists(moments, min_size=1, max_size=3), st.data())
def test_a_snapshot_of_an_index_with_a_merge_half_done_holds_every_row(events, sizes, asked, data):
    log = recorded_log(events)
    with pytest.MonkeyPatch.context() as patch:
        with_small_blocks(patch, *sizes)
        index = grown(log, data)
        restored = TemporalIndex.from_bytes(index.to_bytes())
    assert restored.report_count == index.report_count
    for at_s, known_s, _ in asked:
        at, known_at = at_s * SECOND, None if known_s is None else known_s * SECOND
        assert restored.ships_at(at, known_at) == replay(log, at, known_at).positioned()


def trails_by_ship(trails: Trails) -> dict[int, tuple[list[tuple[float, float]], list[bool]]]:
    """Each ship's trail (its vertices in order and which join the next), ships in whatever order they come."""
    by_ship = {}
    for mmsi in np.unique(trails.mmsi).tolist():
        run = np.flatnonzero(trails.mmsi == mmsi)
        assert run[-1] - run[0] + 1 == run.size, "a ship's vertices are contiguous"
        by_ship[mmsi] = (list(zip(trails.lat[run].tolist(), trails.lon[run].tolist())), trails.connect[run].tolist())
    return by_ship


def same_track(one: Track, other: Track) -> bool:
    return one.mmsi == other.mmsi and all(np.array_equal(getattr(one, name), getattr(other, name), equal_nan=True)
                                          for name in ("occurred", "recorded", "lat", "lon", "sog", "cog", "heading", "status"))


def sorted_block(draw, count: int, ships: int, first_value: int) -> SortedRows:
    ship = np.array(draw(st.lists(st.integers(0, ships - 1), min_size=count, max_size=count)), np.int32)
    occurred = np.array(draw(st.lists(st.integers(0, 30), min_size=count, max_size=count)), np.int64)
    value = np.arange(first_value, first_value + count, dtype=np.int32)  # says which row it was, in log order
    return SortedRows.of_block((ship, occurred, occurred + 5, {"value": value}))


@st.composite
def two_blocks(draw):
    ships = draw(st.integers(1, 5))
    older_n, newer_n = draw(st.integers(0, 50)), draw(st.integers(0, 50))
    return sorted_block(draw, older_n, ships, 0), sorted_block(draw, newer_n, ships + draw(st.integers(0, 2)), older_n)


@settings(max_examples=300, deadline=None)
@given(two_blocks(), st.integers(1, 20))
def test_two_sorted_blocks_merged_in_steps_are_the_rows_sorted_at_once(blocks, step):
    older, newer = blocks
    merge = Merge(older, newer, None, step)
    steps = 1
    while not merge.step():
        steps += 1
    both = SortedRows.of_block(tuple(np.concatenate([a, b]) for a, b in zip(
        (older.ship, older.occurred, older.recorded), (newer.ship, newer.occurred, newer.recorded))) +
                               ({"value": np.concatenate([older.values["value"], newer.values["value"]])},))
    result = merge.finish()
    assert result.ship.tolist() == both.ship.tolist()
    assert result.occurred.tolist() == both.occurred.tolist()
    assert result.values["value"].tolist() == both.values["value"].tolist(), "equal keys stay in log order"
    assert result.grid.grid.tolist() == both.grid.grid.tolist()
    if len(older) and len(newer):
        assert steps > (len(older) + len(newer)) // step, "no step writes more than its share of rows"


def test_a_large_index_folds_live_reports_while_its_main_block_is_merged_a_piece_at_a_time():
    """The recent block's merge into a main block of 200,000 rows is spread over the reports folded after it
    starts (some 30 of them at 16,384 rows a step), and the index answers as the fold does all along."""
    rng = np.random.default_rng(2)
    ships, rows = 50, 200_000
    index = TemporalIndex()
    mmsi = 219_000_000 + np.arange(ships, dtype=np.int64) * 7
    occurred = np.sort(rng.integers(0, 3_600, rows)) * SECOND
    extend_positions_plain(index, mmsi[rng.integers(0, ships, rows)], occurred)
    index.compact()
    with pytest.MonkeyPatch.context() as patch:
        with_small_blocks(patch, 64, 2_048, 16_384, temporal_index._AT_ONCE_SHARE)
        log: list[RecordedEvent] = []
        for n in range(2_048):  # the last one fills the recent block
            report = PositionReported(mmsi=int(mmsi[n % ships]), occurred_at=(3_600 + n) * SECOND, lat=1.0 + n / 10_000,
                                      lon=2.0)
            log += recorded_log_from(index.log_position + 1, [report])
            index.add(log[-1])
        main_before = index.positions.main
        assert len(main_before) == rows, "the recent block has not gone into the main block at once"
        held = []
        for n in range(40):
            report = PositionReported(mmsi=int(mmsi[n % ships]), occurred_at=(6_000 + n) * SECOND, lat=3.0, lon=4.0)
            log += recorded_log_from(index.log_position + 1, [report])
            index.add(log[-1])
            held.append(len(index.positions.main))
            assert index.ships_at((6_000 + n) * SECOND)[n % ships].lat == 3.0
        assert held[0] == rows and held[-1] > rows, "merged within forty reports, a piece with each"
        assert index.report_count == rows + len(log)


def extend_positions_plain(index: TemporalIndex, mmsi: np.ndarray, occurred: np.ndarray) -> None:
    n = len(mmsi)
    zeros = {name: np.zeros(n, dtype) for name, dtype in POSITION_COLUMNS.items()}
    index.extend_positions(mmsi, occurred, occurred, zeros["lat"], zeros["lon"], zeros["sog"], zeros["cog"],
                           zeros["heading"], zeros["status"], n)


def recorded_log_from(position: int, events: list[PositionReported]) -> list[RecordedEvent]:
    from domain.events import NewEvent

    log = recorded_log([NewEvent(event, recorded_at=event.occurred_at) for event in events])
    return [RecordedEvent(position + i, r.event_id, r.stream_id, r.version, r.type, r.schema_version, r.occurred_at,
                          r.recorded_at, r.metadata, r.event, r.hash) for i, r in enumerate(log)]


@settings(max_examples=200, deadline=None)
@given(two_blocks(), st.integers(1, 7))
def test_a_time_grid_counted_a_few_rows_at_a_time_is_the_grid_counted_at_once(blocks, piece):
    rows, _ = blocks
    at_once = TimeGrid(rows.ship, rows.occurred)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time_grid, "_COUNTED_AT_ONCE", piece)
        in_pieces = TimeGrid(rows.ship, rows.occurred)
    assert (in_pieces.first, in_pieces.last, in_pieces.buckets, in_pieces.width) == \
        (at_once.first, at_once.last, at_once.buckets, at_once.width)
    assert in_pieces.grid.tolist() == at_once.grid.tolist()
