"""Importing AIS files through the real store: idempotent, resumable, quarantining, deciding static data once."""
from __future__ import annotations

import csv
import gzip
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from app.ais_import import DEFAULT_BATCH, ImportOptions, ImportRefused, import_files
from domain.time import MICROS_PER_SECOND, parse_instant
from store import StoreError, open_store

ROOT = Path(__file__).resolve().parents[2]
NOAA_HEADER = ("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,"
               "Draft,Cargo,TransceiverClass")
DMA_HEADER = ("# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,"
              "Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,"
              "ETA,Data source type")


def noaa_row(mmsi: int, second: int, lat: float = 50.0, lon: float = -1.0, name: str = "SOLENT STAR",
             imo: str = "IMO9627980") -> str:
    minute, sec = divmod(second, 60)
    hour, minute = divmod(minute, 60)
    return (f"{mmsi},2017-02-01T{hour:02d}:{minute:02d}:{sec:02d},{lat:.5f},{lon:.5f},12.3,45.6,44,{name},{imo},"
            f"CALL1,70,0,120,20,7.5,70,A")


def write_noaa(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([NOAA_HEADER, *rows]) + "\n")
    return path


def kinds(store) -> Counter:
    return Counter(recorded.type for recorded in store.read_all())


def test_the_solent_recording_imports_once_and_a_second_import_appends_nothing(store, ais_samples):
    solent = ais_samples / "stonesoup_SolentAIS_20160112_130211.csv"
    first = import_files(store, [solent])
    assert first.read == 18_624 and first.quarantined == 0 and first.lines["header"] == 1
    assert first.appended + first.duplicates == 18_623
    assert kinds(store) == {"PositionReported": first.appended}
    assert len({recorded.stream_id for recorded in store.read_all()}) == 91
    again = import_files(store, [solent])
    assert again.appended == 0 and again.duplicates == 18_623 - 0 and again.read == 18_624
    assert (first.lines["stored"], first.lines["already_in_log"]) == (first.appended, first.duplicates)
    assert (again.lines["stored"], again.lines["already_in_log"]) == (0, 18_623)
    assert store.verify().ok


def test_nmea_with_tag_blocks_registers_ships_from_their_static_data(store, ais_samples):
    summary = import_files(store, [ais_samples / "kystverket_norwegian_tagblock.raw"])
    types = kinds(store)
    assert types["PositionReported"] > 100 and types["ShipRegistered"] >= 20
    assert summary.skipped_types.get("AIS type 21", 0) + summary.skipped_types.get("aid to navigation", 0) >= 3
    names = [r.event.name for r in store.read_all() if r.type == "ShipRegistered" and r.event.name]
    assert names and all("@" not in name and name == name.strip() for name in names)
    first, last = parse_instant("2024-12-09T22:07:14Z"), parse_instant("2024-12-09T22:07:20Z")
    assert all(first <= r.occurred_at <= last for r in store.read_all())
    assert all(r.metadata["source"] == "import" and r.metadata["format"] == "nmea" for r in store.read_all())
    assert import_files(store, [ais_samples / "kystverket_norwegian_tagblock.raw"]).appended == 0


def test_static_data_repeated_on_every_row_registers_once_and_changes_only_when_it_changes(store, tmp_path):
    rows = [noaa_row(366000001, s) for s in range(0, 50)]
    rows += [noaa_row(366000001, s, name="SOLENT QUEEN") for s in range(50, 60)]
    import_files(store, [write_noaa(tmp_path / "noaa.csv", rows)])
    particulars = [r for r in store.read_all() if r.type != "PositionReported"]
    assert [r.type for r in particulars] == ["ShipRegistered", "ShipDetailsChanged", "ShipDetailsChanged"]
    registered, voyage, renamed = (r.event for r in particulars)
    assert (registered.name, registered.imo, registered.callsign, registered.ship_type) == \
        ("SOLENT STAR", 9627980, "CALL1", "cargo")
    assert voyage.draught == 7.5 and renamed.changed_fields() == {"name": "SOLENT QUEEN"}
    assert renamed.occurred_at == parse_instant("2017-02-01T00:00:50Z")


def test_two_different_reports_in_the_same_second_are_both_kept_in_file_order(store, tmp_path):
    rows = [noaa_row(366000001, 5, lat=50.0), noaa_row(366000001, 5, lat=50.1), noaa_row(366000001, 5, lat=50.0)]
    summary = import_files(store, [write_noaa(tmp_path / "same-second.csv", rows)])
    positions = [r.event.lat for r in store.read_all() if r.type == "PositionReported"]
    assert positions == [50.0, 50.1] and summary.duplicates == 1


def test_bad_rows_are_quarantined_once_with_their_line_and_the_rest_goes_on(store, tmp_path):
    rows = [noaa_row(366000001, 1), "366000001,2017-02-01T00:00:02,95.0,-1.0,1,1,1,X,,,,,,,,,A",
            "12345,2017-02-01T00:00:03,50.0,-1.0,1,1,1,X,,,,,,,,,A",
            "366000001,not a time,50.0,-1.0,1,1,1,X,,,,,,,,,A", noaa_row(366000001, 4)]
    path = write_noaa(tmp_path / "bad.csv", rows)
    summary = import_files(store, [path])
    assert summary.quarantined == 3 and kinds(store)["PositionReported"] == 2
    lines = sorted((record.line, record.field) for record in store.quarantined())
    assert [line for line, _ in lines] == [3, 4, 5]
    assert ("lat" in {field for _, field in lines}) and ("mmsi" in {field for _, field in lines})
    import_files(store, [path])
    assert len(store.quarantined()) == 3


def test_reports_from_the_future_are_quarantined_not_stored(store, tmp_path):
    clock = lambda: parse_instant("2017-02-01T00:01:00Z")  # noqa: E731 - the computer's clock, fixed
    path = write_noaa(tmp_path / "future.csv", [noaa_row(366000001, 30), noaa_row(366000001, 60 * 10)])
    summary = import_files(store, [path], clock=clock)
    assert summary.quarantined >= 1 and kinds(store)["PositionReported"] == 1
    (record, *_) = store.quarantined()
    assert record.field == "time" and "future" in record.reason and record.line == 3


def test_an_unrecognised_layout_refuses_the_whole_import_before_writing(store, tmp_path):
    good = write_noaa(tmp_path / "good.csv", [noaa_row(366000001, 1)])
    odd = tmp_path / "odd.csv"
    odd.write_text("alpha,beta,gamma\n1,2,3\n")
    with pytest.raises(ImportRefused) as refused:
        import_files(store, [good, odd])
    assert "odd.csv" in str(refused.value) and "alpha" in str(refused.value)
    assert store.head().position == 0


def test_a_cancelled_import_keeps_its_batches_and_a_rerun_completes_it_without_duplicates(store, tmp_path):
    rows = [noaa_row(366000000 + ship, second, lat=50 + second / 1e4) for second in range(200) for ship in range(1, 6)]
    path = write_noaa(tmp_path / "big.csv", rows)
    batches = []
    stopped = import_files(store, [path], ImportOptions(batch_size=100), progress=batches.append,
                           cancelled=lambda: len(batches) >= 3)
    assert stopped.cancelled and 0 < kinds(store)["PositionReported"] < 1_000
    assert stopped.read == sum(stopped.lines.values()) == 1 + stopped.lines["stored"]  # the header, the rows appended
    rest = import_files(store, [path], ImportOptions(batch_size=100))
    assert kinds(store)["PositionReported"] == 1_000 and rest.appended + stopped.appended == len(list(store.read_all()))
    assert store.verify().ok
    assert batches[-1].fraction <= 1.0 and batches[0].files == 1


def test_gzip_and_plain_files_import_the_same_events(tmp_path):
    rows = [noaa_row(366000001, s) for s in range(20)]
    plain = write_noaa(tmp_path / "plain.csv", rows)
    packed = tmp_path / "packed.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    with open_store(tmp_path / "a.sqlite") as first, open_store(tmp_path / "b.sqlite") as second:
        import_files(first, [plain])
        import_files(second, [packed])
        assert [r.payload for r in first.read_all()] == [r.payload for r in second.read_all()]


@settings(max_examples=25)
@given(picks=st.lists(st.tuples(st.integers(1, 3), st.integers(0, 40), st.integers(0, 3)), min_size=1, max_size=60),
       split=st.integers(0, 60))
def test_importing_in_any_split_or_twice_gives_the_same_log_content(tmp_path_factory, picks, split):
    folder = tmp_path_factory.mktemp("idempotent")
    rows = [noaa_row(366000000 + ship, second, lat=50 + wiggle / 100) for ship, second, wiggle in picks]
    whole = write_noaa(folder / "whole.csv", rows)
    head = write_noaa(folder / "head.csv", rows[:split])
    with open_store(folder / "once.sqlite") as once, open_store(folder / "parts.sqlite") as parts:
        import_files(once, [whole])
        import_files(parts, [head])
        import_files(parts, [whole, whole])
        content = lambda s: Counter((r.type, tuple(sorted(r.payload.items()))) for r in s.read_all())  # noqa: E731
        assert content(once) == content(parts)
        assert sum(1 for r in once.read_all() if r.type == "PositionReported") == len(set(rows))


def test_a_killed_import_leaves_the_store_consistent_and_a_rerun_completes_it(tmp_path):
    # Three transactions' worth of rows: the kill lands after the first commit and well before the last.
    seconds = 3 * DEFAULT_BATCH // 10
    rows = [noaa_row(366000000 + ship, second, lat=50 + second / 1e5) for second in range(seconds)
            for ship in range(1, 11)]
    path = write_noaa(tmp_path / "long.csv", rows)
    db = tmp_path / "killed.sqlite"
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "import", str(path), "--db", str(db)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, committed = time.monotonic() + 180, 0
    while not committed and time.monotonic() < deadline:  # wait for the first batch, then kill without warning
        try:
            with open_store(db, read_only=True) as peek:
                committed = peek.head().position
        except StoreError:  # not created yet, or still being set up by the importer
            pass
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert committed, "no batch was committed within the wait"
    with open_store(db) as store:
        assert store.verify().ok
        partial = store.head().position
        assert committed <= partial < len(rows), "the import was not stopped half-way"
        import_files(store, [path])
        assert kinds(store)["PositionReported"] == len(rows) and store.verify().ok


def test_a_file_read_in_a_second_process_gives_the_same_log_content_as_one_read_here(tmp_path, ais_samples):
    rows = [noaa_row(366000000 + ship, second, lat=50 + second / 1e4, name=f"SHIP {ship}")
            for second in range(300) for ship in range(1, 4)]
    first, second = write_noaa(tmp_path / "a.csv", rows[:450]), write_noaa(tmp_path / "b.csv", rows[450:])
    nmea = ais_samples / "kystverket_norwegian_tagblock.raw"
    content = lambda s: [(r.type, r.stream_id, r.occurred_at, r.payload, r.metadata) for r in s.read_all()]  # noqa: E731
    with open_store(tmp_path / "here.sqlite") as here, open_store(tmp_path / "child.sqlite") as child:
        in_process = import_files(here, [first, second, nmea], ImportOptions(parallel=False, batch_size=100))
        progress = []
        in_child = import_files(child, [first, second, nmea], ImportOptions(parallel=True, batch_size=100),
                                progress=progress.append)
        assert content(here) == content(child)
        stored_text = lambda s: [(raw.type, raw.stream_id, raw.payload_json)  # noqa: E731  (as written, to the byte)
                                 for page in s.iter_raw() for raw in page]
        assert stored_text(here) == stored_text(child)
        assert (in_child.read, in_child.lines, in_child.appended, in_child.quarantined, in_child.skipped_types) == \
            (in_process.read, in_process.lines, in_process.appended, in_process.quarantined, in_process.skipped_types)
        csv_ships = {f"ship-{366000000 + ship}" for ship in range(1, 4)}
        registrations = [r.stream_id for r in child.read_all() if r.type == "ShipRegistered" and r.stream_id in csv_ships]
        assert sorted(registrations) == sorted(csv_ships)  # once per ship, though its rows span both files
        assert [p.file_number for p in progress][-1] == 3 and progress[-1].fraction == pytest.approx(1.0)
        assert import_files(child, [first, second], ImportOptions(parallel=True)).appended == 0


def test_cancelling_an_import_read_in_a_second_process_stops_it_cleanly(store, tmp_path):
    rows = [noaa_row(366000000 + ship, second) for second in range(2_000) for ship in range(1, 6)]
    path = write_noaa(tmp_path / "big.csv", rows)
    batches = []
    stopped = import_files(store, [path], ImportOptions(batch_size=500, parallel=True), progress=batches.append,
                           cancelled=lambda: len(batches) >= 2)
    assert stopped.cancelled and store.head().position == stopped.appended < 10_000
    assert stopped.read == sum(stopped.lines.values())
    import_files(store, [path], ImportOptions(parallel=True))
    assert kinds(store)["PositionReported"] == 10_000 and store.verify().ok
