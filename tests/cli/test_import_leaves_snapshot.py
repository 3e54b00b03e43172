"""An import leaves the index snapshot at the head of the log, so the first `state` or `gui` after it reads no
log; a snapshot left stale by another writer is caught up from where it stands, never rebuilt."""
from __future__ import annotations

import json

from app.fleet_index import SNAPSHOT_NAME, open_index
from app.import_index import ImportIndex
from bench.national_day import write_national_day
from domain.temporal_index import TemporalIndex
from domain.time import MICROS_PER_HOUR
from store import open_store
from tests.cli.test_commands import run


def _snapshot(db) -> tuple[int, TemporalIndex, int]:
    store = open_store(db, create=False, read_only=True)
    try:
        loaded = store.load_snapshot(SNAPSHOT_NAME)
        head = store.head().position
    finally:
        store.close()
    assert loaded is not None, "the import left no snapshot matching the log"
    return loaded[0], TemporalIndex.from_bytes(loaded[1]), head


def _rebuilt(db) -> TemporalIndex:
    store = open_store(db, create=False, read_only=True)
    try:
        return open_index(store, use_snapshot=False)
    finally:
        store.close()


def test_an_import_leaves_a_snapshot_at_the_head_that_answers_as_the_log(tmp_path, capsys):
    day = write_national_day(tmp_path / "AIS_2024_01_01.zip", rows=20_000, ships=400)
    db = str(tmp_path / "day.sqlite")
    code, out, _ = run(capsys, "import", str(day.path), "--db", db)
    assert code == 0 and json.loads(out)["read"] == day.rows + 1
    position, snapshot, head = _snapshot(db)
    assert position == head == snapshot.log_position
    rebuilt = _rebuilt(db)
    for at in (day.first, day.first + 6 * MICROS_PER_HOUR, day.last):
        assert snapshot.ships_at(at) == rebuilt.ships_at(at)
        assert snapshot.ships_at(at, known_at=at) == rebuilt.ships_at(at, known_at=at)


def test_a_stale_snapshot_is_caught_up_from_its_position_by_the_next_import(ais_samples, tmp_path, capsys):
    day = write_national_day(tmp_path / "AIS_2024_01_01.zip", rows=6_000, ships=200)
    db = str(tmp_path / "both.sqlite")
    assert run(capsys, "import", str(day.path), "--db", db)[0] == 0
    stale_at, _, _ = _snapshot(db)
    store = open_store(db)  # another writer appends without leaving a snapshot: the snapshot is now behind
    try:
        from app.ais_import import ImportOptions, import_files

        import_files(store, [ais_samples / "stonesoup_SolentAIS_20160112_130211.csv"], ImportOptions())
        assert store.head().position > stale_at
        reached: list[int] = []
        with ImportIndex(store, progress=lambda done, end: reached.append(done)) as following:
            assert following.log_position == store.head().position
    finally:
        store.close()
    assert reached and min(reached) > stale_at  # it read only what came after the snapshot
    code, _, _ = run(capsys, "import", str(ais_samples / "stonesoup_SolentAIS_20160112_130211.csv"), str(day.path),
                     "--db", db)
    assert code == 0
    position, snapshot, head = _snapshot(db)
    assert position == head
    rebuilt = _rebuilt(db)
    for at in (day.first, day.last, rebuilt.time_range()[1]):
        assert snapshot.ships_at(at) == rebuilt.ships_at(at)
