"""zones add/list and rules replay through the command line, on a hand-made log with a real story in it."""
from __future__ import annotations

import json

from store import open_store
from tests.cli.test_commands import run
from tests.fleet_events import MINUTE, T0, registered, report

HARBOUR = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "Firing range", "kind": "restricted"},
     "geometry": {"type": "Polygon", "coordinates": [[[-1.30, 50.70], [-1.10, 50.70], [-1.10, 50.80],
                                                      [-1.30, 50.80], [-1.30, 50.70]]]}}]}


def make_log(path) -> None:
    """A ship crossing the firing range, then going silent for 45 minutes."""
    with open_store(path) as store:
        store.append_batch([registered(235000001, 0, "ARIA"),
                            *[report(235000001, minute, lat=50.75, lon=-1.40 + minute * 0.01, sog=12.0, cog=90.0)
                              for minute in range(0, 40)],
                            *[report(235000001, 85 + minute, lat=50.75, lon=-0.9 + minute * 0.01, sog=12.0, cog=90.0)
                              for minute in range(0, 5)]])


def test_zones_added_twice_append_once_and_are_listed(tmp_path, capsys):
    db = tmp_path / "watch.sqlite"
    make_log(db)
    zone_file = tmp_path / "harbour.geojson"
    zone_file.write_text(json.dumps(HARBOUR))
    code, out, _ = run(capsys, "zones", "add", str(zone_file), "--db", str(db))
    assert code == 0 and json.loads(out) == {"appended": 1, "zones": ["Firing range"], "removed": []}
    code, out, _ = run(capsys, "zones", "add", str(zone_file), "--db", str(db))
    assert code == 0 and json.loads(out)["appended"] == 0
    code, out, _ = run(capsys, "zones", "list", "--db", str(db), "--json")
    (zone,) = json.loads(out)["zones"]
    assert zone["name"] == "Firing range" and zone["kind"] == "restricted"


def test_a_bad_zone_file_is_refused_naming_the_feature(tmp_path, capsys):
    bad = {"type": "FeatureCollection", "features": [dict(HARBOUR["features"][0], properties={"name": "X", "kind": "harbour"})]}
    zone_file = tmp_path / "bad.geojson"
    zone_file.write_text(json.dumps(bad))
    code, _, err = run(capsys, "zones", "add", str(zone_file), "--db", str(tmp_path / "w.sqlite"))
    assert code == 1 and "harbour" in err and "feature" in err


def test_replaying_the_rules_raises_the_story_s_alerts_once(tmp_path, capsys):
    db = tmp_path / "watch.sqlite"
    make_log(db)
    zone_file = tmp_path / "harbour.geojson"
    zone_file.write_text(json.dumps(HARBOUR))
    run(capsys, "zones", "add", str(zone_file), "--db", str(db))
    code, out, _ = run(capsys, "rules", "replay", "--db", str(db))
    first = json.loads(out)
    assert code == 0 and first["appended"] == first["raised"] > 0
    assert {"ZoneEntered", "ZoneExited", "SignalLost", "SignalRestored"} <= set(first["by_type"])
    code, out, _ = run(capsys, "rules", "replay", "--db", str(db))
    again = json.loads(out)
    assert code == 0 and again["appended"] == 0 and again["already_in_log"] == first["raised"]
    code, out, _ = run(capsys, "history", "--db", str(db), "--ship", "235000001", "--json")
    types = [event["type"] for event in json.loads(out)["events"]]
    assert "SignalLost" in types and types.count("SignalLost") == 1
    code, out, _ = run(capsys, "verify", "--db", str(db))
    assert code == 0


def test_a_bad_settings_file_names_the_key(tmp_path, capsys):
    db = tmp_path / "watch.sqlite"
    make_log(db)
    settings = tmp_path / "rules.toml"
    settings.write_text("[dark]\nafter_s = -5\n")
    code, _, err = run(capsys, "rules", "replay", "--db", str(db), "--settings", str(settings))
    assert code == 1 and "rules.toml" in err and "after_s" in err
