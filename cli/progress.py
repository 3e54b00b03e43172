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
    first: list[int] = []  # where the work began (the first position reported)
    drawn: list[float] = []  # when the line was last drawn

    def show(reached: int, end: int) -> None:
        now = time.monotonic()
        if not first:
            first.append(reached)
        done = reached >= end
        if (not done and drawn and now - drawn[-1] < _REDRAW_S) or (done and not drawn):
            return
        drawn[:] = [now]
        seconds = now - started
        rate = (reached - first[0]) / seconds if seconds > 0 else 0.0
        left = (end - reached) / rate if rate > 0 else 0.0
        share = 1.0 if end <= first[0] else (reached - first[0]) / (end - first[0])
        sys.stderr.write(f"\r{label}: {share:6.1%}  event {reached:,} of {end:,}  {rate:,.0f}/s  "
                         f"ETA {int(left) // 60}:{int(left) % 60:02d}   ")
        if done:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show
