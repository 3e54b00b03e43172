"""Imports under faults: a malformed row, a truncated archive, a full disk, a reading process that dies.
Whatever happens, the import keeps what it committed, says exactly what that was, and a rerun completes it."""
from __future__ import annotations

import gzip
import io
import multiprocessing
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from app.ais_import import ImportFailed, ImportOptions, import_files
from store import StoreError, open_store
from tests.app.test_ais_import import NOAA_HEADER, kinds, noaa_row, write_noaa

BOTH_PATHS = pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "child-process"])


def many_rows(count: int) -> list[str]:
    return [noaa_row(366000000 + n % 7, n // 7, lat=50 + n / 1e5, name=f"SHIP {n % 7}") for n in range(count)]


def content(store) -> Counter:
    return Counter((r.type, r.stream_id, r.occurred_at, tuple(sorted(r.payload.items()))) for r in store.read_all())


def accounted(summary) -> bool:
    return summary.read == sum(summary.lines.values())


def full_disk_after(store, batches: int):
    """The store's own append, on a disk that is full after ``batches`` batches: SQLite itself refuses the write
    ("database or disk is full"), because the store's connection may not grow the file any more."""
    calls = []

    def append(events):
        calls.append(len(events))
        if len(calls) == batches + 1:
            with store.engine.connect() as connection:
                pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
                connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
        return store.append_batch(events)
    return append


@BOTH_PATHS
def test_a_row_with_a_quote_and_a_bare_cr_is_quarantined_and_the_rest_of_the_file_is_imported(tmp_path, store,
                                                                                              parallel):
    rows = many_rows(3_000)
    rows[1_000] = rows[1_000].replace("SHIP", '"SHIP\rX', 1)  # file line 1,002, cut in two by the CR
    path = write_noaa(tmp_path / "bare-cr.csv", rows)
    summary = import_files(store, [path], ImportOptions(parallel=parallel, batch_size=500))
    assert kinds(store)["PositionReported"] == 2_999 and accounted(summary)
    assert summary.read == 3_002 and summary.lines["quarantined"] == 2 and summary.lines["header"] == 1
    assert sorted(record.line for record in store.quarantined()) == [1_002, 1_003]
    again = import_files(store, [path], ImportOptions(parallel=parallel, batch_size=500))
    assert again.appended == 0 and len(store.quarantined()) == 2 and store.verify().ok


def packed(path: Path, suffix: str) -> bytes:
    if suffix == ".gz":
        return gzip.compress(path.read_bytes())
    into = io.BytesIO()
    with zipfile.ZipFile(into, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(path, path.name)
    return into.getvalue()


@BOTH_PATHS
@pytest.mark.parametrize("suffix", [".gz", ".zip"])
def test_a_truncated_archive_keeps_what_it_held_says_where_it_ended_and_the_whole_file_completes_it(
        tmp_path, parallel, suffix):
    rows = many_rows(30_000)
    whole = write_noaa(tmp_path / "day.csv", rows)
    packed_whole = packed(whole, suffix)
    cut = tmp_path / f"day-cut{suffix}"
    cut.write_bytes(packed_whole[:len(packed_whole) * 6 // 10])
    options = ImportOptions(parallel=parallel, batch_size=2_000)
    with open_store(tmp_path / "cut.sqlite") as store, open_store(tmp_path / "clean.sqlite") as clean:
        first = import_files(store, [cut], options)
        (ended,) = first.ended_early
        assert str(cut) in ended and "ends early after line" in ended and accounted(first)
        assert 2_000 < first.read < 30_001 and f"line {first.read:,}" in ended
        assert first.appended == store.head().position and kinds(store)["PositionReported"] == first.read - 1
        whole_packed = tmp_path / f"day-whole{suffix}"
        whole_packed.write_bytes(packed_whole)
        rest = import_files(store, [whole_packed], options)
        assert not rest.ended_early and rest.appended + first.appended == store.head().position
        import_files(clean, [whole], options)
        assert content(store) == content(clean) and store.verify().ok


@BOTH_PATHS
def test_a_full_disk_stops_the_import_saying_exactly_what_was_committed(tmp_path, parallel):
    path = write_noaa(tmp_path / "big.csv", many_rows(12_000))
    with open_store(tmp_path / "full.sqlite") as store:
        with pytest.raises(ImportFailed) as failed:
            import_files(store, [path], ImportOptions(parallel=parallel, batch_size=1_000),
                         append=full_disk_after(store, batches=3))
        summary = failed.value.summary
        assert "full" in str(failed.value) and "nothing" not in str(failed.value)
        assert 0 < summary.appended == store.head().position < 12_000 and accounted(summary)
        assert isinstance(failed.value.__cause__, StoreError)
    with open_store(tmp_path / "full.sqlite") as store:  # room again: the same import completes it
        import_files(store, [path], ImportOptions(parallel=parallel))
        assert kinds(store)["PositionReported"] == 12_000 and store.verify().ok


@pytest.mark.parametrize("batch_size, rows", [(1_000, 20_000), (12_000, 60_000)],
                         ids=["a chunk a batch", "chunks gathered into batches"])
def test_a_reading_process_that_dies_stops_the_import_with_what_was_committed(tmp_path, store, batch_size, rows):
    path = write_noaa(tmp_path / "big.csv", many_rows(rows))

    def kill_the_reader(progress) -> None:
        if progress.read > 4_000:
            for child in multiprocessing.active_children():
                child.kill()

    with pytest.raises(ImportFailed) as failed:
        import_files(store, [path], ImportOptions(parallel=True, batch_size=batch_size), progress=kill_the_reader)
    summary = failed.value.summary
    assert "ended unexpectedly" in str(failed.value) and str(path) in str(failed.value)
    assert 0 < summary.appended == store.head().position < rows and accounted(summary)
    import_files(store, [path])
    assert kinds(store)["PositionReported"] == rows and store.verify().ok


def test_a_second_process_sends_chunks_that_the_import_gathers_into_whole_batches(tmp_path):
    rows = many_rows(42_000)
    rows[20_000] = rows[20_000].replace(",50.", ",95.", 1)  # a latitude out of range: quarantined, the rest goes on
    path = write_noaa(tmp_path / "day.csv", rows)
    with open_store(tmp_path / "here.sqlite") as here, open_store(tmp_path / "child.sqlite") as child:
        writes = []

        def counted(events):
            writes.append(len(events))
            return child.append_batch(events)

        in_child = import_files(child, [path], ImportOptions(parallel=True, batch_size=12_000), append=counted)
        in_process = import_files(here, [path], ImportOptions(parallel=False, batch_size=12_000))
        assert content(child) == content(here) and child.quarantined() and child.verify().ok
        assert (in_child.read, in_child.lines, in_child.appended, in_child.quarantined) == \
            (in_process.read, in_process.lines, in_process.appended, in_process.quarantined)
        registrations, *batches, last = writes  # a batch that registers ships appends the registrations first
        assert registrations == 7 and batches and all(size >= 12_000 - 7 for size in batches) and last > 0


def test_rows_with_nul_bytes_or_bytes_that_are_no_text_are_quarantined_with_their_line_and_the_rest_imported(
        tmp_path, store):
    rows = [row.encode() for row in many_rows(50)]
    rows[0] = rows[0].replace(b"SHIP", b"SH\x00IP")
    rows[10] = rows[10].replace(b"SHIP", b"SH\x81\x9fIP")  # neither UTF-8 nor Latin-1 text
    rows[20] = rows[20].replace(b"SHIP", "SHÏP".encode("latin-1"))  # Latin-1 text: read as such
    path = tmp_path / "damaged.csv"
    path.write_bytes(b"\n".join([NOAA_HEADER.encode(), *rows]) + b"\n")
    summary = import_files(store, [path])
    reasons = {record.line: record.reason for record in store.quarantined()}
    assert set(reasons) == {2, 12} and "NUL" in reasons[2] and "neither UTF-8 nor Latin-1" in reasons[12]
    assert kinds(store)["PositionReported"] == 48 and accounted(summary) and summary.lines["quarantined"] == 2
    assert "SHÏP 6" in {r.event.name for r in store.read_all() if r.type in ("ShipRegistered", "ShipDetailsChanged")}


def test_a_disk_that_fills_while_quarantining_stops_the_import_with_what_was_committed(tmp_path):
    rows = many_rows(8_000)
    for index in range(5_500, 8_000):  # latitudes out of range: quarantined in the second batch
        rows[index] = rows[index].replace(",50.", ",95.", 1)
    path = write_noaa(tmp_path / "bad-row.csv", rows)
    with open_store(tmp_path / "full.sqlite") as store:
        def quarantine_on_a_full_disk(records):
            with store.engine.connect() as connection:
                pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
                connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
            return type(store).quarantine(store, records)

        store.quarantine = quarantine_on_a_full_disk  # the store's own write, on a disk that is now full
        with pytest.raises(ImportFailed) as failed:
            import_files(store, [path], ImportOptions(batch_size=5_000))
        assert "full" in str(failed.value) and failed.value.summary.appended == store.head().position > 0
