"""``state --format geojson|csv``: the fleet at a moment as points, read back by GDAL and by a CSV reader."""
from __future__ import annotations

import csv
import json

import pytest

import main
from tests.exports.gdal_reader import read_back
from tests.exports.test_track_export import hostile_db, solent_db  # noqa: F401 - fixtures

AT = "2016-01-12T13:45:00Z"


def state_json(capsys, db, at: str = AT) -> dict:
    assert main.main(["state", "--db", str(db), "--at", at, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_fleet_at_a_moment_as_geojson_points_reads_back_in_gdal_as_state_says(solent_db, tmp_path, capsys):  # noqa: F811
    expected = state_json(capsys, solent_db)["ships"]
    out = tmp_path / "fleet.geojson"
    assert main.main(["state", "--db", str(solent_db), "--at", AT, "--format", "geojson", "--out", str(out)]) == 0
    assert json.loads(capsys.readouterr().out)["ships"] == len(expected) > 50
    features = read_back(out)["features"]
    assert [f["properties"]["mmsi"] for f in features] == [s["mmsi"] for s in expected]
    for feature, ship in zip(features, expected):
        assert feature["geometry"]["coordinates"] == pytest.approx([ship["lon"], ship["lat"]], abs=1e-9)
        assert feature["properties"]["sog"] == ship["sog"]


def test_the_fleet_as_csv_keeps_hostile_names_as_text(hostile_db, capsys):  # noqa: F811
    at = "2024-05-01T14:30:00Z"
    assert main.main(["state", "--db", str(hostile_db), "--at", at, "--format", "csv"]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    expected = state_json(capsys, hostile_db, at)["ships"]
    assert [int(r["mmsi"]) for r in rows] == [s["mmsi"] for s in expected]
    hostile = next(r for r in rows if r["mmsi"] == "412000001")
    assert hostile["callsign"] == "'=1+2" and hostile["name"] == '<b>"A&B"</b> \x07ONE\u202e'
    assert float(hostile["lon"]) == expected[0]["lon"]
