"""The diff between two moments a day apart, for a fleet of 10,000 ships (issue: ≤ 200 ms).

The index is built in memory from the synthetic fleet's columns (a report every 5–15 minutes per ship over
24 h, registrations with names), as the console holds it; the figure is the median of the whole diff —
both pictures of the index, the comparison and the changed ships as objects."""
from __future__ import annotations

import statistics
import time
import uuid

import numpy as np

from bench.figures import emit
from bench.synthetic_fleet import START, STATUS_NAMES, position_columns, registrations
from domain import ais
from domain.alert_board import AlertBoard
from domain.events import RecordedEvent
from domain.fleet_diff import Moment, alert_changes, diff_fleets
from domain.temporal_index import TemporalIndex

DAY = 24 * 3600 * 1_000_000
RUNS = 7


def fleet_index(ships: int) -> tuple[TemporalIndex, int]:
    """An index of ``ships`` ships over a day; returns it and its report count."""
    columns = position_columns(ships, ships * 144, step_s=(300, 900))
    index = TemporalIndex()
    for position, item in enumerate(registrations(ships), 1):
        index.add(RecordedEvent(position, uuid.uuid4(), item.event.stream_id, 1, item.event.TYPE, 1,
                                item.event.occurred_at, item.recorded_at, {}, item.event, b""))
    codes = np.array([ais.NAV_STATUS_CODES[name] for name in STATUS_NAMES])
    index.extend_positions(columns["mmsi"], columns["occurred"], columns["recorded"],
                           np.round(columns["lat"] * 10_000_000).astype(np.int32),
                           np.round(columns["lon"] * 10_000_000).astype(np.int32),
                           np.round(columns["sog"] * 10).astype(np.int16), np.round(columns["cog"] * 10).astype(np.int16),
                           columns["heading"].astype(np.int16), codes[columns["status"]].astype(np.int8),
                           ships + len(columns["mmsi"]))
    index.compact()
    return index, len(columns["mmsi"])


def run(scale: float) -> None:
    ships = max(100, round(10_000 * scale))
    index, reports = fleet_index(ships)
    board = AlertBoard()
    before, after = Moment(START + 3600 * 1_000_000), Moment(START + 3600 * 1_000_000 + DAY)
    seconds = []
    changed = 0
    for _ in range(RUNS):
        started = time.perf_counter()
        diff = diff_fleets(before, after, index.state_at(before.at), index.state_at(after.at),
                           alert_changes(board.at(before.at), board.at(after.at)), [])
        seconds.append(time.perf_counter() - started)
        changed = len(diff.ships)
    emit("diff_24h_ms", statistics.median(seconds) * 1000, "ms", events=reports, ships=ships, changed=changed,
         limit_ms=200)
