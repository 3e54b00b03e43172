"""Hypothesis strategies for position reports: any valid value of every field, for the tests that hold two ways
of handling a report (a key, a payload, a column, an entry) to each other."""
from __future__ import annotations

from hypothesis import strategies as st

from domain import ais
from domain.events import PositionReported


def position_reports(mmsi: st.SearchStrategy[int] = st.integers(100_000_000, 999_999_999),
                     occurred_at: st.SearchStrategy[int] = st.integers(-2**40, 2**52)
                     ) -> st.SearchStrategy[PositionReported]:
    """Reports of these ships and times, with any position, motion and status (or none)."""
    return st.builds(
        PositionReported,
        mmsi=mmsi,
        occurred_at=occurred_at,
        lat=st.floats(-90, 90, allow_nan=False),
        lon=st.floats(-180, 180, allow_nan=False),
        sog=st.none() | st.floats(0, ais.SOG_MAX, allow_nan=False),
        cog=st.none() | st.floats(0, 359.94, allow_nan=False),
        heading=st.none() | st.integers(0, 359),
        nav_status=st.none() | st.sampled_from(sorted(ais.NAV_STATUS_CODES)),
    )
