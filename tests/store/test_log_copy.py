"""Copying a log between stores (here SQLite to SQLite; tests/store/test_shared_store.py copies through
PostgreSQL): same positions, ids and hashes, dedupe keys kept, resumable, another log refused, a copied row
that does not continue the chain refused with nothing written."""
from __future__ import annotations

import pytest

from store import open_store
from store.copied_rows import CopyMismatchError, read_rows
from store.log_copy import copy_log
from tests.fleet_events import registered, renamed, report


@pytest.fixture
def source(tmp_path):
    store = open_store(tmp_path / "source.sqlite")
    store.append_batch([registered(219000001, 0, "ARIA"), renamed(219000001, 5, "ARIA II")]
                       + [report(219000001 + i % 3, i) for i in range(40)])
    yield store
    store.close()


def test_a_copy_has_the_same_envelopes_and_head_and_knows_the_observations(tmp_path, source):
    with open_store(tmp_path / "copy.sqlite") as target:
        result = copy_log(source, target, batch=9)
        assert (result.copied, result.resumed_from) == (42, 0)
        assert ([(e.position, e.event_id, e.stream_id, e.version, e.type, e.metadata, e.hash) for e in target.read_all()]
                == [(e.position, e.event_id, e.stream_id, e.version, e.type, e.metadata, e.hash) for e in source.read_all()])
        assert target.verify().head_hash == source.verify().head_hash
        assert target.append_batch([report(219000001, 0)]).count == 0
        assert copy_log(source, target).copied == 0  # nothing left to copy


def test_a_tampered_row_stops_the_copy_before_it_is_written(tmp_path, source):
    with source.engine.connect() as connection:
        rows = read_rows(connection, 1, 10)
    forged = [rows[0], rows[1]._replace(payload=rows[1].payload.replace("ARIA II", "ARIA X"))]
    with open_store(tmp_path / "copy.sqlite") as target:
        with pytest.raises(CopyMismatchError, match="position 2 does not continue the chain"):
            target.append_copied(forged)
        assert target.head().position == 0


def test_a_store_of_another_log_is_refused(tmp_path, source):
    with open_store(tmp_path / "other.sqlite") as other:
        other.append_batch([report(235000003, i) for i in range(3)])
        with pytest.raises(CopyMismatchError, match="another log"):
            copy_log(source, other)
        assert other.head().position == 3
