"""The report command: files by suffix, the logged export, --verify against the log, tampering caught."""
from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import main
from tests.cli.test_commands import demo_db, run  # noqa: F401 - demo_db is a fixture

FROM, TO = "2026-03-01T10:00:00Z", "2026-03-01T11:00:00Z"


@pytest.fixture
def db(demo_db, tmp_path):  # noqa: F811
    copy = tmp_path / "demo.sqlite"
    shutil.copy(demo_db, copy)
    return str(copy)


def test_a_csv_report_has_a_row_per_event_and_the_export_is_logged(db, tmp_path, capsys):
    out = tmp_path / "watch.csv"
    code, printed, _ = run(capsys, "report", "--db", db, "--from", FROM, "--to", TO, "--out", str(out))
    result = json.loads(printed)
    with open(out, newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert code == 0 and result["format"] == "csv" and len(rows) == result["events"] > 1_000
    code, printed, _ = run(capsys, "verify", "--db", db, "--json")
    assert code == 0 and json.loads(printed)["head_position"] == result["logged_at_position"]


def test_a_json_report_verifies_against_its_log_and_fails_once_the_log_is_tampered_with(db, tmp_path, capsys):
    out = tmp_path / "watch.json"
    code, printed, _ = run(capsys, "report", "--db", db, "--from", FROM, "--to", TO, "--out", str(out))
    assert code == 0
    code, printed, _ = run(capsys, "report", "--db", db, "--verify", str(out))
    assert code == 0 and printed.startswith("ok:")
    document = json.loads(out.read_text())
    target = next(e["position"] for e in document["events"][20:] if e["type"] == "PositionReported")
    with sqlite3.connect(db) as raw:
        (trigger_sql,) = raw.execute("SELECT sql FROM sqlite_master WHERE name = 'events_no_update'").fetchone()
        (payload,) = raw.execute("SELECT payload FROM events WHERE position = ?", (target,)).fetchone()
        values = json.loads(payload)
        values[1] = round(values[1] - 0.02, 7)
        raw.execute("DROP TRIGGER events_no_update")
        raw.execute("UPDATE events SET payload = ? WHERE position = ?", (json.dumps(values), target))
        raw.execute(trigger_sql)
    code, _, err = run(capsys, "verify", "--db", db)
    assert code == 3 and f"position {target}" in err
    code, printed, err = run(capsys, "report", "--db", db, "--verify", str(out), "--json")
    check = json.loads(printed)
    assert code == 3 and not check["ok"] and any(f"position {target}" in p for p in check["problems"])


def test_report_arguments_are_checked_before_anything_is_read(db, tmp_path, capsys):
    code, _, err = run(capsys, "report", "--db", db, "--from", TO, "--to", FROM, "--out", str(tmp_path / "r.csv"))
    assert code == 2 and "before it starts" in err
    code, _, err = run(capsys, "report", "--db", db, "--from", FROM, "--to", TO, "--out", str(tmp_path / "r.txt"))
    assert code == 2 and ".pdf, .csv or .json" in err
    code, _, err = run(capsys, "report", "--db", db, "--from", FROM)
    assert code == 2 and "--out" in err
    code, _, err = run(capsys, "report", "--db", db, "--from", FROM, "--to", TO, "--out", str(tmp_path / "r.pdf"),
                       "--sections", "summary,charts")
    assert code == 2 and "unknown report section charts" in err
    code, _, err = run(capsys, "report", "--db", db, "--from", FROM, "--to", TO, "--out", str(tmp_path / "r.csv"),
                       "--sections", "summary")
    assert code == 2 and "CSV and JSON reports are always whole" in err
    assert not list(tmp_path.glob("r.*"))


def test_a_read_only_report_is_not_logged(db, tmp_path, capsys):
    code, printed, _ = run(capsys, "report", "--db", db, "--from", FROM, "--to", TO, "--out",
                           str(tmp_path / "r.json"), "--read-only")
    assert code == 0 and json.loads(printed)["logged_at_position"] is None


def test_a_pdf_report_reads_back_with_its_ships_counts_and_chain_head(db, tmp_path, capsys):
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (Debian poppler-utils) is not installed")
    out = tmp_path / "watch.pdf"
    code, printed, _ = run(capsys, "report", "--db", db, "--from", FROM, "--to", TO, "--out", str(out))
    result = json.loads(printed)
    assert code == 0 and result["format"] == "pdf" and out.read_bytes().startswith(b"%PDF")
    text = subprocess.run([pdftotext, "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert result["head_hash"] in text and f"{result['events']:,}" in text
    with sqlite3.connect(db) as raw:
        names = [row[0] for row in raw.execute("SELECT payload FROM events WHERE type = "
                                               "(SELECT id FROM event_types WHERE name = 'ShipRegistered') LIMIT 3")]
    assert names and all(json.loads(payload)[0] in text for payload in names)
    brief = tmp_path / "brief.pdf"
    code, printed, _ = run(capsys, "report", "--db", db, "--from", FROM, "--to", TO, "--out", str(brief),
                           "--sections", "summary, map")
    text = subprocess.run([pdftotext, "-layout", str(brief), "-"], capture_output=True, text=True, check=True).stdout
    assert code == 0 and "Left out of this report when it was made: a section per ship, event listing." in text
    assert brief.stat().st_size < out.stat().st_size


def imported_by_report(db: str, out: Path) -> tuple[dict, set[str]]:
    """Run ``main.py report`` in a fresh interpreter: what it printed, and every module it imported
    (``-X importtime`` names each one the first time it is imported)."""
    process = subprocess.run([sys.executable, "-X", "importtime", str(Path(main.__file__)), "report", "--db", db,
                              "--from", FROM, "--to", TO, "--out", str(out)], capture_output=True, text=True, timeout=240)
    assert process.returncode == 0, process.stderr[-2000:]
    modules = {line.rsplit("|", 1)[1].strip() for line in process.stderr.splitlines()
               if line.startswith("import time:") and line.count("|") == 2}
    assert "app.report_export" in modules  # the list is real: the report's own modules are in it
    return json.loads(process.stdout), modules


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_a_csv_or_json_report_from_the_command_line_loads_no_qt(db, tmp_path, suffix):
    result, modules = imported_by_report(db, tmp_path / f"watch.{suffix}")
    assert result["format"] == suffix and result["events"] > 1_000
    assert not {name for name in modules if name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph")}


def test_a_pdf_report_from_the_command_line_draws_with_qtgui_and_loads_no_widgets(db, tmp_path):
    result, modules = imported_by_report(db, tmp_path / "watch.pdf")
    assert result["format"] == "pdf" and (tmp_path / "watch.pdf").read_bytes().startswith(b"%PDF")
    assert "PySide6.QtGui" in modules
    assert not {name for name in modules if name.startswith("PySide6.QtWidgets") or name.split(".")[0] == "pyqtgraph"}
