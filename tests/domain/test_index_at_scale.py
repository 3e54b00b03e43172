"""The index's fast paths for a national fleet (the time grid, trails of the ships in view, the density
strip's counts) answer what the plain fold and plain counting answer."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import domain.temporal_index as temporal_index
from domain.events import NewEvent, PositionReported
from domain.fleet_state import replay
from domain.temporal_index import TemporalIndex
from domain.time_grid import TimeGrid
from tests.domain.test_temporal_index import MMSIS, recorded_log, reports, reports_in_window


@st.composite
def ship_rows(draw):
    """Rows sorted by ship then time, as the index keeps them: runs of reports, often many in a burst."""
    ships = draw(st.integers(1, 6))
    ship, occurred = [], []
    for slot in range(ships):
        gaps = draw(st.lists(st.one_of(st.integers(0, 2), st.integers(0, 5_000)), max_size=40))
        times = np.cumsum([draw(st.integers(-100, 100))] + gaps)
        ship += [slot] * len(times)
        occurred += times.tolist()
    return np.array(ship, np.int32), np.array(occurred, np.int64)


@settings(max_examples=300)
@given(ship_rows(), st.one_of(st.none(), st.integers(1, 50)), st.lists(st.integers(-200, 200_000), min_size=1, max_size=8))
def test_the_grid_finds_each_ships_first_row_after_a_moment_as_a_plain_scan_does(rows, buckets, moments):
    ship, occurred = rows
    grid = TimeGrid(ship, occurred, buckets)
    slots = np.arange(int(ship.max(initial=-1)) + 3, dtype=np.int64)  # two ships more than it has rows of
    for at in moments:
        expected = []
        for slot in slots.tolist():
            mine = np.flatnonzero(ship == slot)
            after = mine[occurred[mine] > at]
            expected.append(int(after[0]) if after.size else int(mine[-1]) + 1 if mine.size else None)
        got = grid.first_after(slots, at, occurred).tolist()
        starts = grid.starts(slots).tolist()
        for slot, want in enumerate(expected):
            if want is None:
                assert got[slot] == starts[slot], "a ship without rows has an empty range"
            else:
                assert got[slot] == want


def dense_reports(draw_count: int, seed: int) -> list[NewEvent]:
    """Two ships reporting in bursts (many reports a second, then minutes of nothing), some recorded late."""
    rng = np.random.default_rng(seed)
    events = []
    for i in range(draw_count):
        mmsi = MMSIS[i % 2]
        burst, within = divmod(i, 20)
        occurred = (burst * 300 + within // 2) * 1_000_000
        late = rng.random() < 0.2
        recorded = occurred + (int(rng.integers(60, 900)) if late else 0) * 1_000_000
        events.append(NewEvent(PositionReported(mmsi=mmsi, occurred_at=occurred, lat=float(i % 80), lon=float(i % 170)),
                               recorded_at=recorded))
    return sorted(events, key=lambda item: item.recorded_at)


@settings(max_examples=40)
@given(st.integers(1, 400), st.integers(0, 1_000), st.lists(st.tuples(st.integers(-5, 6_500),
                                                                     st.one_of(st.none(), st.integers(-5, 7_500))),
                                                           min_size=1, max_size=5))
def test_ships_reporting_in_bursts_are_found_as_the_fold_finds_them(count, seed, moments):
    log = recorded_log(dense_reports(count, seed))
    index = TemporalIndex()
    index.add_all(log)
    for at_s, known_s in moments:
        at, known_at = at_s * 1_000_000, None if known_s is None else known_s * 1_000_000
        assert index.ships_at(at, known_at) == replay(log, at, known_at).positioned()


@settings(max_examples=100)
@given(st.lists(reports(), max_size=60), st.integers(0, 60), st.integers(0, 700), st.integers(1, 700),
       st.one_of(st.none(), st.integers(0, 1600)), st.sets(st.sampled_from(MMSIS + [999_000_001])))
def test_trails_of_some_ships_are_those_ships_trails_and_no_others(events, split, at_s, window_s, known_s, chosen):
    log = recorded_log(events)
    index = TemporalIndex()
    index.add_all(log[:split])
    for recorded in log[split:]:
        index.add(recorded)
    at, window = at_s * 1_000_000, window_s * 1_000_000
    known_at = None if known_s is None else known_s * 1_000_000
    trails = index.trails(at, window, known_at, mmsis=np.array(sorted(chosen), dtype=np.int64))
    for mmsi in MMSIS:
        mine = trails.mmsi == mmsi
        expected = reports_in_window(log, mmsi, at - window, at, known_at) if mmsi in chosen else []
        assert list(zip(trails.lat[mine], trails.lon[mine])) == expected


def test_the_density_of_a_large_index_is_counted_from_fine_cells_within_a_cell_of_each_border(monkeypatch):
    monkeypatch.setattr(temporal_index, "_EXACT_DENSITY_ROWS", 10)  # this index counts as large
    rng = np.random.default_rng(5)
    occurred = np.sort(rng.integers(0, 10_000_000_000, 5_000))
    log = recorded_log([NewEvent(PositionReported(mmsi=MMSIS[i % 3], occurred_at=int(t), lat=1.0, lon=1.0),
                                 recorded_at=int(t)) for i, t in enumerate(occurred)])
    index = TemporalIndex()
    index.add_all(log)
    start, end, bins = int(occurred[0]), int(occurred[-1]), 300
    counts = index.report_density(start, end, bins)
    exact = np.minimum((occurred - start) * bins // (end - start), bins - 1)
    assert counts.sum() == len(occurred)
    cell = (end - start) // temporal_index._DENSITY_CELLS + 1
    slack = np.minimum((occurred - cell - start).clip(0) * bins // (end - start), bins - 1)
    cumulative, at_least = np.cumsum(counts), np.cumsum(np.bincount(exact, minlength=bins))
    assert (cumulative >= at_least).all(), "no report is counted in a later slice than its own"
    assert (cumulative <= np.cumsum(np.bincount(slack, minlength=bins))).all(), "nor earlier than one cell back"


def test_the_time_range_of_an_index_with_a_live_tail_needs_no_compaction():
    log = recorded_log([NewEvent(PositionReported(mmsi=MMSIS[0], occurred_at=t * 1_000_000, lat=1.0, lon=1.0),
                                 recorded_at=t * 1_000_000) for t in (50, 10, 90)])
    index = TemporalIndex()
    index.add_all(log[:2])
    index.add(log[2])
    assert index.time_range() == (10_000_000, 90_000_000)
    assert len(index.positions.ship) == 2, "the live report is still in the tail"


def test_a_snapshot_of_the_format_before_is_still_read_and_a_damaged_one_is_refused():
    import io
    import json
    import zlib

    import pytest

    log = recorded_log(dense_reports(120, 3))
    index = TemporalIndex()
    index.add_all(log)
    arrays = {}
    for prefix, track in (("p_", index.positions), ("n_", index.ship_names), ("t_", index.ship_types),
                          ("d_", index.destinations), ("c_", index.callsigns)):
        columns = dict(track.arrays())
        columns["recorded"] = columns["recorded"] - columns["occurred"]
        for name in ("ship", "occurred", "v_lat", "v_lon"):
            if name in columns:
                columns[name] = np.diff(columns[name].astype(np.int64), prepend=0)
        arrays.update({prefix + k: a for k, a in columns.items()})
    header = {"format": 4, "mmsis": index.mmsis, "names": [], "log_position": index.log_position}
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    before = TemporalIndex.from_bytes(zlib.compress(buffer.getvalue(), 1))
    again = TemporalIndex.from_bytes(index.to_bytes())
    for at_s, known_s in ((100, None), (900, 700), (6_000, None)):
        at, known_at = at_s * 1_000_000, None if known_s is None else known_s * 1_000_000
        assert before.ships_at(at, known_at) == again.ships_at(at, known_at) == replay(log, at, known_at).positioned()
    with pytest.raises(ValueError):
        TemporalIndex.from_bytes(index.to_bytes()[:-10])
