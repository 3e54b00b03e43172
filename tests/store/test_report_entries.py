"""A position report appended as an entry (the plain tuple an import's reading process sends) is stored exactly
as the same report appended as an event: the same rows, the same events read back, the same dedupe, in any mix
with events, on SQLite and on PostgreSQL. Only the event ids (random) and so the hashes differ."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.observation_recorder import position_key
from domain.events import NewEvent, PositionReported, ShipRegistered
from domain.events.report_entries import as_event, report_entry
from store import open_store
from store.codec import payload_encoder
from tests.report_strategies import position_reports

T0 = 1_700_000_000_000_000
METADATA = {"source": "import", "file": "day.csv"}
_encode = payload_encoder(PositionReported)

reports = position_reports(mmsi=st.integers(100_000_000, 100_000_020),
                           occurred_at=st.integers(T0, T0 + 86_400_000_000))


def _as_entry(report: PositionReported, recorded_at: int):
    return report_entry(report, position_key("noaa-csv", report), _encode(report), recorded_at, METADATA)


def _as_event(report: PositionReported, recorded_at: int) -> NewEvent:
    return NewEvent(report, recorded_at, METADATA, position_key("noaa-csv", report))


def _stored(store) -> list[tuple]:
    """The log as read back, without the event ids and hashes (random ids make different hashes)."""
    return [(item.position, item.stream_id, item.version, item.type, item.occurred_at, item.recorded_at,
             dict(item.metadata), item.event) for item in store.read_all()]


@pytest.fixture(params=["sqlite-file", "postgresql"])
def two_locations(request, tmp_path):
    """Where the entries go (either engine), and a SQLite store for the same reports as events."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url"), tmp_path / "events.sqlite"
    return tmp_path / "entries.sqlite", tmp_path / "events.sqlite"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(st.tuples(reports, st.booleans()), min_size=1, max_size=30))
def test_entries_are_stored_as_the_events_they_stand_for(tmp_path_factory, batch) -> None:
    folder = tmp_path_factory.mktemp("entries")
    registration = NewEvent(ShipRegistered(mmsi=100_000_000, occurred_at=T0, name="FIRST"), T0, METADATA, b"r")
    mixed = [registration] + [_as_entry(report, T0) if as_entry else _as_event(report, T0)
                              for report, as_entry in batch]
    plain = [registration] + [_as_event(report, T0) for report, _ in batch]
    with open_store(folder / "mixed.sqlite") as by_entries, open_store(folder / "plain.sqlite") as by_events:
        written = by_entries.append_batch(mixed)
        expected = by_events.append_batch(plain)
        assert (written.count, written.duplicates) == (expected.count, expected.duplicates)
        assert [item.event for item in written.appended] == [item.event for item in expected.appended]
        assert [as_event(item).event for item in written.written] == [item.event for item in expected.written]
        assert _stored(by_entries) == _stored(by_events)
        assert by_entries.verify().ok
        again = by_entries.append_batch(mixed)  # an import run twice: every entry is already in the log
        assert (again.count, again.duplicates) == (0, len(mixed))


def test_a_shared_store_takes_entries_as_it_takes_events(two_locations) -> None:
    entries_at, events_at = two_locations
    day = [PositionReported(mmsi=100_000_000 + ship, occurred_at=T0 + minute * 60_000_000, lat=50.0 + minute / 100,
                            lon=-1.25, sog=None if minute % 3 else 12.5, cog=270.0, heading=None,
                            nav_status="under way using engine")
           for minute in range(20) for ship in range(5)]
    with open_store(entries_at) as by_entries, open_store(events_at) as by_events:
        assert by_entries.append_batch([_as_entry(report, T0) for report in day]).count == len(day)
        assert by_events.append_batch([_as_event(report, T0) for report in day]).count == len(day)
        assert _stored(by_entries) == _stored(by_events)
        assert by_entries.verify().ok
        assert by_entries.append_batch([_as_entry(report, T0) for report in day[:7]]).duplicates == 7
