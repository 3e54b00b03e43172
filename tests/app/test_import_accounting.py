"""Every line an import reads lands in exactly one bucket of its summary: read == sum(lines), for every format,
on real recordings and on any mutation of them (bit flips, cuts, NULs, CR-only ends, huge lines, repeats)."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from app.ais_import import LINE_BUCKETS, ImportOptions, ImportSummary, import_files
from domain.time import parse_instant
from store import open_store
from tests.app.test_ais_import import DMA_HEADER, NOAA_HEADER, noaa_row
from tests.conftest import AIS_SAMPLES

NMEA_FILES = ("kystverket_norwegian_tagblock.raw", "gpsd_ais-nmea.log", "gpsd_sample.aivdm")
SOLENT = "stonesoup_SolentAIS_20160112_130211.csv"
DMA_ROWS = [
    "01/02/2024 00:00:00,Base Station,2190064,56.716570,11.519047,Unknown value,,,,,Unknown,Unknown,,Undefined,,,,"
    "GPS,,Unknown,,AIS",
    "01/02/2024 00:00:01,Class A,219000873,56.990910,10.304543,Engaged in fishing,0.0,3.1,30.2,81,9627980,OXAC2,"
    "MARIA SOFIE,Fishing,,5,15,GPS,3.4,HIRTSHALS,03/02/2024 06:00:00,AIS",
    "01/02/2024 00:00:02,Class B,211551940,54.692600,8.577450,Unknown value,,0.0,269.3,,Unknown,Unknown,Unknown,"
    "Undefined,,,,Undefined,,Unknown,,AIS",
    "01/02/2024 00:00:03,Class A,219000873,56.990950,10.304600,Engaged in fishing,0.0,3.2,30.0,81,9627980,OXAC2,"
    "MARIA SOFIE,Fishing,,5,15,GPS,3.4,SKAGEN,03/02/2024 06:00:00,AIS",
]


def sample_lines(name: str, limit: int) -> list[bytes]:
    if not (AIS_SAMPLES / "SOURCES.md").exists():
        pytest.skip(f"real AIS recordings not found at {AIS_SAMPLES}")
    return (AIS_SAMPLES / name).read_bytes().splitlines()[:limit]


def physical_lines(data: bytes) -> int:
    """How many lines a file holds, counted independently of the reader: every LF, CR LF or lone CR ends one."""
    lines = re.split(rb"\r\n|\r|\n", data)
    return len(lines) - (lines[-1] == b"")


def imported(data: bytes, suffix: str, options: ImportOptions) -> ImportSummary:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        with open_store("sqlite://") as store:
            first = import_files(store, [path], options, clock=lambda: parse_instant("2030-01-01T00:00:00Z"))
            again = import_files(store, [path], options, clock=lambda: parse_instant("2030-01-01T00:00:00Z"))
            assert again.appended == 0 and again.lines["stored"] == 0
            assert again.read == first.read and sum(again.lines.values()) == again.read
            # a second time, static data changes nothing (and a line with a bad field then counts as quarantined)
            used = ("already_in_log", "unchanged", "quarantined")
            assert sum(again.lines[name] for name in used) == first.lines["stored"] + sum(first.lines[name] for name in used)
    return first


def assert_every_line_is_accounted_for(summary: ImportSummary, data: bytes) -> None:
    assert set(summary.lines) <= set(LINE_BUCKETS) and min(summary.lines.values(), default=0) >= 0
    assert summary.read == physical_lines(data) == sum(summary.lines.values()), summary.to_json()
    assert summary.lines["stored"] <= summary.appended
    assert summary.lines["quarantined"] <= summary.quarantined


def mutated(lines: list[bytes], edits: list[tuple[int, int, int]], header: bytes | None = None) -> bytes:
    """``lines`` with edits applied: (kind, where, how) picks a line and a change of it; then joined, after the
    ``header`` (left as it is) if any, with the line end the last edit chose."""
    lines = list(lines)
    ending = b"\n"
    for kind, where, how in edits:
        if not lines:
            break
        index = where % len(lines)
        line = lines[index]
        if kind == 0 and line:  # a bit flipped
            at = how % len(line)
            lines[index] = line[:at] + bytes([line[at] ^ (1 << (how % 8))]) + line[at + 1:]
        elif kind == 1:  # cut short
            lines[index] = line[:how % (len(line) + 1)]
        elif kind == 2:  # a NUL inside
            at = how % (len(line) + 1)
            lines[index] = line[:at] + b"\x00" + line[at:]
        elif kind == 3:  # a huge line
            lines[index] = line + b"x" * (5_000 + how)
        elif kind == 4:  # repeated
            lines.insert(index, line)
        elif kind == 5:  # dropped
            del lines[index]
        elif kind == 6:  # a quote and a bare CR in the middle
            at = how % (len(line) + 1)
            lines[index] = line[:at] + b'"\r' + line[at:]
        elif kind == 7:  # bytes that are no text
            lines[index] = line + bytes([0x80 + how % 32, 0xFF])
        elif kind == 8:  # blank and comment lines
            lines.insert(index, [b"", b"   ", b"# a comment"][how % 3])
        elif kind == 9:  # another line end for the whole file
            ending = [b"\n", b"\r\n", b"\r"][how % 3]
    if header is not None:
        lines.insert(0, header)
    return ending.join(lines) + (ending if len(edits) % 2 else b"")


edits = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 10_000), st.integers(0, 10_000)), max_size=12)


@pytest.mark.parametrize("name", NMEA_FILES)
def test_every_line_of_a_real_nmea_recording_is_in_one_bucket(name, ais_samples):
    data = (ais_samples / name).read_bytes()
    summary = imported(data, ".nmea", ImportOptions(format="nmea", assume_start=parse_instant("2020-01-01T00:00Z"),
                                                      rate_hz=10))
    assert_every_line_is_accounted_for(summary, data)


@settings(max_examples=40)
@given(name=st.sampled_from(NMEA_FILES), start=st.integers(0, 1_000), edits=edits)
def test_every_line_of_a_mutated_nmea_recording_is_in_one_bucket(name, start, edits):
    lines = sample_lines(name, 1_200)[start:start + 150]
    data = mutated(lines, edits)
    summary = imported(data, ".nmea", ImportOptions(format="nmea", assume_start=parse_instant("2020-01-01T00:00Z"),
                                                      rate_hz=10))
    assert_every_line_is_accounted_for(summary, data)


@settings(max_examples=40)
@given(edits=edits, ships=st.integers(1, 4), seconds=st.integers(1, 30))
def test_every_line_of_a_mutated_noaa_file_is_in_one_bucket(edits, ships, seconds):
    rows = [noaa_row(366000000 + ship, second, name=f"SHIP {ship + second // 10}").encode()
            for second in range(seconds) for ship in range(1, ships + 1)]
    data = mutated(rows, edits, NOAA_HEADER.encode())
    assert_every_line_is_accounted_for(imported(data, ".csv", ImportOptions(format="noaa-csv")), data)


@settings(max_examples=40)
@given(edits=edits)
def test_every_line_of_a_mutated_dma_file_is_in_one_bucket(edits):
    data = mutated([row.encode() for row in DMA_ROWS], edits, DMA_HEADER.encode())
    assert_every_line_is_accounted_for(imported(data, ".csv", ImportOptions(format="dma-csv")), data)


@settings(max_examples=40)
@given(start=st.integers(1, 18_000), edits=edits)
def test_every_line_of_a_mutated_real_generic_csv_is_in_one_bucket(start, edits):
    lines = sample_lines(SOLENT, 18_624)
    data = mutated(lines[start:start + 120], edits, lines[0])
    assert_every_line_is_accounted_for(imported(data, ".csv", ImportOptions(format="csv")), data)


def test_a_noaa_row_with_two_bad_static_fields_is_stored_once_and_quarantines_both(tmp_path, store):
    row = noaa_row(366000001, 1).replace(",120,20,", ",9000,900,").replace("IMO9627980", "IMO12")
    path = tmp_path / "two-bad-fields.csv"
    data = f"{NOAA_HEADER}\n{row}\n{noaa_row(366000001, 2)}\n".encode()
    path.write_bytes(data)
    summary = import_files(store, [path])
    assert summary.quarantined >= 2 and summary.lines["stored"] == 2 and summary.lines["quarantined"] == 0
    assert_every_line_is_accounted_for(summary, data)
