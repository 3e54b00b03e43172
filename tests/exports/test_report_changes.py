"""The audit report's "Changes between T1 and T2" in its three formats, against ``diff`` over the same range."""
from __future__ import annotations

import csv
import json
import subprocess

import main
from tests.exports.test_track_export import solent_db  # noqa: F401 - fixture

T1, T2 = "2016-01-12T13:30:00Z", "2016-01-12T14:00:00Z"


def run(capsys, *argv: str) -> dict:
    code = main.main(list(argv))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def test_json_and_csv_reports_carry_the_changes_diff_finds(solent_db, tmp_path, capsys):  # noqa: F811
    expected = run(capsys, "diff", "--db", str(solent_db), "--from", T1, "--to", T2, "--json")
    out = tmp_path / "watch.json"
    run(capsys, "report", "--db", str(solent_db), "--from", T1, "--to", T2, "--out", str(out), "--read-only")
    tail = out.read_text().split('\n],\n"summary": ', 1)[1]
    summary = json.loads(tail.split(',\n"integrity": ', 1)[0])
    assert summary["changes"] == expected and len(expected["ships"]) > 20
    said = run(capsys, "report", "--db", str(solent_db), "--from", T1, "--to", T2, "--out", str(tmp_path / "w.csv"),
               "--read-only")
    with open(said["changes_out"], newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [int(r["mmsi"]) for r in rows] == [s["mmsi"] for s in expected["ships"]]
    assert [float(r["distance_m"]) for r in rows] == [s["distance_m"] for s in expected["ships"]]
    ships_only = run(capsys, "report", "--db", str(solent_db), "--from", T1, "--to", T2, "--ship",
                     str(expected["ships"][0]["mmsi"]), "--out", str(tmp_path / "one.json"), "--read-only")
    one = json.loads((tmp_path / "one.json").read_text())
    assert ships_only["ships"] == 1 and [s["mmsi"] for s in one["summary"]["changes"]["ships"]] == \
        [expected["ships"][0]["mmsi"]]


def test_the_pdf_report_has_the_changes_between_the_ends_of_its_range(qapp, solent_db, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "watch.pdf"
    run(capsys, "report", "--db", str(solent_db), "--from", T1, "--to", T2, "--sections", "summary", "--out",
        str(out), "--read-only")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Changes between 2016-01-12 13:30:00 UTC and 2016-01-12 14:00:00 UTC" in text
    assert "ships moved" in text and "moved" in text.split("Changes between", 1)[1]
