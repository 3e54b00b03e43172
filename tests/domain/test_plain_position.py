"""The fast way to a position report gives exactly what the constructor gives, or leaves the values to it."""
import pytest
from hypothesis import given, strategies as st

from domain import ais
from domain.events import PositionReported

numbers = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-1000, 1000) | st.none()
near = lambda low, high: st.floats(low - 1, high + 1, allow_nan=False) | numbers  # noqa: E731


@given(mmsi=st.integers(-5, 1_000_000_005) | st.booleans(), occurred_at=st.integers(-2**40, 2**52) | st.floats(0, 1e15),
       lat=near(-90, 90), lon=near(-180, 180), sog=near(0, 102.3), cog=near(0, 360), heading=st.integers(-2, 512) | numbers,
       nav_status=st.none() | st.sampled_from(sorted(ais.NAV_STATUS_CODES)) | st.text(max_size=5))
def test_plain_gives_what_the_constructor_gives_or_nothing(mmsi, occurred_at, lat, lon, sog, cog, heading,
                                                            nav_status) -> None:
    fast = PositionReported.plain(mmsi, occurred_at, lat, lon, sog, cog, heading, nav_status)
    if fast is None:
        return
    assert fast == PositionReported(mmsi=mmsi, occurred_at=occurred_at, lat=lat, lon=lon, sog=sog, cog=cog,
                                    heading=heading, nav_status=nav_status)
    assert [type(value) for value in (fast.lat, fast.lon)] == [float, float]


@given(lat=st.floats(-89.9, 89.9), lon=st.floats(-179.9, 179.9), sog=st.none() | st.floats(0, 102.2),
       cog=st.none() | st.floats(0, 359.9), heading=st.none() | st.integers(0, 359),
       nav_status=st.none() | st.sampled_from(sorted(ais.NAV_STATUS_CODES)))
def test_every_clean_report_takes_the_fast_way(lat, lon, sog, cog, heading, nav_status) -> None:
    assert PositionReported.plain(366_000_001, 1_704_067_200_000_000, lat, lon, sog, cog, heading, nav_status) is not None


@pytest.mark.parametrize("field, value", [("lat", 91.0), ("sog", 102.3), ("cog", 360.0), ("heading", 511),
                                          ("nav_status", "sailing backwards")])
def test_a_sentinel_or_a_bad_value_is_left_to_the_constructor(field, value) -> None:
    values = {**dict(mmsi=366_000_001, occurred_at=1_704_067_200_000_000, lat=50.0, lon=-1.0, sog=10.0, cog=90.0,
                     heading=90, nav_status="under way using engine"), field: value}
    assert PositionReported.plain(**values) is None  # the constructor explains it, or reads "not available"
