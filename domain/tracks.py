"""Tracks as columns: one ship's reports over a window, and every ship's recent trail as one polyline set."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Track:
    """One ship's reports in time order (NaN for speed, course or heading not available; status -1)."""

    mmsi: int
    occurred: np.ndarray
    recorded: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    sog: np.ndarray
    cog: np.ndarray
    heading: np.ndarray
    status: np.ndarray

    def __len__(self) -> int:
        return len(self.occurred)


@dataclass(frozen=True)
class Trails:
    """Every ship's track over a window, concatenated ship after ship, ready for one curve item.

    ``connect[i]`` is True when vertex ``i`` joins vertex ``i + 1`` (False at the end of each ship's run),
    the form pyqtgraph's ``connect=`` array takes; ``mmsi[i]`` says whose vertex it is.
    """

    lon: np.ndarray
    lat: np.ndarray
    connect: np.ndarray
    mmsi: np.ndarray

    def __len__(self) -> int:
        return len(self.lon)
