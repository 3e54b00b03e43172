"""A national day in NOAA's shape (one zip, one CSV, one report a minute per ship) imported by the command,
then the fleet asked of `state` at three moments and checked against the file's own rows: every ship heard
by then, where its last row by then puts it, with its speed, course, heading, status and name."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime, timezone

import pytest

from bench.national_day import write_national_day
from domain import ais
from domain.time import format_instant
from tests.cli.test_commands import run


def _expected(path, moments: list[int]) -> list[dict[int, dict]]:
    """For each moment, each ship's last row at or before it, read straight from the zip's CSV."""
    latest: list[dict[int, dict]] = [{} for _ in moments]
    with zipfile.ZipFile(path) as archive, archive.open(archive.namelist()[0]) as raw:
        for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline="")):
            when = int(datetime.fromisoformat(row["BaseDateTime"]).replace(tzinfo=timezone.utc).timestamp()) * 1_000_000
            for at, ships in zip(moments, latest):
                if when <= at:
                    ships[int(row["MMSI"])] = dict(row, when=when)
    return latest


def _check_day(tmp_path, capsys, rows: int, ships: int) -> None:
    day = write_national_day(tmp_path / "AIS_2024_01_01.zip", rows=rows, ships=ships)
    db = str(tmp_path / "national.sqlite")
    code, out, _ = run(capsys, "import", str(day.path), "--db", db)
    summary = json.loads(out)
    assert code == 0 and summary["read"] == day.rows + 1 and summary["lines"]["stored"] == day.rows
    assert summary["quarantined"] == 0
    moments = [day.first + (day.last - day.first) * share // 100 for share in (5, 50, 100)]
    for at, expected in zip(moments, _expected(day.path, moments)):
        code, out, _ = run(capsys, "state", "--db", db, "--at", format_instant(at), "--json")
        assert code == 0
        fleet = {ship["mmsi"]: ship for ship in json.loads(out)["ships"]}
        assert fleet.keys() == expected.keys() and len(fleet) > ships // 20
        for mmsi, row in expected.items():
            ship = fleet[mmsi]
            assert ship["lat"] == pytest.approx(float(row["LAT"]), abs=1e-6)
            assert ship["lon"] == pytest.approx(float(row["LON"]), abs=1e-6)
            assert ship["sog"] == pytest.approx(float(row["SOG"])) and ship["cog"] == pytest.approx(float(row["COG"]))
            assert ship["heading"] == int(row["Heading"])
            assert ship["nav_status"] == ais.NAV_STATUSES[int(row["Status"])]
            assert ship["name"] == row["VesselName"]
            assert ship["last_report_at"] == format_instant(row["when"])


def test_a_reduced_national_day_gives_the_fleet_its_rows_say_at_three_moments(tmp_path, capsys):
    _check_day(tmp_path, capsys, rows=100_000, ships=2_000)


@pytest.mark.slow
def test_a_national_day_of_a_million_rows_gives_the_fleet_its_rows_say_at_three_moments(tmp_path, capsys):
    _check_day(tmp_path, capsys, rows=1_000_000, ships=10_000)
