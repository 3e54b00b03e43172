"""A bad row of an AIS CSV file goes to the quarantine with its line, raw text, reason and field; the rest is read."""
from __future__ import annotations

import pytest

from domain.observations import ParticularsSeen, PositionSeen, Rejected
from feeds.ais_csv import AisCsvReader, parse_column_mapping, ColumnMappingError
from feeds.input_files import InputFile

NOAA_HEADER = ("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,"
               "Draft,Cargo,TransceiverClass")
GOOD = ("367309910,2017-02-01T20:05:07,29.91279,-89.92425,0.0,243.6,511.0,TRANSIT,IMO9627980,WDD9287,70,5,180,32,"
        "7.5,70,A")
GOOD_TOO = "366940480,2017-02-01T20:05:09,30.00217,-90.11370,9.8,12.5,14.0,GRACE D,,WDC6922,31,0,21,8,3.1,,A"

# (row, field, words the reason must hold)
BAD_ROWS = [
    (",2017-02-01T20:05:07,29.9,-89.9,0.0,243.6,511.0,,,,,,,,,,A", "mmsi", ["MMSI is missing", "'MMSI'"]),
    ("WDD9287,2017-02-01T20:05:07,29.9,-89.9,0.0,243.6,511.0,,,,,,,,,,A", "mmsi", ["MMSI 'WDD9287' is not a number"]),
    ("12345,2017-02-01T20:05:07,29.9,-89.9,0.0,243.6,511.0,,,,,,,,,,A", "mmsi", ["12345", "not 9 digits"]),
    ("367309910,,29.9,-89.9,0.0,243.6,511.0,,,,,,,,,,A", "time", ["time is missing", "'BaseDateTime'"]),
    ("367309910,2017-02-30T20:05:07,29.9,-89.9,0.0,243.6,511.0,,,,,,,,,,A", "time",
     ["'2017-02-30T20:05:07'", "ISO 8601", "2017-02-01T20:05:07"]),
    ("367309910,01/02/2017 20:05:07,29.9,-89.9,0.0,243.6,511.0,,,,,,,,,,A", "time", ["'01/02/2017 20:05:07'"]),
    ("367309910,2017-02-01T20:05:07,north,-89.9,0.0,243.6,511.0,,,,,,,,,,A", "lat",
     ["latitude 'north' is not a number", "'LAT'"]),
    ("367309910,2017-02-01T20:05:07,29.9,-89.9,fast,243.6,511.0,,,,,,,,,,A", "sog", ["'fast' is not a number"]),
    ("367309910,2017-02-01T20:05:07,29.9,-89.9,0.0,243.6,north-east,,,,,,,,,,A", "heading", ["'north-east'"]),
    ("367309910,2017-02-01T20:05:07,95.5,-89.9,0.0,243.6,511.0,,,,,,,,,,A", "lat", ["95.5"]),
    ("367309910,2017-02-01T20:05:07,29.9,-189.9,0.0,243.6,511.0,,,,,,,,,,A", "lon", ["-189.9"]),
    ("367309910,2017-02-01T20:05:07,29.9,-89.9,0.0,-12.5,511.0,,,,,,,,,,A", "cog", ["-12.5"]),
    ("367309910,2017-02-01T20:05:07,29.9,-89.9,0.0,243.6", None, ["row has 6 columns, the header has 17"]),
    ("367309910,2017-02-01T20:05:07,29.9,-89.9,0.0,243.6,511.0,,,,,,,,,,A,extra", None,
     ["row has 18 columns, the header has 17"]),
]


def read(path, **options) -> list:
    with AisCsvReader(InputFile(path), **options) as reader:
        return list(reader)


@pytest.mark.parametrize("row, field, words", BAD_ROWS,
                         ids=[f"{field}-{n}" for n, (_, field, _) in enumerate(BAD_ROWS)])
def test_a_bad_row_is_quarantined_with_its_line_raw_text_reason_and_field(tmp_path, row, field, words):
    path = tmp_path / "AIS_2017_02_01.csv"
    path.write_text("\n".join([NOAA_HEADER, GOOD, row, GOOD_TOO]) + "\n")
    seen = read(path)
    rejected = [item for item in seen if isinstance(item, Rejected)]
    assert len(rejected) == 1
    assert (rejected[0].origin.source, rejected[0].origin.line, rejected[0].origin.raw) == (str(path), 3, row)
    assert rejected[0].field == field
    for word in words:
        assert word in rejected[0].reason
    assert [item.origin.line for item in seen if isinstance(item, PositionSeen)] == [2, 4]


def test_every_bad_row_of_one_file_is_quarantined_and_every_good_row_read(tmp_path):
    rows = [GOOD]
    for row, _, _ in BAD_ROWS:
        rows += [row, GOOD_TOO]
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join([NOAA_HEADER, *rows]) + "\n")
    with AisCsvReader(InputFile(path)) as reader:
        seen = list(reader)
        assert reader.lines_read == 1 + len(rows)
    rejected = [item for item in seen if isinstance(item, Rejected)]
    assert [r.origin.line for r in rejected] == [3 + 2 * n for n in range(len(BAD_ROWS))]
    assert [r.field for r in rejected] == [field for _, field, _ in BAD_ROWS]
    assert len([item for item in seen if isinstance(item, PositionSeen)]) == 1 + len(BAD_ROWS)


def test_a_row_with_a_bad_position_still_gives_its_particulars(tmp_path):
    row = GOOD.replace("29.91279", "north")
    path = tmp_path / "noaa.csv"
    path.write_text("\n".join([NOAA_HEADER, row]) + "\n")
    rejected, details = read(path)
    assert isinstance(rejected, Rejected) and rejected.field == "lat"
    assert isinstance(details, ParticularsSeen) and details.fields["name"] == "TRANSIT"


def test_a_row_whose_mmsi_is_no_ships_gives_one_quarantine_entry_not_two(tmp_path):
    path = tmp_path / "noaa.csv"
    path.write_text("\n".join([NOAA_HEADER, GOOD.replace("367309910", "12345")]) + "\n")
    seen = read(path)
    assert len(seen) == 1 and seen[0].field == "mmsi"


def test_a_bad_static_value_is_dropped_alone_and_reported_once_per_change(tmp_path):
    bad_imo = GOOD.replace("IMO9627980", "IMO96X7980")
    later = bad_imo.replace("20:05:07", "20:06:07")
    path = tmp_path / "noaa.csv"
    path.write_text("\n".join([NOAA_HEADER, bad_imo, later]) + "\n")
    seen = read(path)
    details = [item for item in seen if isinstance(item, ParticularsSeen)]
    rejected = [item for item in seen if isinstance(item, Rejected)]
    assert len(details) == 1 and "imo" not in details[0].fields and details[0].fields["name"] == "TRANSIT"
    assert [(r.origin.line, r.field) for r in rejected] == [(2, "imo")]
    assert "'IMO96X7980'" in rejected[0].reason and "field dropped" in rejected[0].reason


def test_a_static_value_the_domain_refuses_is_dropped_alone(tmp_path):
    path = tmp_path / "noaa.csv"
    path.write_text("\n".join([NOAA_HEADER, GOOD.replace(",180,32,", ",950,32,")]) + "\n")
    seen = read(path)
    details = next(item for item in seen if isinstance(item, ParticularsSeen))
    rejected = next(item for item in seen if isinstance(item, Rejected))
    assert "length" not in details.fields and details.fields["beam"] == 32.0
    assert rejected.field == "length" and "950" in rejected.reason


def test_a_line_too_long_to_be_a_row_is_quarantined(tmp_path):
    path = tmp_path / "noaa.csv"
    path.write_text("\n".join([NOAA_HEADER, GOOD, "x" * 10_000, GOOD_TOO]) + "\n")
    seen = read(path)
    rejected = [item for item in seen if isinstance(item, Rejected)]
    assert [(r.origin.line, r.field) for r in rejected] == [(3, None)] and "longer than" in rejected[0].reason
    assert len(rejected[0].origin.raw) <= 1_001
    assert [item.origin.line for item in seen if isinstance(item, PositionSeen)] == [2, 4]


def test_a_dma_row_with_an_unreadable_eta_keeps_its_other_particulars(tmp_path):
    header = ("# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,"
              "Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,"
              "ETA,Data source type")
    row = ("01/02/2024 00:00:04,Class A,305484000,56.134323,11.474578,Moored,0.0,0.0,268.1,264,9428217,V2EN3,"
           "ICE MOON,Cargo,,24,129,GPS,6.8,AARHUS,2024-02-23 08:00,AIS")
    path = tmp_path / "dma.csv"
    path.write_text("\n".join([header, row]) + "\n")
    seen = read(path)
    details = next(item for item in seen if isinstance(item, ParticularsSeen))
    rejected = next(item for item in seen if isinstance(item, Rejected))
    assert details.fields["destination"] == "AARHUS" and "eta" not in details.fields
    assert rejected.field == "eta" and "ETA '2024-02-23 08:00' is not a day-first time" in rejected.reason


# The column mapping of the command line

def test_a_column_mapping_is_read_from_the_command_line_text():
    assert parse_column_mapping("time=Header A, lat=Y,lon=X ,width=Beam (m)") == {
        "time": "Header A", "lat": "Y", "lon": "X", "beam": "Beam (m)"}


@pytest.mark.parametrize("text, words", [
    ("time=Header A,speedy=Knots", ["unknown field 'speedy'", "known fields: time, mmsi, lat, lon"]),
    ("time", ["has no '='"]),
    ("time=", ["names no header"]),
    ("lat=Y,latitude=Z", ["'lat' is mapped twice"]),
    ("", ["empty"]),
])
def test_a_bad_column_mapping_is_refused_clearly(text, words):
    with pytest.raises(ColumnMappingError) as refused:
        parse_column_mapping(text)
    for word in words:
        assert word in str(refused.value)
