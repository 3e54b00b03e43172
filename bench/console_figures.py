"""Console figures: the full cost of one scrub step with 1,000 ships, trails and 1,000,000 events.

A step is what a slider move costs: the fleet state query, the trails query, and the map and table
updates, offscreen, followed by the paint Qt does for them.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np

from app.event_bus import EventBus
from app.fleet_service import FleetService
from bench.figures import emit
from bench.synthetic_fleet import position_columns, registrations
from domain.events import RecordedEvent
from domain.temporal_index import TemporalIndex
from domain.time import MICROS_PER_MINUTE
from store import open_store

STEPS = 300


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


def run(scale: float) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    ships = max(10, round(1_000 * scale))
    events = max(10_000, round(1_000_000 * scale))
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow
    from ui.theme import apply_theme

    app = QApplication.instance() or QApplication(["bench"])
    apply_theme(app)
    with tempfile.TemporaryDirectory(prefix="fleet-bench-ui-") as folder:
        store = open_store(Path(folder) / "empty.sqlite")
        try:
            service = FleetService(store, EventBus(), synthetic_index(ships, events))
            low, high = service.time_range()
            window = MainWindow(service, low + (high - low) // 2)
            window.resize(1600, 1000)
            window.show()
            app.processEvents()
            window.map_view.update_land()
            rng = np.random.default_rng(11)
            moment = low + (high - low) // 2
            timings = []
            for _ in range(STEPS):
                moment = int(np.clip(moment + rng.integers(-3, 4) * MICROS_PER_MINUTE, low, high))
                started = time.perf_counter()
                window.show_moment(moment)
                app.processEvents()  # the paint the step causes
                timings.append((time.perf_counter() - started) * 1_000)
            window.close()
            window.deleteLater()
            app.processEvents()
        finally:
            store.close()
    emit("scrub_frame_p95_ms", float(np.percentile(timings, 95)), "ms", events=events, ships=ships,
         p50=round(float(np.percentile(timings, 50)), 3))
