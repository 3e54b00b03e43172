"""An import's index keeps its reports in files beside the store while it runs: they are gone when the import
ends, however it ends; a second day imported on top of the first leaves one snapshot of both; and index files
that cannot be written cost the snapshot, never an event."""
from __future__ import annotations

import errno
import json
from pathlib import Path

from app.fleet_index import SNAPSHOT_NAME, open_index
from app.position_spill import PositionSpill
from bench.national_day import write_national_day
from domain.events import PositionReported
from domain.temporal_index import TemporalIndex
from domain.time import MICROS_PER_HOUR, format_instant
from store import open_store
from tests.cli.test_commands import run
from tests.cli.test_import_commands import INTERRUPTED_ROWS, interrupted_import


def _index_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if "fleet-import-index" in path.name)


def _stored_snapshot(db) -> tuple[int, TemporalIndex] | None:
    with open_store(db, create=False, read_only=True) as store:
        loaded = store.load_snapshot(SNAPSHOT_NAME)
    return None if loaded is None else (loaded[0], TemporalIndex.from_bytes(loaded[1]))


def _fold_of_the_log(db) -> TemporalIndex:
    with open_store(db, create=False, read_only=True) as store:
        return open_index(store, use_snapshot=False)


def test_a_second_day_on_top_of_the_first_leaves_one_snapshot_of_both_and_no_index_files(tmp_path, capsys):
    first = write_national_day(tmp_path / "AIS_2024_01_01.zip", rows=8_000, ships=300)
    second = write_national_day(tmp_path / "AIS_2024_01_02.zip", rows=6_000, ships=250, seed=14)
    db = str(tmp_path / "days.sqlite")
    assert run(capsys, "import", str(first.path), "--db", db)[0] == 0
    assert _index_files(tmp_path) == []
    code, out, _ = run(capsys, "import", str(second.path), "--db", db)
    assert code == 0 and json.loads(out)["appended"] > 6_000
    assert _index_files(tmp_path) == []
    position, snapshot = _stored_snapshot(db)
    log = _fold_of_the_log(db)
    assert position == snapshot.log_position == log.log_position
    assert snapshot.report_count == log.report_count == 14_000
    for at in (first.first, first.first + 5 * MICROS_PER_HOUR, second.last, max(first.last, second.last)):
        assert snapshot.ships_at(at) == log.ships_at(at)
        assert snapshot.ships_at(at, known_at=at) == log.ships_at(at, known_at=at)


def test_ctrl_c_leaves_no_index_files_and_no_snapshot_of_more_than_was_committed(tmp_path):
    returncode, summary, db = interrupted_import(tmp_path)
    assert returncode == 130 and 0 < summary["appended"] < INTERRUPTED_ROWS
    assert _index_files(tmp_path) == []
    stored = _stored_snapshot(db)
    assert stored is not None
    position, snapshot = stored
    with open_store(db, read_only=True) as store:
        assert position == store.head().position == summary["appended"]
        reports = sum(1 for item in store.read_all() if isinstance(item.event, PositionReported))
    assert snapshot.log_position == position and snapshot.report_count == reports


def test_index_files_that_cannot_be_written_cost_the_snapshot_and_not_one_event(tmp_path, capsys, monkeypatch):
    day = write_national_day(tmp_path / "AIS_2024_01_01.zip", rows=6_000, ships=200)
    db = str(tmp_path / "full.sqlite")
    plain_append, runs = PositionSpill.append, []

    def append_on_a_full_disk(spill, *args, **kwargs):  # the disk fills while the index keeps the day's reports
        runs.append(1)
        if len(runs) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return plain_append(spill, *args, **kwargs)

    monkeypatch.setattr(PositionSpill, "append", append_on_a_full_disk)
    code, out, _ = run(capsys, "import", str(day.path), "--db", db)
    summary = json.loads(out)
    assert code == 0 and summary["read"] == day.rows + 1 and len(runs) == 2
    assert _index_files(tmp_path) == []
    assert _stored_snapshot(db) is None  # none rather than one that lacks the reports it could not keep
    monkeypatch.setattr(PositionSpill, "append", plain_append)
    middle = (day.first + day.last) // 2
    code, out, _ = run(capsys, "state", "--db", db, "--at", format_instant(middle), "--json")
    log = _fold_of_the_log(db)
    assert code == 0 and log.report_count == day.rows
    assert [ship["mmsi"] for ship in json.loads(out)["ships"]] == [state.mmsi for state in log.ships_at(middle)]


def _second_day_after_the_first_snapshot_is(replaced, tmp_path, capsys):
    """Two national days imported one after the other, the snapshot the first left replaced in between by
    ``replaced(blob)``: the two days and the store."""
    first = write_national_day(tmp_path / "AIS_2024_01_01.zip", rows=3_000, ships=100)
    second = write_national_day(tmp_path / "AIS_2024_01_02.zip", rows=3_000, ships=100, seed=14)
    db = str(tmp_path / "two-days.sqlite")
    assert run(capsys, "import", str(first.path), "--db", db)[0] == 0
    with open_store(db) as store:
        position, blob = store.load_snapshot(SNAPSHOT_NAME)
        store.save_snapshot(SNAPSHOT_NAME, position, store.hash_at(position), replaced(blob))
    assert run(capsys, "import", str(second.path), "--db", db)[0] == 0
    return first, second, db


def test_a_damaged_snapshot_in_the_store_is_read_from_the_log_instead(tmp_path, capsys, caplog):
    first, second, db = _second_day_after_the_first_snapshot_is(lambda blob: blob[:len(blob) - 40], tmp_path, capsys)
    assert "ignoring an unreadable index snapshot" in caplog.text
    position, snapshot = _stored_snapshot(db)
    log = _fold_of_the_log(db)
    assert position == log.log_position and snapshot.report_count == log.report_count == 6_000
    for at in (first.first, first.last, second.last):
        assert snapshot.ships_at(at) == log.ships_at(at)


def test_a_snapshot_of_the_older_format_is_carried_into_the_next_imports(tmp_path, capsys, caplog):
    first, second, db = _second_day_after_the_first_snapshot_is(_whole_archive, tmp_path, capsys)
    assert "unreadable" not in caplog.text  # carried over, not read again from the log
    position, snapshot = _stored_snapshot(db)
    log = _fold_of_the_log(db)
    assert position == log.log_position and snapshot.report_count == log.report_count == 6_000
    for at in (first.first, first.last, second.last):
        assert snapshot.ships_at(at) == log.ships_at(at)


def _whole_archive(blob: bytes) -> bytes:
    """A snapshot in the format before columns were compressed one by one (format 4: one zlib-compressed
    numpy archive of the same stored columns), from one of today's."""
    import io
    import zlib

    import numpy as np

    from domain.snapshot_stream import SnapshotReader

    reader = SnapshotReader(io.BytesIO(blob))
    header = {key: reader.header[key] for key in ("mmsis", "names", "log_position")}
    columns = {key: np.frombuffer(zlib.decompress(blob[offset:offset + length]), dtype)
               for key, dtype, offset, length in _directory(blob, reader.header)}
    archive = io.BytesIO()
    np.savez(archive, header=np.frombuffer(json.dumps({"format": 4, **header}).encode(), np.uint8), **columns)
    return zlib.compress(archive.getvalue())


def _directory(blob: bytes, header: dict):
    from domain.temporal_index import SNAPSHOT_PREAMBLE, snapshot_head_size

    offset = SNAPSHOT_PREAMBLE + snapshot_head_size(blob[:SNAPSHOT_PREAMBLE])
    for key, dtype, _, length in header["columns"]:
        yield key, dtype, offset, length
        offset += length


def test_a_snapshot_the_store_refuses_only_warns_and_leaves_no_index_files(tmp_path, capsys, caplog, monkeypatch):
    from store.errors import StoreBusyError
    from store.event_store import EventStore

    day = write_national_day(tmp_path / "AIS_2024_01_01.zip", rows=3_000, ships=100)
    db = str(tmp_path / "busy.sqlite")

    def refused(store, *args, **kwargs):  # another process holds the store's write lock as the snapshot is saved
        raise StoreBusyError("another process kept the store busy; the snapshot was not saved")

    monkeypatch.setattr(EventStore, "save_snapshot_file", refused)
    code, out, _ = run(capsys, "import", str(day.path), "--db", db)
    assert code == 0 and json.loads(out)["appended"] == _fold_of_the_log(db).log_position > day.rows
    assert "the index snapshot was not saved: another process kept the store busy" in caplog.text
    assert _index_files(tmp_path) == [] and _stored_snapshot(db) is None
