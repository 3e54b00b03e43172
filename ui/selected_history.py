"""The selected ship's history, as the window needs it: its report times (to step through) and its track
around the moment (to highlight), each fetched once and reused until the log or the selection changes.
"""
from __future__ import annotations

import numpy as np

from domain.time import MICROS_PER_HOUR
from domain.tracks import Track
from app.fleet_view import FleetView

SELECTED_TRACK_SPAN = 3 * MICROS_PER_HOUR  # the track highlighted: this long before and after the moment
_TRACK_MARGIN = MICROS_PER_HOUR            # fetched this much wider, so scrubbing nearby reuses it


class SelectedHistory:
    """Cached report times and track of one ship of one source."""

    def __init__(self, source: FleetView):
        self.source = source
        self._times: tuple[int, np.ndarray] | None = None
        self._track: tuple[tuple, Track] | None = None

    def forget(self) -> None:
        """Drop what is held (new events arrived)."""
        self._times = self._track = None

    def report_times(self, mmsi: int) -> np.ndarray:
        if self._times is None or self._times[0] != mmsi:
            self._times = (mmsi, np.asarray(self.source.report_times(mmsi), dtype=np.int64))
        return self._times[1]

    def track_around(self, mmsi: int, at: int, known_at: int | None) -> tuple[Track, slice, slice]:
        """The ship's track near ``at`` with the slices before the moment and after it (sharing one report)."""
        track = self._fetch(mmsi, at, known_at)
        start, now, end = np.searchsorted(track.occurred, [at - SELECTED_TRACK_SPAN, at, at + SELECTED_TRACK_SPAN],
                                          side="right")
        return track, slice(start, now), slice(max(start, now - 1), end)

    def _fetch(self, mmsi: int, at: int, known_at: int | None) -> Track:
        if self._track is not None:
            (held_mmsi, held_known, start, end), track = self._track
            if (held_mmsi == mmsi and held_known == known_at and start <= at - SELECTED_TRACK_SPAN
                    and at + SELECTED_TRACK_SPAN <= end):
                return track
        margin = 0 if known_at is not None else _TRACK_MARGIN  # as known then, each moment knows more
        start, end = at - SELECTED_TRACK_SPAN - margin, at + SELECTED_TRACK_SPAN + margin
        track = self.source.track(mmsi, start, end, known_at)
        self._track = ((mmsi, known_at, start, end), track)
        return track
