"""The two ways long work reports how far it has got, so every use case and panel speaks the same shape.

Each is a callback the work calls now and then on its own thread; the caller decides what to show.
"""
from __future__ import annotations

from typing import Callable, TypeAlias

PositionProgress: TypeAlias = Callable[[int, int], None]
"""``(reached, end)``: how far the work has got and where it ends, in one unit the work counts in (log
positions while an index folds the log, microseconds of simulated time while a demo fleet is seeded);
``reached == end`` when it is done."""

FractionProgress: TypeAlias = Callable[[float, str], None]
"""``(fraction, text)``: the share done, from 0.0 to 1.0, and a line saying what is being done now
(``"writing event 1,200 of 40,000"``), for work whose natural units mean nothing to the operator."""
