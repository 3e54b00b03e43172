"""Pausing Python's cyclic garbage collector around bulk work that makes many objects and no cycles.

A full collection walks every live object while holding the interpreter lock: during a bulk append or an
index build it costs a tenth of the time, and on a worker thread it stalls the GUI thread for up to
100 ms at a time. The objects made there (rows, tuples, events) hold no reference cycles, so nothing is
lost by collecting after instead.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the collector for the block (nested uses are fine: only the outermost re-enables it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
