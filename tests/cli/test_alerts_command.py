"""The alerts command: the board at a moment with IEC 62923 states, acknowledging (all or none) and suppressing."""
from __future__ import annotations

import json

from tests.cli.test_commands import run
from tests.cli.test_rules_commands import HARBOUR, make_log

FIELDS = {"alert_id", "type", "ships", "priority", "state", "raised_at", "acknowledged_at", "acknowledged_by",
          "rectified_at"}


def replayed(tmp_path, capsys):
    db = tmp_path / "watch.sqlite"
    make_log(db)
    zone_file = tmp_path / "harbour.geojson"
    zone_file.write_text(json.dumps(HARBOUR))
    run(capsys, "zones", "add", str(zone_file), "--db", str(db))
    code, _, _ = run(capsys, "rules", "replay", "--db", str(db))
    assert code == 0
    return str(db)


def board(capsys, db: str, at: str, *extra: str) -> dict:
    code, out, err = run(capsys, "alerts", "--db", db, "--at", at, "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def test_the_alerts_at_a_moment_carry_their_state_priority_and_life(tmp_path, capsys):
    db = replayed(tmp_path, capsys)
    inside = board(capsys, db, "2024-05-01T12:15:00Z")
    [entered] = [a for a in inside["alerts"] if a["type"] == "ZoneEntered"]
    assert FIELDS <= set(entered)
    assert (entered["priority"], entered["state"], entered["rectified_at"]) == ("alarm", "active-unacknowledged", None)
    assert entered["ships"] == [{"mmsi": 235000001, "name": "ARIA"}]
    later = board(capsys, db, "2024-05-01T13:00:00Z")
    [left] = [a for a in later["alerts"] if a["type"] == "ZoneEntered"]
    assert left["state"] == "rectified-unacknowledged" and left["rectified_reason"].startswith("left the zone")
    assert later["counts"]["rectified-unacknowledged"] >= 1


def test_acknowledging_signs_the_alert_and_an_unknown_one_acknowledges_none(tmp_path, capsys):
    db = replayed(tmp_path, capsys)
    [entered] = [a for a in board(capsys, db, "2024-05-01T12:15:00Z")["alerts"] if a["type"] == "ZoneEntered"]
    code, _, err = run(capsys, "alerts", "ack", "--db", db, entered["alert_id"], "no-such-alert", "--comment", "seen")
    assert code == 1 and "nothing acknowledged" in err and "no-such-alert" in err
    code, out, _ = run(capsys, "alerts", "ack", "--db", db, entered["alert_id"], "--comment", "called on VHF 16",
                       "--operator", "Mate")
    assert code == 0 and json.loads(out)["acknowledged"] == [entered["alert_id"]]
    everything = board(capsys, db, "2030-01-01T00:00:00Z", "--all")
    [done] = [a for a in everything["alerts"] if a["alert_id"] == entered["alert_id"]]
    assert (done["state"], done["acknowledged_by"], done["comment"]) == ("normal", "Mate", "called on VHF 16")
    assert all(a["alert_id"] != entered["alert_id"] for a in board(capsys, db, "2030-01-01T00:00:00Z")["alerts"])


def test_a_suppression_acknowledges_a_ships_alerts_with_the_reason(tmp_path, capsys):
    db = replayed(tmp_path, capsys)
    code, out, _ = run(capsys, "alerts", "suppress", "--db", db, "--ship", "235000001", "--minutes", "30",
                       "--reason", "exercise with the range officer", "--operator", "Mate")
    assert code == 0 and json.loads(out)["ship"] == 235000001
    everything = board(capsys, db, "2030-01-01T00:00:00Z", "--all")
    waiting = [a for a in everything["alerts"] if a["state"] in ("active-unacknowledged", "rectified-unacknowledged")]
    assert waiting == []
    assert any(a["comment"] == "suppressed: exercise with the range officer" for a in everything["alerts"])


def test_bad_arguments_are_refused_in_one_line(tmp_path, capsys):
    db = replayed(tmp_path, capsys)
    code, _, err = run(capsys, "alerts", "--db", db)
    assert code == 2 and "--at" in err
    code, _, err = run(capsys, "alerts", "suppress", "--db", db, "--ship", "235000001", "--minutes", "0",
                       "--reason", "x")
    assert code == 2 and "minutes" in err


def test_a_csv_report_names_the_alerts_file_it_wrote_beside_it(tmp_path, capsys):
    db = replayed(tmp_path, capsys)
    out = tmp_path / "audit.csv"
    code, printed, err = run(capsys, "report", "--db", db, "--from", "2024-05-01T12:00:00Z",
                             "--to", "2024-05-01T15:00:00Z", "--out", str(out))
    assert code == 0, err
    written = json.loads(printed)
    assert written["alerts_out"] == str(tmp_path / "audit.alerts.csv")
    assert (tmp_path / "audit.alerts.csv").read_text().startswith('"alert_id","type","priority"')
