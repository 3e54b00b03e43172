from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidTime
from domain.time import format_instant, from_datetime, parse_instant


def test_iso_times_read_in_any_zone_and_print_in_utc():
    assert format_instant(parse_instant("2024-05-01T14:00:00+02:00")) == "2024-05-01T12:00:00Z"
    assert format_instant(parse_instant("2024-05-01 12:00:00.250")) == "2024-05-01T12:00:00.250000Z"


def test_an_unreadable_time_says_what_was_expected():
    with pytest.raises(InvalidTime, match="ISO 8601"):
        parse_instant("yesterday")


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)))
def test_printing_and_reading_an_instant_is_lossless(moment):
    instant = from_datetime(moment.replace(tzinfo=timezone.utc))
    assert parse_instant(format_instant(instant)) == instant
