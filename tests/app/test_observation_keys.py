"""The dedupe key of a position report is the same whichever code makes it: the one format string of the
hot path spells out exactly the fields the general key joins, so a file imported before and after keeps its
keys (importing it again appends nothing)."""
from hypothesis import given, strategies as st

from app.import_reading import PositionTuples
from app.observation_recorder import _timed_key, position_key
from domain.events import NewEvent, PositionReported
from tests.report_strategies import position_reports
from domain.events.report_entries import report_event
from store.codec import payload_encoder

reports = position_reports()


@given(report=reports, kind=st.sampled_from(["noaa-csv", "dma-csv", "nmea", "csv"]))
def test_position_key_is_the_general_timed_key(report: PositionReported, kind: str) -> None:
    assert position_key(kind, report) == _timed_key(report.occurred_at, kind, report.mmsi, report.occurred_at,
                                                    report.lat, report.lon, report.sog, report.cog, report.heading,
                                                    report.nav_status)


@given(report=reports, kind=st.sampled_from(["noaa-csv", "dma-csv", "csv"]))
def test_a_reading_process_sends_the_key_and_payload_the_appending_process_would_make(report: PositionReported,
                                                                                      kind: str) -> None:
    """An import's reading process writes each number once for both the key and the payload: what it sends is
    what ``position_key`` and the store's own encoder make of the same report."""
    entry = PositionTuples(kind)
    entry.plain_metadata = metadata = {"source": "import"}
    sent = entry(report, 1, metadata)
    *fields, key, payload, recorded_at, sent_metadata = sent
    assert tuple(fields) == (report.mmsi, report.occurred_at, report.lat, report.lon, report.sog, report.cog,
                             report.heading, report.nav_status)
    assert key == position_key(kind, report)
    assert payload == payload_encoder(PositionReported)(report)
    assert (recorded_at, sent_metadata) == (1, metadata)
    assert report_event(sent) == NewEvent(report, 1, metadata, key, None, payload)  # the event it stands for
    other = entry(report, 1, {"source": "import", "stations": ["a", "b"]})  # heard by stations: stays an event
    assert other.dedupe_key == position_key(kind, report) and other.event is report
