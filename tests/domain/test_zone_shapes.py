"""Drawn zone outlines are checked before they become zones; zone areas and label points."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.geo import EARTH_RADIUS_M, METRES_PER_NAUTICAL_MILE, point_in_area
from domain.zone_shapes import InvalidOutline, area_nm2, crossing_edges, label_point, outline_ring, ring_area_m2

SQUARE = [(-1.5, 50.5), (-1.0, 50.5), (-1.0, 51.0), (-1.5, 51.0)]


def test_a_drawn_outline_becomes_a_ring_of_its_distinct_corners():
    ring = outline_ring([*SQUARE[:2], SQUARE[1], *SQUARE[2:], SQUARE[0]])  # a double click, and closed by hand
    assert ring == tuple(SQUARE)


def test_corners_drawn_in_another_world_copy_are_brought_back_to_the_chart():
    assert outline_ring([(x + 360.0, y) for x, y in SQUARE]) == tuple(SQUARE)
    east_of_dateline = [(181.0, 10.0), (182.0, 10.0), (182.0, 11.0)]  # 179°W..178°W drawn east of 180
    assert outline_ring(east_of_dateline) == ((-179.0, 10.0), (-178.0, 10.0), (-178.0, 11.0))


def test_an_outline_across_the_180th_meridian_is_refused():
    with pytest.raises(InvalidOutline, match="crosses the 180° meridian"):
        outline_ring([(179.5, 10.0), (180.5, 10.0), (180.5, 11.0), (179.5, 11.0)])


@pytest.mark.parametrize("corners, count", [([], 0), ([(0.0, 0.0)], 1), ([(0.0, 0.0), (1.0, 1.0), (0.0, 0.0)], 2),
                                             ([(0.0, 0.0), (1.0, 0.0), (1.0, 0.0)], 2)])
def test_a_zone_needs_three_distinct_corners(corners, count):
    with pytest.raises(InvalidOutline, match=f"has {count} distinct corners?: a zone needs at least 3"):
        outline_ring(corners)


def test_corners_in_a_line_enclose_nothing():
    with pytest.raises(InvalidOutline, match="in a line"):
        outline_ring([(0.0, 0.0), (1.0, 1.0), (2.0, 2.0)])


def test_a_figure_eight_is_refused_naming_the_edges_that_cross():
    bow_tie = [(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0)]
    with pytest.raises(InvalidOutline) as refused:
        outline_ring(bow_tie)
    assert str(refused.value) == ("crosses itself: the edge from corner 1 to corner 2 meets the edge "
                                  "from corner 3 to corner 4")


def test_an_outline_touching_itself_or_folding_back_is_refused():
    touching = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (1.0, 0.0), (0.0, 2.0)]  # corner 4 lies on the first edge
    assert crossing_edges(tuple(touching)) == (0, 2)
    folded = [(0.0, 0.0), (2.0, 0.0), (1.0, 0.0), (1.0, 1.0)]  # the second edge runs back along the first
    assert crossing_edges(tuple(folded)) == (0, 1)
    assert crossing_edges(tuple(SQUARE)) is None


def test_a_latitude_band_has_the_area_of_the_sphere_between_its_parallels():
    ring = ((0.0, 50.0), (1.0, 50.0), (1.0, 51.0), (0.0, 51.0))
    expected = EARTH_RADIUS_M ** 2 * math.radians(1.0) * (math.sin(math.radians(51)) - math.sin(math.radians(50)))
    assert ring_area_m2(ring) == pytest.approx(expected, rel=1e-12)
    assert ring_area_m2(tuple(reversed(ring))) == pytest.approx(expected, rel=1e-12)


def test_a_small_zone_measures_as_a_chart_would_show_it():
    one_mile = 1 / 60  # a square of one minute of latitude on the equator is about one square nautical mile
    area = (((0.0, 0.0), (one_mile, 0.0), (one_mile, one_mile), (0.0, one_mile)),),
    assert area_nm2(area) == pytest.approx((EARTH_RADIUS_M * math.radians(one_mile) / METRES_PER_NAUTICAL_MILE) ** 2,
                                           rel=1e-6)


def test_a_hole_is_not_part_of_the_area():
    outer = ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0))
    hole = ((0.25, 0.25), (0.75, 0.25), (0.75, 0.75), (0.25, 0.75))
    assert area_nm2(((outer, hole),)) == pytest.approx(area_nm2(((outer,),)) - area_nm2(((hole,),)))


def test_the_name_of_a_crescent_is_written_inside_it():
    crescent = ((0.0, 0.0), (3.0, 0.0), (3.0, 3.0), (0.0, 3.0), (0.0, 2.0), (2.0, 2.0), (2.0, 1.0), (0.0, 1.0))
    lon, lat = label_point(((crescent,),))
    assert point_in_area(lon, lat, ((crescent,),))
    ring = tuple(SQUARE)
    assert label_point(((ring,),)) == pytest.approx((-1.25, 50.75))


def _crossings_by_brute_force(ring):
    """Every pair of edges that meet where they should not, by the plain definition."""
    n = len(ring)

    def orient(a, b, c):
        value = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (value > 0) - (value < 0)

    def on(a, b, c):
        return min(a[0], b[0]) <= c[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= c[1] <= max(a[1], b[1])

    def meet(p1, p2, q1, q2):
        d1, d2, d3, d4 = orient(q1, q2, p1), orient(q1, q2, p2), orient(p1, p2, q1), orient(p1, p2, q2)
        if d1 * d2 < 0 and d3 * d4 < 0:
            return True
        return ((d1 == 0 and on(q1, q2, p1)) or (d2 == 0 and on(q1, q2, p2))
                or (d3 == 0 and on(p1, p2, q1)) or (d4 == 0 and on(p1, p2, q2)))

    found = set()
    for i in range(n):
        for j in range(i + 1, n):
            a1, a2, b1, b2 = ring[i], ring[(i + 1) % n], ring[j], ring[(j + 1) % n]
            if j == i + 1 or (i == 0 and j == n - 1):
                shared, other_a, other_b = (a2, a1, b2) if j == i + 1 else (a1, a2, b1)
                u = (other_a[0] - shared[0], other_a[1] - shared[1])
                v = (other_b[0] - shared[0], other_b[1] - shared[1])
                if u[0] * v[1] - u[1] * v[0] == 0 and u[0] * v[0] + u[1] * v[1] > 0:
                    found.add((i, j))  # the two edges run along each other from their shared corner
            elif meet(a1, a2, b1, b2):
                found.add((i, j))
    return found


@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=3, max_size=9, unique=True))
def test_crossing_edges_finds_a_crossing_exactly_when_there_is_one(corners):
    ring = tuple((float(x), float(y)) for x, y in corners)
    found = crossing_edges(ring)
    expected = _crossings_by_brute_force(ring)
    if expected:
        assert found is not None
    else:
        assert found is None
