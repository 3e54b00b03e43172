"""`import` on bad input and under faults: the summary of what was committed is always printed, the error line
says where the input went wrong, and it says "nothing written" only when nothing was."""
from __future__ import annotations

import gzip
import json

import pytest

from app.ais_import import DEFAULT_BATCH
from store.event_store import EventStore
from tests.app.test_ais_import import write_noaa
from tests.app.test_import_faults import many_rows
from tests.cli.test_commands import run


def events_in(capsys, db: str) -> int:
    code, out, _ = run(capsys, "verify", "--db", db, "--json")
    assert code == 0
    return json.loads(out)["events"]


def test_a_truncated_gzip_prints_what_was_committed_names_where_it_ended_and_exits_1(tmp_path, capsys):
    whole = write_noaa(tmp_path / "day.csv", many_rows(20_000))
    packed = gzip.compress(whole.read_bytes())
    cut = tmp_path / "day.csv.gz"
    cut.write_bytes(packed[:len(packed) // 2])
    db = str(tmp_path / "cut.sqlite")
    code, out, err = run(capsys, "import", str(cut), "--db", db)
    summary = json.loads(out)
    assert code == 1 and summary["appended"] == events_in(capsys, db) > 0
    assert summary["read"] == sum(summary["lines"].values()) and "ended_early" in summary
    assert f"{cut}: the file ends early after line {summary['read']:,}" in err and "Traceback" not in err
    cut.write_bytes(packed)
    code, out, _ = run(capsys, "import", str(cut), "--db", db)
    assert code == 0 and events_in(capsys, db) == summary["appended"] + json.loads(out)["appended"]


def test_a_full_disk_prints_the_summary_of_what_was_committed_and_never_says_nothing_was_written(
        tmp_path, capsys, monkeypatch):
    rows = DEFAULT_BATCH + 10_000  # the disk fills during the second batch, after the first is committed
    path = write_noaa(tmp_path / "big.csv", many_rows(rows))
    db = str(tmp_path / "full.sqlite")
    plain_append, writes = EventStore.append_batch, []

    def append_on_a_filling_disk(store, events):  # the store's own write, on a disk that fills up
        writes.append(len(events))
        if len(writes) == 3:
            with store.engine.connect() as connection:
                pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
                connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
        return plain_append(store, events)

    monkeypatch.setattr(EventStore, "append_batch", append_on_a_filling_disk)
    code, out, err = run(capsys, "import", str(path), "--db", db)
    monkeypatch.setattr(EventStore, "append_batch", plain_append)
    summary = json.loads(out)
    assert code == 1 and "database or disk is full" in err and "nothing" not in err
    assert f"({summary['appended']:,} events)" in err and str(path) in err
    assert 0 < summary["appended"] == events_in(capsys, db) < rows


def test_a_large_csv_with_a_row_the_csv_module_refuses_imports_all_other_rows_in_the_second_process(tmp_path, capsys):
    rows = many_rows(90_000)  # over 8 MB: read by a second process
    rows[45_000] = rows[45_000].replace("SHIP", '"SHIP\rX', 1)
    path = write_noaa(tmp_path / "large.csv", rows)
    assert path.stat().st_size >= 8 * 1024 * 1024
    db = str(tmp_path / "large.sqlite")
    code, out, err = run(capsys, "import", str(path), "--db", db)
    summary = json.loads(out)
    assert code == 0 and err == "" and summary["lines"]["quarantined"] == 2
    assert summary["read"] == 90_002 == sum(summary["lines"].values())
    code, out, _ = run(capsys, "quarantine", "--db", db, "--json")
    assert sorted(json.loads(line)["line"] for line in out.splitlines()) == [45_002, 45_003]


@pytest.mark.slow
def test_a_zip_of_256_mb_of_newlines_is_refused_in_seconds_or_read_through_with_format_named(tmp_path, capsys):
    import time
    import zipfile

    path = tmp_path / "newlines.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("newlines.nmea", b"\n" * (256 << 20))
    db = str(tmp_path / "n.sqlite")
    started = time.monotonic()
    code, out, err = run(capsys, "import", str(path), "--db", db)
    assert code == 1 and out == "" and "blank lines" in err and time.monotonic() - started < 5
    started = time.monotonic()
    code, out, err = run(capsys, "import", str(path), "--db", db, "--format", "nmea",
                         "--assume-start", "2026-01-01T00:00:00Z", "--rate", "1")
    summary = json.loads(out)
    assert code == 0 and summary["read"] == summary["lines"]["blank"] == 256 << 20 and summary["appended"] == 0
    assert time.monotonic() - started < 20
