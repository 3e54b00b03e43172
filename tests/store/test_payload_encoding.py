"""A position report's stored payload, spelled out for speed, is exactly the JSON array its layout says."""
import json

from hypothesis import given, strategies as st

from domain import ais
from domain.events import PositionReported
from store.codec import decode_payload, layout_of, payload_encoder

reports = st.builds(
    PositionReported, mmsi=st.integers(201_000_000, 775_999_999), occurred_at=st.integers(0, 2**52),
    lat=st.floats(-90, 90), lon=st.floats(-180, 180), sog=st.none() | st.floats(0, 102.2),
    cog=st.none() | st.floats(0, 359.99), heading=st.none() | st.integers(0, 359),
    nav_status=st.none() | st.sampled_from(ais.NAV_STATUSES))


@given(reports)
def test_a_position_payload_is_the_compact_json_array_of_its_layout_and_reads_back(report) -> None:
    text = payload_encoder(PositionReported)(report)
    code = None if report.nav_status is None else ais.NAV_STATUSES.index(report.nav_status)
    assert text == json.dumps([report.lat, report.lon, report.sog, report.cog, report.heading, code],
                              separators=(",", ":"), allow_nan=False)
    assert decode_payload(layout_of(PositionReported), text, report.stream_id) == {
        "mmsi": report.mmsi, "lat": report.lat, "lon": report.lon, "sog": report.sog, "cog": report.cog,
        "heading": report.heading, "nav_status": report.nav_status}
