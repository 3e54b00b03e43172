"""Ships near each other are found with a grid, and exactly the pairs a check of every pair would find."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.geo import local_offset_m
from domain.rules.proximity import neighbours, pairs_within


def every_pair_within(lat, lon, radius_m) -> set[tuple[int, int]]:
    found = set()
    for i in range(len(lat)):
        for j in range(i + 1, len(lat)):
            east, north = local_offset_m(lat[i], lon[i], lat[j], lon[j])
            if east * east + north * north <= radius_m * radius_m:
                found.add((i, j))
    return found


def grid_pairs(lat, lon, radius_m) -> set[tuple[int, int]]:
    first, second = pairs_within(np.array(lat), np.array(lon), radius_m)
    assert (first < second).all()
    pairs = list(zip(first.tolist(), second.tolist()))
    assert len(pairs) == len(set(pairs))  # each pair once
    return set(pairs)


def near(pairs: set, lat, lon, radius_m, slack=1e-6) -> set:
    """Pairs not within a hair of the radius (where rounding may decide either way)."""
    keep = set()
    for i, j in pairs:
        east, north = local_offset_m(lat[i], lon[i], lat[j], lon[j])
        if abs((east * east + north * north) ** 0.5 - radius_m) > slack * radius_m:
            keep.add((i, j))
    return keep


@settings(max_examples=60)
@given(st.data(), st.sampled_from([(50.0, 5.0, 0.5), (0.0, 179.9, 0.4), (75.0, -30.0, 3.0), (-45.0, 20.0, 0.05)]),
       st.sampled_from([500.0, 5_000.0, 22_224.0]))
def test_the_grid_finds_the_pairs_a_check_of_every_pair_finds(data, region, radius_m):
    lat0, lon0, spread = region
    n = data.draw(st.integers(0, 70))
    lat = [data.draw(st.floats(lat0 - spread, lat0 + spread)) for _ in range(n)]
    lon = [(data.draw(st.floats(lon0 - spread, lon0 + spread)) + 180.0) % 360.0 - 180.0 for _ in range(n)]
    expected = every_pair_within(lat, lon, radius_m)
    found = grid_pairs(lat, lon, radius_m)
    assert near(found, lat, lon, radius_m) == near(expected, lat, lon, radius_m)


def test_pairs_across_the_antimeridian_are_found():
    lat, lon = [10.0, 10.0, 10.0], [179.99, -179.99, 0.0]
    assert grid_pairs(lat, lon, 5_000.0) == {(0, 1)}


def test_a_crowded_anchorage_gives_every_pair_once_with_its_offset():
    rng = np.random.default_rng(1)
    lat, lon = 1.2 + rng.uniform(0, 0.05, 300), 103.8 + rng.uniform(0, 0.05, 300)
    first, second, east, north = neighbours(lat, lon, 22_224.0)
    assert len(set(zip(first.tolist(), second.tolist()))) == len(first) == 300 * 299 // 2
    k = 123
    assert (east[k], north[k]) == pytest.approx(
        local_offset_m(lat[first[k]], lon[first[k]], lat[second[k]], lon[second[k]]), rel=1e-6)
