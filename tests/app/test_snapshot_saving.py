"""A console that only reads does not write its index snapshot again: at 10 million reports the snapshot is
100 MB, and the one in the store is already this index."""
from __future__ import annotations

from app.fleet_index import SNAPSHOT_NAME
from app.fleet_service import FleetService
from store import open_store
from tests.fleet_events import registered, report


def test_an_index_read_from_the_stored_snapshot_is_not_saved_again_until_the_log_grows(tmp_path):
    path = tmp_path / "fleet.sqlite"
    with open_store(path) as store:
        store.append_batch([registered(219000001, 0, "ARIA"), report(219000001, 1, 50.0, 1.0)])
        assert FleetService.open(store).save_snapshot()
    with open_store(path) as store:
        service = FleetService.open(store)
        assert not service.save_snapshot(), "the store holds this very index"
        service.append([report(219000001, 2, 50.1, 1.1)])
        assert service.save_snapshot()
        assert store.load_snapshot(SNAPSHOT_NAME)[0] == service.event_count
        assert not service.save_snapshot()


def test_a_console_leaves_the_spans_of_the_blocks_its_appends_and_searches_learned(tmp_path):
    from store.event_store import OCCURRED_SPANS
    from store.occurred_blocks import OccurredBlocks

    path = tmp_path / "fleet.sqlite"
    with open_store(path) as store:
        store.append_batch([report(219000001, minute, 50.0, 1.0) for minute in range(5_000)])  # learned while written
    with open_store(path) as store:
        service = FleetService.open(store)
        service.append([report(219000001, 5_000 + minute, 50.0, 1.0) for minute in range(5_000)])
        assert store.read_page(occurred_from=0, limit=1)  # a time window: reads learn the first block
        service.save_snapshot()
        position, data = store.load_snapshot(OCCURRED_SPANS)
        assert OccurredBlocks().take(data, position) == 2  # the first block read, the second appended here
