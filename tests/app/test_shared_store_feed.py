"""A listener writing into a shared PostgreSQL store forgets nothing either: what it could not write waits in
a spool on this computer, named after the store, and the next listener on that store appends it first."""
from __future__ import annotations

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
