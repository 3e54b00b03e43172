"""A listener writing into a shared PostgreSQL store forgets nothing either: what it could not write waits in
a spool on this computer, named after the store, and the next listener on that store appends it first."""
from __future__ import annotations

from app.ais_import import import_files
from app.live_ingest import LiveIngest
from app.live_spool import spool_anchor, spool_path
from feeds.network import FeedLine
from store import StoreError, open_store
from tests.app.test_live_ingest import T, ReceivedLines, sentences


def refused(_events):
    raise StoreError("the server refused the batch")


def test_a_listener_on_a_shared_store_keeps_what_it_could_not_write_for_the_next_start(postgres_url):
    lines = [FeedLine(sentence, T + i) for i, sentence in enumerate(sentences(20))]
    with open_store(postgres_url) as store:
        stopped = LiveIngest(ReceivedLines(lines), store, clock=lambda: T, append=refused).run()
        anchor = spool_anchor(store.path, store.key)
        assert not stopped.complete and stopped.spooled == 20 and store.count() == 0
    assert anchor is not None and spool_path(anchor).exists()
    assert "password" not in anchor.name and store.key is not None and "@" not in anchor.name

    with open_store(postgres_url) as store:
        again = LiveIngest(ReceivedLines([]), store, clock=lambda: T).run()
        reports = [recorded for recorded in store.read_all() if recorded.type == "PositionReported"]
    assert again.replayed == 20 and again.complete and len(reports) == 20
    assert not spool_path(anchor).exists()  # all in the log: the spool is gone


def test_an_import_into_a_shared_store_sets_aside_a_row_of_binary_bytes_and_goes_on(tmp_path, postgres_url):
    """PostgreSQL's text cannot hold NUL: the quarantine of such a row refused the whole import before."""
    day = tmp_path / "day.csv"
    day.write_bytes(b"MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,"
                    b"Width,Draft,Cargo,TransceiverClass\n"
                    b"366000001,2024-01-01T00:00:01,29.1,-82.8,0.6,337.8,338,ALBA,,,70,0,100,20,5.0,,A\n"
                    b"366000002,2024-01-01T00:00\x00\x01:02,29.2,-82.9,0.6,33.8,33,BRAN,,,70,0,100,20,5.0,,A\n"
                    b"366000001,2024-01-01T00:01:01,29.15,-82.81,0.6,337.8,338,ALBA,,,70,0,100,20,5.0,,A\n")
    with open_store(postgres_url) as store:
        summary = import_files(store, [day])
        set_aside = store.quarantined()
        reports = [recorded for recorded in store.read_all() if recorded.type == "PositionReported"]
    assert summary.lines["quarantined"] == 1 and summary.lines["stored"] == 2 and len(reports) == 2
    assert [(record.line, "NUL" in record.reason, "\\x00" in record.raw) for record in set_aside] == [(3, True, True)]
