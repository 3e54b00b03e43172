"""An import's index keeps its reports on disk and writes the snapshot a range of ships at a time: the very bytes
the whole index in memory would write, whatever the batches, and whatever snapshot it started from."""
from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.spilled_index import SpilledIndex, entry_columns, report_columns
from domain.events import PositionReported, RecordedEvent
from domain.events.report_entries import report_entry
from domain.snapshot_stream import SnapshotReader
from domain.temporal_index import SNAPSHOT_PREAMBLE, TemporalIndex, snapshot_head_size
from tests.domain.test_temporal_index import recorded_log, reports
from tests.report_strategies import position_reports


def _fold(index: TemporalIndex | SpilledIndex, batch: list[RecordedEvent], one_by_one: bool) -> None:
    """A committed batch as the import folds it: runs of reports as columns, the rest one event at a time
    (and, ``one_by_one``, the reports too, as a log of an older schema is read back)."""
    run: list[RecordedEvent] = []

    def flush() -> None:
        if run:
            index.extend_positions(*report_columns([item.event for item in run], [item.recorded_at for item in run]),
                                   run[-1].position)
            run.clear()

    for item in batch:
        if type(item.event) is PositionReported and not one_by_one:
            run.append(item)
            continue
        flush()
        index.add(item)
    flush()


def _spilled_snapshot(start: bytes | None, batches: list[tuple[list[RecordedEvent], bool]], range_reports: int) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        spilled = SpilledIndex(Path(folder), None if start is None else io.BytesIO(start), range_reports=range_reports)
        try:
            for batch, one_by_one in batches:
                _fold(spilled, batch, one_by_one)
            out = io.BytesIO()
            spilled.write_snapshot(out)
        finally:
            spilled.close()
    return out.getvalue()


@settings(max_examples=200)
@given(st.lists(st.tuples(st.lists(reports(), max_size=30), st.booleans()), max_size=6), st.integers(0, 6),
       st.integers(1, 12))
def test_the_snapshot_written_from_disk_is_the_one_the_whole_index_writes(batches, started_after, range_reports):
    """Out-of-order times, ships seen again, names between reports; a start snapshot of the first batches;
    ranges of a few reports, so that ships' reports are split and joined across many of them."""
    log = recorded_log([event for batch, _ in batches for event in batch])
    folded: list[tuple[list[RecordedEvent], bool]] = []
    for batch, one_by_one in batches:
        folded.append((log[:len(batch)], one_by_one))
        log = log[len(batch):]
    start = None
    memory = TemporalIndex()
    if started_after and folded[:started_after]:
        for batch, one_by_one in folded[:started_after]:
            _fold(memory, batch, one_by_one)
        start = memory.to_bytes()
        memory = TemporalIndex.from_bytes(start)
    rest = folded[started_after:] if start is not None else folded
    for batch, one_by_one in rest:
        _fold(memory, batch, one_by_one)
    assert _spilled_snapshot(start, rest, range_reports) == memory.to_bytes()


def test_a_snapshot_read_a_few_reports_at_a_time_gives_back_the_index_columns():
    assert SnapshotReader(io.BytesIO(TemporalIndex().to_bytes())).reports().remaining == 0
    index = TemporalIndex()
    index.add_all(recorded_log(list(_day_of_reports(ships=30, per_ship=40))))
    reader = SnapshotReader(io.BytesIO(index.to_bytes()))
    stored = reader.reports()
    taken = [stored.take(37) for _ in range(len(index.positions) // 37 + 1)]
    assert stored.remaining == 0
    for at, name in enumerate(("ship", "occurred", "recorded")):
        assert [int(v) for part in taken for v in part[at]] == index.track_arrays("p_")[name].tolist()
    assert [int(v) for part in taken for v in part[3]["lat"]] == index.track_arrays("p_")["v_lat"].tolist()
    assert reader.report_counts().tolist() == [40] * 30


def test_a_damaged_snapshot_is_refused_by_name_not_read_as_reports():
    index = TemporalIndex()
    index.add_all(recorded_log(list(_day_of_reports(ships=5, per_ship=20))))
    blob = index.to_bytes()
    reports_from = SNAPSHOT_PREAMBLE + snapshot_head_size(blob[:SNAPSHOT_PREAMBLE])
    with pytest.raises(ValueError, match="p_ship is cut short"):  # the file ends inside the first column
        SnapshotReader(io.BytesIO(blob[:reports_from + 5])).report_counts()
    flipped = bytearray(blob)
    flipped[reports_from + 3] ^= 0xFF
    with pytest.raises(ValueError, match="p_ship"):
        SnapshotReader(io.BytesIO(bytes(flipped))).report_counts()
    with pytest.raises(ValueError, match="not an index snapshot"):
        SnapshotReader(io.BytesIO(b"PK\x03\x04" + blob[4:]))


def _day_of_reports(ships: int, per_ship: int):
    from tests.fleet_events import report

    for minute in range(per_ship):
        for ship in range(ships):
            yield report(219_000_000 + ship, minute + ship / 100, lat=50 + ship / 10, lon=-1 - minute / 100)




@given(st.lists(st.tuples(position_reports(occurred_at=st.integers(0, 2**52)), st.integers(0, 2**52)), max_size=40))
def test_entries_fold_to_the_columns_of_the_reports_they_stand_for(reports_recorded) -> None:
    """The import folds the reports its reading process sent as entries a column at a time; the columns are
    the ones the reports themselves give, value for value (rounding included)."""
    entries = [report_entry(report, b"k", "[]", recorded, {}) for report, recorded in reports_recorded]
    by_entries = entry_columns(entries)
    by_reports = report_columns([report for report, _ in reports_recorded], [recorded for _, recorded in reports_recorded])
    assert len(by_entries) == len(by_reports)
    for column, expected in zip(by_entries, by_reports):
        assert column.dtype == expected.dtype and column.tolist() == expected.tolist()
