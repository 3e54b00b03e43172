"""Files that are not good stores: cut short, another program's database, a disk that fills while a store is
made, and read-only opening that must not leave files behind."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

import main
from store import DamagedStoreError, NotAStoreError, StoreError, open_store
from tests.fleet_events import range_zone_file, report

ROOT = Path(__file__).resolve().parents[2]
COMPANIONS = ("-wal", "-shm", "-journal")


def files_beside(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


@pytest.fixture
def closed_store(store_path):
    store = open_store(store_path)
    store.append_batch([report(219000000 + i % 7, i) for i in range(3_000)])
    store.close()
    assert not any(store_path.with_name(store_path.name + s).exists() for s in COMPANIONS)
    return store_path


@pytest.mark.parametrize("command", [["verify"], ["state", "--at", "2024-05-01T13:00:00Z"],
                                     ["import", "{sample}"]])
def test_a_store_cut_short_is_damaged_exit_3_and_no_files_appear(closed_store, tmp_path, capsys, command):
    data = closed_store.read_bytes()
    closed_store.write_bytes(data[:len(data) // 2])
    sample = tmp_path / "one.nmea"
    sample.write_text("!AIVDM,1,1,,A,15MgK45P3@G?fl0E`JbR0OwT0@MS,0*4E\n")
    before = files_beside(closed_store)
    code = main.main([command[0], "--db", str(closed_store), *[a.format(sample=sample) for a in command[1:]]])
    err = capsys.readouterr().err
    assert code == 3 and "damaged" in err and "cut short" in err and "not a Fleet Logbook store" not in err
    assert files_beside(closed_store) == before
    assert closed_store.read_bytes() == data[:len(data) // 2]


def test_a_store_whose_pages_cannot_be_read_is_damaged_not_foreign(closed_store):
    data = bytearray(closed_store.read_bytes())
    data[100:4096] = bytes(3996)  # the schema's page wiped, the header (with the store's mark) intact
    closed_store.write_bytes(bytes(data))
    with pytest.raises(DamagedStoreError, match="damaged"):
        open_store(closed_store, create=False, read_only=True)
    assert not any(closed_store.with_name(closed_store.name + s).exists() for s in COMPANIONS)


@pytest.mark.parametrize("journal", ["delete", "wal"])
@pytest.mark.parametrize("read_only", [False, True])
def test_another_programs_database_is_refused_without_changing_a_byte(tmp_path, journal, read_only):
    path = tmp_path / "accounts.sqlite"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA journal_mode = {journal}")
    connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    connection.execute("INSERT INTO invoices (total) VALUES (12.5)")
    connection.commit()
    connection.close()
    before, listing = path.read_bytes(), files_beside(path)
    with pytest.raises(NotAStoreError, match="another application.*invoices"):
        open_store(path, read_only=read_only)
    assert path.read_bytes() == before and files_beside(path) == listing


def test_a_database_marked_by_another_application_is_refused_from_its_header(tmp_path):
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA application_id = 1234")
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    with pytest.raises(NotAStoreError, match="application id 0x000004D2"):
        open_store(path)
    assert path.read_bytes() == before


def test_reading_a_closed_store_creates_no_wal_or_shm_files(closed_store, capsys):
    before = files_beside(closed_store)
    reader = open_store(closed_store, create=False, read_only=True)
    assert reader.head().position == 3_000 and reader.verify().ok
    assert files_beside(closed_store) == before  # not even while it is open
    reader.close()
    assert main.main(["verify", "--db", str(closed_store)]) == 0
    assert main.main(["state", "--db", str(closed_store), "--at", "2024-05-01T13:00:00Z"]) == 0
    assert files_beside(closed_store) == before


def test_a_reader_of_a_store_in_wal_mode_with_no_companions_leaves_none(closed_store):
    """A copy of a store taken while it was open, or one closed by an older version, is in WAL mode."""
    connection = sqlite3.connect(closed_store)
    assert connection.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
    connection.close()
    before, data = files_beside(closed_store), closed_store.read_bytes()
    reader = open_store(closed_store, create=False, read_only=True)
    assert reader.verify().ok
    reader.close()
    assert files_beside(closed_store) == before and closed_store.read_bytes() == data


def test_a_reader_open_while_a_writer_starts_sees_the_new_events(closed_store):
    reader = open_store(closed_store, create=False, read_only=True)
    writer = open_store(closed_store)
    writer.append_batch([report(219000001, 20_000)])
    assert reader.head().position == 3_001
    writer.close()
    assert reader.head().position == 3_001
    reader.close()
    assert not any(closed_store.with_name(closed_store.name + s).exists() for s in COMPANIONS)


def test_a_reader_leaves_the_files_of_a_writer_still_at_work(closed_store):
    writer = open_store(closed_store)
    writer.append_batch([report(219000001, 10_000)])
    reader = open_store(closed_store, create=False, read_only=True)
    assert reader.head().position == 3_001
    reader.close()
    assert closed_store.with_name(closed_store.name + "-wal").exists()
    writer.append_batch([report(219000001, 10_001)])
    writer.close()
    again = open_store(closed_store, create=False, read_only=True)
    assert again.head().position == 3_002 and again.verify().ok
    again.close()


_CREATE_ON_A_FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))  # room for the empty file, not for a store
import main
sys.exit(main.main(sys.argv[1:]))
"""


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="RLIMIT_FSIZE as a full disk")
def test_a_store_that_cannot_be_written_while_created_leaves_no_file(tmp_path):
    target = tmp_path / "new" / "deeper" / "fleet.sqlite"
    result = subprocess.run([sys.executable, "-c", _CREATE_ON_A_FULL_DISK, "zones", "add",
                             str(range_zone_file(tmp_path)), "--db", str(target)],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("error: ") and "could not be created" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "new").exists()


@pytest.fixture
def small_disk(tmp_path):
    """A 64 KiB tmpfs: a real full disk (needs the right to mount; skipped where that is not allowed)."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", f"fleet-{uuid.uuid4().hex[:8]}",
                             str(mount_point)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {result.stderr.strip()}")
    try:
        filler = mount_point / "filler"
        with filler.open("wb") as out:  # leave too little room for a store's first pages
            try:
                out.write(bytes(60 * 1024))
            except OSError:
                pass
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)


def test_creating_a_store_on_a_full_disk_leaves_no_file(small_disk):
    target = small_disk / "fleet.sqlite"
    with pytest.raises(StoreError, match="could not be created"):
        open_store(target)
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


def test_creating_a_store_on_a_disk_that_fills_says_so_on_the_command_line(small_disk, tmp_path, capsys):
    target = small_disk / "fleet.sqlite"
    code = main.main(["verify", "--db", str(target)])
    assert code == 1 and "no store at" in capsys.readouterr().err
    code = main.main(["zones", "add", str(range_zone_file(tmp_path)), "--db", str(target)])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: ") and "could not be created" in err
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


_WRITE_AND_DIE = """
import os, sys
from store import open_store
from tests.fleet_events import report
store = open_store(sys.argv[1])
store.append_batch([report(219000001, 10_000 + i) for i in range(500)])
os._exit(0)  # no close: the write-ahead log and its index stay behind, as after a crash or a kill
"""


@pytest.mark.parametrize("read_only", [True, False])
def test_a_store_left_by_a_writer_that_died_opens_with_everything_it_committed(closed_store, read_only):
    result = subprocess.run([sys.executable, "-c", _WRITE_AND_DIE, str(closed_store)], capture_output=True,
                            text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert closed_store.with_name(closed_store.name + "-wal").exists()
    store = open_store(closed_store, create=False, read_only=read_only)
    try:
        verdict = store.verify()
        assert verdict.ok and verdict.events == 3_500, verdict
    finally:
        store.close()


@pytest.mark.parametrize("read_only", [True, False])
def test_a_new_store_another_process_still_has_open_is_a_store(store_path, read_only):
    """Its header in the file predates it (the store's mark is still in the write-ahead log)."""
    first = open_store(store_path)
    first.append_batch([report(219000001, 0)])
    second = open_store(store_path, read_only=read_only)
    assert second.head().position == 1
    second.close()
    first.close()


def test_verify_names_the_first_event_a_damaged_page_makes_unreadable(closed_store, capsys):
    connection = sqlite3.connect(closed_store)
    event_id = connection.execute("SELECT event_id FROM events WHERE position = 1500").fetchone()[0]
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    data = bytearray(closed_store.read_bytes())
    page = data.index(event_id) // page_size
    data[page * page_size:(page + 1) * page_size] = b"\xab" * page_size
    closed_store.write_bytes(bytes(data))
    code = main.main(["verify", "--db", str(closed_store)])
    err = capsys.readouterr().err
    assert code == 3 and "damaged" in err
    named = int(err.split("at position ")[1].split(":")[0])
    assert 1_450 <= named <= 1_500  # the first event of the wiped page, the 1,449 before it checked


_DIE_INSIDE_A_ROLLBACK_JOURNAL_WRITE = """
import os, sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # a closed store is in rollback mode
connection.execute("PRAGMA cache_size = 1")  # changed pages reach the file before the commit: the journal is hot
connection.execute("BEGIN IMMEDIATE")
for number in range(2_000):
    connection.execute("INSERT INTO store_info (key, value) VALUES (?, ?)", (f"half-written {number}", "x" * 200))
os._exit(0)  # killed inside the transaction: the file holds pages that only the journal can take back
"""


@pytest.mark.parametrize("command", [["import", "{sample}"], ["verify"]])
def test_a_store_left_with_a_hot_journal_by_a_killed_writer_opens_as_it_was_committed(closed_store, command,
                                                                                      capsys):
    """A writer killed while switching a store back to its rollback journal (or inside any write in that mode)
    leaves a hot journal; the next process that may write rolls it back, as SQLite does, instead of refusing
    the store because a first read-only look could not."""
    result = subprocess.run([sys.executable, "-c", _DIE_INSIDE_A_ROLLBACK_JOURNAL_WRITE, str(closed_store)],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert closed_store.with_name(closed_store.name + "-journal").stat().st_size > 0
    sample = ROOT / "tests" / "fleet_events.py"  # any file: the import refuses it after opening the store
    argv = [part.replace("{sample}", str(sample)) for part in command] + ["--db", str(closed_store)]
    main.main(argv)
    assert "cannot be read" not in capsys.readouterr().err
    with open_store(closed_store, create=False, read_only=True) as store:
        verdict = store.verify()
        assert verdict.ok and verdict.events == 3_000, verdict
        assert store.info("half-written 0") is None
