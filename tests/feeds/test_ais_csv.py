"""AIS CSV files of NOAA MarineCadastre, the Danish Maritime Authority and other tools read as observations."""
from __future__ import annotations

import gzip
import zipfile
from collections import Counter

import pytest

from domain.observations import ParticularsSeen, PositionSeen, Rejected, Skipped
from domain.time import parse_instant
from feeds.ais_csv import AisCsvReader, ColumnMappingError, CsvLayoutError
from feeds.input_files import InputFile

NOAA_HEADER = ("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,"
               "Draft,Cargo,TransceiverClass")
NOAA_ROWS = [
    "367309910,2017-02-01T20:05:07,29.91279,-89.92425,0.0,243.6,511.0,TRANSIT,IMO9627980,WDD9287,70,5,180,32,7.5,70,A",
    "367309910,2017-02-01T20:06:07,29.91280,-89.92426,0.1,243.0,243.0,TRANSIT,IMO9627980,WDD9287,70,5,180,32,7.5,70,A",
    "366940480,2017-02-01T20:05:09,30.00217,-90.11370,9.8,12.5,14.0,GRACE D,,WDC6922,31,0,21,8,3.1,,A",
    "338075532,2017-02-01T20:05:11,27.76790,-82.63107,4.6,167.3,511.0,,,,,,,,,,B",
]
NOAA_2025_HEADER = ("mmsi, base_date_time, longitude, latitude, sog, cog, heading, vessel_name, imo, call_sign, "
                    "vessel_type, status, length, width, draft, cargo, transceiver")
NOAA_2025_ROWS = [
    "367309910,2017-02-01 20:05:07,-89.92425,29.91279,0.0,243.6,511.0,TRANSIT,IMO9627980,WDD9287,70,5,180,32,7.5,70,A",
    "367309910,2017-02-01 20:06:07,-89.92426,29.91280,0.1,243.0,243.0,TRANSIT,IMO9627980,WDD9287,70,5,180,32,7.5,70,A",
    "366940480,2017-02-01 20:05:09,-90.11370,30.00217,9.8,12.5,14.0,GRACE D,,WDC6922,31,0,21,8,3.1,,A",
    "338075532,2017-02-01 20:05:11,-82.63107,27.76790,4.6,167.3,511.0,,,,,,,,,,B",
]
DMA_HEADER = ("# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,"
              "Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,"
              "ETA,Data source type")
DMA_ROWS = [
    "01/02/2024 00:00:00,Base Station,2190064,56.716570,11.519047,Unknown value,,,,,Unknown,Unknown,,Undefined,,,,"
    "GPS,,Unknown,,AIS",
    "01/02/2024 00:00:01,Class A,219000873,56.990910,10.304543,Engaged in fishing,0.0,3.1,30.2,81,9627980,OXAC2,"
    "MARIA SOFIE,Fishing,,5,15,GPS,3.4,HIRTSHALS,03/02/2024 06:00:00,AIS",
    "01/02/2024 00:00:02,Class B,211551940,54.692600,8.577450,Unknown value,,0.0,269.3,,Unknown,Unknown,Unknown,"
    "Undefined,,,,Undefined,,Unknown,,AIS",
    "01/02/2024 00:00:03,AtoN,992191053,55.566500,12.780000,Unknown value,,,,,Unknown,Unknown,DROGDEN,Undefined,,,,"
    "Surveyed,,Unknown,,AIS",
    "01/02/2024 00:00:04,Class A,305484000,56.134323,11.474578,Restricted maneuverability,0.0,6.8,268.1,264,9428217,"
    "V2EN3,ICE MOON,Cargo,,24,129,GPS,6.8,AARHUS,23/02/2024 08:00:00,AIS",
    "01/02/2024 00:00:05,SAR Airborne,111219507,55.676100,12.568300,Unknown value,,145.0,90.0,,Unknown,Unknown,,"
    "Undefined,,,,GPS,,Unknown,,AIS",
    "13/02/2024 23:59:59,Class A,219015927,55.070000,10.610000,Moored,,0.0,,,Unknown,OZHX,FYNSHAV,HSC,,8,40,GPS,,"
    "Unknown,,AIS",
]


def write(path, lines: list[str], *, encoding: str = "utf-8"):
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def read(path, **options) -> tuple[AisCsvReader, list]:
    with AisCsvReader(InputFile(path), **options) as reader:
        return reader, list(reader)


def positions(seen: list) -> list:
    return [item.report for item in seen if isinstance(item, PositionSeen)]


def particulars(seen: list) -> list[ParticularsSeen]:
    return [item for item in seen if isinstance(item, ParticularsSeen)]


def of_type(seen: list, kind: type) -> list:
    return [item for item in seen if isinstance(item, kind)]


# NOAA MarineCadastre

def test_a_noaa_file_gives_each_row_a_position_with_its_origin(tmp_path):
    reader, seen = read(write(tmp_path / "AIS_2017_02_01.csv", [NOAA_HEADER, *NOAA_ROWS]))
    assert reader.kind == "noaa-csv" and reader.lines_read == 5 and reader.passed_over() == {"header": 1, "blank": 0}
    first = positions(seen)[0]
    assert (first.mmsi, first.lat, first.lon, first.sog, first.cog, first.heading, first.nav_status) == (
        367309910, 29.91279, -89.92425, 0.0, 243.6, None, "moored")
    assert first.occurred_at == parse_instant("2017-02-01T20:05:07Z")
    origin = seen[0].origin
    assert (origin.source, origin.line, origin.raw) == (str(tmp_path / "AIS_2017_02_01.csv"), 2, NOAA_ROWS[0])
    assert [p.mmsi for p in positions(seen)] == [367309910, 367309910, 366940480, 338075532]


def test_noaa_static_columns_become_particulars_with_the_imo_prefix_dropped(tmp_path):
    _, seen = read(write(tmp_path / "noaa.csv", [NOAA_HEADER, *NOAA_ROWS]))
    transit = particulars(seen)[0]
    assert transit.mmsi == 367309910 and transit.origin.line == 2
    assert transit.fields == {"name": "TRANSIT", "imo": 9627980, "callsign": "WDD9287", "ship_type": "cargo",
                              "length": 180.0, "beam": 32.0, "draught": 7.5}
    grace = particulars(seen)[1]
    assert grace.fields["ship_type"] == "towing" and "imo" not in grace.fields


def test_noaa_static_data_repeated_on_every_row_is_only_reported_when_it_changes(tmp_path):
    rows = [NOAA_ROWS[0], NOAA_ROWS[1], NOAA_ROWS[1].replace("20:06:07", "20:07:07").replace(",7.5,", ",8.2,")]
    _, seen = read(write(tmp_path / "noaa.csv", [NOAA_HEADER, *rows]))
    assert len(positions(seen)) == 3
    assert [(p.origin.line, p.fields["draught"]) for p in particulars(seen)] == [(2, 7.5), (4, 8.2)]


def test_a_row_without_static_data_gives_no_particulars(tmp_path):
    _, seen = read(write(tmp_path / "noaa.csv", [NOAA_HEADER, NOAA_ROWS[3]]))
    assert len(positions(seen)) == 1 and particulars(seen) == []


def test_the_2025_noaa_header_gives_the_same_observations_as_the_old_one(tmp_path):
    _, old = read(write(tmp_path / "old.csv", [NOAA_HEADER, *NOAA_ROWS]))
    reader, new = read(write(tmp_path / "new.csv", [NOAA_2025_HEADER, *NOAA_2025_ROWS]))
    assert reader.kind == "noaa-csv"
    assert positions(new) == positions(old)
    assert [(p.mmsi, p.occurred_at, p.fields) for p in particulars(new)] == [
        (p.mmsi, p.occurred_at, p.fields) for p in particulars(old)]


def test_spaces_after_the_commas_of_rows_are_tolerated(tmp_path):
    spaced = [row.replace(",", ", ") for row in NOAA_2025_ROWS]
    _, seen = read(write(tmp_path / "spaced.csv", [NOAA_2025_HEADER, *spaced]))
    _, plain = read(write(tmp_path / "plain.csv", [NOAA_2025_HEADER, *NOAA_2025_ROWS]))
    assert of_type(seen, Rejected) == []
    assert positions(seen) == positions(plain)
    assert [p.fields for p in particulars(seen)] == [p.fields for p in particulars(plain)]


def test_noaa_non_ships_and_unavailable_positions_are_skipped(tmp_path):
    rows = ["993692000,2017-02-01T20:05:07,29.9,-89.9,0.0,0.0,511.0,BUOY 12,,,,,,,,,",
            "367309910,2017-02-01T20:05:08,91.0,181.0,102.3,360.0,511.0,TRANSIT,IMO9627980,WDD9287,70,5,180,32,7.5,,A"]
    _, seen = read(write(tmp_path / "noaa.csv", [NOAA_HEADER, *rows]))
    assert [(type(s).__name__, getattr(s, "what", None)) for s in seen] == [
        ("Skipped", "aid to navigation"), ("Skipped", "position not available"), ("ParticularsSeen", None)]


# Danish Maritime Authority

def test_dma_times_are_read_day_first(tmp_path):
    reader, seen = read(write(tmp_path / "aisdk-2024-02-01.csv", [DMA_HEADER, *DMA_ROWS]))
    assert reader.kind == "dma-csv"
    times = {p.mmsi: p.occurred_at for p in positions(seen)}
    assert times[219000873] == parse_instant("2024-02-01T00:00:01Z")
    assert times[219015927] == parse_instant("2024-02-13T23:59:59Z")


def test_dma_status_and_ship_type_words_become_domain_names(tmp_path):
    _, seen = read(write(tmp_path / "dma.csv", [DMA_HEADER, *DMA_ROWS]))
    statuses = {p.mmsi: p.nav_status for p in positions(seen)}
    assert statuses == {219000873: "engaged in fishing", 211551940: "not defined",
                        305484000: "restricted manoeuvrability", 219015927: "moored"}
    types = {p.mmsi: p.fields.get("ship_type") for p in particulars(seen)}
    assert types == {219000873: "fishing", 305484000: "cargo", 219015927: "high-speed craft"}


def test_dma_unknown_values_are_not_available(tmp_path):
    _, seen = read(write(tmp_path / "dma.csv", [DMA_HEADER, *DMA_ROWS]))
    class_b = next(p for p in positions(seen) if p.mmsi == 211551940)
    assert (class_b.sog, class_b.cog, class_b.heading) == (0.0, 269.3, None)
    assert 211551940 not in {p.mmsi for p in particulars(seen)}  # Unknown IMO, call sign, name; Undefined type
    fynshav = next(p for p in particulars(seen) if p.mmsi == 219015927)
    assert fynshav.fields == {"name": "FYNSHAV", "callsign": "OZHX", "ship_type": "high-speed craft",
                              "length": 40.0, "beam": 8.0}


def test_dma_voyage_data_is_read_with_the_eta_day_first(tmp_path):
    _, seen = read(write(tmp_path / "dma.csv", [DMA_HEADER, *DMA_ROWS]))
    maria = next(p for p in particulars(seen) if p.mmsi == 219000873)
    assert maria.fields == {"name": "MARIA SOFIE", "imo": 9627980, "callsign": "OXAC2", "ship_type": "fishing",
                            "length": 15.0, "beam": 5.0, "draught": 3.4, "destination": "HIRTSHALS",
                            "eta": parse_instant("2024-02-03T06:00:00Z")}


def test_dma_base_stations_aids_and_aircraft_are_skipped_by_their_type_of_mobile(tmp_path):
    _, seen = read(write(tmp_path / "dma.csv", [DMA_HEADER, *DMA_ROWS]))
    assert [(s.what, s.origin.line) for s in of_type(seen, Skipped)] == [
        ("Base Station", 2), ("AtoN", 5), ("SAR Airborne", 7)]
    assert of_type(seen, Rejected) == []


def test_the_dma_variant_with_bow_stern_and_side_distances_reads_the_same(tmp_path):
    _, plain = read(write(tmp_path / "plain.csv", [DMA_HEADER, *DMA_ROWS]))
    reader, extended = read(write(tmp_path / "abcd.csv", [DMA_HEADER + ",A,B,C,D",
                                                          *(row + ",,,," for row in DMA_ROWS[:4]),
                                                          *(row + ",109,20,12,12" for row in DMA_ROWS[4:])]))
    assert reader.kind == "dma-csv"
    assert positions(extended) == positions(plain)
    assert [p.fields for p in particulars(extended)] == [p.fields for p in particulars(plain)]


def test_unmapped_status_and_type_words_are_not_available_and_do_not_stop_the_file(tmp_path):
    row = DMA_ROWS[4].replace("Restricted maneuverability", "Drifting sideways").replace(",Cargo,", ",Hovercraft,")
    _, seen = read(write(tmp_path / "dma.csv", [DMA_HEADER, row]))
    assert positions(seen)[0].nav_status is None
    assert "ship_type" not in particulars(seen)[0].fields and of_type(seen, Rejected) == []


# Other CSV files

def test_a_csv_of_another_tool_is_read_by_common_column_names(tmp_path):
    lines = ["Timestamp,MMSI,Latitude,Longitude,Speed,Course,True_Heading,ShipName,ShipType,Nav_Status,Destination",
             "2024-05-01T12:00:00Z,219000873,55.5,12.25,11.3,181.2,180,ANNA,Tanker,under way using engine,GOTEBORG",
             "2024-05-01 12:00:10.5,219000873,55.51,12.26,11.4,181.0,181,ANNA,80,0,GOTEBORG"]
    reader, seen = read(write(tmp_path / "export.csv", lines))
    assert reader.kind == "csv"
    first, second = positions(seen)
    assert (first.occurred_at, first.lat, first.lon, first.sog, first.cog, first.heading, first.nav_status) == (
        parse_instant("2024-05-01T12:00:00Z"), 55.5, 12.25, 11.3, 181.2, 180, "under way using engine")
    assert second.occurred_at == parse_instant("2024-05-01T12:00:10.5Z") and second.nav_status == first.nav_status
    assert particulars(seen)[0].fields == {"name": "ANNA", "ship_type": "tanker", "destination": "GOTEBORG"}


def test_columns_can_be_mapped_by_name(tmp_path):
    lines = ["Header A,Vessel,Y,X,Knots", "2024-05-01T12:00:00,219000873,55.5,12.25,11.3"]
    mapping = {"time": "Header A", "mmsi": "Vessel", "lat": "Y", "lon": "X", "sog": "Knots"}
    reader, seen = read(write(tmp_path / "odd.csv", lines), columns=mapping)
    report = positions(seen)[0]
    assert reader.kind == "csv" and (report.mmsi, report.lat, report.lon, report.sog) == (219000873, 55.5, 12.25, 11.3)


def test_a_mapping_overrides_a_recognised_column(tmp_path):
    lines = ["time,mmsi,lat,lon,lat_corrected", "2024-05-01T12:00:00,219000873,55.5,12.25,55.6"]
    _, seen = read(write(tmp_path / "two.csv", lines), columns={"lat": "lat_corrected"})
    assert positions(seen)[0].lat == 55.6


def test_a_mapping_naming_a_header_that_is_not_there_is_refused(tmp_path):
    path = write(tmp_path / "odd.csv", ["Header A,Vessel,Y,X", "2024-05-01T12:00:00,219000873,55.5,12.25"])
    with pytest.raises(CsvLayoutError, match="'Header B' mapped to time is not in the file.*'Header A'"):
        read(path, columns={"time": "Header B", "mmsi": "Vessel", "lat": "Y", "lon": "X"})
    with pytest.raises(ColumnMappingError, match="unknown field 'speedy'"):
        read(path, columns={"speedy": "Y"})


def test_semicolon_separated_rows_with_unix_millisecond_times(tmp_path):
    lines = ["mmsi;timestamp;lat;lon;sog", "219000873;1714564800000;55.5;12.25;11.3",
             "219000873;1714564810250;55.51;12.26;11.4"]
    _, seen = read(write(tmp_path / "semicolons.csv", lines))
    assert [p.occurred_at for p in positions(seen)] == [parse_instant("2024-05-01T12:00:00Z"),
                                                          parse_instant("2024-05-01T12:00:10.25Z")]


def test_tab_separated_rows_with_unix_second_and_day_first_times(tmp_path):
    lines = ["datetime\tmmsi\tlatitude\tlongitude", "1714564800\t219000873\t55.5\t12.25",
             "1714564800.5\t219000873\t55.5\t12.25", "01/05/2024 12:00:00\t219000873\t55.5\t12.25"]
    _, seen = read(write(tmp_path / "tabs.tsv", lines))
    assert [p.occurred_at for p in positions(seen)] == [parse_instant("2024-05-01T12:00:00Z"),
                                                          parse_instant("2024-05-01T12:00:00.5Z"),
                                                          parse_instant("2024-05-01T12:00:00Z")]


def test_comment_lines_before_the_header_are_passed_over(tmp_path):
    lines = ["# exported by the harbour office, 2024-05-01", "#", "#time,mmsi,lat,lon",
             "2024-05-01T12:00:00,219000873,55.5,12.25"]
    reader, seen = read(write(tmp_path / "commented.csv", lines))
    assert reader.lines_read == 4 and [p.origin.line for p in of_type(seen, PositionSeen)] == [4]
    assert reader.passed_over() == {"comments": 2, "header": 1, "blank": 0}


def test_an_unrecognised_layout_is_refused_listing_the_headers_and_the_missing_fields(tmp_path):
    path = write(tmp_path / "weather.csv", ["station,observed,temperature,lat", "EKCH,2024-05-01,12.5,55.6"])
    with pytest.raises(CsvLayoutError) as refused:
        AisCsvReader(InputFile(path))
    message = str(refused.value)
    assert "'station', 'observed', 'temperature', 'lat'" in message
    assert "no column found for time, mmsi, lon" in message and "--columns" in message


def test_an_empty_file_is_refused(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"\n\n")
    with pytest.raises(CsvLayoutError, match="empty"):
        AisCsvReader(InputFile(tmp_path / "empty.csv"))


# Packing, encodings and the csv module's quoting

def test_gzip_and_zip_files_read_the_same_as_the_plain_file(tmp_path):
    plain = write(tmp_path / "AIS_2017_02_01.csv", [NOAA_HEADER, *NOAA_ROWS])
    (tmp_path / "AIS_2017_02_01.csv.gz").write_bytes(gzip.compress(plain.read_bytes()))
    with zipfile.ZipFile(tmp_path / "AIS_2017_02_01.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(plain, "AIS_2017_02_01.csv")
    _, expected = read(plain)
    for packed in ("AIS_2017_02_01.csv.gz", "AIS_2017_02_01.zip"):
        reader, seen = read(tmp_path / packed)
        assert reader.kind == "noaa-csv" and reader.lines_read == 1 + len(NOAA_ROWS)
        assert [(type(s), getattr(s, "report", None), getattr(s, "fields", None), s.origin.line, s.origin.raw)
                for s in seen] == [(type(s), getattr(s, "report", None), getattr(s, "fields", None), s.origin.line,
                                    s.origin.raw) for s in expected]
    assert read(tmp_path / "AIS_2017_02_01.zip")[1][0].origin.source.endswith("AIS_2017_02_01.zip:AIS_2017_02_01.csv")


def test_blank_lines_are_skipped_and_line_numbers_stay_physical(tmp_path):
    reader, seen = read(write(tmp_path / "noaa.csv", ["", NOAA_HEADER, "", NOAA_ROWS[3], "   ", NOAA_ROWS[2], ""]))
    assert reader.lines_read == 7 and of_type(seen, Rejected) == []
    assert reader.passed_over() == {"header": 1, "blank": 4}
    assert [p.origin.line for p in of_type(seen, PositionSeen)] == [4, 6]


def test_quoted_names_may_hold_commas_quotes_and_line_breaks(tmp_path):
    rows = ['367309910,2017-02-01T20:05:07,29.9,-89.9,0.0,243.6,511.0,"SEA, BREEZE",,WDD9287,70,5,180,32,7.5,70,A',
            '366940480,2017-02-01T20:05:09,30.0,-90.1,9.8,12.5,14.0,"GRACE ""D""",,WDC6922,31,0,21,8,3.1,,A',
            '338075532,2017-02-01T20:05:11,27.7,-82.6,4.6,167.3,511.0,"TWO',
            'LINES",,,,,,,,,B',
            NOAA_ROWS[3]]
    reader, seen = read(write(tmp_path / "noaa.csv", [NOAA_HEADER, *rows]))
    assert [p.fields["name"] for p in particulars(seen)] == ["SEA, BREEZE", 'GRACE "D"', "TWO\nLINES"]
    assert [p.origin.line for p in of_type(seen, PositionSeen)] == [2, 3, 4, 6]
    assert particulars(seen)[2].origin.raw == rows[2] + "\n" + rows[3] and reader.lines_read == 6
    assert reader.passed_over() == {"header": 1, "continued": 1, "blank": 0}


def test_an_unclosed_quote_rejects_its_line_and_the_rows_after_it_are_still_read(tmp_path):
    rows = ['367309910,2017-02-01T20:05:07,29.9,-89.9,0.0,243.6,511.0,"SEA BREEZE,,WDD9287,70,5,180,32,7.5,70,A',
            NOAA_ROWS[2], NOAA_ROWS[3]]
    reader, seen = read(write(tmp_path / "noaa.csv", [NOAA_HEADER, *rows]))
    rejected = of_type(seen, Rejected)
    assert [(r.origin.line, r.origin.raw) for r in rejected] == [(2, rows[0])]
    assert "quoted field is not closed" in rejected[0].reason
    assert [p.origin.line for p in of_type(seen, PositionSeen)] == [3, 4] and reader.lines_read == 4
    assert reader.passed_over() == {"header": 1, "continued": 0, "blank": 0}


def test_text_that_is_not_utf8_is_read_as_latin1(tmp_path):
    row = NOAA_ROWS[2].replace("GRACE D", "CAFÉ DEL MAR")
    _, seen = read(write(tmp_path / "noaa.csv", [NOAA_HEADER, row], encoding="latin-1"))
    assert particulars(seen)[0].fields["name"] == "CAFÉ DEL MAR" and of_type(seen, Rejected) == []


# The real Solent recording

def test_the_solent_recording_is_read_whole(ais_samples):
    path = ais_samples / "stonesoup_SolentAIS_20160112_130211.csv"
    reader, seen = read(path)
    reports = positions(seen)
    assert reader.kind == "csv" and reader.lines_read == 18_624
    assert Counter(type(s).__name__ for s in seen) == Counter({"PositionSeen": 18_623})
    assert len({report.mmsi for report in reports}) == 91
    assert reports[0].occurred_at == parse_instant("2016-01-12T13:02:11.218Z")
    assert reports[-1].occurred_at == parse_instant("2016-01-12T14:26:41.924Z")
    assert (reports[0].mmsi, reports[0].lat, reports[0].lon, reports[0].cog, reports[0].sog) == (
        235070762, 50.7730133, -1.092935, 157.8, 5.9)
    assert reader.bytes_read == reader.total_bytes == path.stat().st_size
