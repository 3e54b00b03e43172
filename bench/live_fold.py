"""Live mode at national scale (part of ``make bench-scale``): a national feed folded into an index of
10,000,000 reports, one report at a time, as the console folds what a listener appends.

Figures (each with ``"ships": 10000``): the longest single fold of a report (``live_fold_max_ms``: the
stall a console following the feed feels when the index reorganises what it has received; with
``processor_max_ms``, the most processor time one fold took, which other work on the machine does not
inflate), the process's
peak memory beyond what it held before the feed began (``live_fold_peak_extra_mb``, from Linux's
high-water mark, reset first), and ``state_at`` p99 (``live_state_at_p99_ms``, half of the moments "as
known then") after 0, 30,000 and 65,535 live reports (the sizes the unsorted tail used to reach) and after
131,100 (the index is then merging its recent block into its main block, answering from all of them).
"""
from __future__ import annotations

import re
import time
import uuid
from typing import Iterator

import numpy as np

from bench.console_figures import synthetic_index
from bench.figures import emit
from bench.process_memory import reset_high_water_mark, status_mb
from bench.synthetic_fleet import fleet_mmsis
from domain.events import PositionReported, RecordedEvent
from domain.temporal_index import TemporalIndex

SHIPS, EVENTS = 10_000, 10_000_000
LIVE = 1_500_000      # live reports folded: enough for the index to reorganise its largest part at least once
FEED_PER_S = 400      # a national feed's reports a second (their times only: the fold runs flat out)
TAIL_MOMENTS = (0, 30_000, 65_535, 131_100)
QUERIES = 300


def run(scale: float) -> None:
    ships = max(10, round(SHIPS * scale))
    events = max(10_000, round(EVENTS * scale))
    live = max(300_000, round(LIVE * scale))
    index = synthetic_index(ships, events)
    index_mb = index.nbytes / 1e6
    reports = live_reports(index, ships, live)
    index.compact()
    folds, working = np.full(live, np.nan), np.full(live, np.nan)  # written now: not counted as the fold's memory
    held_mb = status_mb("self", "VmRSS")
    peak_from_now = reset_high_water_mark()  # else the mark still holds the index's build: no figure
    state_p99 = _fold_timings(index, reports, folds, working)
    peak_mb = status_mb("self", "VmHWM")
    emit("live_fold_max_ms", float(np.max(folds)), "ms", events=events, ships=ships, live_reports=live,
         p99_9=round(float(np.percentile(folds, 99.9)), 3), over_16_ms=int(np.count_nonzero(folds > 16)),
         mean_us=round(float(np.mean(folds)) * 1_000, 2), processor_max_ms=round(float(np.max(working)), 3),
         processor_over_16_ms=int(np.count_nonzero(working > 16)))
    emit("live_state_at_p99_ms", max(state_p99.values()), "ms", events=events, ships=ships,
         after_live_reports={str(k): round(v, 3) for k, v in state_p99.items()})
    if peak_from_now and peak_mb is not None and held_mb is not None:
        emit("live_fold_peak_extra_mb", peak_mb - held_mb, "MB", events=events, ships=ships, live_reports=live,
             index_mb_before=round(index_mb, 1), index_mb_after=round(index.nbytes / 1e6, 1))


def live_reports(index: TemporalIndex, ships: int, count: int) -> Iterator[RecordedEvent]:
    """A feed's reports after the index's last one: each ship in turn at random, ``FEED_PER_S`` a second, one
    in fifty heard late (recorded up to ten minutes after it occurred), in log order."""
    rng = np.random.default_rng(11)
    mmsis = fleet_mmsis(ships)
    _, last = index.time_range() or (0, 0)
    position = index.log_position
    step = 1_000_000 // FEED_PER_S
    for chunk in range(0, count, 100_000):
        n = min(100_000, count - chunk)
        ship = rng.integers(0, ships, n)
        recorded = last + (chunk + np.arange(1, n + 1)) * step
        occurred = recorded - np.where(rng.random(n) < 0.02, rng.integers(1, 600, n) * 1_000_000, 0)
        lat, lon = rng.uniform(49.0, 60.0, n), rng.uniform(-5.0, 12.0, n)
        sog, cog = rng.uniform(0, 20, n), rng.uniform(0, 359, n)
        for i in range(n):
            position += 1
            event = PositionReported(mmsi=int(mmsis[ship[i]]), occurred_at=int(occurred[i]), lat=float(lat[i]),
                                     lon=float(lon[i]), sog=round(float(sog[i]), 1), cog=round(float(cog[i]), 1),
                                     heading=None, nav_status="under way using engine")
            yield RecordedEvent(position, uuid.UUID(int=position), f"ship-{event.mmsi}", position, event.TYPE, 1,
                                event.occurred_at, int(recorded[i]), {}, event, b"")


def _fold_timings(index: TemporalIndex, reports: Iterator[RecordedEvent], folds: np.ndarray,
                  working: np.ndarray) -> dict[int, float]:
    """Each fold's wall time and the processor time this thread spent in it (ms, into ``folds`` and
    ``working``), and ``state_at`` p99 (ms) after the first counts of ``TAIL_MOMENTS``. On a machine other
    work shares, a fold's wall time can hold the time it waited for a processor; the processor time cannot."""
    state_p99: dict[int, float] = {}
    clock, thread_clock = time.perf_counter, time.thread_time
    for i in range(len(folds)):
        if i in TAIL_MOMENTS:
            state_p99[i] = _state_at_p99(index)
        recorded = next(reports)
        started, started_working = clock(), thread_clock()
        index.add(recorded)
        working[i] = (thread_clock() - started_working) * 1_000
        folds[i] = (clock() - started) * 1_000
    return state_p99


def _state_at_p99(index: TemporalIndex) -> float:
    rng = np.random.default_rng(3)
    low, high = index.time_range() or (0, 1)
    timings = []
    for at, as_known in zip(rng.integers(low, high, size=QUERIES).tolist(), (rng.random(QUERIES) < 0.5).tolist()):
        started = time.perf_counter()
        index.state_at(at, at if as_known else None)
        timings.append((time.perf_counter() - started) * 1_000)
    return float(np.percentile(timings, 99))


