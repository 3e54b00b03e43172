"""Any valid position written to a CSV file reads back as the report the domain would make of it."""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.events.ships import PositionReported
from domain.observations import PositionSeen
from domain.time import format_instant
from feeds.ais_csv import AisCsvReader
from feeds.input_files import InputFile

NOAA_HEADER = ("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,"
               "Draft,Cargo,TransceiverClass")
GENERIC_HEADER = "timestamp;mmsi;lat;lon;sog;cog;heading;nav_status"

rows = st.lists(st.fixed_dictionaries({
    "mmsi": st.integers(200_000_000, 775_999_999),
    "occurred_at": st.integers(946_684_800_000_000, 2_524_608_000_000_000),  # 2000 to 2050
    "lat": st.floats(-90, 90, allow_nan=False),
    "lon": st.floats(-180, 180, allow_nan=False),
    "sog": st.none() | st.floats(0, 102.2, allow_nan=False),
    "cog": st.none() | st.floats(0, 359.9, allow_nan=False),
    "heading": st.none() | st.integers(0, 359),
    "nav_status_code": st.none() | st.integers(0, 15),
}), min_size=1, max_size=30)


def expected(row: dict) -> PositionReported:
    return PositionReported.from_ais(**row)


def read_back(text: str) -> list:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.csv"
        path.write_text(text)
        with AisCsvReader(InputFile(path)) as reader:
            return list(reader)


def cell(value) -> str:
    return "" if value is None else repr(value)


@settings(max_examples=60)
@given(rows)
def test_valid_rows_of_another_tool_read_back_as_the_same_positions(rows):
    lines = [GENERIC_HEADER]
    for row in rows:
        lines.append(";".join([format_instant(row["occurred_at"]), str(row["mmsi"]), cell(row["lat"]),
                               cell(row["lon"]), cell(row["sog"]), cell(row["cog"]), cell(row["heading"]),
                               cell(row["nav_status_code"])]))
    seen = read_back("\n".join(lines) + "\n")
    assert all(isinstance(item, PositionSeen) for item in seen)
    assert [item.report for item in seen] == [expected(row) for row in rows]


@settings(max_examples=40)
@given(rows)
def test_valid_noaa_rows_read_back_as_the_same_positions(rows):
    lines = [NOAA_HEADER]
    for row in rows:
        row["occurred_at"] -= row["occurred_at"] % 1_000_000  # NOAA times are whole seconds
        when = format_instant(row["occurred_at"])[:19]
        heading = "511.0" if row["heading"] is None else f"{row['heading']}.0"
        lines.append(",".join([str(row["mmsi"]), when, cell(row["lat"]), cell(row["lon"]), cell(row["sog"]),
                               cell(row["cog"]), heading, "", "", "", "", cell(row["nav_status_code"]),
                               "", "", "", "", "A"]))
    seen = read_back("\n".join(lines) + "\n")
    assert [item.report for item in seen] == [expected(row) for row in rows]
