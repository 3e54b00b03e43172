"""Copying a log between stores (here SQLite to SQLite; tests/store/test_shared_store.py copies through
PostgreSQL): same positions, ids and hashes, dedupe keys kept, resumable, another log refused, a copied row
that does not continue the chain refused with nothing written; the quarantine goes along."""
from __future__ import annotations

import pytest

from store import QuarantinedRecord, open_store
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


def _set_aside(count: int, start: int = 0) -> list[QuarantinedRecord]:
    """Records as imports (keyed) and live feeds (no key) set them aside, each at its own time."""
    return [QuarantinedRecord("day.csv" if i % 2 else "feed:harbour", i + 1 if i % 2 else None, f"row {i}\x00",
                              f"reason {i}", "lat" if i % 3 else None, quarantined_at=1_700_000_000_000_000 + i,
                              dedupe_key=bytes([i]) * 16 if i % 2 else None)
            for i in range(start, start + count)]


def _kept(store) -> list[tuple]:
    return [(r.source, r.line, r.field, r.raw, r.reason, r.quarantined_at, r.dedupe_key) for r in store.quarantined()]


def test_the_quarantine_goes_along_in_order_with_its_times_and_keys_once(tmp_path, source):
    source.quarantine(_set_aside(25))
    with open_store(tmp_path / "copy.sqlite") as target:
        assert copy_log(source, target, batch=7).quarantine_copied == 25
        assert _kept(target) == _kept(source) and "row 0\\x00" in _kept(target)[0][3]
        again = copy_log(source, target, batch=7)
        assert (again.copied, again.quarantine_copied) == (0, 0) and _kept(target) == _kept(source)
        source.quarantine(_set_aside(3, start=25))  # set aside since: the next copy brings them
        assert copy_log(source, target).quarantine_copied == 3 and _kept(target) == _kept(source)


def test_an_interrupted_copy_of_the_quarantine_resumes_without_repeating_a_record(tmp_path, source):
    source.quarantine(_set_aside(12))
    with open_store(tmp_path / "copy.sqlite") as target:
        target.quarantine(source.quarantined(limit=5))  # what a copy stopped after its first batch had written
        assert copy_log(source, target, batch=4).quarantine_copied == 7
        assert _kept(target) == _kept(source)


def test_a_store_with_other_quarantined_records_is_refused_before_anything_is_written(tmp_path, source):
    source.quarantine(_set_aside(4))
    with open_store(tmp_path / "copy.sqlite") as target:
        target.quarantine([QuarantinedRecord("other.csv", 1, "something else", "another reason")])
        with pytest.raises(CopyMismatchError, match="other quarantined records"):
            copy_log(source, target)
        assert target.head().position == 0 and target.quarantine_count() == 1
