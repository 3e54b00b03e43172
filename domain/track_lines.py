"""A ship's track as the lines an exported file draws: split into segments at reporting gaps, and thinned by
distance for a lighter file.

A gap longer than ``GAP_S`` between two reports is a time the log heard nothing from the ship; a line drawn
straight across it would claim a path nobody saw, so the track is cut there (GPX ``trkseg``). Thinning keeps
a report only once the ship is ``metres`` or more from the last report kept, and always keeps each
segment's first and last report, so every segment still starts and ends where and when the log says.

Distances are great-circle distances: a ship crossing the antimeridian (179.99° E to 179.99° W) moves a few
metres, not 360 degrees, and so is neither cut nor thinned away there.
"""
from __future__ import annotations

import math

import numpy as np

from domain.geo import EARTH_RADIUS_M
from domain.tracks import Track

GAP_S = 30 * 60  # the same gap the audit report counts as 'no reports'


def segment_bounds(track: Track, gap_s: float = GAP_S) -> list[tuple[int, int]]:
    """The (start, stop) rows of each run of reports with no gap over ``gap_s`` seconds, in time order."""
    n = len(track)
    if not n:
        return []
    cuts = np.flatnonzero(np.diff(track.occurred) > gap_s * 1_000_000) + 1
    edges = [0, *cuts.tolist(), n]
    return [(edges[i], edges[i + 1]) for i in range(len(edges) - 1)]


def distances_m(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """Great-circle distances in metres from one point to many (haversine, vectorised)."""
    p1, p2 = math.radians(lat0), np.radians(lat)
    dp = p2 - p1
    dl = np.radians(lon - lon0)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    result: np.ndarray = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return result


def thin_rows(lat: np.ndarray, lon: np.ndarray, metres: float) -> np.ndarray:
    """Row numbers kept of one segment: the first, then each report ``metres`` or more from the last one
    kept, and always the last. ``metres`` <= 0 keeps every row."""
    n = len(lat)
    if n <= 2 or metres <= 0:
        return np.arange(n)
    kept = [0]
    last = 0
    while last < n - 2:
        found = -1
        window = 64
        start = last + 1
        while start < n - 1 and found < 0:  # look ahead in growing windows: a long track costs O(n), not O(n²)
            stop = min(n - 1, start + window)
            far = np.flatnonzero(distances_m(lat[start:stop], lon[start:stop], float(lat[last]),
                                             float(lon[last])) >= metres)
            if far.size:
                found = start + int(far[0])
            start, window = stop, window * 2
        if found < 0:
            break
        last = found
        kept.append(last)
    kept.append(n - 1)
    return np.array(kept, dtype=np.int64)


def track_segments(track: Track, *, simplify_m: float = 0.0, gap_s: float = GAP_S) -> list[Track]:
    """The track cut at gaps into segments, each thinned to ``simplify_m`` metres (0: every report)."""
    segments = []
    for start, stop in segment_bounds(track, gap_s):
        rows = start + thin_rows(track.lat[start:stop], track.lon[start:stop], simplify_m)
        segments.append(Track(mmsi=track.mmsi, occurred=track.occurred[rows], recorded=track.recorded[rows],
                              lat=track.lat[rows], lon=track.lon[rows], sog=track.sog[rows], cog=track.cog[rows],
                              heading=track.heading[rows], status=track.status[rows]))
    return segments
