"""An input file's format is told from its first lines, and opened with the reader of that format."""
from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from domain.observations import PositionSeen
from feeds.ais_csv import AisCsvReader, ColumnMappingError, CsvLayoutError
from feeds.formats import FORMATS, UnknownFormat, detect_format, open_reader
from feeds.input_files import InputFile
from feeds.nmea import NmeaFileReader

NOAA_HEADER = ("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,"
               "Draft,Cargo,TransceiverClass")
NOAA_ROW = ("367309910,2017-02-01T20:05:07,29.91279,-89.92425,0.0,243.6,511.0,TRANSIT,IMO9627980,WDD9287,70,5,180,32,"
            "7.5,70,A")
NOAA_2025_HEADER = ("mmsi,base_date_time,longitude,latitude,sog,cog,heading,vessel_name,imo,call_sign,vessel_type,"
                    "status,length,width,draft,cargo,transceiver")
DMA_HEADER = ("# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,"
              "Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,"
              "ETA,Data source type")


def test_the_formats_offered_are_auto_nmea_and_the_three_csv_layouts():
    assert FORMATS == ("auto", "nmea", "noaa-csv", "dma-csv", "csv")


@pytest.mark.parametrize("head, kind", [
    (b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\r\n!AIVDM,1,1,,B,1", "nmea"),
    (b"$GPRMC,213950.00,A,5545.123,N,03736.456,E,0.0,,070420,,,A*7B\n!AIVDM,1,1,,A,1", "nmea"),
    (b"\\s:2573238,c:1733782034*0A\\!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F\n", "nmea"),
    (b"# a receiver log\n#\n\n!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n", "nmea"),
    (b"1569890582.123 !AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n", "nmea"),
    ((NOAA_HEADER + "\n" + NOAA_ROW + "\n").encode(), "noaa-csv"),
    ((NOAA_2025_HEADER + "\n").encode(), "noaa-csv"),
    (b"\xef\xbb\xbf" + (NOAA_HEADER + "\r\n").encode(), "noaa-csv"),
    ((DMA_HEADER + ",A,B,C,D\n01/02/2024 00:00:00,Class A,219000873,56.99,10.30,Moored").encode(), "dma-csv"),
    (b"Time,MMSI,Latitude_degrees,Longitude_degrees,COG_degrees,SOG_knots\n2016-01-12 13:02:11.218,2", "csv"),
    (b"mmsi;timestamp;lat;lon\n219000873;1714564800000;55.5;12.25\n", "csv"),
    (b"Header A\tVessel\tY\tX\n", "csv"),
    (b"# exported by the harbour office, 2024-05-01\n#time,mmsi,lat,lon\n", "csv"),
])
def test_each_format_is_told_from_its_head(head, kind):
    assert detect_format(head) == kind


@pytest.mark.parametrize("head, words", [
    (b"", ["empty"]),
    (b"  \n\n", ["empty"]),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["not a text file"]),
    (b"Dear operator\nthe fleet sails at dawn\n", ["'Dear operator'", "neither NMEA", "--format"]),
])
def test_a_file_of_no_known_format_is_refused_saying_what_it_starts_with(head, words):
    with pytest.raises(UnknownFormat) as refused:
        detect_format(head)
    for word in words:
        assert word in str(refused.value)


@pytest.mark.parametrize("name, kind", [
    ("stonesoup_SolentAIS_20160112_130211.csv", "csv"),
    ("gpsd_sample.aivdm", "nmea"),
    ("gpsd_ais-nmea.log", "nmea"),
    ("kystverket_norwegian_tagblock.raw", "nmea"),
])
def test_the_real_recordings_are_told_apart(ais_samples, name, kind):
    with InputFile(ais_samples / name) as input_file:
        assert detect_format(input_file.head()) == kind


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_csv_file_is_opened_with_the_csv_reader_of_its_layout(tmp_path):
    packed = tmp_path / "AIS_2017_02_01.csv.gz"
    packed.write_bytes(gzip.compress(("\n".join([NOAA_HEADER, NOAA_ROW]) + "\n").encode()))
    with open_reader(packed) as reader:
        assert isinstance(reader, AisCsvReader) and reader.kind == "noaa-csv"
        seen = list(reader)
    assert isinstance(seen[0], PositionSeen) and seen[0].report.mmsi == 367309910


def test_the_format_given_overrides_detection(tmp_path):
    path = write(tmp_path / "AIS_2017_02_01.csv", [NOAA_HEADER, NOAA_ROW])
    with open_reader(path, format="csv") as reader:
        assert reader.kind == "csv" and len(list(reader)) == 2


def test_columns_are_handed_to_the_csv_reader(tmp_path):
    path = write(tmp_path / "odd.csv", ["Header A;Vessel;Y;X", "2024-05-01T12:00:00;219000873;55.5;12.25"])
    with open_reader(path, columns={"time": "Header A", "mmsi": "Vessel", "lat": "Y", "lon": "X"}) as reader:
        assert [seen.report.lat for seen in reader] == [55.5]


def test_an_unknown_format_name_is_refused():
    with pytest.raises(UnknownFormat, match="unknown input format 'xml'"):
        open_reader("anything.xml", format="xml")


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="counts open files through /proc")
@pytest.mark.parametrize("lines, options, error", [
    (["station,observed,temperature"], {}, CsvLayoutError),
    (["Dear operator"], {}, UnknownFormat),
    (["!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"], {"columns": {"time": "Header A"}}, ColumnMappingError),
])
def test_a_file_that_cannot_be_read_is_closed_again(tmp_path, lines, options, error):
    path = write(tmp_path / "input.txt", lines)
    before = open_files()
    with pytest.raises(error):
        open_reader(path, **options)
    assert open_files() == before


def test_an_nmea_file_is_opened_with_the_nmea_reader(ais_samples):
    reader = open_reader(ais_samples / "gpsd_ais-nmea.log")
    try:
        assert isinstance(reader, NmeaFileReader) and reader.kind == "nmea"
    finally:
        reader.close()


def test_a_damaged_line_with_a_nul_byte_near_the_top_does_not_hide_the_format(tmp_path):
    header = b"MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass"
    row = b"366000001,2017-02-01T00:00:01,50.0,-1.0,1,1,1,X,,,,,,,,,A"
    assert detect_format(b"\n".join([header, row.replace(b"X", b"\x00"), row]) + b"\n") == "noaa-csv"
    assert detect_format(b"!AIVDM\x00garbage\n\\s:2573238,c:1733782034*0A\\!BSVDM,1,1,,A,13o4g`00000I2ENRH4g83S0L088C,0*3F\n") == "nmea"


def test_a_file_that_starts_with_pages_of_blank_lines_is_refused_saying_how_to_read_it_anyway():
    with pytest.raises(UnknownFormat) as refused:
        detect_format(b"\n" * 8_192)
    assert "blank lines" in str(refused.value) and "--format" in str(refused.value)
