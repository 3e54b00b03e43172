"""The store contract: every backend passes these (a backend supplies only the ``log`` fixture)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.events import NewEvent, OperatorNoteAdded, ship_stream
from store import ConcurrencyError, open_store
from tests.fleet_events import MINUTE, T0, registered, report


@pytest.fixture(params=["sqlite-file", "sqlite-memory", "postgresql"])
def log(request, tmp_path):
    if request.param == "postgresql":
        location = request.getfixturevalue("postgres_url")
    else:
        location = tmp_path / "contract.sqlite" if request.param == "sqlite-file" else "sqlite://"
    opened = open_store(location)
    yield opened
    opened.close()


def test_appended_events_come_back_in_order_with_their_envelope(log):
    result = log.append_batch([registered(219000001, 0, "ARIA"), report(219000001, 1), report(219000002, 1),
                               report(219000001, 2)])
    stored = list(log.read_all())
    assert [e.position for e in stored] == [1, 2, 3, 4]
    assert [(e.stream_id, e.version) for e in stored] == [("ship-219000001", 1), ("ship-219000001", 2),
                                                          ("ship-219000002", 1), ("ship-219000001", 3)]
    assert [e.event for e in stored] == [e.event for e in result.appended]
    assert [e.hash for e in stored] == [e.hash for e in result.appended]
    assert stored[0].metadata == {"source": "test"}
    assert len({e.event_id for e in stored}) == 4
    assert log.head().position == 4 and log.head().hash == stored[-1].hash


def test_a_stream_reads_back_alone(log):
    log.append_batch([report(219000001, m) for m in range(3)] + [report(219000002, 0)])
    assert [e.version for e in log.read_stream(ship_stream(219000001))] == [1, 2, 3]
    assert list(log.read_stream("ship-999999999")) == []
    assert log.stream_version(ship_stream(219000001)) == 3


def test_appending_at_the_expected_version_succeeds_and_a_stale_one_fails_writing_nothing(log):
    stream = ship_stream(219000001)
    log.append(stream, [report(219000001, 0)], expected_version=0)
    log.append(stream, [report(219000001, 1)], expected_version=1)
    with pytest.raises(ConcurrencyError) as clash:
        log.append(stream, [report(219000001, 2)], expected_version=1)
    assert clash.value.actual == 2 and "another writer" in str(clash.value)
    assert log.head().position == 2


def test_an_observation_is_stored_once_however_often_it_arrives(log):
    first = log.append_batch([report(219000001, 0), report(219000001, 1)])
    again = log.append_batch([report(219000001, 1), report(219000001, 2), report(219000001, 2)])
    assert (first.count, first.duplicates) == (2, 0)
    assert (again.count, again.duplicates) == (1, 2)
    assert [e.event.occurred_at for e in log.read_all()] == [T0, T0 + MINUTE, T0 + 2 * MINUTE]
    assert log.verify().ok


def test_two_different_reports_in_the_same_second_are_both_kept(log):
    log.append_batch([report(219000001, 0, lat=50.1), report(219000001, 0, lat=50.2)])
    assert log.head().position == 2


def test_reads_are_bounded_by_either_clock(log):
    log.append_batch([report(219000001, 0), report(219000001, 10, late_minutes=30), report(219000001, 20)])
    assert [e.position for e in log.read_all(occurred_to=T0 + 15 * MINUTE)] == [1, 2]
    assert [e.position for e in log.read_all(recorded_to=T0 + 25 * MINUTE)] == [1, 3]
    assert [e.position for e in log.read_all(occurred_from=T0 + 5 * MINUTE)] == [2, 3]
    assert [e.position for e in log.read_all(2)] == [2, 3]


def test_reads_stream_in_pages_without_losing_or_repeating_events(log):
    log.append_batch([report(219000000 + i % 7, i / 10) for i in range(1_234)])
    positions = [e.position for e in log.read_all(page=100)]
    assert positions == list(range(1, 1_235))


def test_notes_and_reports_share_one_chain(log):
    log.append_batch([report(219000001, 0)])
    log.append_batch([NewEvent(OperatorNoteAdded(occurred_at=T0, operator="kim", text="pilot aboard", mmsi=219000001),
                               recorded_at=T0, metadata={"source": "operator", "operator": "kim"})])
    note = list(log.read_stream(ship_stream(219000001)))[-1]
    assert note.type == "OperatorNoteAdded" and note.metadata["operator"] == "kim"
    assert log.verify().ok


def test_an_empty_store_verifies_with_a_genesis_head(log):
    report_ = log.verify()
    assert report_.ok and report_.events == 0 and report_.head_hash == bytes(32)


def test_quarantined_records_are_kept_with_their_reason(log):
    from store import QuarantinedRecord

    added = log.quarantine([QuarantinedRecord(source="solent.csv", line=17, raw="2016-01-12,abc,,", reason="MMSI not 9 digits",
                                              field="MMSI", dedupe_key=b"solent.csv:17")])
    again = log.quarantine([QuarantinedRecord(source="solent.csv", line=17, raw="2016-01-12,abc,,", reason="MMSI not 9 digits",
                                              field="MMSI", dedupe_key=b"solent.csv:17")])
    (record,) = log.quarantined()
    assert (added, again) == (1, 0)
    assert (record.source, record.line, record.field, record.reason) == ("solent.csv", 17, "MMSI", "MMSI not 9 digits")


@settings(max_examples=25)
@given(st.lists(st.tuples(st.sampled_from([219000001, 219000002, 235000003]), st.integers(0, 30)), max_size=40),
       st.integers(1, 40))
def test_importing_the_same_observations_again_appends_nothing(tmp_path_factory, observations, batch):
    with_store = open_store(tmp_path_factory.mktemp("idem") / "s.sqlite")
    try:
        items = [report(mmsi, minute) for mmsi, minute in observations]
        for start in range(0, len(items), batch):
            with_store.append_batch(items[start:start + batch])
        first = [(e.stream_id, e.event) for e in with_store.read_all()]
        for start in range(0, len(items), batch):
            assert with_store.append_batch(items[start:start + batch]).count == 0
        assert [(e.stream_id, e.event) for e in with_store.read_all()] == first
        assert len(first) == len(set(observations))
        assert with_store.verify().ok
    finally:
        with_store.close()


def test_a_batch_with_one_unstorable_event_stores_nothing_of_the_batch(log):
    log.append_batch([report(219000001, 0)])
    bad = NewEvent(report(219000001, 2).event, recorded_at=T0, metadata={"source": object()})
    with pytest.raises(TypeError):
        log.append_batch([report(219000001, 1), bad])
    assert log.head().position == 1 and log.verify().ok
    assert log.append_batch([report(219000001, 1)]).count == 1


def test_reads_by_type_and_stream_page_after_a_position(log):
    log.append_batch([registered(219000001, 0, "ARIA"), report(219000001, 1), report(219000002, 1)])
    log.append_batch([NewEvent(OperatorNoteAdded(occurred_at=T0, operator="kim", text="pilot aboard", mmsi=219000001),
                               recorded_at=T0, metadata={"source": "operator", "operator": "kim"})])
    assert [e.position for e in log.read_page(type_names=["PositionReported"])] == [2, 3]
    assert [e.position for e in log.read_page(after_position=2, stream_id=ship_stream(219000001))] == [4]
    assert [e.type for e in log.read_types(["OperatorNoteAdded"])] == ["OperatorNoteAdded"]
    assert log.read_page(type_names=["NoSuchEvent"]) == []
    assert log.count_by_type() == {"ShipRegistered": 1, "PositionReported": 2, "OperatorNoteAdded": 1}


def test_a_time_windows_page_reads_up_to_a_position_and_past_blocks_that_missed_it(log):
    log.append_batch([report(219000001, minute) for minute in (50, 51, 52, 53, 1, 2, 54, 3)])
    log.append_batch([report(219000002, 2)])
    window = dict(occurred_from=T0, occurred_to=T0 + 3 * MINUTE)
    assert [e.position for e in log.read_page(**window)] == [5, 6, 8, 9]
    assert [e.position for e in log.read_page(after_position=5, limit=2, **window)] == [6, 8]
    assert [e.position for e in log.read_page(to_position=7, **window)] == [5, 6]
    assert log.read_page(occurred_from=T0 + 60 * MINUTE) == []


def test_a_snapshot_is_used_only_while_it_matches_the_log(log):
    log.append_batch([report(219000001, 0), report(219000001, 1)])
    head = log.head()
    log.save_snapshot("index", head.position, head.hash, b"folded")
    assert log.load_snapshot("index") == (2, b"folded")
    log.save_snapshot("index", 1, bytes(32), b"stale")  # a snapshot of a log this is not
    assert log.load_snapshot("index") is None
    assert log.load_snapshot("never-saved") is None


def test_a_snapshot_saved_from_a_file_is_its_first_bytes_and_is_read_into_one_while_it_matches_the_log(log):
    import io

    log.append_batch([report(219000001, 0), report(219000001, 1)])
    head = log.head()
    log.save_snapshot("index", 1, log.hash_at(1), b"older")
    data = bytes(range(256)) * 9_000  # larger than a piece written at once
    log.save_snapshot_file("index", head.position, head.hash, io.BytesIO(data + b"not the snapshot's"), len(data))
    assert log.load_snapshot("index") == (2, data)
    into = io.BytesIO()
    assert log.load_snapshot_into("index", into) == 2 and into.getvalue() == data
    log.save_snapshot("index", 1, bytes(32), b"stale")
    assert log.load_snapshot_into("index", into) is None and log.load_snapshot_into("never-saved", into) is None


def test_the_store_keeps_its_own_settings(log):
    log.set_info("demo_fleet", "200 ships")
    log.set_info("demo_fleet", "300 ships")
    assert log.info("demo_fleet") == "300 ships" and log.info("absent") is None


def test_every_backend_is_a_recorder(log):
    from store.recorder import Recorder

    assert isinstance(log, Recorder)
