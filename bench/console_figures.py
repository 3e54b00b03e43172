"""Console figures: the full cost of one scrub step with 1,000 ships, trails and 1,000,000 events.

A step is what a slider move costs: the fleet state query, the trails query, and the map and table
updates, offscreen, followed by the paint Qt does for them. A pan step is what dragging the map costs:
the view moved by 8 pixels, and the paint of the whole window that follows, over the English Channel
(intermediate-resolution land) with the fleet and its trails on it. Both run with the 50 zones of the
rules benchmark drawn on the map, as a console watching zones has them.
"""
from __future__ import annotations

import gc
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from app.event_bus import EventBus
from app.console import Console
from app.fleet_service import FleetService
from bench.figures import emit
from bench.rules_figures import zone_definitions
from bench.synthetic_fleet import position_columns, registrations
from domain.events import NewEvent, RecordedEvent
from domain.temporal_index import TemporalIndex
from domain.time import MICROS_PER_MINUTE
from store import open_store

STEPS = 300
PAN_STEPS = 240
PAN_PIXELS = 8


def synthetic_index(ships: int, events: int) -> TemporalIndex:
    """An index of ``events`` reports of ``ships`` ships, built straight from columns."""
    columns = position_columns(ships, events)
    index = TemporalIndex()
    for position, item in enumerate(registrations(ships), start=1):
        index.add(RecordedEvent(position, None, item.stream_id, 1, item.event.TYPE, 1,  # type: ignore[arg-type]
                                item.event.occurred_at, item.recorded_at, {}, item.event, b""))
    index.extend_positions(columns["mmsi"], columns["occurred"], columns["recorded"],
                           np.round(columns["lat"] * 10_000_000).astype(np.int32),
                           np.round(columns["lon"] * 10_000_000).astype(np.int32),
                           np.round(columns["sog"] * 10).astype(np.int16), np.round(columns["cog"] * 10).astype(np.int16),
                           columns["heading"].astype(np.int16), columns["status"].astype(np.int8), ships + events)
    index.compact()
    return index


def store_of(path: Path, ships: int, events: int) -> None:
    """A store on disk holding the synthetic fleet (appended as an import would)."""
    from bench.synthetic_fleet import position_batches

    store = open_store(path)
    try:
        store.append_batch(registrations(ships))
        for batch in position_batches(position_columns(ships, events), 20_000):
            store.append_batch(batch)
        store.save_occurred_spans()  # as an import leaves them
    finally:
        store.close()


def gui_block_while_opening(app, path: Path) -> tuple[float, float]:
    """Open the store the way the console does (worker thread, progress dialog) with no index snapshot,
    and measure the longest gap between ticks of a 5 ms timer on the GUI thread, and the time to ready."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    from app.console_session import ConsoleSession
    from ui.console_controller import ConsoleController
    from ui.empty_source import empty_console
    from ui.main_window import MainWindow

    window = MainWindow(empty_console())
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    gc.collect()  # the garbage of building the benchmark's store is not the console's to pay for
    controller = ConsoleController(window)
    clock, ticks = QElapsedTimer(), []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(clock.nsecsElapsed() / 1e6))
    clock.start()
    timer.start()
    loader = controller.open(ConsoleSession(path, live=False))
    while not (loader.done.is_set() and controller.session is not None):
        app.processEvents()
        time.sleep(0.001)
    ready_s = clock.nsecsElapsed() / 1e9
    for _ in range(20):  # the first frames after the switch count too
        app.processEvents()
        time.sleep(0.005)
    timer.stop()
    controller.close()
    window.close()
    window.deleteLater()
    app.processEvents()
    gaps = np.diff([0.0, *ticks])
    return float(gaps.max()), ready_s


def pan_timings(app, map_view) -> list[float]:
    """Drag the map over the Channel, 8 pixels a step, a few hundred pixels one way then back."""
    from chart.projection import GeoBox

    map_view.show_box(GeoBox(-6.0, 48.5, 3.0, 51.8))
    map_view.update_land()
    app.processEvents()
    timings = []
    for step in range(PAN_STEPS):
        pixel = map_view.view_box.viewPixelSize()[0]
        direction = 1 if (step // 60) % 2 == 0 else -1
        started = time.perf_counter()
        map_view.view_box.translateBy(x=direction * PAN_PIXELS * pixel)
        app.processEvents()  # the paint the pan causes
        timings.append((time.perf_counter() - started) * 1_000)
    return timings


def scrub_timings(app, window, low: int, high: int, steps: int = STEPS) -> list[float]:
    """Move the moment a few minutes back or forth at random, ``steps`` times: each step's time with its paint."""
    rng = np.random.default_rng(11)
    moment = low + (high - low) // 2
    timings = []
    for _ in range(steps):
        moment = int(np.clip(moment + rng.integers(-3, 4) * MICROS_PER_MINUTE, low, high))
        started = time.perf_counter()
        window.state.set_moment(moment)
        app.processEvents()  # the paint the step causes
        timings.append((time.perf_counter() - started) * 1_000)
    return timings


def console_app():
    """The offscreen application the console figures draw in, themed as the console is."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ui.theme import apply_theme

    app = QApplication.instance() or QApplication(["bench"])
    apply_theme(app)
    return app


def shown_window(app, console):
    """The console's window at the middle of its log, 1600×1000, shown and settled (land drawn)."""
    from ui.main_window import MainWindow

    low, high = console.fleet.time_range()
    window = MainWindow(console, low + (high - low) // 2)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    window.map_view.update_land()
    return window


def zoned_store(folder: str):
    """An empty store holding the rules benchmark's 50 zones (the console draws them)."""
    store = open_store(Path(folder) / "empty.sqlite")
    store.append_batch([NewEvent(zone, recorded_at=zone.occurred_at, metadata={"source": "bench"})
                        for zone in zone_definitions()])
    return store


def run(scale: float) -> None:
    ships = max(10, round(1_000 * scale))
    events = max(10_000, round(1_000_000 * scale))
    app = console_app()
    with tempfile.TemporaryDirectory(prefix="fleet-bench-ui-") as folder:
        store = zoned_store(folder)
        try:
            console = Console.over(FleetService(store, EventBus(), synthetic_index(ships, events)))
            low, high = console.fleet.time_range()
            window = shown_window(app, console)
            timings = scrub_timings(app, window, low, high)
            pans = pan_timings(app, window.map_view)
            window.close()
            window.deleteLater()
            app.processEvents()
        finally:
            store.close()
    zones = len(zone_definitions())
    emit("scrub_frame_p95_ms", float(np.percentile(timings, 95)), "ms", events=events, ships=ships, zones=zones,
         p50=round(float(np.percentile(timings, 50)), 3), p99=round(float(np.percentile(timings, 99)), 3))
    emit("map_pan_frame_p95_ms", float(np.percentile(pans, 95)), "ms", events=events, ships=ships, zones=zones,
         p50=round(float(np.percentile(pans, 50)), 3), max=round(float(np.max(pans)), 3))
    with tempfile.TemporaryDirectory(prefix="fleet-bench-open-") as folder:
        path = Path(folder) / "fleet.sqlite"
        store_of(path, ships, events)
        block_ms, ready_s = gui_block_while_opening(app, path)
    emit("open_gui_block_max_ms", block_ms, "ms", events=events, ships=ships, ready_s=round(ready_s, 2),
         snapshot=False)
