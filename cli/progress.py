"""Progress of long work on a terminal: one line redrawn at most four times a second, with rate and ETA.

Nothing is shown when stderr is not a terminal (a pipe, a log file, a test), so output stays clean there.
"""
from __future__ import annotations

import sys
import time
from typing import Callable

_REDRAW_S = 0.25


def index_progress_printer(label: str) -> Callable[[int, int], None] | None:
    """A ``(reached, end)`` display for folding the log into the index: events, rate and time left. The
    line is finished when ``reached == end``, and only if it was drawn at all."""
    if not sys.stderr.isatty():
        return None
    started = time.monotonic()
    state = {"first": None, "drawn_at": 0.0, "drawn": False}

    def show(reached: int, end: int) -> None:
        now = time.monotonic()
        if state["first"] is None:
            state["first"] = reached
        done = reached >= end
        if not done and now - state["drawn_at"] < _REDRAW_S:
            return
        if done and not state["drawn"]:
            return
        state["drawn_at"], state["drawn"] = now, True
        first = state["first"]
        seconds = now - started
        rate = (reached - first) / seconds if seconds > 0 else 0.0
        left = (end - reached) / rate if rate > 0 else 0.0
        share = 1.0 if end <= first else (reached - first) / (end - first)
        sys.stderr.write(f"\r{label}: {share:6.1%}  event {reached:,} of {end:,}  {rate:,.0f}/s  "
                         f"ETA {int(left) // 60}:{int(left) % 60:02d}   ")
        if done:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show
