"""How positions, times and ages read in the console."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import math

import pytest

from domain.time import MICROS_PER_MINUTE, MICROS_PER_SECOND, parse_instant
from ui.formatting import format_age, format_moment, format_position, nav_status_short, ship_label
from chart.graticule import degree_label, tick_step


def test_a_position_reads_in_degrees_and_decimal_minutes():
    assert format_position(50 + 46.38 / 60, -(1 + 5.58 / 60)) == "50°46.38′N 001°05.58′W"
    assert format_position(-(33 + 0.5 / 60), 151.25) == "33°00.50′S 151°15.00′E"


def test_minutes_that_round_to_sixty_carry_into_the_degrees():
    assert format_position(49.9999999, 0.0) == "50°00.00′N 000°00.00′E"


def test_a_moment_reads_as_utc_to_the_second():
    assert format_moment(parse_instant("2026-11-25T14:03:12.654Z")) == "2026-11-25 14:03:12 UTC"


@pytest.mark.parametrize(("age", "text"), [
    (12 * MICROS_PER_SECOND, "12 s"), (2 * MICROS_PER_MINUTE + 5 * MICROS_PER_SECOND, "2 min"),
    (65 * MICROS_PER_MINUTE, "1 h 05 min"), ((3 * 24 + 4) * 60 * MICROS_PER_MINUTE, "3 d 4 h"), (-5, "0 s"),
])
def test_an_age_reads_briefly(age, text):
    assert format_age(age) == text


def test_a_ship_without_a_name_goes_by_its_mmsi():
    assert ship_label(None, 235012345) == "MMSI 235012345"
    assert ship_label("WIGHT SKY", 235012345) == "WIGHT SKY"


def test_statuses_are_shortened_for_the_table_only_where_long():
    assert nav_status_short(0) == "under way"
    assert nav_status_short(5) == "moored"
    assert nav_status_short(-1) == "–"


def test_graticule_labels_show_minutes_only_when_zoomed_in():
    assert degree_label(-5.0, 1.0, "E", "W") == "5°W"
    assert degree_label(50.5, 0.5, "N", "S") == "50°30′N"
    assert degree_label(0.0, 1.0, "E", "W") == "0°"
    assert tick_step(40.0, 900) == 5.0
    assert math.isclose(tick_step(0.5, 900), 5 / 60)
