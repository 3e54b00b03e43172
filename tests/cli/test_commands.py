"""The command line contract: simulate, state, history, verify, and one-line errors with exit codes."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import main
from domain.time import parse_instant
from store import open_store
from store.head_witness import parse_head

ROOT = Path(__file__).resolve().parents[2]
END = "2026-03-01T12:00:00Z"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """A 60-ship, 3-hour simulated fleet (made once for the module)."""
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite"
    assert main.main(["simulate", "--db", str(path), "--ships", "60", "--hours", "3", "--seed", "7", "--end", END]) == 0
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_simulate_reports_what_it_wrote_and_is_idempotent(demo_db, capsys):
    code, out, _ = run(capsys, "simulate", "--db", str(demo_db), "--ships", "60", "--hours", "3", "--seed", "7",
                       "--end", END)
    summary = json.loads(out)
    assert code == 0 and summary["appended"] == 0 and summary["duplicates"] > 10_000
    assert summary["to"] == END and summary["ships"] == 60


def test_state_lists_positioned_ships_sorted_by_mmsi(demo_db, capsys):
    code, out, _ = run(capsys, "state", "--db", str(demo_db), "--at", "2026-03-01T11:00:00Z", "--json")
    document = json.loads(out)
    assert code == 0 and document["at"] == "2026-03-01T11:00:00Z" and document["known_at"] is None
    ships = document["ships"]
    assert 50 <= len(ships) <= 60
    assert [s["mmsi"] for s in ships] == sorted(s["mmsi"] for s in ships)
    assert set(ships[0]) == {"mmsi", "name", "ship_type", "lat", "lon", "sog", "cog", "heading", "nav_status",
                             "last_report_at"}
    for ship in ships:
        assert ship["last_report_at"].endswith("Z")
        assert parse_instant(ship["last_report_at"]) <= parse_instant("2026-03-01T11:00:00Z")
        assert -90 <= ship["lat"] <= 90 and -180 <= ship["lon"] <= 180


def test_state_as_known_then_hides_reports_recorded_later(demo_db, capsys):
    at = "2026-03-01T11:30:00Z"
    _, everything, _ = run(capsys, "state", "--db", str(demo_db), "--at", at, "--json")
    _, known, _ = run(capsys, "state", "--db", str(demo_db), "--at", at, "--known-at", at, "--json")
    full = {s["mmsi"]: s for s in json.loads(everything)["ships"]}
    then = {s["mmsi"]: s for s in json.loads(known)["ships"]}
    assert json.loads(known)["known_at"] == at
    assert any(full[m]["last_report_at"] > then[m]["last_report_at"] for m in then), "late reports should show"
    assert all(then[m]["last_report_at"] <= full[m]["last_report_at"] for m in then)


def test_state_before_any_report_is_an_empty_fleet(demo_db, capsys):
    code, out, _ = run(capsys, "state", "--db", str(demo_db), "--at", "2020-01-01T00:00:00Z", "--json")
    assert code == 0 and json.loads(out)["ships"] == []


def test_history_gives_one_ships_events_in_log_order_with_envelopes(demo_db, capsys):
    _, out, _ = run(capsys, "state", "--db", str(demo_db), "--at", END, "--json")
    mmsi = json.loads(out)["ships"][0]["mmsi"]
    code, out, _ = run(capsys, "history", "--db", str(demo_db), "--ship", str(mmsi), "--json")
    document = json.loads(out)
    events = document["events"]
    assert code == 0 and document["ship"] == mmsi and events
    assert [e["position"] for e in events] == sorted(e["position"] for e in events)
    assert [e["version"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["type"] == "ShipRegistered"
    position = next(e for e in events if e["type"] == "PositionReported")
    assert {"position", "event_id", "stream_id", "version", "type", "schema_version", "occurred_at", "recorded_at",
            "metadata", "payload"} <= set(position)
    assert position["stream_id"] == f"ship-{mmsi}" and {"lat", "lon", "sog", "cog"} <= set(position["payload"])
    _, out, _ = run(capsys, "history", "--db", str(demo_db), "--ship", str(mmsi), "--from", "2026-03-01T11:00:00Z",
                    "--to", "2026-03-01T11:10:00Z", "--json")
    window = json.loads(out)["events"]
    assert window and all("2026-03-01T11:00:00Z" <= e["occurred_at"] <= "2026-03-01T11:10:00Z" for e in window)


def test_verify_prints_the_head_and_exits_zero(demo_db, capsys):
    code, out, _ = run(capsys, "verify", "--db", str(demo_db), "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["events"] == report["head_position"] > 10_000
    assert len(report["head_hash"]) == 64
    code, out, _ = run(capsys, "verify", "--db", str(demo_db))
    assert code == 0 and out.startswith("ok: ") and report["head_hash"] in out


def test_verify_of_a_tampered_copy_exits_3_naming_the_position(demo_db, tmp_path, capsys):
    copy = tmp_path / "tampered.sqlite"
    shutil.copy(demo_db, copy)
    connection = sqlite3.connect(copy)
    connection.execute("DROP TRIGGER events_no_update")
    connection.execute("UPDATE events SET occurred_at = occurred_at - 1000000 WHERE position = 1234")
    connection.commit()
    connection.close()
    code, out, err = run(capsys, "verify", "--db", str(copy))
    assert code == 3 and "position 1234" in err and err.count("\n") == 1


def _cut_tail(path, count: int) -> None:
    """What someone with the file does to make the newest events disappear: triggers off, DELETE, triggers on."""
    connection = sqlite3.connect(path)
    connection.execute("DROP TRIGGER events_no_delete")
    connection.execute(f"DELETE FROM events WHERE position > (SELECT max(position) FROM events) - {count}")
    connection.execute("CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, "
                       "'the event log is append-only: events rows cannot be deleted'); END")
    connection.commit()
    connection.close()


def test_verify_of_a_log_missing_its_newest_events_exits_3_naming_them(demo_db, tmp_path, capsys):
    store_file = tmp_path / "fleet.sqlite"
    shutil.copy(demo_db, store_file)
    code, out, _ = run(capsys, "verify", "--db", str(store_file))  # this process witnesses the head
    head = out.split("head ")[1].strip()
    position = int(head.split(":")[0])
    _cut_tail(store_file, 100)
    code, out, err = run(capsys, "verify", "--db", str(store_file))
    assert code == 3 and out == ""
    assert (f"the log ends at position {position - 100:,} but position {position:,} (hash {head.split(':')[1]}) "
            "was witnessed on ") in err
    assert err.rstrip().endswith("100 events are missing") and err.count("\n") == 1
    code, _, err = run(capsys, "verify", "--db", str(store_file), "--json")
    assert code == 3
    code, out, err = run(capsys, "verify", "--db", str(store_file), "--forget-witness")
    assert code == 0 and f"forgot the witnessed head {head}" in err
    code, _, err = run(capsys, "verify", "--db", str(store_file), "--expect-head", head)
    assert code == 3 and "was expected: 100 events are missing" in err


def test_verify_checks_the_head_it_printed_when_pasted_back(demo_db, capsys):
    code, out, _ = run(capsys, "verify", "--db", str(demo_db))
    head = out.split("head ")[1].strip()
    assert code == 0 and parse_head(head).position == json.loads(run(capsys, "verify", "--db", str(demo_db),
                                                                          "--json")[1])["head_position"]
    code, out, _ = run(capsys, "verify", "--db", str(demo_db), "--expect-head", head, "--json")
    assert code == 0 and json.loads(out)["checks"]["expected_head"] == "ok" and json.loads(out)["head"] == head
    other = f"{parse_head(head).position - 1}:{head.split(':')[1]}"
    code, _, err = run(capsys, "verify", "--db", str(demo_db), "--expect-head", other)
    assert code == 3 and "rewritten" in err
    code, _, err = run(capsys, "verify", "--db", str(demo_db), "--expect-head", "12:nothex")
    assert code == 2 and "not hexadecimal" in err


def test_a_damaged_store_is_exit_3_for_every_command(demo_db, tmp_path, capsys):
    cut = tmp_path / "cut.sqlite"
    cut.write_bytes(demo_db.read_bytes()[:200_000])
    for argv in (["verify"], ["state", "--at", END], ["history", "--ship", "219000001"], ["quarantine"]):
        code, _, err = run(capsys, argv[0], "--db", str(cut), *argv[1:])
        assert code == 3 and err.startswith("error: ") and "damaged" in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("user-")) == ["cut.sqlite"]


@pytest.mark.parametrize("argv, message", [
    (["state", "--db", "{missing}", "--at", END], "no store at"),
    (["state", "--db", "{text}", "--at", END], "not a Fleet Logbook store"),
    (["state", "--db", "{db}", "--at", "noon"], "not an ISO 8601 time"),
    (["history", "--db", "{db}", "--ship", "12345678901"], "MMSI"),
    (["simulate", "--db", "{new}", "--ships", "5000", "--hours", "1"], "between 50 and 1000"),
    (["simulate", "--db", "{new}", "--hours", "-1"], "more than 0"),
    (["verify"], "--db"),
    (["launch-rockets"], "invalid choice"),
])
def test_bad_arguments_get_one_clear_line_and_a_non_zero_exit(demo_db, tmp_path, capsys, argv, message):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    places = {"missing": tmp_path / "absent.sqlite", "text": text, "db": demo_db, "new": tmp_path / "new.sqlite"}
    argv = [a.format(**places) for a in argv]
    code, out, err = run(capsys, *argv)
    assert code != 0 and message in err and err.startswith("error: ") and err.count("\n") == 1
    assert not (tmp_path / "absent.sqlite").exists() and not (tmp_path / "new.sqlite").exists()
    assert text.read_text() == "hello"


def test_the_real_entry_point_runs_as_a_program(demo_db):
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "verify", "--db", str(demo_db)],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0 and result.stdout.startswith("ok: ")
    missing = subprocess.run([sys.executable, str(ROOT / "main.py"), "verify", "--db", str(demo_db) + ".nope"],
                             capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert missing.returncode == 1 and missing.stderr.startswith("error: no store at")


def test_gui_renders_a_screenshot_of_the_store_at_a_moment(demo_db, tmp_path, capsys):
    from PySide6.QtGui import QImage

    _, out, _ = run(capsys, "state", "--db", str(demo_db), "--at", END, "--json")
    mmsi = json.loads(out)["ships"][0]["mmsi"]
    shot = tmp_path / "console.png"
    code, _, _ = run(capsys, "gui", "--db", str(demo_db), "--at", "2026-03-01T11:00:00Z", "--ship", str(mmsi),
                     "--screenshot", str(shot))
    assert code == 0 and QImage(str(shot)).width() == 1600


def test_gui_on_a_file_that_is_not_a_store_is_one_line(tmp_path, capsys):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    code, _, err = run(capsys, "gui", "--db", str(text), "--screenshot", str(tmp_path / "x.png"))
    assert code == 1 and "not a Fleet Logbook store" in err and err.count("\n") == 1


def test_gui_shows_the_part_of_the_map_asked_for_and_refuses_a_box_that_is_not_one(demo_db, tmp_path, capsys):
    from PySide6.QtGui import QImage

    framed, viewed = tmp_path / "framed.png", tmp_path / "viewed.png"
    at = "2026-03-01T11:00:00Z"
    assert run(capsys, "gui", "--db", str(demo_db), "--at", at, "--screenshot", str(framed))[0] == 0
    code, _, err = run(capsys, "gui", "--db", str(demo_db), "--at", at, "--view=-30,30,30,65",
                       "--screenshot", str(viewed))
    assert code == 0, err
    assert QImage(str(framed)) != QImage(str(viewed))
    code, _, err = run(capsys, "gui", "--db", str(demo_db), "--view", "3,48,-6,52", "--screenshot", str(viewed))
    assert code == 2 and "not a box" in err and err.count("\n") == 1
