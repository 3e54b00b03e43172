"""The event log of a console at national scale: how long a time window's first page and the next one take to
arrive, early, midway and late in the log and for a window that holds nothing, the first time the console
searches each and again, and the longest the GUI thread is held meanwhile (a 5 ms timer's longest gap).

A window is ten minutes. The log has no index on when events occurred: the first search of a window learns
the time spans of the blocks of positions it passes (``store.occurred_blocks``); later searches of any
window read only the blocks that can hold it.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bench.figures import emit
from domain.time import MICROS_PER_HOUR, MICROS_PER_MINUTE

WINDOW = 10 * MICROS_PER_MINUTE
TICK_MS = 5


def windows(low: int, high: int) -> dict[str, tuple[int, int]]:
    """Ten-minute windows a twentieth of the way in, midway, a twentieth before the end, and a day before."""
    span = high - low
    starts = {"early": low + span // 20, "mid": low + span // 2, "late": high - span // 20 - WINDOW,
              "nothing": low - 24 * MICROS_PER_HOUR}
    return {name: (start, start + WINDOW) for name, start in starts.items()}


def event_log_figures(app, path: Path, ships: int, events: int) -> None:
    """Open the store read-only in a console as an operator would, and page its event log by time window."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    from app.console_session import ConsoleSession
    from ui.console_controller import ConsoleController
    from ui.empty_source import empty_console
    from ui.main_window import MainWindow

    window = MainWindow(empty_console())
    window.resize(1600, 1000)
    window.show()
    controller = ConsoleController(window)
    loader = controller.open(ConsoleSession(path, read_only=True, live=False))
    while not (loader.done.is_set() and controller.session is not None):
        app.processEvents()
        time.sleep(0.001)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.005)
    window.docks.event_log_dock.show()
    window.docks.event_log_dock.raise_()
    panel = window.docks.event_log
    low, high = controller.session.console.fleet.time_range()
    clock, ticks, phases = QElapsedTimer(), [], []
    phase = ["opening"]
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: (ticks.append(clock.nsecsElapsed() / 1e6), phases.append(phase[0])))
    clock.start()
    timer.start()
    found: dict[tuple[str, str], tuple[float, float, int]] = {}
    for search in ("first", "again"):
        for name, (start, end) in windows(low, high).items():
            phase[0] = f"{search} {name} first page"
            started = time.perf_counter()
            panel.set_time_range(start, end)
            _wait_for_page(app, panel.model)
            first_ms = (time.perf_counter() - started) * 1_000
            rows, next_ms = panel.model.rowCount(), 0.0
            if panel.model.canFetchMore():
                phase[0] = f"{search} {name} next page"
                started = time.perf_counter()
                panel.model.fetchMore()
                _wait_for_page(app, panel.model)
                next_ms = (time.perf_counter() - started) * 1_000
            found[(search, name)] = (first_ms, next_ms, rows)
    timer.stop()
    gaps = np.diff([0.0, *ticks])
    controller.close()
    window.close()
    window.deleteLater()
    app.processEvents()
    for name in windows(low, high):
        first_ms, next_ms, rows = found[("first", name)]
        again_first, again_next, _ = found[("again", name)]
        emit("event_log_first_page_ms", first_ms, "ms", events=events, ships=ships, window=name, rows=rows,
             again_ms=round(again_first, 1))
        emit("event_log_next_page_ms", next_ms, "ms", events=events, ships=ships, window=name,
             again_ms=round(again_next, 1))
    emit("event_log_gui_block_max_ms", float(gaps.max()), "ms", events=events, ships=ships, tick_ms=TICK_MS,
         p99=round(float(np.percentile(gaps, 99)), 1), during=phases[int(np.argmax(gaps))])


def _wait_for_page(app, model) -> None:
    """Handle events until the model holds the page it sought (at once when it seeks on the GUI thread)."""
    while getattr(model, "searching", False):
        app.processEvents()
        time.sleep(0.001)
    app.processEvents()
