"""CPA and TCPA of two ships holding course and speed, checked against values worked out by hand."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.geo import METRES_PER_DEGREE, METRES_PER_NAUTICAL_MILE, destination_point
from domain.rules.cpa import METRES_PER_SECOND_PER_KNOT, cpa_tcpa, cpa_tcpa_arrays, encounter, velocity_ms

NM = METRES_PER_NAUTICAL_MILE
KN = METRES_PER_SECOND_PER_KNOT


def test_two_ships_head_on_two_miles_apart_at_ten_knots_meet_in_six_minutes():
    """A sails north at 10 kn; B, 2 nm north of A, sails south at 10 kn. They close at 20 kn, so the 2 nm
    go in 2/20 h = 6 min, and they meet: CPA 0."""
    x, y = 0.0, 2 * NM
    (vax, vay), (vbx, vby) = velocity_ms(10.0, 0.0), velocity_ms(10.0, 180.0)
    cpa, tcpa = cpa_tcpa(x, y, vbx - vax, vby - vay)
    assert cpa == pytest.approx(0.0, abs=1e-6)
    assert tcpa == pytest.approx(360.0)


def test_ships_crossing_at_right_angles_pass_two_point_four_miles_apart():
    """A at the origin sails north at 12 kn; B, 4 nm east of A, sails west at 16 kn.

    Relative to A, B starts at p = (4, 0) nm and moves at v = (-16, -12) kn, |v|² = 400 kn².
    TCPA = -(p·v)/|v|² = 64/400 h = 0.16 h = 9.6 min = 576 s.
    B is then at p + v·0.16 h = (4 - 2.56, -1.92) = (1.44, -1.92) nm from A: CPA = √(2.0736 + 3.6864) = 2.4 nm.
    """
    (vax, vay), (vbx, vby) = velocity_ms(12.0, 0.0), velocity_ms(16.0, 270.0)
    cpa, tcpa = cpa_tcpa(4 * NM, 0.0, vbx - vax, vby - vay)
    assert tcpa == pytest.approx(576.0)
    assert cpa == pytest.approx(2.4 * NM)


def test_a_ship_overtaking_on_a_parallel_track_passes_abeam():
    """A sails north at 8 kn; B, 1 nm behind and 0.3 nm to starboard, sails north at 14 kn. B gains 6 kn on
    A: the 1 nm goes in 1/6 h = 600 s, and B passes abeam 0.3 nm off."""
    cpa, tcpa = cpa_tcpa(0.3 * NM, -1 * NM, 0.0, 6 * KN)
    assert tcpa == pytest.approx(600.0)
    assert cpa == pytest.approx(0.3 * NM)


def test_ships_opening_have_their_closest_point_behind_them():
    cpa, tcpa = cpa_tcpa(0.0, NM, 0.0, 10 * KN)  # B ahead and pulling away
    assert tcpa < 0
    assert cpa == pytest.approx(0.0, abs=1e-6)


def test_ships_without_relative_motion_keep_their_range():
    assert cpa_tcpa(300.0, 400.0, 0.0, 0.0) == (500.0, 0.0)


def test_encounter_from_positions_uses_a_flat_chart_around_the_pair():
    """The head-on case again, from latitudes and longitudes in the Channel."""
    lat_b, lon_b = destination_point(50.0, -1.0, 0.0, 2 * NM)
    cpa, tcpa = encounter(50.0, -1.0, 10.0, 0.0, lat_b, lon_b, 10.0, 180.0)
    assert cpa == pytest.approx(0.0, abs=0.5)
    assert tcpa == pytest.approx(360.0, abs=0.5)


def test_encounter_measures_east_west_at_the_pairs_latitude():
    """At 60° N a degree of longitude is half a degree of latitude: ships 1° of longitude apart, closing
    head-on east-west at 20 kn, meet after 0.5 × 60 nm / 20 kn = 1.5 h."""
    cpa, tcpa = encounter(60.0, 0.0, 10.0, 90.0, 60.0, 1.0, 10.0, 270.0)
    expected = METRES_PER_DEGREE * math.cos(math.radians(60.0)) / (20 * KN)
    assert tcpa == pytest.approx(expected)
    assert cpa == pytest.approx(0.0, abs=1e-6)


metres = st.floats(-50_000, 50_000, allow_nan=False)
speeds = st.floats(-20, 20, allow_nan=False)


@given(st.lists(st.tuples(metres, metres, speeds, speeds), min_size=1, max_size=20))
def test_the_array_version_agrees_with_the_plain_one(cases):
    x, y, vx, vy = (np.array(column) for column in zip(*cases))
    cpa, tcpa = cpa_tcpa_arrays(x, y, vx, vy)
    for k, case in enumerate(cases):
        one_cpa, one_tcpa = cpa_tcpa(*case)
        assert cpa[k] == pytest.approx(one_cpa, rel=1e-9, abs=1e-6)
        assert tcpa[k] == pytest.approx(one_tcpa, rel=1e-9, abs=1e-6)


@given(metres, metres, speeds, speeds)
def test_no_moment_is_closer_than_the_closest_point(x, y, vx, vy):
    cpa, tcpa = cpa_tcpa(x, y, vx, vy)
    for t in (tcpa - 60.0, tcpa + 60.0, 0.0):
        assert math.hypot(x + vx * t, y + vy * t) >= cpa - 1e-3
