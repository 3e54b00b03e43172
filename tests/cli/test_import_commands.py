"""The command line for real AIS data: import (summary line, idempotence, refusals), quarantine, listen."""
from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import main
from tests.cli.test_commands import run

SUMMARY_KEYS = {"read", "lines", "appended", "duplicates", "quarantined", "skipped_types", "seconds"}


def test_import_prints_one_summary_line_and_a_second_run_appends_nothing(ais_samples, tmp_path, capsys):
    db, solent = str(tmp_path / "solent.sqlite"), str(ais_samples / "stonesoup_SolentAIS_20160112_130211.csv")
    code, out, _ = run(capsys, "import", solent, "--db", db)
    first = json.loads(out)
    assert code == 0 and set(first) == SUMMARY_KEYS and first["read"] == 18_624 and first["appended"] > 18_000
    code, out, _ = run(capsys, "import", solent, "--db", db)
    again = json.loads(out)
    assert code == 0 and again["appended"] == 0 and again["duplicates"] == first["appended"] + first["duplicates"]
    code, out, _ = run(capsys, "verify", "--db", db, "--json")
    assert code == 0 and json.loads(out)["events"] == first["appended"]


def test_a_timeless_nmea_file_is_refused_unless_a_start_and_rate_are_given(ais_samples, tmp_path, capsys):
    db, sample = str(tmp_path / "gpsd.sqlite"), str(ais_samples / "gpsd_sample.aivdm")
    code, out, err = run(capsys, "import", sample, "--db", db)
    assert code == 1 and out == "" and "--assume-start" in err and "gpsd_sample.aivdm" in err
    assert err.count("\n") == 1
    code, _, err = run(capsys, "import", sample, "--db", db, "--assume-start", "2026-01-01T00:00:00Z")
    assert code == 2 and "--rate" in err
    code, out, _ = run(capsys, "import", sample, "--db", db, "--assume-start", "2026-01-01T00:00:00Z", "--rate", "2")
    summary = json.loads(out)
    assert code == 0 and summary["appended"] > 10 and summary["skipped_types"]["AIS type 8"] == 18


def test_quarantine_lists_what_imports_set_aside_with_file_line_field_and_reason(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,"
                   "Width,Draft,Cargo,TransceiverClass\n"
                   "366000001,2017-02-01T00:00:01,50.0,-1.0,1,1,1,X,,,,,,,,,A\n"
                   "366000001,2017-02-01T00:00:02,50.0,-200.0,1,1,1,X,,,,,,,,,A\n")
    db = str(tmp_path / "q.sqlite")
    code, out, _ = run(capsys, "import", str(bad), "--db", db)
    assert code == 0 and json.loads(out)["quarantined"] == 1
    code, out, _ = run(capsys, "quarantine", "--db", db, "--json")
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and record["line"] == 3 and record["field"] == "lon" and record["source"].endswith("bad.csv")
    assert "-200" in record["raw"] and record["reason"]
    code, out, _ = run(capsys, "quarantine", "--db", db)
    assert f"{bad}:3 [lon]" in out
    code, out, _ = run(capsys, "import", str(bad), "--db", db)  # again: the line is set aside, but not anew
    again = json.loads(out)
    assert code == 0 and again["quarantined"] == 0 and again["lines"]["quarantined"] == 1
    assert len(run(capsys, "quarantine", "--db", db, "--json")[1].splitlines()) == 1


def test_an_unknown_csv_layout_is_refused_with_the_headers_found(tmp_path, capsys):
    odd = tmp_path / "odd.csv"
    odd.write_text("alpha,beta\n1,2\n")
    code, _, err = run(capsys, "import", str(odd), "--db", str(tmp_path / "x.sqlite"))
    assert code == 1 and "alpha" in err and "beta" in err


def test_listen_takes_udp_datagrams_for_the_given_duration(tmp_path, capsys):
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    sentence = b"!AIVDM,1,1,,A,13@orp0P1s0h4;0ORcN1j1H1P000,0*0F\n"
    stop = threading.Event()

    def send() -> None:
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        while not stop.wait(0.1):
            sender.sendto(sentence, ("127.0.0.1", port))
        sender.close()

    thread = threading.Thread(target=send)
    thread.start()
    try:
        started = time.monotonic()
        code, out, err = run(capsys, "listen", "--db", str(tmp_path / "live.sqlite"), "--udp", str(port),
                             "--duration", "1.5")
    finally:
        stop.set()
        thread.join()
    stats = json.loads(out)
    assert code == 0 and time.monotonic() - started < 5 and f"udp://127.0.0.1:{port}" in err
    assert stats["lines"] >= 3 and stats["appended"] >= 1 and stats["quarantined"] == 0


def test_listen_needs_a_port_it_can_use(tmp_path, capsys):
    code, _, err = run(capsys, "listen", "--db", str(tmp_path / "live.sqlite"), "--tcp", "5631")
    assert code == 2 and "HOST:PORT" in err


INTERRUPTED_ROWS = 240_000  # long enough that Ctrl+C, sent once 5,000 events are in, always comes mid-import


def import_under_way(tmp_path, name: str):
    """An import of ``INTERRUPTED_ROWS`` rows in its own process, once 5,000 events are in the log: the
    process and the store."""
    import subprocess
    import sys

    from store import StoreError, open_store
    from tests.app.test_ais_import import noaa_row, write_noaa

    rows = [noaa_row(366000000 + ship, second) for second in range(INTERRUPTED_ROWS // 12) for ship in range(1, 13)]
    path = write_noaa(tmp_path / "long.csv", rows)
    db = tmp_path / f"{name}.sqlite"
    process = subprocess.Popen([sys.executable, str(main.__file__), "import", str(path), "--db", str(db)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with open_store(db, read_only=True) as peek:
                if peek.head().position >= 5_000:
                    break
        except StoreError:
            pass
        time.sleep(0.05)
    return process, db


def interrupted_import(tmp_path) -> tuple[int, dict, Path]:
    """An import sent Ctrl+C once 5,000 events are in the log (``import_under_way``): its exit code, the
    summary it printed and the store."""
    import signal

    process, db = import_under_way(tmp_path, "interrupted")
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    return process.returncode, json.loads(out.strip().splitlines()[-1]), db


def test_a_second_ctrl_c_stops_an_import_at_once_and_says_what_the_log_holds_of_it(tmp_path):
    import re
    import signal

    from store import open_store

    process, db = import_under_way(tmp_path, "twice")
    process.send_signal(signal.SIGINT)
    time.sleep(0.2)  # two signals at once are one to Python
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    with open_store(db) as store:
        held = store.head().position
        assert store.verify().ok and 0 < held < INTERRUPTED_ROWS
    said = re.search(r"interrupted at once: the log holds ([\d,]+) more events than before the import", err)
    if said:  # the second Ctrl+C came within the batch in hand (the usual case)
        assert process.returncode == 130 and int(said[1].replace(",", "")) == held and out == ""
        assert "Traceback" not in err
    else:  # the batch in hand ended between the two: the first one's stop, with its summary (the second
        # may still end the process as it exits)
        assert process.returncode in (130, -signal.SIGINT)
        assert json.loads(out.strip().splitlines()[-1])["appended"] == held


def test_an_import_leaves_the_time_spans_of_the_blocks_it_filled_for_the_event_logs_next_search(tmp_path, capsys):
    from store import open_store
    from store.event_store import OCCURRED_SPANS
    from store.occurred_blocks import BLOCK_SIZE, OccurredBlocks
    from tests.app.test_ais_import import noaa_row, write_noaa

    rows = [noaa_row(366000000 + ship, second) for second in range(1_000) for ship in range(1, 11)]
    path = write_noaa(tmp_path / "day.csv", rows)
    db = tmp_path / "day.sqlite"
    code, out, _ = run(capsys, "import", str(path), "--db", str(db))
    assert code == 0
    with open_store(db, read_only=True) as store:
        position, data = store.load_snapshot(OCCURRED_SPANS)
        assert position == store.head().position == json.loads(out)["appended"]
        assert OccurredBlocks().take(data, position) == position // BLOCK_SIZE == 2


def test_ctrl_c_stops_an_import_after_the_batch_in_hand_and_says_so(tmp_path):
    from store import open_store

    returncode, summary, db = interrupted_import(tmp_path)
    assert returncode == 130 and summary["cancelled"] is True
    assert 0 < summary["appended"] < INTERRUPTED_ROWS and summary["read"] < INTERRUPTED_ROWS
    with open_store(db) as store:
        assert store.verify().ok and store.head().position == summary["appended"]
