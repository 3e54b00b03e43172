"""The console at national scale (``make bench-scale``): 10,000 ships and 10,000,000 reports.

The figures of ``make bench``'s console and state groups, at ten times the ships, each line with
``"ships": 10000``: a scrub step with the whole fleet in view (ships as dots) and zoomed in on the Channel
(symbols, names and the trails of the ships in view), a pan over the Channel, ``state_at`` (half of the
moments "as known then"), the fleet table's sort and filter, the longest GUI stall while a 10,000,000-event
store opens, the event log's pages of a time window early, midway and late in the log and of one that
holds nothing, with the longest GUI stall while they are sought (``bench.event_log_figures``), and the memory
of the console (``gui --screenshot`` in its own process) with that store open, with what the index, the map
and the table each hold. First, live mode (``bench.live_fold``): a national feed folded report by report
into an index of 10,000,000 reports.

Building the 10,000,000-event store takes many minutes; with ``FLEET_BENCH_SCALE_STORE`` naming a file,
the store is kept there and a later run opens it instead (it then opens from its index snapshot).
"""
from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from app.console import Console
from app.event_bus import EventBus
from app.fleet_service import FleetService
from bench import live_fold
from bench.console_figures import (console_app, gui_block_while_opening, pan_timings, scrub_timings, shown_window,
                                   store_of, synthetic_index, zoned_store)
from bench.event_log_figures import event_log_figures
from bench.figures import emit
from bench.process_memory import run_measured
from bench.rules_figures import zone_definitions
from chart.projection import GeoBox

SHIPS, EVENTS = 10_000, 10_000_000
MOMENTS = 2_000
FILTERS = ("BENCH 12", "219000", "BENCH 9999", "NO SUCH SHIP", "bench 0")
CHANNEL = GeoBox(-3.0, 49.6, 1.5, 51.2)  # zoomed in far enough for the ships in view to be symbols
ROOT = Path(__file__).resolve().parent.parent


def run(scale: float) -> None:
    live_fold.run(scale)
    ships = max(10, round(SHIPS * scale))
    events = max(10_000, round(EVENTS * scale))
    index = synthetic_index(ships, events)
    _state_figures(index, ships, events)
    app = console_app()
    with tempfile.TemporaryDirectory(prefix="fleet-bench-scale-") as folder:
        store = zoned_store(folder)
        try:
            _window_figures(app, Console.over(FleetService(store, EventBus(), index)), ships, events)
        finally:
            store.close()
    index_mb = index.nbytes / 1e6
    del index
    gc.collect()
    _opening_figures(app, ships, events, index_mb)


def _state_figures(index, ships: int, events: int) -> None:
    rng = np.random.default_rng(3)
    low, high = index.time_range()
    timings = {False: [], True: []}
    for at, as_known in zip(rng.integers(low, high, size=MOMENTS).tolist(), (rng.random(MOMENTS) < 0.5).tolist()):
        started = time.perf_counter()
        index.state_at(at, at if as_known else None)
        timings[as_known].append((time.perf_counter() - started) * 1_000)
    every = timings[False] + timings[True]
    emit("state_at_p50_ms", float(np.percentile(every, 50)), "ms", events=events, ships=ships)
    emit("state_at_p99_ms", float(np.percentile(every, 99)), "ms", events=events, ships=ships,
         as_known_then_p99=round(float(np.percentile(timings[True], 99)), 3))
    emit("index_bytes_per_event", index.nbytes / index.report_count, "bytes", events=events, ships=ships)


def _window_figures(app, console: Console, ships: int, events: int) -> None:
    low, high = console.fleet.time_range()
    window = shown_window(app, console)
    app.processEvents()
    overview = scrub_timings(app, window, low, high)
    dots = not window.map_view.ships.detailed
    window.map_view.show_box(CHANNEL)
    window.map_view.update_land()
    app.processEvents()
    detail = scrub_timings(app, window, low, high)
    in_view = int(np.count_nonzero(window.map_view.ships.in_view()))
    trail_vertices = len(window.map_view.trails.shown) if window.map_view.trails.shown is not None else 0
    pans = pan_timings(app, window.map_view)
    sorts, filters = _table_timings(app, window)
    map_mb, table_mb = _map_bytes(window) / 1e6, _table_bytes(window) / 1e6
    window.close()
    window.deleteLater()
    app.processEvents()
    zones = len(zone_definitions())
    emit("scrub_frame_p95_ms", float(np.percentile(overview, 95)), "ms", events=events, ships=ships, zones=zones,
         p50=round(float(np.percentile(overview, 50)), 3), p99=round(float(np.percentile(overview, 99)), 3),
         view="whole fleet", ships_as_dots=dots)
    emit("scrub_detail_frame_p95_ms", float(np.percentile(detail, 95)), "ms", events=events, ships=ships,
         zones=zones, p50=round(float(np.percentile(detail, 50)), 3), p99=round(float(np.percentile(detail, 99)), 3),
         view="Channel", ships_in_view=in_view, trail_vertices=trail_vertices)
    emit("map_pan_frame_p95_ms", float(np.percentile(pans, 95)), "ms", events=events, ships=ships, zones=zones,
         p50=round(float(np.percentile(pans, 50)), 3), max=round(float(np.max(pans)), 3))
    emit("table_sort_max_ms", max(sorts.values()), "ms", events=events, ships=ships,
         by_column={name: round(ms, 2) for name, ms in sorts.items()})
    emit("table_filter_max_ms", max(filters.values()), "ms", events=events, ships=ships,
         by_text={text: round(ms, 2) for text, ms in filters.items()})
    emit("map_and_table_mb", map_mb + table_mb, "MB", events=events, ships=ships, map=round(map_mb, 2),
         table=round(table_mb, 2))


def _table_timings(app, window) -> tuple[dict[str, float], dict[str, float]]:
    """Each column sorted both ways, and each filter typed then cleared: the longest of each, with the paint."""
    from PySide6.QtCore import Qt

    from ui.fleet_model import HEADERS, Column

    table = window.fleet_table
    sorts: dict[str, float] = {}
    for column in Column:
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            started = time.perf_counter()
            table.view.sortByColumn(column, order)
            app.processEvents()
            elapsed = (time.perf_counter() - started) * 1_000
            sorts[HEADERS[column]] = max(sorts.get(HEADERS[column], 0.0), elapsed)
    table.view.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
    filters: dict[str, float] = {}
    for text in FILTERS:
        started = time.perf_counter()
        table.set_filter(text)
        app.processEvents()
        typed = (time.perf_counter() - started) * 1_000
        started = time.perf_counter()
        table.set_filter("")
        app.processEvents()
        filters[text] = max(typed, (time.perf_counter() - started) * 1_000)
    return sorts, filters


def _map_bytes(window) -> int:
    """What the map holds for the fleet: the scatter's spots, the flagged ships and the trails' vertices."""
    ships = window.map_view.ships
    trails = window.map_view.trails.trails
    held = ships.scatter.data.nbytes + ships.flagged.data.nbytes + ships.x.nbytes + ships.y.nbytes
    return held + sum(a.nbytes for a in (trails.xData, trails.yData) if a is not None)


def _table_bytes(window) -> int:
    """What the fleet table holds: the fleet's columns (shared with the map) and its display order."""
    model = window.fleet_table.model
    fleet = model.fleet
    columns = sum(getattr(fleet, name).nbytes for name in fleet.__dataclass_fields__)
    return columns + 8 * len(fleet) * 4 + model.rowCount() * 8  # object columns hold pointers: 3 texts a row


def _opening_figures(app, ships: int, events: int, index_mb: float) -> None:
    kept = os.environ.get("FLEET_BENCH_SCALE_STORE")
    with tempfile.TemporaryDirectory(prefix="fleet-bench-scale-open-") as folder:
        path = Path(kept) if kept else Path(folder) / "fleet.sqlite"
        snapshot = path.exists()
        if not snapshot:
            started = time.perf_counter()
            store_of(path, ships, events)
            print(f"made a store of {events:,} events in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        block_ms, ready_s = gui_block_while_opening(app, path)  # leaves an index snapshot when it closes
        emit("open_gui_block_max_ms", block_ms, "ms", events=events, ships=ships, ready_s=round(ready_s, 2),
             snapshot=snapshot)
        if not snapshot:
            block_ms, ready_s = gui_block_while_opening(app, path)
            emit("open_gui_block_max_ms", block_ms, "ms", events=events, ships=ships, ready_s=round(ready_s, 2),
                 snapshot=True)
        event_log_figures(app, path, ships, events)  # the console opens it read-only: the store stays as made
        picture = Path(folder) / "console.png"
        measured = run_measured([sys.executable, "main.py", "gui", "--db", str(path), "--screenshot", str(picture)],
                                cwd=ROOT)
        emit("console_memory_mb", measured.peak_mb, "MB", events=events, ships=ships, index_mb=round(index_mb, 1),
             seconds=round(measured.seconds, 2))
