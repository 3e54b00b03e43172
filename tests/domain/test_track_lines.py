"""Cutting a track at gaps and thinning it by distance: the first and last report of every segment stay."""
from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from domain.track_lines import distances_m, segment_bounds, thin_rows, track_segments
from domain.tracks import Track

coordinates = st.lists(st.tuples(st.floats(-60, 60), st.floats(-180, 180)), min_size=1, max_size=60)


def track_of(points, steps_s) -> Track:
    n = len(points)
    occurred = np.cumsum(np.array(steps_s[:n], dtype=np.int64) * 1_000_000)
    lat = np.array([p[0] for p in points])
    lon = np.array([p[1] for p in points])
    nan = np.full(n, np.nan)
    return Track(mmsi=1, occurred=occurred, recorded=occurred, lat=lat, lon=lon, sog=nan, cog=nan, heading=nan,
                 status=np.full(n, -1, np.int8))


@given(coordinates, st.floats(0, 50_000))
def test_thinning_keeps_the_ends_and_drops_only_reports_near_the_last_one_kept(points, metres):
    lat = np.array([p[0] for p in points])
    lon = np.array([p[1] for p in points])
    kept = thin_rows(lat, lon, metres)
    assert kept[0] == 0 and kept[-1] == len(points) - 1 and np.all(np.diff(kept) > 0)
    for before, after in zip(kept[:-1], kept[1:]):
        between = np.arange(before + 1, after)
        if between.size:  # every report dropped was within ``metres`` of the report kept before it
            assert np.all(distances_m(lat[between], lon[between], lat[before], lon[before]) < metres)
        if after != len(points) - 1:
            assert distances_m(lat[[after]], lon[[after]], lat[before], lon[before])[0] >= metres


@given(coordinates, st.lists(st.integers(1, 4_000), min_size=60, max_size=60), st.floats(0, 5_000))
def test_segments_split_at_gaps_and_keep_every_segments_first_and_last_report(points, steps, metres):
    track = track_of(points, steps)
    bounds = segment_bounds(track, gap_s=1_800)
    segments = track_segments(track, simplify_m=metres, gap_s=1_800)
    assert len(segments) == len(bounds) == 1 + int(np.sum(np.diff(track.occurred) > 1_800_000_000))
    for (start, stop), segment in zip(bounds, segments):
        assert segment.occurred[0] == track.occurred[start] and segment.occurred[-1] == track.occurred[stop - 1]


def test_a_ship_crossing_the_antimeridian_is_a_few_hundred_metres_from_one_report_to_the_next():
    lon = np.array([179.997, -179.997])
    assert distances_m(np.array([52.0]), lon[1:], 52.0, float(lon[0]))[0] < 500
    assert thin_rows(np.array([52.0, 52.0, 52.0]), np.array([179.997, -179.999, -179.995]), 1_000).tolist() == [0, 2]
